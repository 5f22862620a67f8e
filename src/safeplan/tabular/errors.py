"""The one error a reader raises for a file as a whole: it names the rule it breaks."""

from __future__ import annotations


class ReadError(Exception):
    """The file as a whole cannot, or may not, be read (rules ``R-F..``).

    >>> str(ReadError("R-F04", "the file is a “.txt” file; import a .csv or .xlsx file"))
    'the file is a “.txt” file; import a .csv or .xlsx file'
    """

    def __init__(self, rule: str, message: str, *, row: int | None = None, sheet: str = "") -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.row = row
        self.sheet = sheet
