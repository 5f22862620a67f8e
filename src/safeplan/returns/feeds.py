"""Which measures a return can feed: the datasets each measure reads and the fields it needs.

The engine catalogue says which datasets a measure *reads*; `MEASURE_NEEDS`
adds the columns its headline figure cannot do without. A return feeds a
measure only when it carries every one of them: the CIN census has referrals
but no `cse_risk`, so its coverage never makes M1 `ok`.

>>> [need.columns for need in MEASURE_NEEDS["M1"]]
[('referral_date', 'cse_risk')]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from safeplan.engine.catalogue import CATALOGUE
from safeplan.returns.model import MeasureFeed, ReturnDataset, ReturnKind


@dataclass(frozen=True)
class Need:
    """Columns of one dataset a measure needs: all of `columns` and one of `any_of`."""

    dataset: str
    columns: tuple[str, ...]
    any_of: tuple[str, ...] = ()

    def lacking(self, carried: frozenset[str]) -> tuple[str, ...]:
        """The needed columns not carried; ``any_of`` counts as one, named ``a or b``."""
        missing = tuple(name for name in self.columns if name not in carried)
        if self.any_of and not carried.intersection(self.any_of):
            missing += (" or ".join(self.any_of),)
        return missing


MEASURE_NEEDS: Mapping[str, tuple[Need, ...]] = MappingProxyType(
    {
        "M1": (Need("referrals", ("referral_date", "cse_risk")),),
        # A blank episode_type means "missing" (datasets.md), so it is not needed.
        "M2": (Need("missing_episodes", ("missing_start",)),),
        "M3": (Need("missing_episodes", ("missing_end", "rhi_completed_at")),),
        "M4": (Need("cp_plans", ("start_date", "end_date", "initial_category")),),
        "M5": (Need("referrals", ("referral_date",)), Need("assessments", ("start_date",))),
        "M6": (Need("cp_plans", ("start_date", "end_date")),),
        "M7": (
            Need("cp_conferences", ("conference_date",), any_of=("participation", "views_shared")),
        ),
        "M8": (Need("case_audits", ("audit_date", "lived_experience")),),
        "M9": (Need("elearning_completions", ("learner_id", "completed_date")),),
        "M10": (
            Need("cases", ("start_date", "end_date")),
            Need("assessments", ("start_date", "factors")),
            Need("cp_plans", ("start_date", "initial_category", "latest_category")),
        ),
        "M11": (Need("care_periods", ("start_date", "end_date", "iha_completed_date")),),
        "M12": (Need("challenges", ("raised_date",)),),
    }
)

#: What a reader should know about a measure a return does feed.
CAVEATS: Mapping[tuple[ReturnKind, str], str] = MappingProxyType(
    {
        (ReturnKind.SSDA903, "M2"): (
            "only children looked after go missing in the SSDA903; children missing from home "
            "need a local (police) file, which takes precedence on the days it covers"
        ),
        (ReturnKind.ANNEX_A, "M5"): (
            "the twelve-month look-back before the workbook's six months is not in it, "
            "so early repeat referrals may be missed"
        ),
        (ReturnKind.ANNEX_A, "M4"): "only for days inside the workbook's window",
        (ReturnKind.ANNEX_A, "M6"): "only for days inside the workbook's window",
    }
)


def measure_feeds(
    kind: ReturnKind, datasets: Mapping[str, ReturnDataset]
) -> tuple[MeasureFeed, ...]:
    """One `MeasureFeed` per measure of the catalogue, in its order."""
    return tuple(_feed(kind, measure, datasets) for measure in CATALOGUE)


def _feed(kind: ReturnKind, measure: str, datasets: Mapping[str, ReturnDataset]) -> MeasureFeed:
    spec = CATALOGUE[measure]
    needs = MEASURE_NEEDS[measure]
    absent = [need.dataset for need in needs if need.dataset not in datasets]
    lacking = [
        f"{name} ({need.dataset})"
        for need in needs
        if need.dataset in datasets
        for name in need.lacking(datasets[need.dataset].carried)
    ]
    if not absent and not lacking:
        reads = ", ".join(need.dataset for need in needs)
        caveat = CAVEATS.get((kind, measure))
        reason = f"fed from its {reads}" + (f"; {caveat}" if caveat else "")
        return MeasureFeed(measure, spec.title, True, reason)
    if len(absent) == len(needs):
        reason = f"reads {', '.join(absent)}, which {kind.phrase} does not carry"
    else:
        gaps = lacking + [f"the {name} dataset" for name in absent]
        reason = (
            f"{kind.phrase} does not record {', '.join(gaps)}; the measure stays `no data` "
            "until a local file carrying them covers the period"
        )
    return MeasureFeed(measure, spec.title, False, reason)
