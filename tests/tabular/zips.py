"""Real XLSX files that are hostile: decompression bombs built by hand, byte by byte.

A bomb's sharedStrings.xml is one enormous string of "A"s. Its deflate stream is
made of one compressed megabyte repeated: each copy ends with a full flush, so
it is byte-aligned and refers to nothing before it, and the copies concatenate
into one valid stream (as pigz does). The file is a few megabytes on disk and
a valid zip whose directory tells the truth; unguarded, openpyxl would inflate
every byte of it into memory.
"""

from __future__ import annotations

import io
import random
import string
import struct
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

MB = 1024 * 1024
_SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_SST_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
)
_SST_TAIL = b"</t></si></sst>"


def peak_memory(action: Callable[[], Any]) -> tuple[Any, int]:
    """What `action` returns, or the exception it raised, and the most memory it held in bytes."""
    tracemalloc.start()
    try:
        try:
            result: Any = action()
        except Exception as exc:
            result = exc
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@dataclass(frozen=True)
class Member:
    name: str
    deflated: bytes
    crc: int
    size: int  # uncompressed, as the directory states it


def deflate(data: bytes) -> Member:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = compressor.compress(data) + compressor.flush()
    return Member("", raw, zlib.crc32(data), len(data))


def _flushed(data: bytes) -> bytes:
    """Raw deflate blocks for `data`, byte-aligned and not final (Z_FULL_FLUSH)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def repeated(name: str, head: bytes, chunk: bytes, copies: int, tail: bytes) -> Member:
    """A member holding head + chunk × copies + tail, without ever holding it whole."""
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = b"".join([_flushed(head), _flushed(chunk) * copies, last.compress(tail), last.flush()])
    crc = zlib.crc32(head)
    for _ in range(copies):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return Member(name, raw, crc, len(head) + len(chunk) * copies + len(tail))


def write_zip(path: Path, members: list[Member]) -> Path:
    """A zip archive of deflated members (APPNOTE.TXT 4.3: local headers, directory, end)."""
    out, directory = io.BytesIO(), io.BytesIO()
    for m in members:
        name = m.name.encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, m.crc,
                              len(m.deflated), m.size, len(name), 0))  # fmt: skip
        out.write(name + m.deflated)
        directory.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, m.crc,
                                    len(m.deflated), m.size, len(name), 0, 0, 0, 0, 0, offset))  # fmt: skip
        directory.write(name)
    start, central = out.tell(), directory.getvalue()
    out.write(central)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                          len(central), start, 0))  # fmt: skip
    path.write_bytes(out.getvalue())
    return path


def workbook_members(header: list[str], *, shared_strings: bool = False) -> list[Member]:
    """The members of a real one-sheet workbook written by openpyxl, deflated again."""
    import zipfile

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    buffer = io.BytesIO()
    book.save(buffer)
    members = []
    with zipfile.ZipFile(buffer) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if shared_strings and info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", _SHARED_STRINGS_TYPE + b"</Types>")
            member = deflate(data)
            members.append(Member(info.filename, member.deflated, member.crc, member.size))
    return members


def shared_strings_bomb(path: Path, *, inflated_mb: int = 2048) -> Path:
    """A workbook whose sharedStrings.xml inflates to `inflated_mb` megabytes of "A"."""
    bomb = repeated("xl/sharedStrings.xml", _SST_HEAD, b"A" * MB, inflated_mb, _SST_TAIL)
    return write_zip(path, [*workbook_members(["referral_id"], shared_strings=True), bomb])


def large_shared_strings(path: Path, *, inflated_mb: int = 900) -> Path:
    """A workbook within every archive limit whose one shared string is `inflated_mb` long.

    Each megabyte is runs of 150 "A"s, each ending in a letter drawn at random:
    it inflates about 50 times, under the limit of 100, so the workbook is
    opened, and reading its shared strings then takes more memory than the
    string itself.
    """
    letters = random.Random(0).choices(string.ascii_letters, k=MB // 151)
    chunk = b"".join(b"A" * 150 + letter.encode() for letter in letters)
    strings = repeated("xl/sharedStrings.xml", _SST_HEAD, chunk, inflated_mb, _SST_TAIL)
    return write_zip(path, [*workbook_members(["referral_id"], shared_strings=True), strings])


def understated_member(path: Path, *, inflated_mb: int = 64) -> Path:
    """A workbook whose sharedStrings.xml claims to be 1 MB but inflates to `inflated_mb`."""
    real = repeated("xl/sharedStrings.xml", _SST_HEAD, b"A" * MB, inflated_mb, _SST_TAIL)
    lying = Member(real.name, real.deflated, real.crc, MB)
    return write_zip(path, [*workbook_members(["referral_id"], shared_strings=True), lying])


def entity_bomb(path: Path) -> Path:
    """A workbook whose sheet declares nested XML entities (the "billion laughs")."""
    members = workbook_members(["referral_id"])
    laughs = (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
            for i in range(1, 10)
        )
        + b"]>"
    )
    patched = []
    for m in members:
        if m.name == "xl/worksheets/sheet1.xml":
            data = zlib.decompress(m.deflated, -15)
            data = laughs + data.replace(b"<t>referral_id</t>", b"<t>&lol9;</t>")
            m = Member(m.name, *_deflated_fields(data))
        patched.append(m)
    return write_zip(path, patched)


def _deflated_fields(data: bytes) -> tuple[bytes, int, int]:
    member = deflate(data)
    return member.deflated, member.crc, member.size
