"""Opening an XLSX workbook: its zip archive is inspected before openpyxl inflates a byte.

An XLSX file is a zip of XML files, and a few hundred kilobytes can inflate to
gigabytes (a decompression bomb): openpyxl reads the shared strings into
memory, so such a file would take a worker's memory and minutes of its time.
`load_workbook` (and `open_workbook`, its ``with`` form), the only code that
calls openpyxl's loader, first reads the archive's directory, which states every
member's compressed and uncompressed size, and refuses (rule R-F06) an archive
with too many members, a member or a total that inflates too far, or a member
that inflates more than `FileLimits.xlsx_max_ratio` times. Python's zipfile
never inflates a member beyond the size its directory states (it stops there
and fails the CRC check), so the stated sizes bound what openpyxl can read.
XML entities and DTDs are refused too: openpyxl parses through defusedxml.

    with open_workbook(Path("referrals.xlsx")) as workbook:  # ReadError R-F06 for a bomb
        for row in workbook["referrals"].iter_rows(values_only=True):
            ...
"""

from __future__ import annotations

import struct
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
from defusedxml import DefusedXmlException

from safeplan.tabular.errors import ReadError
from safeplan.tabular.limits import DEFAULT_LIMITS, FileLimits

# The end-of-central-directory record: signature, four 16-bit counts/disk numbers,
# the directory's size and offset, the comment's length (APPNOTE.TXT 4.3.16).
_END_RECORD = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an encrypted .xlsx
_MB = 1024 * 1024

if not openpyxl.DEFUSEDXML:  # pragma: no cover - only if OPENPYXL_DEFUSEDXML=False is set
    raise ImportError("openpyxl must parse XML through defusedxml; unset OPENPYXL_DEFUSEDXML")


def _size(n: int) -> str:
    """``2,048 MB``, or ``640 bytes`` below a megabyte."""
    return f"{n / _MB:,.0f} MB" if n >= _MB else f"{n:,} bytes"


def _bomb(message: str) -> ReadError:
    return ReadError("R-F06", f"the workbook was refused before reading: {message}")


def _not_a_workbook(path: Path) -> ReadError:
    with path.open("rb") as raw:
        start = raw.read(len(_OLE_SIGNATURE))
    if start == _OLE_SIGNATURE:
        return ReadError(
            "R-F02",
            "the file is an old-style .xls workbook or a password-protected one; "
            "save it as an unprotected .xlsx workbook and import again",
        )
    return ReadError("R-F02", "the file is not a valid XLSX workbook (it is not a zip archive)")


def _directory_size(path: Path) -> tuple[int, int]:
    """The number of members and the directory's size in bytes, from the end record alone."""
    with path.open("rb") as raw:
        size = raw.seek(0, 2)
        tail_size = min(size, _END_RECORD.size + 0xFFFF)  # the record, then a comment
        raw.seek(size - tail_size)
        tail = raw.read(tail_size)
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END_RECORD.size:
        raise _not_a_workbook(path)
    fields = _END_RECORD.unpack_from(tail, at)
    return fields[4], fields[5]


def _check_directory(path: Path, limits: FileLimits) -> None:
    members, directory = _directory_size(path)
    # 0xFFFF and 0xFFFFFFFF mean "see the Zip64 record": more than any workbook needs.
    if members > limits.xlsx_max_members or members == 0xFFFF:
        raise _bomb(
            f"it holds {members:,} files; a workbook holds at most {limits.xlsx_max_members:,}"
        )
    if directory > limits.xlsx_max_directory_bytes:
        raise _bomb(
            f"its directory is {_size(directory)}; at most {_size(limits.xlsx_max_directory_bytes)}"
        )


def _check_member(info: zipfile.ZipInfo, limits: FileLimits) -> None:
    name, size = info.filename, info.file_size
    if size > limits.xlsx_max_member_bytes:
        raise _bomb(
            f"its part “{name}” inflates to {_size(size)}; "
            f"at most {_size(limits.xlsx_max_member_bytes)}"
        )
    ratio = size / max(info.compress_size, 1)
    if size > limits.xlsx_ratio_grace_bytes and ratio > limits.xlsx_max_ratio:
        raise _bomb(
            f"its part “{name}” inflates {ratio:,.0f} times (from {info.compress_size:,} bytes "
            f"to {size:,}); a workbook's parts inflate at most {limits.xlsx_max_ratio} times"
        )


def inspect_archive(path: Path, limits: FileLimits = DEFAULT_LIMITS) -> None:
    """Refuse an XLSX file whose zip would inflate too far; reads only the zip's directory.

    Raises `ReadError` R-F06 (a bomb, naming the part and its sizes) or R-F02
    (not a zip archive at all).
    """
    _check_directory(path, limits)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _not_a_workbook(path) from None
    total = 0
    for info in members:
        _check_member(info, limits)
        total += info.file_size
    if total > limits.xlsx_max_total_bytes:
        raise _bomb(
            f"its parts inflate to {_size(total)} in all; at most {_size(limits.xlsx_max_total_bytes)}"
        )


def _caused_by_xml_entities(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML, perhaps under an error openpyxl raised for it."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def workbook_failure(exc: Exception, context: str, path: Path | None = None) -> ReadError:
    """The `ReadError` for an exception openpyxl raised while reading (`context` says where)."""
    if _caused_by_xml_entities(exc):
        return ReadError(
            "R-F06",
            f"the workbook was refused {context}: it declares XML entities or a document type, "
            "which a spreadsheet never needs and which can make a file expand enormously",
        )
    # openpyxl names the file by its path: where the server keeps it is nobody's business.
    detail = str(exc).replace(str(path), "the file") if path else str(exc)
    detail = " ".join(detail.split())  # openpyxl's messages run over several lines
    return ReadError("R-F02", f"the file is not a valid XLSX workbook ({context}: {detail})")


def load_workbook(path: Path, handle: BinaryIO, limits: FileLimits = DEFAULT_LIMITS) -> Any:
    """openpyxl's read-only workbook (cached values) read from `handle`, opened on `path`.

    The only call to openpyxl's loader: `inspect_archive` passes the file
    first. Raises `ReadError`; the caller closes the workbook, then `handle`.
    """
    inspect_archive(path, limits)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they do not matter here.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise workbook_failure(exc, "while opening it", path) from None


@contextmanager
def open_workbook(path: Path, limits: FileLimits = DEFAULT_LIMITS) -> Iterator[Any]:
    """`load_workbook` for a ``with`` block, which closes the workbook and its file.

    The file is closed also when openpyxl fails part-way through opening it.
    """
    with path.open("rb") as handle:
        workbook = load_workbook(path, handle, limits)
        try:
            yield workbook
        finally:
            workbook.close()
