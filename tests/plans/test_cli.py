"""``safeplan init`` and ``safeplan plan``, run through click's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeplan.cli import main
from safeplan.plans.models import KeyMeasure, Plan

EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/three-priorities.toml"

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_init_loads_the_default_plan_and_a_second_run_changes_nothing() -> None:
    code, output = run("init")
    assert code == 0, output
    assert "Loaded the active plan: LSCB Priorities Plan on a Page 2017-2020" in output
    code, output = run("init")
    assert code == 0, output
    assert "Kept the active plan: LSCB Priorities Plan on a Page 2017-2020" in output
    assert (Plan.objects.count(), KeyMeasure.objects.count()) == (1, 12)


def test_init_with_a_plan_file_loads_it_and_keeps_it_on_a_later_plain_init() -> None:
    run("init")
    code, output = run("init", "--plan", str(EXAMPLE))
    assert code == 0, output
    assert "Loaded the active plan: Example Partnership Plan 2021-2023" in output
    code, output = run("init")
    assert "Kept the active plan: Example Partnership Plan 2021-2023" in output
    assert Plan.objects.get(is_active=True).title == "Example Partnership Plan 2021-2023"


def test_init_with_a_bad_plan_file_fails_with_its_message_and_keeps_the_active_plan(
    tmp_path: Path,
) -> None:
    run("init")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace('id = "M10"', 'id = "M13"'), encoding="utf-8"
    )
    code, output = run("init", "--plan", str(bad))
    assert code == 1
    assert (
        'Error: bad.toml: priorities[2].measures[2]: unknown measure id "M13" (known: M1…M12)'
        in output
    )
    assert Plan.objects.get().title == "LSCB Priorities Plan on a Page 2017-2020"


def test_plan_prints_json_with_the_whole_page() -> None:
    run("init", "--plan", str(EXAMPLE))
    code, output = run("plan", "--format", "json")
    assert code == 0, output
    data = json.loads(output)
    assert data["title"] == "Example Partnership Plan 2021-2023"
    assert (data["start_date"], data["end_date"]) == ("2021-04-01", "2023-03-31")
    m3 = data["priorities"][0]["measures"][1]
    assert m3 == {
        "id": "M3",
        "slug": "rhi-timeliness",
        "title": "More return interviews held within 48 hours",
        "definition": "Return interviews completed within 48 hours of the child's return",
        "direction": "increase",
        "unit": "percent",
        "parameters": {"timescale_hours": 48, "include_away": False},
        "parameter_overrides": {"timescale_hours": 48},
    }
    assert data["priorities"][2]["interventions"][0] == {
        "name": "Advocacy",
        "description": "Offer an advocate to every child before a conference",
    }


def test_plan_prints_text_by_default_with_vision_aims_measures_interventions_and_themes() -> None:
    run("init")
    code, output = run("plan")
    assert code == 0, output
    for text in (
        "Vision: Every child and young person in County Durham feels safe and grows up safe from harm",
        "1. Child Sexual Exploitation",
        "The aim is to achieve excellent partnership working across all areas",
        "3) [M12, increase, count] Increase the number of recorded challenges in cases",
        "- Peer Support – Develop skills for young people to support other young people",
        "- Practitioners: The voice and experience of the Practitioner is heard",
    ):
        assert text in output


def test_plan_prints_no_themes_heading_for_a_plan_without_themes() -> None:
    run("init", "--plan", str(EXAMPLE))
    code, output = run("plan")
    assert code == 0, output
    assert "2. Neglect" in output
    assert "Cross-cutting themes" not in output


def test_plan_without_a_loaded_plan_says_to_run_init() -> None:
    code, output = run("plan")
    assert code == 1
    assert "no plan is loaded; run `safeplan init` first" in output


@pytest.mark.parametrize("command", [["init"], ["plan"]])
def test_every_command_has_help(command: list[str]) -> None:
    code, output = run(*command, "--help")
    assert code == 0
    assert "Usage: main " in output


def test_plan_rejects_an_unknown_format() -> None:
    code, output = run("plan", "--format", "xml")
    assert code == 2
    assert "'xml' is not one of 'text', 'json'" in output
