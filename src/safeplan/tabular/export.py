"""CSV and XLSX written for a hostile reader: no cell the system writes is ever a formula.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and some do so after trimming a leading tab or carriage return; an
action titled ``=HYPERLINK("https://evil.example","Open")`` would otherwise run
on the machine of whoever opens the export (OWASP, "CSV Injection"). So:

- in CSV, such text is prefixed with ``'``, which Excel and LibreOffice read as
  "this cell is text" and do not show; text that already starts with ``'`` is
  prefixed too, so that `restore` can tell our prefix from the writer's own;
- in XLSX, text is always written as a string cell, never a formula, and such
  text is marked with Excel's "quote prefix" style: it shows as written and
  stays text when edited, so the value itself is not changed.

Numbers stay numbers: a number (and text that is exactly a number, such as
``-1.5``) cannot be a formula, and prefixing it would spoil the data.

>>> neutralise("=1+2"), neutralise("-1.5"), neutralise(-2), neutralise("'quoted")
("'=1+2", '-1.5', -2, "''quoted")
>>> restore("'=1+2"), restore("''quoted"), restore("'not ours")
('=1+2', "'quoted", "'not ours")
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = (*TRIGGERS, "'")
_NUMBER = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)", re.IGNORECASE
)


def _dangerous(text: str) -> bool:
    return text.startswith(TRIGGERS) and _NUMBER.fullmatch(text) is None


def neutralise(value: Any) -> Any:
    """The value as a CSV cell may hold it: text a spreadsheet would run gets ``'`` before it.

    Anything but text is returned as it is (numbers, dates, None).
    """
    if not isinstance(value, str):
        return value
    if _dangerous(value) or value.startswith("'"):
        return "'" + value
    return value


def restore(text: str) -> str:
    """The text `neutralise` was given, from a CSV cell it wrote; other text unchanged.

    Only a ``'`` followed by a character `neutralise` escapes is taken away,
    which is also what a spreadsheet does when it opens such a CSV file.
    """
    if len(text) > 1 and text[0] == "'" and text[1] in _ESCAPED:
        return text[1:]
    return text


def csv_rows(rows: Iterable[Sequence[Any]]) -> Iterable[list[Any]]:
    """Each row with every cell neutralised; ``None`` becomes an empty cell."""
    for row in rows:
        yield ["" if cell is None else neutralise(cell) for cell in row]


def write_csv(
    stream: TextIO,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    lineterminator: str = "\r\n",
) -> None:
    """Write a header and rows as CSV to `stream`, every cell through `neutralise`."""
    writer = csv.writer(stream, lineterminator=lineterminator)
    writer.writerow(next(iter(csv_rows([header]))))
    writer.writerows(csv_rows(rows))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV download: UTF-8 with a byte-order mark, so that Excel reads it as UTF-8."""
    text = io.StringIO()
    write_csv(text, header, rows)
    return text.getvalue().encode("utf-8-sig")


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell  # here: the command line starts without openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    # XML cannot hold most control characters; openpyxl would refuse the whole file.
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl makes "=…" a formula and "#N/A" an error otherwise
    if _dangerous(text):
        cell.quotePrefix = True
    return cell


def xlsx_bytes(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A workbook of one sheet: text as string cells (never formulas), numbers as numbers."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append([_xlsx_cell(sheet, name) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
