"""The shipped plan against the board's page (the seed document), word for word."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from safeplan.plans.selectors import plan_active, plan_as_dict
from safeplan.plans.services import plan_load_default

SEED = Path(__file__).resolve().parents[2].parent / "shared/seed/plan-on-a-page-2017-2020.md"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason=f"seed document absent: {SEED}")


@dataclass
class SeedPage:
    """What the seed markdown says, read line by line; every non-blank line is accounted for."""

    title: str = ""
    vision: str = ""
    headings: list[str] = field(default_factory=list)
    priorities: list[tuple[str, str]] = field(default_factory=list)
    measures: list[list[str]] = field(default_factory=lambda: [[]])
    interventions: list[list[tuple[str, str]]] = field(default_factory=lambda: [[]])
    themes: list[tuple[str, str]] = field(default_factory=list)


def read_seed(text: str) -> SeedPage:
    page = SeedPage()
    named: list[tuple[str, str]] | None = None  # the ### list the next paragraph belongs to
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            # A blank line ends a group of measures or interventions (one group per priority).
            for groups in (page.measures, page.interventions):
                if groups[-1]:
                    groups.append([])  # type: ignore[arg-type]
        elif m := re.fullmatch(r"# (.+)", line):
            page.title = m[1]
        elif m := re.fullmatch(r"\*\*Vision:\*\* (.+)", line):
            page.vision = m[1]
        elif m := re.fullmatch(r"## (.+)", line):
            page.headings.append(m[1])
            named = page.priorities if len(page.headings) == 1 else page.themes
        elif m := re.fullmatch(r"### (.+)", line):
            assert named is not None, line
            named.append((m[1], ""))
        elif m := re.fullmatch(r"- \d\) (.+)", line):
            page.measures[-1].append(m[1])
        elif m := re.fullmatch(r"\*\*(.+?)\*\* – (.+)", line):
            page.interventions[-1].append((m[1], m[2]))
        else:
            if not named or named[-1][1]:
                raise AssertionError(f"unexpected line in the seed: {line!r}")
            named[-1] = (named[-1][0], line)
    page.measures = [g for g in page.measures if g]
    page.interventions = [g for g in page.interventions if g]
    return page


@pytest.fixture(scope="module")
def seed() -> SeedPage:
    return read_seed(SEED.read_text(encoding="utf-8"))


@pytest.fixture
def plan(db: None) -> dict[str, Any]:
    plan_load_default()
    active = plan_active()
    assert active is not None
    return plan_as_dict(active)


def test_the_seed_reader_finds_the_whole_page(seed: SeedPage) -> None:
    assert (len(seed.headings), len(seed.priorities), len(seed.themes)) == (3, 4, 4)
    assert [len(g) for g in seed.measures] == [3, 3, 3, 3]
    assert [len(g) for g in seed.interventions] == [3, 4, 5, 4]


def test_the_default_plan_has_the_pages_title_vision_and_headings(seed, plan) -> None:
    assert plan["title"] == seed.title == "LSCB Priorities Plan on a Page 2017-2020"
    assert plan["vision"] == seed.vision
    assert list(plan["headings"].values()) == seed.headings


def test_the_default_plan_has_the_pages_priorities_and_aims(seed, plan) -> None:
    assert [(p["name"], p["aim"]) for p in plan["priorities"]] == seed.priorities


def test_the_default_plan_has_the_pages_measures_in_order_as_m1_to_m12(seed, plan) -> None:
    assert [[m["title"] for m in p["measures"]] for p in plan["priorities"]] == seed.measures
    ids = [m["id"] for p in plan["priorities"] for m in p["measures"]]
    assert ids == [f"M{n}" for n in range(1, 13)]


def test_the_default_plan_has_the_pages_interventions_under_their_priorities(seed, plan) -> None:
    got = [[(i["name"], i["description"]) for i in p["interventions"]] for p in plan["priorities"]]
    assert got == seed.interventions


def test_the_default_plan_has_the_pages_themes(seed, plan) -> None:
    assert [(t["name"], t["description"]) for t in plan["themes"]] == seed.themes


def test_the_default_plan_runs_from_april_2017_to_march_2020_with_no_overrides(plan) -> None:
    assert (plan["start_date"], plan["end_date"]) == ("2017-04-01", "2020-03-31")
    assert all(not m["parameter_overrides"] for p in plan["priorities"] for m in p["measures"])


def test_the_words_of_the_seed_are_exactly_the_words_of_the_default_plans_page(plan) -> None:
    # Independent of the reader above: the page's words, markup aside, counted
    # against the words of the plan's page texts, so nothing is lost or added.
    markup = r"^#+ |\*\*Vision:\*\*|\*\*|^- \d\) | – "
    seed_text = re.sub(markup, " ", SEED.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert sorted(seed_text.split()) == sorted(" ".join(_page_texts(plan)).split())


def _page_texts(plan: dict[str, Any]) -> list[str]:
    texts = [plan["title"], plan["vision"], *plan["headings"].values()]
    for priority in plan["priorities"]:
        texts += [priority["name"], priority["aim"]]
        texts += [m["title"] for m in priority["measures"]]
        texts += [f"{i['name']} {i['description']}" for i in priority["interventions"]]
    return texts + [f"{t['name']} {t['description']}" for t in plan["themes"]]
