"""CSV text read line by line with a bound on each line, so that no line can fill memory.

A CSV file with no line breaks is one line however large it is, and the csv
module would hold all of it (and every empty cell in it) at once. These lines
come from ``readline`` with a limit instead: a longer line is refused (rule
R-F08) after reading at most one more character than the limit.

>>> import io
>>> list(bounded_lines(io.StringIO("a,b\\r\\nc,d\\n"), max_chars=10))
['a,b\\r\\n', 'c,d\\n']
>>> list(bounded_lines(io.StringIO("abcdefghijkl\\n"), max_chars=10))
Traceback (most recent call last):
...
safeplan.tabular.errors.ReadError: line 1 is longer than 10 characters; a row of a CSV file holds at most 10 (is the file really CSV?)
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from safeplan.tabular.errors import ReadError

_LINE_ENDS = ("\n", "\r")


def bounded_lines(handle: TextIO, *, max_chars: int) -> Iterator[str]:
    """The handle's lines (opened with ``newline=""``), each at most `max_chars` characters."""
    readline = handle.readline
    number = 0
    while line := readline(max_chars + 1):
        number += 1
        if len(line) > max_chars and not line.endswith(_LINE_ENDS):
            raise ReadError(
                "R-F08",
                f"line {number:,} is longer than {max_chars:,} characters; a row of a CSV file "
                f"holds at most {max_chars:,} (is the file really CSV?)",
            )
        yield line


def csv_failure(exc: csv.Error, last_row: int) -> ReadError:
    """The `ReadError` for the csv module's own error after `last_row` was read."""
    text = str(exc)
    if text.startswith("field larger than field limit"):
        return ReadError(
            "R-F08",
            f"a cell after row {last_row} is longer than {csv.field_size_limit():,} characters; "
            "a cell holds at most that (is a quotation mark missing its pair?)",
            row=last_row + 1,
        )
    return ReadError(
        "R-F02", f"the file cannot be read as CSV after row {last_row}: {text}", row=last_row + 1
    )
