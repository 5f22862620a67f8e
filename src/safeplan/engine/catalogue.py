"""The twelve key measures' identities, kinds and default parameters (`measures.md`).

This is the single list of measure ids: the plan loader validates plan files
against it, the engine computes from it, the docs are rendered from it.

>>> CATALOGUE["M5"].slug
'repeat-referrals'
>>> CATALOGUE["M5"].defaults["lookback_months"]
12
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

ParamValue = int | float | bool | str | tuple[str, ...]


class Direction(StrEnum):
    INCREASE = "increase"
    REDUCE = "reduce"
    TRACK = "track"


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    MEAN_DAYS = "mean days"
    RATE_PER_10000 = "rate per 10,000"


class Kind(StrEnum):
    FLOW = "flow"
    SNAPSHOT = "snapshot"


@dataclass(frozen=True)
class MeasureSpec:
    """Identity and semantics of one key measure."""

    id: str
    slug: str
    title: str
    kind: Kind
    unit: Unit
    direction: Direction
    reads: tuple[str, ...]
    breakdowns: tuple[str, ...] = ()
    defaults: Mapping[str, ParamValue] = field(default_factory=lambda: MappingProxyType({}))
    counts_children: bool = False

    def parameters(
        self, overrides: Mapping[str, ParamValue] | None = None
    ) -> dict[str, ParamValue]:
        """Defaults updated by a plan's overrides; unknown or mistyped names raise ValueError."""
        params: dict[str, ParamValue] = dict(self.defaults)
        for name, value in (overrides or {}).items():
            if name not in params:
                known = ", ".join(sorted(params)) or "none"
                raise ValueError(f"{self.id} has no parameter {name!r} (known: {known})")
            default = params[name]
            if isinstance(default, tuple):
                if not isinstance(value, list | tuple) or not all(
                    isinstance(v, str) for v in value
                ):
                    raise ValueError(f"{self.id} parameter {name!r} must be a list of text")
                value = tuple(value)
            elif type(value) is not type(default) and not (
                isinstance(default, float) and type(value) is int
            ):
                raise ValueError(
                    f"{self.id} parameter {name!r} must be {type(default).__name__}, "
                    f"not {type(value).__name__}"
                )
            params[name] = value
        return params


def _m(**kwargs: object) -> MeasureSpec:
    defaults = kwargs.pop("defaults", {})
    assert isinstance(defaults, dict)
    return MeasureSpec(defaults=MappingProxyType(defaults), **kwargs)  # type: ignore[arg-type]


_LIST = (
    _m(
        id="M1", slug="cse-referrals",
        title="Referrals where CSE is identified as medium or high risk at point of referral",
        kind=Kind.FLOW, unit=Unit.COUNT, direction=Direction.TRACK, reads=("referrals",),
        breakdowns=("risk_level",), defaults={"risk_levels": ("medium", "high")},
    ),
    _m(
        id="M2", slug="repeat-missing",
        title="Children and young people who go missing more than once",
        kind=Kind.FLOW, unit=Unit.COUNT, direction=Direction.REDUCE, reads=("missing_episodes",),
        breakdowns=("looked_after",), defaults={"min_episodes": 2, "include_away": False},
        counts_children=True,
    ),
    _m(
        id="M3", slug="rhi-timeliness",
        title="Return interviews completed within agreed timescales",
        kind=Kind.FLOW, unit=Unit.PERCENT, direction=Direction.INCREASE,
        reads=("missing_episodes",), defaults={"timescale_hours": 72, "include_away": False},
    ),
    _m(
        id="M4", slug="cp-neglect",
        title="Children subject to a child protection plan for neglect",
        kind=Kind.SNAPSHOT, unit=Unit.COUNT, direction=Direction.REDUCE, reads=("cp_plans",),
        defaults={"category_field": "initial"}, counts_children=True,
    ),
    _m(
        id="M5", slug="repeat-referrals",
        title="Repeat referrals following a single assessment",
        kind=Kind.FLOW, unit=Unit.COUNT, direction=Direction.REDUCE,
        reads=("referrals", "assessments"), defaults={"lookback_months": 12},
    ),
    _m(
        id="M6", slug="cp-18-months",
        title="Children subject to a child protection plan for 18 months or more",
        kind=Kind.SNAPSHOT, unit=Unit.COUNT, direction=Direction.REDUCE, reads=("cp_plans",),
        defaults={"min_months": 18}, counts_children=True,
    ),
    _m(
        id="M7", slug="child-views",
        title="Instances where the views of the child are shared in child protection conferences",
        kind=Kind.FLOW, unit=Unit.PERCENT, direction=Direction.INCREASE,
        reads=("cp_conferences",), breakdowns=("conference_type",),
    ),
    _m(
        id="M8", slug="lived-experience",
        title="Evidence of the child's lived experience within case recording",
        kind=Kind.FLOW, unit=Unit.PERCENT, direction=Direction.INCREASE,
        reads=("case_audits",), breakdowns=("agency",),
    ),
    _m(
        id="M9", slug="elearning-uptake",
        title="Young people's uptake of the eLearning package on child abuse",
        kind=Kind.FLOW, unit=Unit.COUNT, direction=Direction.INCREASE,
        reads=("elearning_completions",), counts_children=True,
    ),
    _m(
        id="M10", slug="neglect-case-length",
        title="Average length of time a neglect case is live/open",
        kind=Kind.FLOW, unit=Unit.MEAN_DAYS, direction=Direction.REDUCE,
        reads=("cases", "assessments", "cp_plans"),
    ),
    _m(
        id="M11", slug="iha-timeliness",
        title="Initial Health Assessments for looked after children within agreed timescales",
        kind=Kind.FLOW, unit=Unit.PERCENT, direction=Direction.INCREASE, reads=("care_periods",),
        defaults={"timescale_working_days": 20, "request_working_days": 5},
    ),
    _m(
        id="M12", slug="recorded-challenges",
        title="Recorded challenges in cases",
        kind=Kind.FLOW, unit=Unit.COUNT, direction=Direction.INCREASE, reads=("challenges",),
        breakdowns=("agency", "stage"),
    ),
)  # fmt: skip

CATALOGUE: Mapping[str, MeasureSpec] = MappingProxyType({m.id: m for m in _LIST})
BY_SLUG: Mapping[str, MeasureSpec] = MappingProxyType({m.slug: m for m in _LIST})


def measure_spec(key: str) -> MeasureSpec:
    """Look a measure up by id (``M5``) or slug (``repeat-referrals``)."""
    spec = CATALOGUE.get(key.upper()) or BY_SLUG.get(key.lower())
    if spec is None:
        raise KeyError(f"unknown measure {key!r}; known: {', '.join(CATALOGUE)}")
    return spec
