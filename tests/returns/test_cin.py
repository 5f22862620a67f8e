"""The CIN census adapter: every year's shape, stable ids, coverage and its refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from safeplan.returns import Limits, read_return
from tests.returns.builders import assessment, census, child, details, plan, section47
from tests.returns.conftest import rows, rules

Write = Callable[[str, str], Path]


def a_full_child(la_id: str = "C123") -> str:
    return child(
        la_id,
        details(
            "2019-05-01",
            source="3A",
            need="N1",
            closure="2020-02-01",
            nfa="false",
            parts=[
                assessment("2019-05-03", authorised="2019-06-10", factors=["16A", "4B"]),
                section47("2019-05-20", icpc="2019-06-01"),
            ],
            plans=[
                plan(
                    "2019-06-01",
                    end="2020-01-15",
                    initial="NEG",
                    latest="EMO",
                    reviews=["2019-09-01", "2020-01-10"],
                )
            ],
        ),
        birth="2012-07-19",
        gender="2",
        ethnicity="WIRI",
        disabilities=["NONE", "HAND"],
    )


def test_a_census_becomes_the_six_datasets_with_the_stable_ids_of_the_spec(write: Write) -> None:
    converted = read_return("cin", [write("cin.xml", census(2020, a_full_child()))])
    assert converted.accepted, converted.problems
    assert converted.source == "cin"
    assert list(converted.datasets) == [
        "children", "referrals", "assessments", "cases", "cp_plans", "cp_conferences",
    ]  # fmt: skip
    assert rows(converted, "children") == {
        "C123": {
            "child_id": "C123", "date_of_birth": "2012-07-19", "expected_date_of_birth": None,
            "sex": "F", "ethnicity": "WIRI", "disability": "Y", "locality": None,
        }
    }  # fmt: skip
    assert rows(converted, "referrals")["C123:2019-05-01"] == {
        "referral_id": "C123:2019-05-01", "child_id": "C123", "referral_date": "2019-05-01",
        "source": "3A", "cse_risk": None, "nfa": "N", "locality": None,
    }  # fmt: skip
    assert rows(converted, "cases")["C123:2019-05-01"]["end_date"] == "2020-02-01"
    assert rows(converted, "cases")["C123:2019-05-01"]["primary_need"] == "N1"
    assert rows(converted, "assessments") == {
        "C123:2019-05-01:A:2019-05-03": {
            "assessment_id": "C123:2019-05-01:A:2019-05-03", "child_id": "C123",
            "referral_id": "C123:2019-05-01", "start_date": "2019-05-03",
            "authorised_date": "2019-06-10", "factors": "16A;4B",
        }
    }  # fmt: skip
    assert rows(converted, "cp_plans")["C123:2019-06-01"]["latest_category"] == "EMO"
    conferences = rows(converted, "cp_conferences")
    assert {k: v["conference_type"] for k, v in conferences.items()} == {
        "C123:ICPC:2019-06-01": "initial",
        "C123:2019-06-01:R:2019-09-01": "review",
        "C123:2019-06-01:R:2020-01-10": "review",
    }
    assert all(v["participation"] is None for v in conferences.values())


def test_the_window_is_the_year_to_the_reference_date(write: Write) -> None:
    converted = read_return("cin", [write("cin.xml", census(2020, a_full_child()))])
    assert converted.covers == (date(2019, 4, 1), date(2020, 3, 31))
    assert converted.datasets["referrals"].covers == converted.covers
    assert converted.datasets["children"].covers is None


def test_fields_the_census_lacks_are_not_carried(write: Write) -> None:
    converted = read_return("cin", [write("cin.xml", census(2020, a_full_child()))])
    assert "cse_risk" not in converted.datasets["referrals"].carried
    assert "locality" not in converted.datasets["cases"].carried
    assert {"participation", "views_shared", "unborn"}.isdisjoint(
        converted.datasets["cp_conferences"].carried
    )
    assert "factors" in converted.datasets["assessments"].carried


@pytest.mark.parametrize(
    ("year", "factors"),
    [
        (2017, ["18A", "19A"]),  # before 2021: physical and sexual abuse undivided
        (2021, ["18B", "18C", "19B", "19C"]),  # 2021 split them by who harms the child
        (2022, ["24A"]),  # criminal exploitation from 2022
        (2024, ["24A", "21"]),
    ],
)
def test_every_years_factor_codes_are_read(write: Write, year: int, factors: list[str]) -> None:
    text = census(
        year,
        child(
            "C1",
            details(f"{year - 1}-06-01", parts=[assessment(f"{year - 1}-06-02", factors=factors)]),
        ),
    )
    converted = read_return("cin", [write("cin.xml", text)])
    assert converted.accepted
    [row] = rows(converted, "assessments").values()
    assert row["factors"] == ";".join(factors)
    assert converted.notes == ()


def test_factors_written_directly_under_assessments_are_read_too(write: Write) -> None:
    text = census(
        2019,
        child(
            "C1",
            details("2018-06-01", parts=[assessment("2018-06-02", factors=["16A"], nested=False)]),
        ),
    )
    [row] = rows(read_return("cin", [write("cin.xml", text)]), "assessments").values()
    assert row["factors"] == "16A"


def test_a_code_outside_its_census_year_is_read_and_noted(write: Write) -> None:
    text = census(
        2019,
        child(
            "C1",
            details(
                "2018-06-01", source="5D", parts=[assessment("2018-06-02", factors=["24A", "18B"])]
            ),
        ),
    )
    converted = read_return("cin", [write("cin.xml", text)])
    assert converted.accepted
    assert rows(converted, "referrals")["C1:2018-06-01"]["source"] == "5D"
    notes = " ".join(converted.notes)
    assert "code 5D (used from the 2023 census) appears in this 2019 census" in notes
    assert "24A" in notes
    assert "18B" in notes
    assert "Child[1]/CINdetails[1]" in notes


@pytest.mark.parametrize(
    ("gender", "sex", "expected"),
    [
        ("1", None, "M"),  # GenderCurrent 1 male
        ("2", None, "F"),
        ("0", None, "U"),  # not recorded or unborn
        ("9", None, "I"),  # indeterminate
        (None, "F", "F"),  # the 2025 census: Sex instead of GenderCurrent
        ("1", "F", "F"),  # Sex beside GenderCurrent: Sex, the newer item, wins
        (None, "u", "U"),
        ("1.0", None, "M"),  # an integer written as 1.0
    ],
)
def test_sex_comes_from_sex_or_gender_current(
    write: Write, gender: str | None, sex: str | None, expected: str
) -> None:
    text = census(2025, child("C1", details("2024-06-01"), gender=gender, sex=sex))
    assert rows(read_return("cin", [write("cin.xml", text)]), "children")["C1"]["sex"] == expected


@pytest.mark.parametrize(
    ("disabilities", "expected"),
    [(["NONE"], "N"), (["AUT"], "Y"), (["NONE", "MOB"], "Y"), (None, None)],
)
def test_any_disability_but_none_is_yes_and_no_element_is_unknown(
    write: Write, disabilities: list[str] | None, expected: str | None
) -> None:
    text = census(2020, child("C1", details("2019-06-01"), disabilities=disabilities))
    assert (
        rows(read_return("cin", [write("cin.xml", text)]), "children")["C1"]["disability"]
        == expected
    )


@pytest.mark.parametrize(
    ("written", "flag"), [("true", "Y"), ("false", "N"), ("1", "Y"), ("0", "N"), ("TRUE", "Y")]
)
def test_booleans_are_zero_one_or_true_false(write: Write, written: str, flag: str) -> None:
    text = census(2020, child("C1", details("2019-06-01", nfa=written)))
    assert (
        rows(read_return("cin", [write("cin.xml", text)]), "referrals")["C1:2019-06-01"]["nfa"]
        == flag
    )


def test_an_initial_conference_in_cindetails_and_in_section47_is_one_conference(
    write: Write,
) -> None:
    text = census(
        2020,
        child(
            "C1",
            details(
                "2019-06-01",
                initial_cpc="2019-07-01",
                parts=[section47("2019-06-20", icpc="2019-07-01")],
            ),
            details("2019-10-01", initial_cpc="2019-11-01"),
        ),
    )
    converted = read_return("cin", [write("cin.xml", text)])
    assert converted.accepted
    assert sorted(rows(converted, "cp_conferences")) == ["C1:ICPC:2019-07-01", "C1:ICPC:2019-11-01"]
    assert any("listed twice was read once" in n for n in converted.notes)


def test_the_next_years_census_repeats_open_episodes_under_the_same_ids(write: Write) -> None:
    open_then = child(
        "C1", details("2019-11-01", parts=[assessment("2019-11-03")], plans=[plan("2020-01-10")])
    )
    closed_later = child(
        "C1",
        details(
            "2019-11-01",
            closure="2020-09-30",
            parts=[assessment("2019-11-03", authorised="2020-04-20", factors=["16A"])],
            plans=[plan("2020-01-10", end="2020-09-01", reviews=["2020-04-10"])],
        ),
    )
    first = read_return("cin", [write("2020.xml", census(2020, open_then))])
    second = read_return("cin", [write("2021.xml", census(2021, closed_later))])
    for dataset in ("referrals", "cases", "assessments", "cp_plans"):
        assert set(rows(first, dataset)) == set(rows(second, dataset)), dataset
    assert rows(second, "cases")["C1:2019-11-01"]["end_date"] == "2020-09-30"
    assert rows(second, "assessments")["C1:2019-11-01:A:2019-11-03"]["factors"] == "16A"


def test_the_same_child_twice_is_a_problem_naming_both(write: Write) -> None:
    text = census(2020, child("C1", details("2019-06-01")), child("C1", details("2019-08-01")))
    converted = read_return("cin", [write("cin.xml", text)])
    assert rules(converted) == ["R-R08"]
    assert "Child[1]" in converted.problems[0].message
    assert converted.problems[0].location.place == "Message/Children/Child[2]"


def test_two_plans_of_a_child_starting_the_same_day_are_a_problem(write: Write) -> None:
    text = census(
        2020,
        child(
            "C1",
            details("2019-06-01", plans=[plan("2019-07-01"), plan("2019-07-01", initial="PHY")]),
        ),
    )
    converted = read_return("cin", [write("cin.xml", text)])
    assert rules(converted) == ["R-R08"]
    assert "ChildProtectionPlans[1]" in converted.problems[0].message
    assert converted.problems[0].location.place.endswith("ChildProtectionPlans[2]")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (census(2020, child(None, details("2019-06-01"))), "LAchildID"),
        (census(2020, child("C1", details(None))), "CINreferralDate"),
        (census(2020, child("C1", details("2019-06-01", plans=[plan(None)]))), "CPPstartDate"),
    ],
)
def test_a_record_without_its_identifying_value_is_a_problem(
    write: Write, text: str, field: str
) -> None:
    converted = read_return("cin", [write("cin.xml", text)])
    assert rules(converted) == ["R-R07"]
    assert converted.problems[0].field == field


def test_an_excel_mangled_child_id_loses_its_point_zero(write: Write) -> None:
    converted = read_return(
        "cin", [write("cin.xml", census(2020, child("1234.0", details("2019-06-01"))))]
    )
    assert set(rows(converted, "referrals")) == {"1234:2019-06-01"}


def test_a_namespaced_census_is_read_by_its_element_names(write: Write) -> None:
    text = census(2020, a_full_child(), namespace="http://www.dfe.gov.uk/CIN")
    converted = read_return("cin", [write("cin.xml", text)])
    assert converted.accepted
    assert len(rows(converted, "cp_conferences")) == 3


def test_an_unreadable_date_is_handed_on_for_the_canonical_rule_at_its_place(write: Write) -> None:
    converted = read_return(
        "cin", [write("cin.xml", census(2020, child("C1", details("2019-02-30"))))]
    )
    [row] = converted.datasets["referrals"].rows
    assert row.values["referral_date"] == "2019-02-30"
    assert row.location.field("referral_date") == "CINreferralDate"
    assert str(row.location) == "cin.xml: Message/Children/Child[1]/CINdetails[1] (child C1)"


# --- coverage ------------------------------------------------------------------------


def test_a_census_without_header_needs_covers(write: Write) -> None:
    path = write("cin.xml", census(None, a_full_child()))
    refused = read_return("cin", [path])
    assert rules(refused) == ["R-R04"]
    assert "--covers" in refused.problems[0].message
    window = (date(2019, 4, 1), date(2020, 3, 31))
    assert read_return("cin", [path], covers=window).covers == window


def test_covers_may_not_contradict_the_census(write: Write) -> None:
    path = write("cin.xml", census(2020, a_full_child()))
    assert read_return("cin", [path], covers=(date(2019, 4, 1), date(2020, 3, 31))).accepted
    refused = read_return("cin", [path], covers=(date(2019, 1, 1), date(2019, 12, 31)))
    assert rules(refused) == ["R-R04"]
    assert "2019-04-01 to 2020-03-31" in refused.problems[0].message


def test_a_year_without_reference_date_ends_on_31_march(write: Write) -> None:
    text = census(2018, a_full_child()).replace("<ReferenceDate>2018-03-31</ReferenceDate>", "")
    assert read_return("cin", [write("cin.xml", text)]).covers == (
        date(2017, 4, 1),
        date(2018, 3, 31),
    )


# --- refusals -------------------------------------------------------------------------


def test_a_census_without_children_is_refused(write: Write) -> None:
    converted = read_return("cin", [write("cin.xml", census(2020))])
    assert rules(converted) == ["R-R05"]
    assert converted.datasets == {}


def test_another_dfe_collection_is_refused_by_its_name(write: Write) -> None:
    converted = read_return(
        "cin", [write("x.xml", census(2022, a_full_child(), collection="CSWW"))]
    )
    assert rules(converted) == ["R-R01"]
    assert "“CSWW” collection" in converted.problems[0].message


def test_a_file_that_is_not_well_formed_names_the_line(write: Write) -> None:
    converted = read_return("cin", [write("cin.xml", census(2020, a_full_child())[:-20])])
    assert rules(converted) == ["R-R02"]
    assert "not well-formed XML (line 1" in converted.problems[0].message


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&b;</LAchildID></ChildIdentifiers></Child></Children></Message>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID></ChildIdentifiers></Child></Children></Message>"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entities_and_dtds_are_refused_for_safety(write: Write, text: str) -> None:
    converted = read_return("cin", [write("cin.xml", text)])
    assert rules(converted) == ["R-R02"]
    assert "DTD or entities" in converted.problems[0].message


def test_a_census_over_the_element_limit_stops_early(write: Write) -> None:
    path = write("cin.xml", census(2020, *(a_full_child(f"C{n}") for n in range(50))))
    converted = read_return("cin", [path], limits=Limits(max_elements=200))
    assert rules(converted) == ["R-R03"]
    assert "more than 200 XML elements" in converted.problems[0].message


def test_a_census_over_the_size_limit_is_refused_before_it_is_read(write: Write) -> None:
    path = write("cin.xml", census(2020, a_full_child()))
    converted = read_return("cin", [path], limits=Limits(max_bytes=100))
    assert rules(converted) == ["R-R03"]
    assert "limited to 100 bytes" in converted.problems[0].message


def test_an_empty_file_is_refused(write: Write) -> None:
    converted = read_return("cin", [write("cin.xml", "")])
    assert rules(converted) == ["R-R05"]
    assert converted.problems[0].message == "the file is empty"
