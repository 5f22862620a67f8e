"""Say what a file is from its content, so that a wrong file is refused by what it looks like.

    detect(ReturnFile(Path("episodes.csv"), "episodes.csv")).what
    # 'an SSDA903 Episodes table'

XML is told by its root element (and a census by its ``Collection``), a
workbook by its sheets' headers, a CSV file by its header row: an SSDA903
table, a canonical dataset, or an Annex A list saved on its own.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Sequence
from dataclasses import dataclass

from safeplan.datasets.schema import DATASETS
from safeplan.returns.annex_a import find_list
from safeplan.returns.cells import as_text
from safeplan.returns.files import (
    XlsxOpener,
    check_size,
    load_workbook,
    open_workbook,
    sheet_rows,
    sniff,
)
from safeplan.returns.model import (
    DEFAULT_LIMITS,
    Cell,
    Limits,
    ReturnFile,
    ReturnKind,
)
from safeplan.returns.safe_xml import stream
from safeplan.returns.ssda903 import identify_table
from safeplan.returns.synonyms import synonym_table

_SHOWN_COLUMNS = 8


@dataclass(frozen=True)
class Detection:
    """The return a file belongs to (``None``: none) and how a sentence names what it is."""

    kind: ReturnKind | None
    what: str


def detect(
    file: ReturnFile, *, limits: Limits = DEFAULT_LIMITS, open_xlsx: XlsxOpener = open_workbook
) -> Detection:
    """What ``file`` is; raises `Refused` only for a file that cannot be read at all."""
    check_size(file, limits)
    shape = sniff(file)
    if shape == "xml":
        return _xml(file, limits)
    if shape == "xlsx":
        return _workbook(file, limits, open_xlsx)
    return _text(file)


def _xml(file: ReturnFile, limits: Limits) -> Detection:
    root = ""
    for event, element in stream(file, limits=limits):
        if not root:
            root = element.tag
            if root != "Message":
                break
        elif event == "end" and element.tag == "Collection":
            collection = (element.text or "").strip()
            if collection.upper() != "CIN":
                return Detection(None, f"a DfE “{collection}” collection (XML)")
            break
        elif element.tag == "Children":
            break
    if root == "Message":
        return Detection(ReturnKind.CIN, "a CIN census")
    if root == "EXPSSDA903":
        return Detection(ReturnKind.SSDA903, "an SSDA903 return (XML)")
    return Detection(None, f"an XML file whose root element is <{root}>")


def _workbook(file: ReturnFile, limits: Limits, open_xlsx: XlsxOpener) -> Detection:
    book = load_workbook(file, limits=limits, open_xlsx=open_xlsx)
    try:
        headers: list[Sequence[Cell]] = []
        for worksheet in book.worksheets:
            for seen, (_number, cells) in enumerate(sheet_rows(file, worksheet, limits=limits)):
                if find_list(synonym_table(), cells) is not None:
                    return Detection(ReturnKind.ANNEX_A, "an Ofsted Annex A workbook")
                if seen == 0:
                    headers.append(cells)
                if seen + 1 >= synonym_table().header_rows:
                    break
        names = ", ".join(ws.title for ws in book.worksheets)
    finally:
        book.close()
    for header in headers:
        other = _table(header)
        if other is not None:
            return Detection(other.kind, f"{other.what} saved as a workbook")
    return Detection(None, f"an XLSX workbook whose sheets ({names}) hold no Annex A list")


def _text(file: ReturnFile) -> Detection:
    with file.path.open("rb") as raw:
        utf16 = raw.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    try:
        # UTF-16 is read here only to say what the file is; the adapter then refuses it.
        with file.path.open("r", encoding="utf-16" if utf16 else "utf-8-sig", newline="") as handle:
            header = next((row for row in csv.reader(handle) if any(c.strip() for c in row)), [])
    except (UnicodeDecodeError, csv.Error):
        return Detection(None, "a file that is neither XML, an XLSX workbook nor UTF-8 CSV text")
    if not header:
        return Detection(None, "a text file without a header row")
    found = _table(header)
    if found is not None:
        return found
    annex = find_list(synonym_table(), header)
    if annex is not None:
        return Detection(None, f"an Annex A {annex[0].name} saved as CSV; give the whole workbook")
    shown = ", ".join(as_text(c) for c in header[:_SHOWN_COLUMNS])
    more = "…" if len(header) > _SHOWN_COLUMNS else ""
    return Detection(None, f"a CSV file with the columns {shown}{more}")


def _table(header: Sequence[Cell]) -> Detection | None:
    """An SSDA903 table or a canonical dataset, from a header row."""
    names = [as_text(c) for c in header]
    match = identify_table(names)
    if match is not None:
        return Detection(ReturnKind.SSDA903, f"an SSDA903 {match[0]} table")
    dataset = canonical_dataset(names)
    if dataset is not None:
        return Detection(
            None, f"a canonical {dataset} file, which is imported as a dataset, not as a return"
        )
    return None


def canonical_dataset(header: Sequence[str]) -> str | None:
    """The canonical dataset whose required columns a header has and whose columns it mostly is."""
    have = {h.strip().lower().replace(" ", "_") for h in header if h.strip()}
    best, share = None, 0.0
    for name, dataset in DATASETS.items():
        known = have & set(dataset.column_names)
        if set(dataset.required_columns) <= have and have and len(known) / len(have) > share:
            best, share = name, len(known) / len(have)
    return best if share >= 0.8 else None
