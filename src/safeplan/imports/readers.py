"""Stream the rows of a CSV file or of one XLSX sheet, one at a time.

Neither reader holds the file in memory: CSV goes through the standard `csv`
module, line by line with a bound on each line, XLSX through openpyxl's
read-only mode once `safeplan.tabular.xlsx` has inspected its zip archive.
Wholly blank rows are skipped (spreadsheets often end in a few); row numbers
are the ones the user sees in their spreadsheet, the header being the first
non-blank row. A file past the deployment's limits (`file_limits`) is refused
with R-F06, R-F07 or R-F08 as soon as the limit is reached.

    with open_table(Path("referrals.csv")) as table:
        for row_number, cells in table.rows:
            ...
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from django.conf import settings

from safeplan.imports.values import Cell
from safeplan.tabular.errors import ReadError
from safeplan.tabular.limits import FileLimits
from safeplan.tabular.text import bounded_lines, csv_failure
from safeplan.tabular.xlsx import open_workbook, workbook_failure

__all__ = ["ReadError", "Table", "choose_sheet", "estimate_rows", "file_sha256", "open_table"]

SUFFIXES = (".csv", ".xlsx")
Row = tuple[int, Sequence[Cell]]


def file_limits() -> FileLimits:
    """This deployment's limits: rows a file from ``SAFEPLAN_MAX_IMPORT_ROWS``, the rest fixed."""
    return FileLimits(max_rows=settings.MAX_IMPORT_ROWS)


@dataclass
class Table:
    """An open file: its header cells and an iterator over its data rows."""

    sheet: str
    header_row: int
    header: Sequence[Cell]
    rows: Iterator[Row]


def _too_many_rows(limit: int) -> ReadError:
    return ReadError(
        "R-F07",
        f"the file has more than {limit:,} rows below its first row; at most {limit:,} rows "
        "are imported from one file, so split it (by year, for example) and import each part",
    )


def _too_wide(number: int, cells: int, limit: int) -> ReadError:
    return ReadError(
        "R-F08",
        f"row {number} has {cells:,} cells; a row holds at most {limit:,} "
        "(clear the columns beyond the data, formatting included)",
        row=number,
    )


def _non_blank(rows: Iterable[Sequence[Cell]], limits: FileLimits) -> Iterator[Row]:
    last_row, width = limits.max_rows + 1, limits.max_cells_per_row
    for number, cells in enumerate(rows, start=1):
        if number > last_row:
            raise _too_many_rows(limits.max_rows)
        if len(cells) > width:
            raise _too_wide(number, len(cells), width)
        for cell in cells:  # a plain loop: this runs for every row of every file
            if cell is not None and (not isinstance(cell, str) or cell.strip()):
                yield number, cells
                break


def _header(rows: Iterator[Row], empty_message: str, sheet: str = "") -> tuple[int, Sequence[Cell]]:
    try:
        return next(rows)
    except StopIteration:
        raise ReadError("R-F01", empty_message, sheet=sheet) from None


# --- CSV ---------------------------------------------------------------------

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _check_not_utf16(path: Path) -> None:
    with path.open("rb") as raw:
        start = raw.read(2)
    if start in _UTF16_BOMS:
        raise ReadError(
            "R-F02",
            "the file is UTF-16 text; save it as “CSV UTF-8 (Comma delimited)” and import again",
        )


def _guarded_csv(rows: Iterator[Row]) -> Iterator[Row]:
    """Turn decoding and CSV syntax errors into `ReadError` with the row reached."""
    last = 0
    try:
        for row in rows:
            if "\x00" in "".join(row[1]):  # type: ignore[arg-type]  # CSV cells are text
                raise ReadError(
                    "R-F02",
                    f"the file holds a NUL byte in row {row[0]}; it is not a CSV text file "
                    "(is it UTF-16 text, or a workbook saved under a .csv name?)",
                    row=row[0],
                )
            last = row[0]
            yield row
    except UnicodeDecodeError as exc:
        raise ReadError(
            "R-F02",
            f"the file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} after row {last}); "
            "save it as “CSV UTF-8 (Comma delimited)” and import again",
            row=last + 1,
        ) from None
    except csv.Error as exc:
        raise csv_failure(exc, last) from None


@contextmanager
def _open_csv(path: Path, limits: FileLimits) -> Iterator[Table]:
    _check_not_utf16(path)
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        lines = bounded_lines(handle, max_chars=limits.max_line_chars)
        rows = _guarded_csv(_non_blank(csv.reader(lines, strict=True), limits))
        header_row, header = _header(
            rows, "the file is empty; the first row must hold the column names"
        )
        yield Table(sheet="", header_row=header_row, header=header, rows=rows)


# --- XLSX --------------------------------------------------------------------


def choose_sheet(names: Sequence[str], wanted: str | None, dataset: str) -> str:
    """The sheet asked for; otherwise a sheet named like the dataset, else the first one."""
    if not names:
        raise ReadError("R-F01", "the workbook has no sheets")
    by_lower = {name.strip().lower(): name for name in names}
    if wanted is not None:
        if wanted.strip().lower() in by_lower:
            return by_lower[wanted.strip().lower()]
        close = get_close_matches(wanted, names, n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        raise ReadError(
            "R-F03",
            f"the workbook has no sheet “{wanted}”; {hint}its sheets are {', '.join(names)}",
        )
    return by_lower.get(dataset.lower(), names[0])


def _guarded_xlsx(rows: Iterator[Row]) -> Iterator[Row]:
    last = 0
    try:
        for row in rows:
            last = row[0]
            yield row
    except ReadError:
        raise
    except Exception as exc:  # a damaged sheet fails part-way, with openpyxl's own types
        failure = workbook_failure(exc, f"while reading the sheet after row {last}")
        failure.row = last + 1
        raise failure from None


def _worksheet(workbook: Any, name: str) -> Any:
    worksheet = workbook[name]
    if not hasattr(worksheet, "iter_rows"):
        raise ReadError("R-F03", f"the sheet “{name}” is a chart, not a table of rows")
    # Read each row as far as its last cell, not as far as the sheet's stated size,
    # which may be wrong (openpyxl would silently cut rows short) or absurdly large.
    worksheet.reset_dimensions()
    return worksheet


@contextmanager
def _open_xlsx(path: Path, sheet: str | None, dataset: str, limits: FileLimits) -> Iterator[Table]:
    with open_workbook(path, limits) as workbook:
        name = choose_sheet(workbook.sheetnames, sheet, dataset)
        worksheet = _worksheet(workbook, name)
        rows = _guarded_xlsx(_non_blank(worksheet.iter_rows(values_only=True), limits))
        header_row, header = _header(
            rows, f"the sheet “{name}” is empty; its first row must hold the column names", name
        )
        yield Table(sheet=name, header_row=header_row, header=header, rows=rows)


@contextmanager
def open_table(
    path: Path,
    *,
    sheet: str | None = None,
    dataset: str = "",
    name: str | None = None,
    limits: FileLimits | None = None,
) -> Iterator[Table]:
    """Open a `.csv` or `.xlsx` file for streaming; raises `ReadError` for R-F01..R-F04, R-F06..R-F08.

    The type follows `name` (the file name the user gave, e.g. of an upload
    stored under a temporary path) when given, else the path's own suffix.
    `limits` default to this deployment's (`file_limits`).
    """
    limits = limits or file_limits()
    given = Path(name).suffix if name else path.suffix
    suffix = given.lower()
    if suffix not in SUFFIXES:
        raise ReadError(
            "R-F04",
            f"the file is a “{given or 'no extension'}” file; import a .csv or .xlsx file",
        )
    if not path.is_file():
        raise ReadError("R-F02", "the file does not exist or is not a file")
    if suffix == ".csv":
        if sheet is not None:
            raise ReadError(
                "R-F03", "the file is a CSV file, which has no sheets; leave out --sheet"
            )
        with _open_csv(path, limits) as table:
            yield table
    else:
        with _open_xlsx(path, sheet, dataset, limits) as table:
            yield table


def estimate_rows(path: Path, *, sheet: str | None = None, dataset: str = "") -> int | None:
    """A quick estimate of the number of data rows, for progress bars; `None` if unknown."""
    try:
        if path.suffix.lower() == ".csv":
            with path.open("rb") as raw:
                return max(
                    sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b"")) - 1, 0
                )
        with open_workbook(path, file_limits()) as workbook:
            chosen = workbook[choose_sheet(workbook.sheetnames, sheet, dataset)]
            rows = getattr(chosen, "max_row", None)  # a chart sheet has none
        return max(rows - 1, 0) if isinstance(rows, int) else None
    except (OSError, ReadError):
        return None


def file_sha256(path: Path) -> str:
    """The file's SHA-256 in hex, read in 1 MiB chunks; empty when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as raw:
            for chunk in iter(lambda: raw.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()
