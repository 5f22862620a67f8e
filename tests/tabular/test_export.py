"""CSV and XLSX written for a hostile reader, and our own CSV read back exactly."""

from __future__ import annotations

import csv
import doctest
import io

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeplan.tabular import export
from safeplan.tabular.export import csv_bytes, neutralise, restore, write_csv, xlsx_bytes

FORMULAS = [
    '=HYPERLINK("https://evil.example","Open")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
]


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(export).failed == 0


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_gets_a_quote_before_it(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        -5,  # a number is data, never a formula
        -1.5,
        "-1.5",  # and so is text that is exactly a number
        "+44",
        "-1e-05",
        "-inf",
        "2019-04-01",  # ordinary text is untouched
        "Police",
        "",
        None,
    ],
)
def test_numbers_and_ordinary_text_are_left_alone(value: object) -> None:
    assert neutralise(value) == value


@pytest.mark.parametrize(
    "text",
    [
        "'quoted",  # a title that really starts with a quote keeps it
        "''",
        "'",
        "'=1+2",  # a quote and then a formula: both are kept
        *FORMULAS,
        "-5",
        "plain",
    ],
)
def test_restore_gives_back_exactly_what_neutralise_was_given(text: str) -> None:
    assert restore(neutralise(text)) == text


@given(st.text())
def test_restore_undoes_neutralise_for_any_text(text: str) -> None:
    assert restore(neutralise(text)) == text


@given(st.text())
def test_no_neutralised_text_starts_like_a_formula_unless_it_is_a_number(text: str) -> None:
    cell = neutralise(text)
    assert not cell.startswith(export.TRIGGERS) or export._NUMBER.fullmatch(cell)


def test_a_csv_download_is_utf8_with_a_bom_and_every_cell_neutralised() -> None:
    data = csv_bytes(["title", "n"], [[FORMULAS[0], -3], ["ok", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["title", "n"], ["'" + FORMULAS[0], "-3"], ["ok", ""]]


def test_a_header_is_neutralised_like_any_row() -> None:
    out = io.StringIO()
    write_csv(out, ["=bad"], [], lineterminator="\n")
    assert out.getvalue() == "'=bad\n"


def test_an_xlsx_cell_is_a_string_never_a_formula_and_keeps_its_text() -> None:
    data = xlsx_bytes("actions", ["title", "n"], [[f, -i] for i, f in enumerate(FORMULAS)])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2))
    # XML reads a carriage return in text as a line feed (XML 1.0, 2.11)
    assert [(r[0].value, r[0].data_type, r[0].quotePrefix) for r in rows] == [
        (f.replace("\r", "\n"), "s", True) for f in FORMULAS
    ]
    assert [(r[1].value, r[1].data_type) for r in rows] == [(-i, "n") for i in range(len(FORMULAS))]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("#N/A", "#N/A"),  # an error code stays text
        ("-5", "-5"),  # text that looks like a number stays text
        ("line\x0bbreak", "line\ufffdbreak"),  # XML cannot hold a vertical tab
    ],
)
def test_other_text_is_written_as_a_string_too(text: str, shown: str) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes("s", ["t"], [[text]]))).active
    assert sheet is not None
    assert (sheet["A2"].value, sheet["A2"].data_type, sheet["A2"].quotePrefix) == (
        shown,
        "s",
        False,
    )
