"""Illustrative targets for the synthetic demo county, so that the board sees ratings.

The seed plan (County Durham 2017–2020) sets no targets. These are invented,
labelled ``illustrative`` with a note saying so, and chosen against the demo
county's 2019-20 Q4 figures (seed 2017) to give a mix: green for M4, M6, M8
and M9; amber for M2, M7 and M10; red for M3, M5, M11 and M12. Count targets
are set for quarters (the board's period). M1 is a track measure: no target.

    targets_load_illustrative()   # the demo build calls this once the data is in
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from safeplan.audit.services import Actor
from safeplan.scorecard.models import Target
from safeplan.scorecard.services import target_set, targets_delete_illustrative

NOTE = "Illustrative target for the synthetic demo county; the seed plan sets none"
AUTHOR = "safeplan demo"
FROM = date(2017, 4, 1)


@dataclass(frozen=True)
class _Illustrative:
    measure: str
    value: float
    tolerance: float
    tolerance_is_percent: bool = False
    period_kind: str = ""


ILLUSTRATIVE_TARGETS = (
    _Illustrative("M2", 50, 5, period_kind="quarter"),  # reduce; Q4 51 → amber
    _Illustrative("M3", 75, 5),  # increase; Q4 68.7% → red
    _Illustrative("M4", 170, 10, period_kind="quarter"),  # reduce; Q4 165 → green
    _Illustrative("M5", 220, 10, period_kind="quarter"),  # reduce; Q4 236 → red
    _Illustrative("M6", 20, 5, period_kind="quarter"),  # reduce; Q4 15 → green
    _Illustrative("M7", 80, 5),  # increase; Q4 77.9% → amber
    _Illustrative("M8", 80, 10),  # increase; Q4 82.8% → green
    _Illustrative("M9", 1400, 100, period_kind="quarter"),  # increase; Q4 1,429 → green
    _Illustrative("M10", 200, 10, tolerance_is_percent=True),  # reduce; Q4 215 days → amber
    _Illustrative("M11", 80, 5),  # increase; Q4 65.6% → red
    _Illustrative("M12", 40, 5, period_kind="quarter"),  # increase; Q4 32 → red
)


def targets_load_illustrative(*, actor: Actor = AUTHOR) -> list[Target]:
    """Replace any illustrative targets with the demo's; analysts' and the plan's are kept.

    Each is audited (``target.create``), as is removing the previous ones.
    """
    with transaction.atomic():
        targets_delete_illustrative(actor=actor)
        return [
            target_set(
                measure=t.measure,
                value=t.value,
                tolerance=t.tolerance,
                tolerance_is_percent=t.tolerance_is_percent,
                period_kind=t.period_kind,
                effective_from=FROM,
                note=NOTE,
                by=AUTHOR,
                illustrative=True,
                source=Target.Source.ILLUSTRATIVE,
                actor=actor,
            )
            for t in ILLUSTRATIVE_TARGETS
        ]
