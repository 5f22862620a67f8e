"""Statutory returns in: CIN census XML, SSDA903 (CSV tables or XML), Ofsted Annex A XLSX.

The pure core of the return adapters. It imports no Django and nothing of
safeplan but the dataset description and the engine's catalogue; the
importer calls it and validates, stores and covers what it gives.

    converted = read_return("cin", [Path("cin-2020.xml")])
    if not converted.accepted:
        for problem in converted.problems:
            print(problem)            # file, XML path and child id, field, value, rule
    for name, dataset in converted.datasets.items():
        dataset.rows                 # canonical rows, each with its Location in the return
        dataset.carried              # the columns the return has; the rest are unknown
        dataset.covers               # the return's own window (None for children)
    converted.feeds                  # per measure: can this return feed it, and why

`read_return` never raises for a bad file: a return that cannot be read, is
of another kind ("this is an SSDA903 Episodes table, not a CIN census"), or
needs a window it was not given comes back with `problems` and nothing to
import. See `docs/returns.md`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType

from safeplan.returns.annex_a import read_annex_a
from safeplan.returns.cin import read_cin
from safeplan.returns.collect import DERIVED_IDS
from safeplan.returns.detect import Detection, detect
from safeplan.returns.feeds import MEASURE_NEEDS, measure_feeds
from safeplan.returns.files import XlsxOpener, open_workbook
from safeplan.returns.model import (
    DEFAULT_LIMITS,
    CanonicalRow,
    ConvertedReturn,
    Limits,
    Location,
    MeasureFeed,
    PreviousPeriod,
    PriorPeriod,
    Refused,
    ReturnDataset,
    ReturnFile,
    ReturnKind,
    ReturnProblem,
    Window,
)
from safeplan.returns.precedence import (
    COMPETING_DATASETS,
    CoveredBatch,
    counted_spans,
    measure_windows,
    merge_child,
    source_rank,
)
from safeplan.returns.rules import RETURN_RULES
from safeplan.returns.ssda903 import RememberedPeriods, read_ssda903

__all__ = [
    "COMPETING_DATASETS",
    "DEFAULT_LIMITS",
    "DERIVED_IDS",
    "MEASURE_NEEDS",
    "RETURN_RULES",
    "CanonicalRow",
    "ConvertedReturn",
    "CoveredBatch",
    "Detection",
    "Limits",
    "Location",
    "MeasureFeed",
    "PreviousPeriod",
    "PriorPeriod",
    "RememberedPeriods",
    "ReturnDataset",
    "ReturnFile",
    "ReturnKind",
    "ReturnProblem",
    "counted_spans",
    "detect",
    "measure_windows",
    "merge_child",
    "read_return",
    "source_rank",
]

AUTO = "auto"


def read_return(
    kind: ReturnKind | str,
    files: Sequence[Path | ReturnFile],
    *,
    covers: Window | None = None,
    previous_period: PreviousPeriod | None = None,
    limits: Limits = DEFAULT_LIMITS,
    open_xlsx: XlsxOpener = open_workbook,
) -> ConvertedReturn:
    """Read a return of ``kind`` (``cin``, ``ssda903``, ``annex_a`` or ``auto``) into canonical rows.

    ``covers`` is the window for returns that state none (SSDA903 CSV tables,
    Annex A); ``previous_period`` finds a child's latest stored SSDA903 period
    of care; ``open_xlsx`` opens a workbook through the upload guard.
    """
    given = tuple(ReturnFile.of(f) for f in files)
    wanted: ReturnKind | None = None if kind == AUTO else ReturnKind(kind)
    try:
        wanted = _checked_kind(wanted, given, limits, open_xlsx)
        if wanted is ReturnKind.CIN:
            return read_cin(given[0], covers=covers, limits=limits)
        if wanted is ReturnKind.SSDA903:
            return read_ssda903(
                given, covers=covers, previous_period=previous_period, limits=limits
            )
        return read_annex_a(given[0], covers=covers, limits=limits, open_xlsx=open_xlsx)
    except Refused as refusal:
        return refused(wanted, given, refusal.problems)


def refused(
    kind: ReturnKind | None, files: Sequence[ReturnFile], problems: Sequence[ReturnProblem]
) -> ConvertedReturn:
    """A return with nothing to import and the problems that say why."""
    return ConvertedReturn(
        kind=kind,
        files=tuple(f.name for f in files),
        covers=None,
        datasets=MappingProxyType({}),
        problems=tuple(problems),
        notes=(),
        feeds=measure_feeds(kind, {}) if kind is not None else (),
    )


def _checked_kind(
    wanted: ReturnKind | None,
    files: Sequence[ReturnFile],
    limits: Limits,
    open_xlsx: XlsxOpener,
) -> ReturnKind:
    """The kind to read, after checking every file is of it; refuses what is not."""
    if not files:
        raise Refused(_problem("", "no file was given"))
    seen = [(f, detect(f, limits=limits, open_xlsx=open_xlsx)) for f in files]
    kinds = {found.kind for _, found in seen}
    if wanted is None:
        if None in kinds or len(kinds) > 1:
            raise Refused(_problem(files[0].name, _mixed(seen)))
        wanted = next(iter(kinds))
        assert wanted is not None
    wrong = [
        _problem(f.name, f"this is {found.what}, not {wanted.phrase}")
        for f, found in seen
        if found.kind is not wanted
    ]
    if wrong:
        raise Refused(*wrong)
    if wanted is not ReturnKind.SSDA903 and len(files) > 1:
        raise Refused(_problem(files[1].name, f"{wanted.phrase} is one file; give only one"))
    return wanted


def _mixed(seen: Sequence[tuple[ReturnFile, Detection]]) -> str:
    parts = [f"{f.name} is {found.what}" for f, found in seen]
    if all(found.kind is None for _, found in seen) or len(seen) == 1:
        return "this is not a statutory return: " + "; ".join(parts)
    return "the files are not one return: " + "; ".join(parts)


def _problem(name: str, message: str) -> ReturnProblem:
    return ReturnProblem(Location(name, ""), None, None, "R-R01", message)
