"""`open_workbook`: an XLSX file's zip is judged from its directory before openpyxl reads it."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from safeplan.tabular.errors import ReadError
from safeplan.tabular.limits import DEFAULT_LIMITS, FileLimits
from safeplan.tabular.xlsx import inspect_archive, open_workbook
from tests.tabular.zips import (
    MB,
    deflate,
    entity_bomb,
    peak_memory,
    repeated,
    understated_member,
    workbook_members,
    write_zip,
)


def _opened(path: Path) -> None:
    with open_workbook(path):
        pass


def test_the_bomb_is_a_small_valid_zip_that_inflates_to_gigabytes(xlsx_bomb: Path) -> None:
    with zipfile.ZipFile(xlsx_bomb) as archive:
        member = archive.getinfo("xl/sharedStrings.xml")
        with archive.open(member) as stream:
            start = stream.read(MB)  # the real content, inflated for its first megabyte only
    assert xlsx_bomb.stat().st_size < 3 * MB
    assert member.file_size > 2000 * MB
    assert start.endswith(b"<si><t>" + b"A" * (MB - start.index(b"<si><t>") - 7))


def test_a_bomb_is_refused_before_openpyxl_opens_it_in_little_memory(
    xlsx_bomb: Path, openpyxl_loads: list[Any]
) -> None:
    refused, peak = peak_memory(lambda: _opened(xlsx_bomb))
    assert isinstance(refused, ReadError)
    assert openpyxl_loads == []
    assert peak < 5 * MB
    assert refused.rule == "R-F06"
    assert "“xl/sharedStrings.xml” inflates to 2,048 MB; at most 1,024 MB" in str(refused)


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        # more parts than a workbook has
        (FileLimits(xlsx_max_members=5), "it holds 10 files; a workbook holds at most 5"),
        # one part inflating too far
        (
            FileLimits(xlsx_max_member_bytes=10_000),
            "“xl/theme/theme1.xml” inflates to 10,140 bytes",
        ),
        # all the parts together
        (FileLimits(xlsx_max_total_bytes=15_000), "in all; at most 15,000 bytes"),
        # a part inflating many times over, beyond the first bytes
        (FileLimits(xlsx_max_ratio=3, xlsx_ratio_grace_bytes=1_000), "inflates 7 times"),
        # a directory too large to read
        (FileLimits(xlsx_max_directory_bytes=100), "its directory is 6"),
    ],
)
def test_each_limit_on_the_archive_refuses_with_its_reason(
    tmp_path: Path, limits: FileLimits, message: str
) -> None:
    strings = repeated("xl/sharedStrings.xml", b"<sst>", b"x", 0, b"</sst>")
    path = write_zip(tmp_path / "w.xlsx", [*workbook_members(["a"], shared_strings=True), strings])
    with pytest.raises(ReadError) as refused:
        inspect_archive(path, limits)
    assert (refused.value.rule, message in refused.value.message) == ("R-F06", True)


def test_an_ordinary_workbook_passes_every_default_limit(tmp_path: Path) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("s")
    for i in range(10_000):  # the same values over and over compress well, and still pass
        sheet.append(["N", "N", "N", "2019-04-01", i])
    book.save(tmp_path / "plain.xlsx")
    inspect_archive(tmp_path / "plain.xlsx", DEFAULT_LIMITS)


def test_a_member_that_inflates_beyond_its_stated_size_is_cut_off_there(tmp_path: Path) -> None:
    refused, peak = peak_memory(lambda: _opened(understated_member(tmp_path / "liar.xlsx")))
    assert isinstance(refused, ReadError)
    assert refused.rule == "R-F02"
    assert "CRC" in refused.message  # zipfile stopped at the stated megabyte
    assert peak < 16 * MB


def test_xml_entities_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as refused, open_workbook(entity_bomb(tmp_path / "l.xlsx")):
        pass
    assert refused.value.rule == "R-F06"
    assert "declares XML entities" in refused.value.message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # not a zip archive at all
        (b"referral_id\nR1\n", "it is not a zip archive"),
        # an old .xls workbook, or an encrypted .xlsx (both are OLE compound files)
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "password-protected"),
        # a zip cut short
        (b"PK\x03\x04" + bytes(40), "it is not a zip archive"),
    ],
)
def test_a_file_that_is_not_a_workbook_says_what_it_is(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "not.xlsx"
    path.write_bytes(content)
    with pytest.raises(ReadError) as refused, open_workbook(path):
        pass
    assert (refused.value.rule, message in refused.value.message) == ("R-F02", True)


def test_a_damaged_workbook_does_not_show_where_the_server_keeps_it(tmp_path: Path) -> None:
    members = [m for m in workbook_members(["a"]) if m.name != "xl/workbook.xml"]
    path = write_zip(tmp_path / "secret-folder-name.xlsx", members)
    with pytest.raises(ReadError) as refused, open_workbook(path):
        pass
    assert refused.value.rule == "R-F02"
    assert str(tmp_path) not in refused.value.message


def test_the_hand_built_zip_is_read_by_zipfile_as_written(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "one.zip", [replace(deflate(b"hello"), name="a.txt")])
    with zipfile.ZipFile(path) as archive:
        assert archive.read("a.txt") == b"hello"
