"""Open a return's files behind the same guards: size first, then a reader that cannot be tricked.

XML goes through `safe_xml`; CSV tables through the standard `csv` module as
UTF-8 (an optional BOM); an XLSX workbook through `open_workbook`, the single
call point where the upload guard (zip-bomb and size checks, shared with the
canonical importer) plugs in. Every failure becomes a `Refused` problem with a
rule id, never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl

from safeplan.returns.model import Cell, Limits, Location, Refused, ReturnFile, ReturnProblem

#: Opens an XLSX file read-only and returns the openpyxl workbook; may raise anything.
XlsxOpener = Callable[[Path], Any]

_ZIP = b"PK\x03\x04"
_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def refuse(file: ReturnFile, rule: str, message: str, place: str = "") -> Refused:
    """A whole-file refusal, to raise."""
    return Refused(ReturnProblem(Location(file.name, place), None, None, rule, message))


def check_size(file: ReturnFile, limits: Limits) -> None:
    """Refuse a missing (R-R02), empty (R-R05) or oversized (R-R03) file before reading it."""
    try:
        size = file.path.stat().st_size
    except OSError:
        raise refuse(file, "R-R02", "the file does not exist or cannot be read") from None
    if size > limits.max_bytes:
        raise refuse(
            file,
            "R-R03",
            f"the file is {size:,} bytes; returns are limited to {limits.max_bytes:,} bytes",
        )
    if size == 0:
        raise refuse(file, "R-R05", "the file is empty")


def sniff(file: ReturnFile) -> str:
    """``"xlsx"``, ``"xml"`` or ``"text"`` from the file's first bytes, whatever its name says."""
    with file.path.open("rb") as raw:
        start = raw.read(512)
    if start.startswith(_ZIP):
        return "xlsx"
    if start.startswith(codecs.BOM_UTF8):
        start = start[len(codecs.BOM_UTF8) :]
    return "xml" if start.lstrip().startswith(b"<") else "text"


# --- CSV --------------------------------------------------------------------------


@dataclass(frozen=True)
class TextTable:
    """A CSV table read whole: its header cells and its non-blank rows with their numbers."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def read_csv(file: ReturnFile, *, limits: Limits) -> TextTable:
    """Read a CSV table as UTF-8 text; refuses R-R02 (encoding, syntax), R-R03, R-R05."""
    check_size(file, limits)
    with file.path.open("rb") as raw:
        if raw.read(2) in _UTF16:
            raise refuse(
                file, "R-R02", "the file is UTF-16 text; save it as CSV UTF-8 and give it again"
            )
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        with file.path.open("r", encoding="utf-8-sig", newline="") as handle:
            for number, cells in enumerate(csv.reader(handle, strict=True), start=1):
                _check_row(file, number, cells, len(rows), limits)
                if any(cell.strip() for cell in cells):
                    rows.append((number, tuple(cell.strip() for cell in cells)))
    except UnicodeDecodeError:
        after = rows[-1][0] if rows else 0
        raise refuse(
            file, "R-R02", f"the file is not UTF-8 text (after row {after}); save it as CSV UTF-8"
        ) from None
    except csv.Error as exc:
        raise refuse(file, "R-R02", f"the file cannot be read as CSV ({exc})") from None
    if not rows:
        raise refuse(file, "R-R05", "the file holds no header row")
    return TextTable(header=rows[0][1], rows=tuple(rows[1:]))


def _check_row(file: ReturnFile, number: int, cells: list[str], read: int, limits: Limits) -> None:
    if read > limits.max_rows:
        raise refuse(file, "R-R03", f"the table has more than {limits.max_rows:,} rows")
    if any("\x00" in cell for cell in cells):
        raise refuse(file, "R-R02", f"row {number} holds a NUL byte; the file is not CSV text")


# --- XLSX --------------------------------------------------------------------------


class OpenWorkbook:
    """A read-only workbook and the file it streams from; `close` closes both."""

    def __init__(self, handle: BinaryIO, book: Any) -> None:
        self._handle = handle
        self._book = book

    @property
    def worksheets(self) -> list[Any]:
        return list(self._book.worksheets)

    def close(self) -> None:
        self._book.close()
        self._handle.close()


def open_workbook(path: Path) -> OpenWorkbook:
    """The one door through which returns open an XLSX file (read-only, cached values).

    The canonical importer's upload guard (zip-bomb and size checks) is meant
    to replace this default, either here or by being passed as ``open_xlsx``
    to `safeplan.returns.read_return`; until then it is openpyxl's read-only
    mode after the size check `check_size` makes. The file is handed over
    open, so that a workbook is recognised by its content whatever its name.
    """
    handle = path.open("rb")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they do not matter here.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except BaseException:
        handle.close()
        raise
    return OpenWorkbook(handle, book)


def load_workbook(file: ReturnFile, *, limits: Limits, open_xlsx: XlsxOpener) -> Any:
    """Size check, then the opener; any failure is R-R02 naming the opener's own reason."""
    check_size(file, limits)
    try:
        return open_xlsx(file.path)
    except Refused:
        raise
    except Exception as exc:  # openpyxl and the guard raise many types for a bad workbook
        raise refuse(file, "R-R02", f"the file is not a readable XLSX workbook ({exc})") from None


def sheet_rows(
    file: ReturnFile, sheet: Any, *, limits: Limits
) -> Iterator[tuple[int, tuple[Cell, ...]]]:
    """A sheet's non-blank rows with the row numbers the user sees; R-R02/R-R03 on failure."""
    number = 0
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > limits.max_rows:
                raise refuse(
                    file, "R-R03", f"the sheet has more than {limits.max_rows:,} rows", sheet.title
                )
            if any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
                yield number, tuple(cells)
    except Refused:
        raise
    except Exception as exc:  # a damaged sheet fails part-way with openpyxl's own types
        raise refuse(
            file, "R-R02", f"the sheet cannot be read after row {number} ({exc})", sheet.title
        ) from None
