"""Rules the importer and the measure layer apply when returns sit beside other sources.

**Precedence.** The CIN census, Annex A and a council's own canonical files
all describe children's social care; the SSDA903 and a police file both hold
missing episodes. For each dataset and day the measures count only the
highest-precedence source whose coverage includes that day: any canonical
(non-return) source, then ``cin`` and ``ssda903``, then ``annex_a``. Sources of
equal rank are all counted; datasets no return feeds (``challenges``…) count
every source. `counted_spans` applies the rule to a set of covered batches.

**Coverage by fields.** A batch covers a day for a measure only if it carries
the columns the measure needs (`feeds.MEASURE_NEEDS`); `measure_windows`
gives the days a measure may report on, after precedence.

**Children** merge field by field across returns (`merge_child`).

>>> from datetime import date
>>> spans = counted_spans("referrals", [
...     CoveredBatch("referrals", "cin", (date(2019, 4, 1), date(2020, 3, 31))),
...     CoveredBatch("referrals", "referrals", (date(2020, 1, 1), date(2020, 6, 30))),
... ])
>>> [(str(s.start), str(s.end), sorted(s.sources)) for s in spans]
[('2019-04-01', '2019-12-31', ['cin']), ('2020-01-01', '2020-06-30', ['referrals'])]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from types import MappingProxyType

from safeplan.returns.feeds import MEASURE_NEEDS, Need
from safeplan.returns.model import Cell, ReturnKind, Window

#: Lower is counted first; a source not listed (any canonical source) ranks 0.
SOURCE_RANK: Mapping[str, int] = MappingProxyType(
    {ReturnKind.CIN.value: 1, ReturnKind.SSDA903.value: 1, ReturnKind.ANNEX_A.value: 2}
)
#: The datasets in which sources are alternatives of each other (those a return feeds).
COMPETING_DATASETS = frozenset(
    {
        "referrals",
        "assessments",
        "cases",
        "cp_plans",
        "cp_conferences",
        "care_periods",
        "missing_episodes",
    }
)


def source_rank(source: str) -> int:
    return SOURCE_RANK.get(source, 0)


@dataclass(frozen=True)
class CoveredBatch:
    """An import's claim: dataset, source, window and the columns it carries (``None`` = all)."""

    dataset: str
    source: str
    window: Window
    carried: frozenset[str] | None = None

    def carries(self, needs: Iterable[Need]) -> bool:
        """Whether the batch has every column the needs name (a canonical batch has all)."""
        return self.carried is None or not any(need.lacking(self.carried) for need in needs)


@dataclass(frozen=True)
class CountedSpan:
    """Consecutive days on which the same batches are counted."""

    start: date
    end: date
    batches: tuple[CoveredBatch, ...]

    @property
    def sources(self) -> frozenset[str]:
        return frozenset(batch.source for batch in self.batches)


def counted_spans(dataset: str, batches: Iterable[CoveredBatch]) -> list[CountedSpan]:
    """The covered days of ``dataset`` split where the counted batches change, in date order."""
    mine = [b for b in batches if b.dataset == dataset]
    cuts = sorted({b.window[0] for b in mine} | {b.window[1] + timedelta(days=1) for b in mine})
    spans: list[CountedSpan] = []
    for start, after in pairwise(cuts):
        covering = [b for b in mine if b.window[0] <= start <= b.window[1]]
        if not covering:
            continue
        if dataset in COMPETING_DATASETS:
            best = min(source_rank(b.source) for b in covering)
            covering = [b for b in covering if source_rank(b.source) == best]
        end = after - timedelta(days=1)
        counted = tuple(covering)
        if spans and spans[-1].batches == counted and spans[-1].end + timedelta(days=1) == start:
            spans[-1] = CountedSpan(spans[-1].start, end, counted)
        else:
            spans.append(CountedSpan(start, end, counted))
    return spans


def measure_windows(measure: str, dataset: str, batches: Iterable[CoveredBatch]) -> list[Window]:
    """Days on which ``dataset`` is covered for ``measure``: every counted batch carries its needs."""
    needs = [n for n in MEASURE_NEEDS[measure] if n.dataset == dataset]
    windows: list[Window] = []
    for span in counted_spans(dataset, batches):
        if all(batch.carries(needs) for batch in span.batches):
            if windows and windows[-1][1] + timedelta(days=1) == span.start:
                windows[-1] = (windows[-1][0], span.end)
            else:
                windows.append((span.start, span.end))
    return windows


def merge_child(stored: Mapping[str, Cell] | None, incoming: Mapping[str, Cell]) -> dict[str, Cell]:
    """Children across returns: a later non-blank value replaces the stored one; a blank never erases.

    >>> merge_child({"child_id": "C1", "sex": "F", "ethnicity": "WBRI"},
    ...             {"child_id": "C1", "sex": None, "ethnicity": "WOTH"})
    {'child_id': 'C1', 'sex': 'F', 'ethnicity': 'WOTH'}
    """
    merged = dict(stored or {})
    for name, value in incoming.items():
        if value is not None and value != "":
            merged[name] = value
        else:
            merged.setdefault(name, None)
    return merged
