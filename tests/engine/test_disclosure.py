"""Disclosure control, case by case: the primary rule, the secondary cells chosen, the relations used."""

import doctest
import random

import pytest

import safeplan.engine.disclosure as disclosure_package
from safeplan.engine.catalogue import CATALOGUE, Kind, Unit
from safeplan.engine.disclosure import (
    RULE_TEXT,
    SUPPRESSED,
    Cell,
    Figures,
    Rule,
    Time,
    apply_disclosure,
    disclose,
    disclose_rows,
    measure_shape,
    rows_disclosure,
)
from safeplan.engine.disclosure import shapes as shapes_module
from safeplan.engine.disclosure import table as table_module
from tests.engine.disclosure_attack import Attack, knowledge, read, truth_of, undetermined

Q1, APR, MAY, JUN = "2019-20 Q1", "2019-04", "2019-05", "2019-06"


def row(measure, period, group, value=None, numerator=None, denominator=None, breakdown=None):
    """One row as `safeplan results` prints it; a group names a locality unless `breakdown` says."""
    breakdown = breakdown or ("all" if group == "" else "locality")
    text = lambda x: "" if x is None else str(x)  # noqa: E731
    return {
        "measure": measure,
        "period": period,
        "breakdown": breakdown,
        "group": group,
        "value": "" if value is None else repr(float(value)),
        "numerator": text(numerator),
        "denominator": text(denominator),
        "status": "ok",
    }


def counts(measure, period, total, **groups):
    """M9 / M12 rows: the whole area and its localities."""
    return [row(measure, period, "", total)] + [
        row(measure, period, g, v) for g, v in groups.items()
    ]


def percents(measure, period, total, **groups):
    """Percentage rows from (numerator, denominator) pairs."""

    def one(group, pair):
        num, den = pair
        return row(measure, period, group, 100 * num / den if den else None, num, den)

    return [one("", total)] + [one(g, pair) for g, pair in groups.items()]


def rules_of(rows, figure="value"):
    decided = rows_disclosure(rows)
    return {
        (r["period"], r["group"]): decided.rule(
            Cell(r["measure"], figure, r["period"], r["breakdown"], r["group"])
        ).value
        for r in rows
    }


def assert_nothing_recoverable(rows):
    published = disclose_rows(rows)
    findings = undetermined(rows, published)
    assert findings, "the table has nothing suppressed"
    for finding in findings:
        assert finding.low < finding.high, finding


# --- the primary rule ---------------------------------------------------------------


def test_counts_of_one_to_five_are_suppressed_and_zero_and_six_are_shown():
    rows = [row("M12", month, "", v) for month, v in ((APR, 0), (MAY, 1), (JUN, 5), ("2019-07", 6))]
    assert list(rules_of(rows).values()) == ["shown", "primary", "primary", "shown"]
    assert [r["value"] for r in disclose_rows(rows)] == ["0.0", "c", "c", "6.0"]


def test_a_percentage_with_a_small_numerator_hides_the_numerator_and_the_percentage():
    rows = percents("M3", APR, (33, 80), East=(3, 40), West=(30, 40))
    published = {r["group"]: r for r in disclose_rows(rows)}
    assert published["East"]["numerator"] == published["East"]["value"] == SUPPRESSED
    assert published["East"]["denominator"] == "40"
    # West's numerator would give East's away (33 − 30): it is the secondary cell.
    assert published["West"]["numerator"] == published["West"]["value"] == SUPPRESSED
    assert rules_of(rows)[(APR, "East")] == "primary"
    assert rules_of(rows)[(APR, "West")] == "secondary"
    assert_nothing_recoverable(rows)


def test_a_small_denominator_hides_the_percentage_but_shows_a_zero_numerator():
    rows = percents("M7", APR, (20, 44), East=(0, 4), West=(20, 40))
    published = {r["group"]: r for r in disclose_rows(rows)}
    assert published["East"]["numerator"] == "0"
    assert published["East"]["denominator"] == published["East"]["value"] == SUPPRESSED
    assert rules_of(rows)[(APR, "East")] == "primary"
    assert_nothing_recoverable(rows)


def test_a_mean_over_one_to_five_cases_hides_its_sum_of_days_too():
    rows = [
        row("M10", APR, "", 1450 / 23, 1450, 23),
        row("M10", APR, "East", 150.0, 450, 3),
        row("M10", APR, "North", 40.0, 400, 10),
        row("M10", APR, "West", 60.0, 600, 10),
    ]
    published = {r["group"]: r for r in disclose_rows(rows)}
    assert {published["East"][f] for f in ("value", "numerator", "denominator")} == {SUPPRESSED}
    assert rules_of(rows, "numerator")[(APR, "East")] == "primary"
    # North has the smaller sum of days, and ties on cases with West: North comes first.
    assert published["North"]["numerator"] == published["North"]["denominator"] == SUPPRESSED
    assert published["West"]["value"] == "60.0"
    assert_nothing_recoverable(rows)


# --- secondary suppression ----------------------------------------------------------


def test_a_lone_small_locality_is_joined_by_the_smallest_other_locality():
    rows = counts("M12", Q1, 40, East=3, North=12, South=7, West=18)
    assert rules_of(rows) == {
        (Q1, ""): "shown",
        (Q1, "East"): "primary",
        (Q1, "North"): "shown",
        (Q1, "South"): "secondary",
        (Q1, "West"): "shown",
    }
    assert_nothing_recoverable(rows)


def test_zeros_are_never_chosen_to_protect_a_cell():
    rows = counts("M12", Q1, 40, East=3, North=0, South=9, West=28)
    assert rules_of(rows)[(Q1, "North")] == "shown"
    assert rules_of(rows)[(Q1, "South")] == "secondary"


def test_equal_candidates_are_taken_in_group_order():
    rows = counts("M12", Q1, 21, East=3, North=9, South=9)
    assert rules_of(rows)[(Q1, "North")] == "secondary"
    assert rules_of(rows)[(Q1, "South")] == "shown"


def test_a_quarter_with_one_small_month_hides_the_next_smallest_month():
    rows = [row("M12", p, "", v) for p, v in ((Q1, 40), (APR, 4), (MAY, 20), (JUN, 16))]
    assert rules_of(rows) == {
        (Q1, ""): "shown",
        (APR, ""): "primary",
        (MAY, ""): "shown",
        (JUN, ""): "secondary",
    }
    assert_nothing_recoverable(rows)


def test_two_small_localities_next_to_a_shown_total_get_a_third_cell():
    # 1 + 1 = 2 would be known (a c is never 0, since zeros are shown).
    rows = counts("M12", Q1, 28, East=1, North=1, South=6, West=20)
    assert rules_of(rows)[(Q1, "South")] == "secondary"
    assert_nothing_recoverable(rows)


def test_a_month_by_locality_table_protects_each_cell_in_both_directions():
    grid = {
        APR: {"East": 2, "North": 14, "West": 9},
        MAY: {"East": 8, "North": 1, "West": 12},
        JUN: {"East": 10, "North": 11, "West": 30},
    }
    quarter = {g: sum(grid[m][g] for m in grid) for g in ("East", "North", "West")}
    rows = counts("M12", Q1, sum(quarter.values()), **quarter)
    for month, groups in grid.items():
        rows += counts("M12", month, sum(groups.values()), **groups)
    published = disclose_rows(rows)
    hidden = {(r["period"], r["group"]) for r in published if r["value"] == SUPPRESSED}
    for month in grid:  # each month with a c has at least two
        assert len({g for p, g in hidden if p == month}) != 1
    for group in ("East", "North", "West"):  # and each locality across the quarter
        assert len({p for p, g in hidden if g == group}) != 1
    assert_nothing_recoverable(rows)


def test_a_cell_the_one_unknown_rule_misses_is_found_by_the_exact_check():
    # Challenges by month, locality and agency. After the one-unknown rule every
    # equation has two unknowns, yet: April = East (c) + West 23, so April ≥ 24;
    # May = its two localities (c, each at least 1, as zeros are shown), so
    # May ≥ 2; and the quarter's 61 less June's 35 leaves April + May = 26. So
    # April is 24 and May 2. The exact check finds that and hides April's West.
    fine = {
        (APR, "East", "Health"): 1, (APR, "East", "Police"): 0,
        (APR, "West", "Health"): 9, (APR, "West", "Police"): 14,
        (MAY, "East", "Health"): 0, (MAY, "East", "Police"): 1,
        (MAY, "West", "Health"): 1, (MAY, "West", "Police"): 0,
        (JUN, "East", "Health"): 0, (JUN, "East", "Police"): 20,
        (JUN, "West", "Health"): 14, (JUN, "West", "Police"): 1,
    }  # fmt: skip
    rows = []
    for period in (Q1, APR, MAY, JUN):

        def total(match, period=period):
            return sum(v for k, v in fine.items() if period in (Q1, k[0]) and match(k))

        rows.append(row("M12", period, "", total(lambda k: True)))
        for loc in ("East", "West"):
            rows.append(row("M12", period, loc, total(lambda k, loc=loc: k[1] == loc)))
        for agency in ("Health", "Police"):
            value = total(lambda k, agency=agency: k[2] == agency)
            rows.append(row("M12", period, agency, value, breakdown="agency"))
    assert rules_of(rows)[(APR, "West")] == "secondary"
    assert_nothing_recoverable(rows)


# --- what is additive and what is not -------------------------------------------------


def test_children_counted_once_are_not_added_across_months():
    # The same figures as M12's quarter above: learners are counted once in the
    # quarter however many months they completed in, so no month is the rest.
    rows = [row("M9", p, "", v) for p, v in ((Q1, 40), (APR, 4), (MAY, 20), (JUN, 16))]
    assert list(rules_of(rows).values()) == ["shown", "primary", "shown", "shown"]
    assert_nothing_recoverable(rows)


def test_a_snapshot_quarter_is_its_last_month_and_keeps_its_rule():
    rows = []
    for period, east in ((Q1, 4), (APR, 9), (MAY, 12), (JUN, 4)):
        rows.append(row("M4", period, "", 30 + east, 30 + east, 60 + east))
        rows.append(row("M4", period, "East", east, east, 20 + east))
        rows.append(row("M4", period, "West", 30, 30, 40))
    rules = rules_of(rows)
    assert rules[(Q1, "East")] == rules[(JUN, "East")] == "primary"
    assert rules[(Q1, "West")] == rules[(JUN, "West")] == "secondary"  # 30, smaller than 34
    assert rules[(Q1, "")] == "shown"
    assert rules[(APR, "East")] == "shown"  # a snapshot's months do not add up to anything
    assert_nothing_recoverable(rows)


def test_m5_and_m1_share_their_denominator_so_one_rule_covers_both():
    rows = []
    for measure, east_num in (("M1", 2), ("M5", 3)):
        rows += [
            row(measure, APR, "", 12 + east_num, 12 + east_num, 50),
            row(measure, APR, "East", east_num, east_num, 4),
            row(measure, APR, "West", 12, 12, 46),
        ]
    rows += [
        row("M1", APR, g, n, n, d, breakdown="risk_level")
        for g, n, d in (("high", 6, 6), ("low", 0, 30), ("medium", 8, 8), ("none", 0, 6))
    ]
    decided = rows_disclosure(rows)
    for measure in ("M1", "M5"):
        for group in ("East", "West"):
            cell = Cell(measure, "denominator", APR, "locality", group)
            assert decided.suppressed(cell), cell
    assert_nothing_recoverable(rows)


def test_m1_risk_levels_counted_whole_hide_numerator_and_denominator_together():
    levels = {"high": 3, "low": 20, "medium": 9, "none": 14}
    counted = ("medium", "high")
    rows = [row("M1", APR, "", 12, 12, 46)]
    rows += [
        row("M1", APR, g, *(2 * [d if g in counted else 0]), d, breakdown="risk_level")
        for g, d in levels.items()
    ]
    decided = rows_disclosure(rows)
    for group in counted:
        numerator = Cell("M1", "numerator", APR, "risk_level", group)
        denominator = Cell("M1", "denominator", APR, "risk_level", group)
        assert decided.suppressed(numerator)
        assert decided.suppressed(denominator)
    assert_nothing_recoverable(rows)


def test_m1_uses_the_plans_risk_levels():
    rows = [row("M1", APR, "", 3, 3, 20)] + [
        row("M1", APR, g, n, n, d, breakdown="risk_level")
        for g, n, d in (("high", 3, 3), ("low", 0, 8), ("medium", 0, 9))
    ]
    with pytest.raises(ValueError, match="medium counts all its own"):
        rows_disclosure(rows)
    decided = rows_disclosure(rows, parameters={"M1": {"risk_levels": ["high"]}})
    assert decided.suppressed(Cell("M1", "numerator", APR, "all", ""))


def test_a_quarter_published_with_two_of_its_months_treats_the_third_as_unknown():
    rows = [row("M12", p, "", v) for p, v in ((Q1, 40), (APR, 4), (MAY, 20))]
    assert list(rules_of(rows).values()) == ["shown", "primary", "shown"]
    assert_nothing_recoverable(rows)


def test_a_year_with_its_quarters_and_months_is_protected_at_every_level():
    months = [f"2019-{m:02d}" for m in range(4, 13)] + [f"2020-{m:02d}" for m in range(1, 4)]
    values = [12, 3, 15, 22, 18, 9, 11, 30, 2, 17, 16, 25]
    rows = [row("M12", m, "", v) for m, v in zip(months, values, strict=True)]
    for q in range(4):
        rows.append(row("M12", f"2019-20 Q{q + 1}", "", sum(values[3 * q : 3 * q + 3])))
    rows.append(row("M12", "2019-20", "", sum(values)))
    assert_nothing_recoverable(rows)


# --- what a reader is assumed to know -----------------------------------------------------


def test_without_secondary_suppression_the_reader_works_the_cell_out():
    rows = counts("M12", Q1, 40, East=3, North=12, South=7, West=18)
    primary_only = [dict(r, value=SUPPRESSED) if r["group"] == "East" else r for r in rows]
    (finding,) = undetermined(rows, primary_only)
    assert finding.low == finding.high == 3


def test_the_reader_refuses_a_percentage_shown_beside_a_suppressed_numerator():
    rows = percents("M3", APR, (33, 80), East=(3, 40), West=(30, 40))
    leaky = [dict(r, numerator=SUPPRESSED) if r["group"] == "East" else r for r in rows]
    with pytest.raises(AssertionError):
        read(leaky)


def test_marking_which_c_is_primary_would_give_cells_away_so_rows_only_say_c():
    # Five stages of 1 make a total of 5: all c. A reader told that every one
    # is a count of 1–5 solves them (five cells of at least 1 inside 5); told
    # only "c", with zeros shown, they cannot.
    rows = [row("M12", Q1, "", 5)] + [
        row("M12", Q1, s, 1, breakdown="stage") for s in ("1", "2", "3", "4", "Unknown")
    ]
    published = disclose_rows(rows)
    assert all(r["value"] == SUPPRESSED for r in published)
    reader = read(published)
    marked = dict.fromkeys(reader.unknown, "primary")
    pinned = Attack(reader, *knowledge(reader, marked), truth_of(rows)).run(truth_of(rows))
    assert all(f.low == f.high for f in pinned)
    assert all(f.low < f.high for f in undetermined(rows, published))


# --- determinism and refusals -----------------------------------------------------------


def test_the_decision_is_the_same_whatever_the_order_of_the_rows():
    rows = counts("M12", Q1, 60, East=3, North=12, South=7, West=18, Unknown=20)
    rows += [row("M12", p, "", v) for p, v in ((APR, 4), (MAY, 30), (JUN, 26))]
    first = rows_disclosure(rows)
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    again = rows_disclosure(shuffled)
    assert first == again
    assert list(first.rules) == list(again.rules)


def test_a_table_missing_a_group_is_refused_rather_than_trusted():
    rows = counts("M12", Q1, 40, East=3, North=12, South=7, West=15)  # Unknown (3) left out
    with pytest.raises(ValueError, match="locality groups add up to the whole area"):
        rows_disclosure(rows)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        # the same result twice
        (counts("M12", Q1, 4) * 2, "in the table twice"),
        # a date range is not a published period
        ([row("M12", "2019-04-01:2019-04-15", "", 4)], "not date ranges"),
        # a count that is not whole
        ([row("M12", Q1, "", 4.5)], "not a whole number"),
        # a negative count
        ([row("M12", Q1, "", -1)], "not a whole number"),
        ([row("M13", Q1, "", 4)], "unknown measure 'M13'"),
        # the whole area with a group, and a locality without one
        ([row("M12", Q1, "East", 4, breakdown="all")], "only it has an empty group"),
        ([row("M12", Q1, "", 4, breakdown="locality")], "only it has an empty group"),
        # a count measure whose value is not its numerator
        ([row("M1", Q1, "", 4, 5, 20)], "not its numerator"),
        # M12 has no numerator to publish
        ([row("M12", Q1, "", 4, 4)], "M12 has no numerator"),
        # a percentage without the denominator it is made of
        ([row("M3", Q1, "", 50.0, 4)], "the figures it is made of"),
        # M5's denominator is M1's, and they disagree
        (
            [row("M1", Q1, "", 4, 4, 20), row("M5", Q1, "", 2, 2, 21)],
            "the same figure, is 20",
        ),
    ],
)
def test_a_table_the_rule_cannot_be_applied_to_is_refused_with_the_reason(rows, message):
    with pytest.raises(ValueError, match=message):
        rows_disclosure(rows)


# --- rows as results print them --------------------------------------------------------------


def test_rows_keep_their_order_and_other_columns_and_only_suppressed_figures_change():
    rows = percents("M3", APR, (33, 80), East=(3, 40), West=(30, 40))
    rows = [dict(r, unit="percent") for r in rows]
    published = disclose_rows(rows)
    assert [r["group"] for r in published] == ["", "East", "West"]
    assert published[0] == rows[0]
    assert published[1] == dict(rows[1], value="c", numerator="c")
    assert all(r["unit"] == "percent" for r in published)


def test_rows_may_carry_numbers_as_the_json_output_does():
    rows = [
        {"measure": "M12", "period": Q1, "breakdown": "all", "group": None, "value": 40.0,
         "numerator": None, "denominator": None, "status": "ok"},
        {"measure": "M12", "period": Q1, "breakdown": "locality", "group": "East", "value": 3,
         "numerator": None, "denominator": None, "status": "ok"},
        {"measure": "M12", "period": Q1, "breakdown": "locality", "group": "West", "value": 37,
         "numerator": None, "denominator": None, "status": "ok"},
    ]  # fmt: skip
    assert [r["value"] for r in disclose_rows(rows)] == [40.0, "c", "c"]


def test_a_period_without_data_passes_through_and_counts_as_unknown():
    rows = counts("M12", APR, 4) + counts("M12", MAY, 20)
    no_data = dict(counts("M12", JUN, 0)[0], value="", status="no data")
    rows += [no_data, row("M12", Q1, "", 40)]
    published = disclose_rows(rows)
    assert published[2] == no_data
    assert [r["value"] for r in published] == ["c", "20.0", "", "40.0"]


def test_the_pack_can_apply_one_decision_and_count_its_rules():
    rows = counts("M12", Q1, 40, East=3, North=12, South=7, West=18)
    decided = rows_disclosure(rows)
    assert apply_disclosure(rows, decided) == disclose_rows(rows)
    assert decided.counts() == {Rule.SHOWN: 3, Rule.PRIMARY: 1, Rule.SECONDARY: 1}
    assert "1 to 5" in RULE_TEXT


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"value": "three"}, "row 2: column value: 'three' is not a number"),
        ({"value": "nan"}, "row 2: column value: 'nan' is not a finite number"),
        ({"value": True}, "row 2: column value: True is not a number"),
    ],
)
def test_a_row_with_a_bad_figure_is_refused_naming_row_and_column(bad, message):
    rows = counts("M12", Q1, 40, East=40)
    rows[1].update(bad)
    with pytest.raises(ValueError, match=message):
        rows_disclosure(rows)


def test_a_row_without_a_column_is_refused_naming_it():
    rows = counts("M12", Q1, 40)
    del rows[0]["denominator"]
    with pytest.raises(ValueError, match="row 1: no column denominator"):
        rows_disclosure(rows)


def test_figures_can_be_given_directly():
    decided = disclose([Figures("M9", Q1, "all", "", 4.0, None, None)])
    assert decided.rule(Cell("M9", "value", Q1, "all", "")) is Rule.PRIMARY


# --- the shapes against the catalogue ------------------------------------------------------


def test_every_measure_has_a_shape_that_agrees_with_its_catalogue_entry():
    for measure, spec in CATALOGUE.items():
        shape = measure_shape(measure)
        times = {q.time for q in shape.quantities}
        assert (spec.kind is Kind.SNAPSHOT) == (times == {Time.SNAPSHOT}), measure
        if spec.kind is Kind.FLOW:
            counted_once = spec.counts_children and times <= {Time.UNITS, Time.REPEAT_UNITS}
            assert counted_once or times == {Time.EVENTS}, measure
        ratio = spec.unit in (Unit.PERCENT, Unit.MEAN_DAYS)
        assert (shape.value == "ratio") == ratio, measure


def test_a_shape_for_an_unknown_measure_is_refused():
    with pytest.raises(ValueError, match="unknown measure"):
        measure_shape("M99")


@pytest.mark.parametrize(
    "module", [disclosure_package, shapes_module, table_module], ids=lambda m: m.__name__
)
def test_the_docstring_examples_hold(module):
    assert doctest.testmod(module, raise_on_error=False).failed == 0
