"""``safeplan demo``, run through click's test runner (never serving: --no-serve)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import override_settings

from safeplan.cli import main
from safeplan.demo.generator import IMPORT_ORDER
from safeplan.records.models import RECORD_MODELS, ImportBatch

pytestmark = pytest.mark.django_db
SMALL = ("--no-serve", "--scale", "0.01", "--seed", "3")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def current_referrals() -> int:
    return RECORD_MODELS["referrals"]._default_manager.filter(is_current=True).count()


def test_it_sets_up_the_database_builds_the_county_and_then_keeps_it(tmp_path: Path) -> None:
    code, output = run("demo", *SMALL, "--out", str(tmp_path))
    assert code == 0, output
    assert "Loaded the active plan" in output
    assert "Building the synthetic county (seed 3, scale 0.01)" in output
    for dataset in IMPORT_ORDER:
        assert f"  {dataset} " in output
    assert "measures computed in" in output
    assert (tmp_path / "referrals.csv").exists()
    assert "Demo sign-ins" in output
    batches, referrals = ImportBatch.objects.count(), current_referrals()
    assert batches == len(IMPORT_ORDER)

    code, output = run("demo", *SMALL)
    assert code == 0, output
    assert "already holds records: kept them" in output
    assert ImportBatch.objects.count() == batches

    code, output = run("demo", *SMALL, "--rebuild")
    assert code == 0, output
    assert ImportBatch.objects.count() == 2 * batches
    assert current_referrals() == referrals, "the same county replaces itself"


def test_it_refuses_to_fill_a_production_database() -> None:
    with override_settings(MODE="production"):
        code, output = run("demo", *SMALL)
    assert code != 0
    assert "SAFEPLAN_MODE=demo" in output
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("--scale", "0"),  # an empty county
        ("--scale", "101"),  # beyond what the generator is tuned for
        ("--port", "0"),  # not a port
    ],
)
def test_it_rejects_options_out_of_range(args: tuple[str, ...]) -> None:
    code, output = run("demo", "--no-serve", *args)
    assert code == 2, output
    assert not ImportBatch.objects.exists()
