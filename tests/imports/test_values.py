"""Cell values to stored values, per the "Value formats" table of datasets.md."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeplan.datasets.schema import DATASETS
from safeplan.imports.values import (
    EARLIEST,
    LATEST,
    Cell,
    InvalidValue,
    cell_text,
    parse_date,
    parse_datetime,
    parse_flag,
    parse_id,
    parse_int,
    parser_for,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("R1", "R1"),
        ("  R1  ", "R1"),  # surrounding spaces trimmed
        ("1234.0", "1234"),  # an Excel number saved as text
        ("1234.00", "1234"),
        (1234.0, "1234"),  # a numeric XLSX cell read as a float
        (1234, "1234"),  # a numeric XLSX cell read as an int
        ("00123", "00123"),  # leading zeros kept
        ("00123.0", "00123"),
        ("12.5", "12.5"),  # not a mangled integer: kept as written
        ("x" * 64, "x" * 64),  # the longest id allowed
    ],
)
def test_it_reads_ids(cell: Cell, expected: str) -> None:
    assert parse_id(cell) == expected


def test_it_rejects_an_id_longer_than_64_characters() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_id("x" * 65)
    assert caught.value.rule == "R-V07"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-11-05", date(2024, 11, 5)),
        ("05/11/2024", date(2024, 11, 5)),  # UK order: day first
        ("5/1/2024", date(2024, 1, 5)),  # single digits
        ("29/02/2024", date(2024, 2, 29)),  # a leap day
        (datetime(2024, 11, 5, 0, 0), date(2024, 11, 5)),  # an XLSX date cell
        (date(2024, 11, 5), date(2024, 11, 5)),
        (" 2024-11-05 ", date(2024, 11, 5)),
    ],
)
def test_it_reads_dates(cell: Cell, expected: date) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        ("31/02/2018", "R-V02"),  # not on the calendar
        ("11/13/2024", "R-V02"),  # US order is never accepted
        ("2018/02/01", "R-V02"),
        ("1 March 2024", "R-V02"),
        ("29/02/2023", "R-V02"),  # not a leap year
        (45000, "R-V02"),  # an unformatted Excel serial number
        ("1899-12-31", "R-V11"),  # too early
        ("2101-01-01", "R-V11"),  # too late
    ],
)
def test_it_rejects_what_is_not_a_date(cell: Cell, rule: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_date(cell)
    assert caught.value.rule == rule


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-07-01T23:30", datetime(2024, 7, 1, 23, 30)),
        ("2024-07-01 23:30:15", datetime(2024, 7, 1, 23, 30, 15)),
        ("01/07/2024 23:30", datetime(2024, 7, 1, 23, 30)),
        ("01/07/2024 9:05:00", datetime(2024, 7, 1, 9, 5)),
        ("2024-07-01", datetime(2024, 7, 1)),  # a bare date means 00:00
        ("01/07/2024", datetime(2024, 7, 1)),
        (datetime(2024, 7, 1, 23, 30), datetime(2024, 7, 1, 23, 30)),  # an XLSX cell
        (date(2024, 7, 1), datetime(2024, 7, 1)),
    ],
)
def test_it_reads_date_times(cell: Cell, expected: datetime) -> None:
    assert parse_datetime(cell) == expected


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        ("2024-07-01 25:00", "R-V03"),  # no 25 o'clock
        ("2024-07-01 23:61", "R-V03"),
        ("31/06/2024 10:00", "R-V03"),  # no 31 June
        ("yesterday", "R-V03"),
        ("1899-01-01 10:00", "R-V11"),
        ("1899-01-01", "R-V11"),
    ],
)
def test_it_rejects_what_is_not_a_date_time(cell: Cell, rule: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_datetime(cell)
    assert caught.value.rule == rule


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Y", True),
        ("n", False),
        ("YES", True),
        ("no", False),
        ("True", True),
        ("false", False),
        ("1", True),
        ("0", False),
        (True, True),  # an XLSX boolean cell
        (1, True),  # a numeric XLSX cell
        (0.0, False),
    ],
)
def test_it_reads_flags_in_any_case(cell: Cell, expected: bool) -> None:
    assert parse_flag(cell) is expected


@pytest.mark.parametrize("cell", ["maybe", "2", "x"])
def test_it_rejects_what_is_not_a_flag(cell: Cell) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_flag(cell)
    assert caught.value.rule == "R-V04"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("12", 12), ("12.0", 12), (" 12 ", 12), (12.0, 12), (12, 12), ("-3", -3)],
)
def test_it_reads_whole_numbers(cell: Cell, expected: int) -> None:
    assert parse_int(cell) == expected


@pytest.mark.parametrize("cell", ["12.5", "twelve", "1,200", 12.5, True])
def test_it_rejects_what_is_not_a_whole_number(cell: Cell) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_int(cell)
    assert caught.value.rule == "R-V06"


@pytest.mark.parametrize(
    ("dataset", "column", "cell", "expected"),
    [
        ("referrals", "cse_risk", "HIGH", "high"),  # codes are case-insensitive
        ("referrals", "source", "1a", "1A"),
        ("referrals", "source", 4, "4"),  # a numeric XLSX cell
        ("referrals", "source", 10.0, "10"),
        ("referrals", "source", "4.0", "4"),  # an Excel number saved as text
        ("case_audits", "lived_experience", "1.0", "outstanding"),
        ("case_audits", "voice_of_child", "2", "good"),  # grades 1–4 are aliases
        ("case_audits", "voice_of_child", 4, "inadequate"),
        ("case_audits", "voice_of_child", "Requires_Improvement", "requires_improvement"),
        ("cp_conferences", "conference_type", "Transfer_In", "transfer_in"),
        ("assessments", "factors", "11a; 16A", "11A;16A"),  # a list, split on ; or ,
        ("assessments", "factors", "11A,16A,11A", "11A;16A"),  # repeated codes once
        ("assessments", "factors", "24A", "24A"),
    ],
)
def test_it_reads_codes_to_their_canonical_spelling(
    dataset: str, column: str, cell: Cell, expected: str
) -> None:
    assert parser_for(DATASETS[dataset].column(column))(cell) == expected


@pytest.mark.parametrize(
    ("dataset", "column", "cell", "message"),
    [
        ("children", "sex", "X", "is not one of the codes for sex: M, F, U, I"),
        ("children", "ethnicity", "wbr", "did you mean `WBRI`?"),  # a typo gets a suggestion
        ("assessments", "factors", "11A;99Z", "holds 99Z"),
    ],
)
def test_it_rejects_unknown_codes_saying_which_are_allowed(
    dataset: str, column: str, cell: Cell, message: str
) -> None:
    with pytest.raises(InvalidValue) as caught:
        parser_for(DATASETS[dataset].column(column))(cell)
    assert caught.value.rule == "R-V05"
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("dataset", "column", "cell", "rule"),
    [
        ("elearning_completions", "age", "4", "R-V08"),  # below 5
        ("elearning_completions", "age", "26", "R-V08"),  # above 25
        ("challenges", "stage", "5", "R-V08"),
        ("population", "population_0_17", "0", "R-V08"),  # must be > 0
        ("population", "year", "1899", "R-V08"),
        ("population", "population_0_17", "2147483648", "R-V08"),  # past a database integer
        ("population", "population_0_17", "9" * 30, "R-V08"),
        ("population", "population_0_17", 2**70, "R-V08"),  # a number cell of a workbook
        ("population", "population_0_17", 1e300, "R-V08"),
        ("elearning_completions", "setting", "x" * 201, "R-V09"),
    ],
)
def test_it_rejects_values_out_of_range(dataset: str, column: str, cell: Cell, rule: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parser_for(DATASETS[dataset].column(column))(cell)
    assert caught.value.rule == rule


def test_it_checks_localities_against_the_configured_list_in_their_spelling() -> None:
    parse = parser_for(DATASETS["referrals"].column("locality"), localities=["North", "South"])
    assert parse("north ") == "North"
    with pytest.raises(InvalidValue) as caught:
        parse("East")
    assert caught.value.rule == "R-V10"


def test_it_accepts_any_locality_when_none_are_configured() -> None:
    assert parser_for(DATASETS["referrals"].column("locality"))("East") == "East"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, ""),
        (" a ", "a"),
        (3.0, "3"),
        (3.5, "3.5"),
        (True, "TRUE"),
        (date(2024, 1, 2), "2024-01-02"),
    ],
)
def test_it_shows_cells_as_the_user_reads_them(cell: Cell, expected: str) -> None:
    assert cell_text(cell) == expected


@given(st.dates(EARLIEST, LATEST))
def test_every_date_in_range_reads_back_from_both_spellings(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day


@given(
    st.datetimes(datetime(1900, 1, 1), datetime(2100, 12, 31, 23, 59, 59)).map(
        lambda d: d.replace(microsecond=0)
    )
)
def test_every_date_time_in_range_reads_back_from_each_spelling(moment: datetime) -> None:
    for spelling in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S"):
        assert parse_datetime(moment.strftime(spelling)) == moment
