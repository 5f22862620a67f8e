"""What a file may hold before it is read in full; the import rule book cites these.

The defaults are generous for a Safeguarding Children Partnership's data (the
largest canonical dataset, one row per child, is a few hundred thousand rows)
and small enough that no single file can exhaust a server. A deployment sets
the row limit with ``SAFEPLAN_MAX_IMPORT_ROWS`` (`safeplan.settings`); the
others are fixed here (ADR 0017).

>>> FileLimits().max_rows
5000000
>>> FileLimits(max_rows=10).max_rows
10
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_ROWS = 5_000_000
MAX_CELLS_PER_ROW = 1_000
MAX_LINE_CHARS = 1_048_576  # a CSV line; every dataset's row fits in well under 10,000
XLSX_MAX_MEMBERS = 2_000
XLSX_MAX_DIRECTORY_BYTES = 4 * 1024 * 1024
XLSX_MAX_MEMBER_BYTES = 1024 * 1024 * 1024
XLSX_MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
XLSX_MAX_RATIO = 100  # Apache POI's default (ZipSecureFile's minimum inflate ratio of 1%)
XLSX_RATIO_GRACE_BYTES = 1024 * 1024  # small members may compress better than that


@dataclass(frozen=True)
class FileLimits:
    """Bounds checked while a file is opened and read (rules R-F06, R-F07, R-F08).

    ``max_rows`` counts rows as the spreadsheet numbers them, below the first
    row; ``xlsx_*`` bound the zip archive an XLSX workbook is, checked from its
    directory before any member is inflated.
    """

    max_rows: int = MAX_ROWS
    max_cells_per_row: int = MAX_CELLS_PER_ROW
    max_line_chars: int = MAX_LINE_CHARS
    xlsx_max_members: int = XLSX_MAX_MEMBERS
    xlsx_max_directory_bytes: int = XLSX_MAX_DIRECTORY_BYTES
    xlsx_max_member_bytes: int = XLSX_MAX_MEMBER_BYTES
    xlsx_max_total_bytes: int = XLSX_MAX_TOTAL_BYTES
    xlsx_max_ratio: int = XLSX_MAX_RATIO
    xlsx_ratio_grace_bytes: int = XLSX_RATIO_GRACE_BYTES


DEFAULT_LIMITS = FileLimits()
