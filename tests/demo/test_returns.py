"""The synthetic county written as returns reads back as the county's own canonical records.

Each return is read by its adapter (censuses and SSDA903 years in order, each
later load replacing records by id as the importer will), and the records are
compared with the generator's canonical files on the fields the returns
carry, keyed by child and date (the returns' ids are derived, the files' are
not). The records compared are those a return can hold: dated or open from
1 April 2015, the start of the first return year.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from safeplan.demo.generator import DemoManifest, generate
from safeplan.demo.returns import ANNEX_A_WINDOW, DemoReturns, write_returns
from safeplan.returns import ConvertedReturn, RememberedPeriods, read_return

FIRST_DAY = "2015-04-01"
Key = tuple[str, ...]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoManifest, DemoReturns]:
    folder = tmp_path_factory.mktemp("county")
    manifest = generate(seed=5, scale=0.03, out_dir=folder)
    return manifest, write_returns(manifest, folder / "returns")


def canonical(manifest: DemoManifest, dataset: str) -> list[dict[str, str]]:
    with manifest.path(dataset).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def loaded(returns: Iterable[ConvertedReturn]) -> dict[str, dict[str, dict[str, object]]]:
    """Every dataset's records after loading the returns in order (a later one updates by id)."""
    store: dict[str, dict[str, dict[str, object]]] = {}
    for converted in returns:
        assert converted.accepted, converted.problems[:5]
        for name, dataset in converted.datasets.items():
            for row in dataset.rows:
                values = dict(row.values)
                store.setdefault(name, {})[str(next(iter(values.values())))] = values
    return store


def keyed(records: Iterable[dict[str, object]], key: Key, fields: Key) -> dict[Key, Key]:
    return {
        tuple(str(r[k] or "") for k in key): tuple(str(r[f] or "") for f in fields) for r in records
    }


def open_from(record: dict[str, str], start: str, end: str) -> bool:
    return not record[end] or record[end] >= FIRST_DAY or record[start] >= FIRST_DAY


@pytest.fixture(scope="module")
def cin(county: tuple[DemoManifest, DemoReturns]) -> dict[str, dict[str, dict[str, object]]]:
    _, returns = county
    return loaded(read_return("cin", list(r.paths)) for r in returns.of("cin"))


def test_it_writes_five_censuses_five_ssda903_years_and_an_annex_a(
    county: tuple[DemoManifest, DemoReturns],
) -> None:
    _, returns = county
    assert [r.kind for r in returns.returns] == ["cin"] * 5 + ["ssda903"] * 5 + ["annex_a"]
    assert returns.of("ssda903")[0].covers == (date(2015, 4, 1), date(2016, 3, 31))
    assert returns.of("annex_a")[0].covers == ANNEX_A_WINDOW
    for demo_return in returns.returns:
        assert read_return("auto", list(demo_return.paths), covers=demo_return.covers).accepted


@pytest.mark.parametrize(
    ("dataset", "key", "fields", "start", "end"),
    [
        (
            "cases",
            ("child_id", "start_date"),
            ("end_date", "primary_need"),
            "start_date",
            "end_date",
        ),
        (
            "assessments",
            ("child_id", "start_date"),
            ("authorised_date", "factors"),
            "start_date",
            "authorised_date",
        ),
        (
            "cp_plans",
            ("child_id", "start_date"),
            ("end_date", "initial_category", "latest_category"),
            "start_date",
            "end_date",
        ),
    ],
)
def test_the_censuses_give_the_countys_social_care_records(
    county: tuple[DemoManifest, DemoReturns],
    cin: dict[str, dict[str, dict[str, object]]],
    dataset: str,
    key: Key,
    fields: Key,
    start: str,
    end: str,
) -> None:
    manifest, _ = county
    expected = [r for r in canonical(manifest, dataset) if open_from(r, start, end)]
    assert len(expected) > 20
    assert keyed(cin[dataset].values(), key, fields) == keyed(expected, key, fields)  # type: ignore[arg-type]


def test_the_censuses_give_every_referral_whose_case_was_open(
    county: tuple[DemoManifest, DemoReturns], cin: dict[str, dict[str, dict[str, object]]]
) -> None:
    manifest, _ = county
    cases = canonical(manifest, "cases")
    shown = {
        (c["child_id"], c["start_date"]) for c in cases if open_from(c, "start_date", "end_date")
    }
    expected = [
        r for r in canonical(manifest, "referrals") if (r["child_id"], r["referral_date"]) in shown
    ]
    key, fields = ("child_id", "referral_date"), ("source", "nfa")
    assert keyed(cin["referrals"].values(), key, fields) == keyed(expected, key, fields)  # type: ignore[arg-type]


def test_the_censuses_give_every_initial_and_review_conference_but_transfers_in(
    county: tuple[DemoManifest, DemoReturns], cin: dict[str, dict[str, dict[str, object]]]
) -> None:
    manifest, _ = county
    expected = [
        r
        for r in canonical(manifest, "cp_conferences")
        if r["conference_type"] != "transfer_in" and r["conference_date"] >= FIRST_DAY
    ]
    key = ("child_id", "conference_date", "conference_type")
    assert set(keyed(cin["cp_conferences"].values(), key, ())) == set(keyed(expected, key, ()))  # type: ignore[arg-type]


def test_the_censuses_link_each_assessment_to_its_referral(
    cin: dict[str, dict[str, dict[str, object]]],
) -> None:
    referrals = cin["referrals"]
    assert all(a["referral_id"] in referrals for a in cin["assessments"].values())


def test_the_censuses_give_the_childrens_characteristics(
    county: tuple[DemoManifest, DemoReturns], cin: dict[str, dict[str, dict[str, object]]]
) -> None:
    manifest, _ = county
    children = {r["child_id"]: r for r in canonical(manifest, "children")}
    fields = ("sex", "ethnicity", "disability")
    for child_id, read in cin["children"].items():
        assert tuple(read[f] or "" for f in fields) == tuple(children[child_id][f] for f in fields)
        if children[child_id]["date_of_birth"] and read["date_of_birth"]:
            assert read["date_of_birth"] == children[child_id]["date_of_birth"]


def ssda903(returns: DemoReturns) -> dict[str, dict[str, dict[str, object]]]:
    """The SSDA903 years loaded in order, each finding the periods the earlier ones stored."""
    remembered = RememberedPeriods()
    converted_years = []
    for demo_return in returns.of("ssda903"):
        converted = read_return(
            "ssda903",
            list(demo_return.paths),
            covers=demo_return.covers,
            previous_period=remembered,
        )
        remembered.remember(converted)
        converted_years.append(converted)
    return loaded(converted_years)


def test_the_ssda903_years_give_the_periods_of_care_across_episodes_and_years(
    county: tuple[DemoManifest, DemoReturns],
) -> None:
    manifest, returns = county
    read = ssda903(returns)
    expected = [
        r for r in canonical(manifest, "care_periods") if open_from(r, "start_date", "end_date")
    ]
    key, fields = ("child_id", "start_date"), ("end_date",)
    assert len(expected) > 10
    assert keyed(read["care_periods"].values(), key, fields) == keyed(expected, key, fields)  # type: ignore[arg-type]


def test_the_ssda903_years_give_the_missing_episodes_from_care(
    county: tuple[DemoManifest, DemoReturns],
) -> None:
    manifest, returns = county
    read = ssda903(returns)["missing_episodes"].values()
    expected = [
        {**r, "missing_start": r["missing_start"][:10], "missing_end": r["missing_end"][:10]}
        for r in canonical(manifest, "missing_episodes")
        if r["looked_after"] == "Y"
    ]
    fields = ("child_id", "missing_start", "missing_end", "episode_type")
    assert len(expected) > 5
    # Two episodes may share child, start and end: compare as lists, not by key.
    assert sorted(tuple(str(r[f] or "") for f in fields) for r in read) == sorted(
        tuple(r[f] for f in fields) for r in expected
    )


@pytest.mark.parametrize(
    ("dataset", "key", "fields", "start", "end"),
    [
        ("referrals", ("child_id", "referral_date"), ("source", "nfa"), "referral_date", None),
        (
            "assessments",
            ("child_id", "start_date"),
            ("authorised_date",),
            "start_date",
            "authorised_date",
        ),
        (
            "cases",
            ("child_id", "start_date"),
            ("end_date", "primary_need"),
            "start_date",
            "end_date",
        ),
        (
            "cp_plans",
            ("child_id", "start_date"),
            ("end_date", "initial_category", "latest_category"),
            "start_date",
            "end_date",
        ),
        ("care_periods", ("child_id", "start_date"), ("end_date",), "start_date", "end_date"),
    ],
)
def test_the_annex_a_gives_the_records_of_its_six_months(
    county: tuple[DemoManifest, DemoReturns],
    dataset: str,
    key: Key,
    fields: Key,
    start: str,
    end: str | None,
) -> None:
    manifest, returns = county
    [annex] = returns.of("annex_a")
    read = read_return("annex_a", list(annex.paths), covers=annex.covers)
    first, last = (d.isoformat() for d in ANNEX_A_WINDOW)

    def in_window(r: dict[str, str]) -> bool:
        own = first <= r[start] <= last
        return own or (end is not None and r[start] < first and (not r[end] or r[end] >= first))

    expected = [r for r in canonical(manifest, dataset) if in_window(r)]
    assert len(expected) > 3
    assert keyed(loaded([read])[dataset].values(), key, fields) == keyed(expected, key, fields)  # type: ignore[arg-type]


def test_the_same_seed_writes_the_same_returns(tmp_path: Path) -> None:
    manifest = generate(seed=3, scale=0.01, out_dir=tmp_path / "county")
    first = write_returns(manifest, tmp_path / "a")
    second = write_returns(manifest, tmp_path / "b")
    for a, b in zip(first.returns, second.returns, strict=True):
        for path_a, path_b in zip(a.paths, b.paths, strict=True):
            if path_a.suffix != ".xlsx":  # a workbook records when it was saved
                assert path_a.read_bytes() == path_b.read_bytes(), path_a
