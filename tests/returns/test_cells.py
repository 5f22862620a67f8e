"""Reading a return's values just far enough for ids: nothing is rejected here."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from safeplan.returns.cells import as_date, clean_id, code, iso_date, year_ending, yes_no
from safeplan.returns.model import Cell


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1234.0", "1234"),  # an Excel number saved as text
        (1234.0, "1234"),  # a number cell
        ("01234", "01234"),  # leading zeros kept
        (" C12 ", "C12"),
        ("12.5", "12.5"),  # not an integer: left alone
        (None, ""),
    ],
)
def test_ids_lose_excels_point_zero_and_nothing_else(cell: Cell, expected: str) -> None:
    assert clean_id(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2019-05-01", "2019-05-01"),
        ("01/05/2019", "2019-05-01"),  # UK order
        ("1/5/2019", "2019-05-01"),
        ("2019-05-01T00:00:00", "2019-05-01"),
        (datetime(2019, 5, 1, 0, 0), "2019-05-01"),
        (date(2019, 5, 1), "2019-05-01"),
        ("31/02/2019", "31/02/2019"),  # not a date: handed on for R-V02
        ("soon", "soon"),
        ("", ""),
    ],
)
def test_dates_become_iso_when_they_read_as_dates(cell: Cell, expected: str) -> None:
    assert iso_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("true", "Y"),
        ("FALSE", "N"),
        ("1", "Y"),
        ("0", "N"),
        (1.0, "Y"),
        (True, "Y"),
        ("perhaps", "perhaps"),
    ],
)
def test_yes_no_reads_every_boolean_spelling(cell: Cell, expected: str) -> None:
    assert yes_no(cell) == expected


def test_codes_are_upper_case_and_whole_numbers_lose_point_zero() -> None:
    assert (code("neg"), code(2.0), code("1.0")) == ("NEG", "2", "1")


def test_a_date_that_does_not_exist_is_none() -> None:
    assert as_date("2019-02-29") is None


@pytest.mark.parametrize(
    ("reference", "window"),
    [
        (date(2020, 3, 31), (date(2019, 4, 1), date(2020, 3, 31))),
        (date(2024, 2, 29), (date(2023, 3, 1), date(2024, 2, 29))),  # a 29 February reference
    ],
)
def test_the_year_to_a_reference_date(reference: date, window: tuple[date, date]) -> None:
    assert year_ending(reference) == window
