"""Which return a file is: detected from its content, and refused by what it looks like."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from safeplan.returns import ReturnFile, ReturnKind, detect, read_return
from tests.returns.builders import (
    COMMON,
    EPISODES,
    HEADER,
    annex_workbook,
    census,
    child,
    details,
    episode,
    ssda903_xml,
    write_table,
    xml_child,
)
from tests.returns.conftest import rules

YEAR = (date(2018, 4, 1), date(2019, 3, 31))
Write = Callable[[str, str], Path]


@pytest.fixture
def files(tmp_path: Path, write: Write) -> dict[str, Path]:
    """One file of every kind, named so that no name gives the kind away."""
    return {
        "cin": write("f1.dat", census(2019, child("C1", details("2018-06-01")))),
        "903xml": write("f2.dat", ssda903_xml(xml_child("101"))),
        "episodes": write_table(tmp_path / "f3.dat", EPISODES, [episode("101", "01/05/2018", "S")]),
        "header": write_table(tmp_path / "f4.dat", HEADER, [{"CHILD": "101", "SEX": "1"}]),
        "annex": annex_workbook(
            tmp_path / "f5.dat",
            {"L3": ([*COMMON, "Date of Referral"], [["C1", "M", "WBRI", None, 9, "01/12/2018"]])},
        ),
        "canonical": write_table(
            tmp_path / "f6.dat",
            ("referral_id", "child_id", "referral_date", "source"),
            [{"referral_id": "R1"}],
        ),
        "list-csv": write_table(tmp_path / "f7.dat", (*COMMON, "CIN Start Date"), []),
        "other-csv": write_table(tmp_path / "f8.dat", ("name", "amount"), [{"name": "a"}]),
        "other-xml": write("f9.dat", "<?xml version='1.0'?><Invoice><Line/></Invoice>"),
    }


@pytest.mark.parametrize(
    ("name", "kind", "what"),
    [
        ("cin", ReturnKind.CIN, "a CIN census"),
        ("903xml", ReturnKind.SSDA903, "an SSDA903 return (XML)"),
        ("episodes", ReturnKind.SSDA903, "an SSDA903 Episodes table"),
        ("header", ReturnKind.SSDA903, "an SSDA903 Header table"),
        ("annex", ReturnKind.ANNEX_A, "an Ofsted Annex A workbook"),
        (
            "canonical",
            None,
            "a canonical referrals file, which is imported as a dataset, not as a return",
        ),
        (
            "list-csv",
            None,
            "an Annex A List 6 (children in need) saved as CSV; give the whole workbook",
        ),
        ("other-csv", None, "a CSV file with the columns name, amount"),
        ("other-xml", None, "an XML file whose root element is <Invoice>"),
    ],
)
def test_a_file_is_told_by_its_content_not_its_name(
    files: dict[str, Path], name: str, kind: ReturnKind | None, what: str
) -> None:
    found = detect(ReturnFile.of(files[name]))
    assert (found.kind, found.what) == (kind, what)


def test_auto_reads_each_kind(files: dict[str, Path]) -> None:
    assert read_return("auto", [files["cin"]]).kind is ReturnKind.CIN
    assert read_return("auto", [files["903xml"]], covers=YEAR).kind is ReturnKind.SSDA903
    assert read_return("auto", [files["episodes"], files["header"]], covers=YEAR).accepted
    annex = read_return("auto", [files["annex"]], covers=(date(2018, 10, 1), date(2019, 3, 31)))
    assert annex.kind is ReturnKind.ANNEX_A
    assert annex.accepted, annex.problems


@pytest.mark.parametrize(
    ("kind", "name", "message"),
    [
        ("cin", "episodes", "this is an SSDA903 Episodes table, not a CIN census"),
        ("cin", "annex", "this is an Ofsted Annex A workbook, not a CIN census"),
        ("ssda903", "cin", "this is a CIN census, not an SSDA903 return"),
        ("annex_a", "header", "this is an SSDA903 Header table, not an Ofsted Annex A workbook"),
        (
            "cin",
            "canonical",
            "this is a canonical referrals file, which is imported as a dataset, not as a return, not a CIN census",
        ),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused_saying_what_it_looks_like(
    files: dict[str, Path], kind: str, name: str, message: str
) -> None:
    converted = read_return(kind, [files[name]], covers=YEAR)
    assert rules(converted) == ["R-R01"]
    assert converted.problems[0].message == message
    assert converted.problems[0].location.file == files[name].name
    assert converted.datasets == {}


def test_every_wrong_file_of_a_set_is_named(files: dict[str, Path]) -> None:
    converted = read_return(
        "ssda903", [files["header"], files["cin"], files["other-csv"]], covers=YEAR
    )
    assert rules(converted) == ["R-R01", "R-R01"]
    assert [p.location.file for p in converted.problems] == ["f1.dat", "f8.dat"]


def test_auto_refuses_files_of_different_returns(files: dict[str, Path]) -> None:
    converted = read_return("auto", [files["cin"], files["episodes"]])
    assert converted.kind is None
    assert converted.source == ""
    assert rules(converted) == ["R-R01"]
    assert (
        "f1.dat is a CIN census; f3.dat is an SSDA903 Episodes table"
        in converted.problems[0].message
    )


def test_auto_refuses_a_file_that_is_no_return(files: dict[str, Path]) -> None:
    converted = read_return("auto", [files["other-csv"]])
    assert converted.problems[0].message == (
        "this is not a statutory return: f8.dat is a CSV file with the columns name, amount"
    )


def test_a_census_is_one_file(files: dict[str, Path], write: Write) -> None:
    second = write("g.xml", census(2020, child("C2", details("2019-06-01"))))
    converted = read_return("cin", [files["cin"], second])
    assert converted.problems[0].message == "a CIN census is one file; give only one"


def test_a_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    converted = read_return("cin", [tmp_path / "nowhere.xml"])
    assert rules(converted) == ["R-R02"]


def test_no_file_at_all_is_a_problem() -> None:
    assert rules(read_return("auto", [])) == ["R-R01"]


def test_a_refused_return_still_reports_what_each_measure_would_need(
    files: dict[str, Path],
) -> None:
    converted = read_return("cin", [files["episodes"]])
    assert len(converted.feeds) == 12
    assert not any(feed.feeds for feed in converted.feeds)
