"""demo_build: every generated file goes through the importer and is accepted whole.

A build costs a few seconds (mostly computing the measures), so one build is
checked from several sides.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from safeplan.demo.generator import IMPORT_ORDER
from safeplan.demo.selectors import database_has_records
from safeplan.demo.services import SUBMITTED_BY, DemoBuild, DemoBuildError, demo_build
from safeplan.imports.services import ImportProblem
from safeplan.measures.models import ComputeRun
from safeplan.records.models import RECORD_MODELS, ImportBatch

WINDOW = (date(2016, 4, 1), date(2020, 3, 31))


@pytest.mark.django_db
def test_a_build_imports_every_file_through_the_importer_as_a_partnership_would(
    tmp_path: Path,
) -> None:
    assert not database_has_records()
    from safeplan.plans.services import plan_load_default

    plan_load_default()  # as `safeplan demo` does through `init`
    started: list[str] = []
    build = demo_build(
        seed=5,
        scale=0.02,
        out_dir=tmp_path,
        progress=lambda f, rows: started.append(f.dataset) if rows == 0 else None,
    )
    assert started == list(IMPORT_ORDER)
    assert database_has_records()
    _every_file_was_accepted_with_no_problem()
    _each_dataset_stores_as_many_current_records_as_its_file_has_rows(build)
    _batches_carry_the_sources_and_windows_a_partnership_would_state()
    assert [r.trigger for r in ComputeRun.objects.all()] == [SUBMITTED_BY], "computed once"
    _the_board_sees_ratings_against_labelled_illustrative_targets()
    _each_intervention_has_demo_actions_in_a_spread_of_states()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{d}.csv" for d in IMPORT_ORDER)


def _the_board_sees_ratings_against_labelled_illustrative_targets() -> None:
    from safeplan.scorecard.models import Target

    targets = Target.objects.all()
    assert targets.exists()
    assert all(t.illustrative for t in targets)
    assert "M1" not in {t.measure for t in targets}  # a track measure is never rated


def _each_intervention_has_demo_actions_in_a_spread_of_states() -> None:
    from safeplan.actions.models import Action
    from safeplan.plans.selectors import intervention_key, plan_active

    plan = plan_active()
    assert plan is not None
    keys = {intervention_key(i.name) for i in plan.interventions.all()}
    actions = Action.objects.all()
    assert {a.intervention_key for a in actions} == keys
    assert actions.count() == 2 * len(keys)
    assert {a.status for a in actions} == {"complete", "in progress", "ongoing", "deferred"}
    assert all("synthetic" in a.owner for a in actions)


def _every_file_was_accepted_with_no_problem() -> None:
    batches = ImportBatch.objects.order_by("pk")
    assert [b.dataset for b in batches] == list(IMPORT_ORDER)
    assert {b.status for b in batches} == {ImportBatch.Status.ACCEPTED}
    assert all(b.errors == [] and b.submitted_by == SUBMITTED_BY for b in batches)


def _each_dataset_stores_as_many_current_records_as_its_file_has_rows(build: DemoBuild) -> None:
    for demo_file, item in zip(build.manifest.files, build.imported, strict=True):
        model = RECORD_MODELS[demo_file.dataset]
        current = model._default_manager.filter(is_current=True).count()
        assert current == item.records == demo_file.rows > 0, demo_file.dataset
    assert build.records == sum(f.rows for f in build.manifest.files)


def _batches_carry_the_sources_and_windows_a_partnership_would_state() -> None:
    for batch in ImportBatch.objects.all():
        assert batch.source == ("police" if batch.dataset == "missing_episodes" else batch.dataset)
        windowed = batch.dataset not in ("children", "population")
        expected = WINDOW if windowed else (None, None)
        assert (batch.covers_from, batch.covers_to) == expected, batch.dataset
        assert batch.covers_stated is windowed


def test_a_rejection_names_the_dataset_and_the_first_problems() -> None:
    problems = [
        ImportProblem(
            "referrals.csv", "", 14, "referral_date", "31/02/2018", "R-V02", "is not a date"
        )
    ]
    error = DemoBuildError("referrals", problems)
    assert str(error) == (
        "the importer rejected the demo's referrals file: "
        'row 14, referral_date: "31/02/2018" is not a date (R-V02)'
    )
