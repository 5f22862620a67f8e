"""Every service that writes also audits: the list of writers is explicit and checked complete.

``WRITERS`` names each public function of the writing modules with a small
call that makes it write; each must leave an AuditEvent with the expected
action, the actor, and the before/after it promises. ``NOT_WRITERS`` names the
public functions that write nothing a person changed, each with its reason. A
new public function in these modules fails ``test_every_public_service_is_listed``
until it is put in one list or the other.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from safeplan.accounts import services as accounts
from safeplan.accounts.roles import Role
from safeplan.actions import services as actions
from safeplan.actions.models import Action
from safeplan.audit.models import AuditEvent
from safeplan.imports import services as imports
from safeplan.imports import withdraw
from safeplan.jobs import services as jobs
from safeplan.jobs import tasks as job_tasks
from safeplan.measures import services as measures
from safeplan.plans import services as plans
from safeplan.plans.planfile import parse_plan_text
from safeplan.scorecard import illustrative
from safeplan.scorecard import services as scorecard
from safeplan.scorecard.models import SpcMark
from safeplan.submission import services as submission
from tests.actions.conftest import BASE
from tests.plans.test_planfile_targets import _targets

MODULES: tuple[ModuleType, ...] = (
    accounts, plans, imports, measures, scorecard, illustrative,
    actions, withdraw, jobs, job_tasks, submission,
)  # fmt: skip
PASSWORD = "correct-horse-battery"
APRIL = dt.date(2018, 4, 1)


@dataclass(frozen=True)
class Writer:
    action: str  # the audit action the call must record
    call: Callable[[Path], object]  # makes the service write (given a temporary folder)
    before: bool = False  # the event must hold the state before
    after: bool = True  # ... and the state after
    setup: Callable[[Path], object] | None = None  # what must exist first (not audited here)


def _user(name: str = "jo", role: Role = Role.ANALYST) -> User:
    return accounts.user_create(username=name, role=role, password=PASSWORD)


def _target() -> int:
    return scorecard.target_set(measure="M3", value=75, effective_from=APRIL, by="ana").pk


def _csv(folder: Path, text: str, name: str = "data.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _action() -> Action:
    plans.plan_load_default()
    return actions.action_create(data=BASE, by="ana")


def _accepted(folder: Path) -> imports.ImportOutcome:
    return imports.import_file(
        dataset="challenges", path=_csv(folder, CHALLENGES), submitted_by="ana"
    )


def _upload() -> object:
    user = accounts.user_create(
        username="pc", role=Role.AGENCY_SUBMITTER, password=PASSWORD, agency="Police"
    )
    upload = SimpleUploadedFile("challenges.csv", CHALLENGES.encode())
    return submission.submission_receive(
        user=user,
        dataset="challenges",
        source="police",
        covers=None,
        upload=upload,  # its own agency source
    )


CHALLENGES = "challenge_id,raised_date,raised_by_agency\nCH1,2018-06-01,Police\n"
BENCHMARKS = "measure,period,comparator,value\nM3,2018-19,England,72.5\n"
MARK = {"measure": "M3", "month": APRIL, "kind": SpcMark.Kind.GHOST}

WRITERS: dict[str, Writer] = {
    "user_create": Writer(
        "user.create", lambda _: accounts.user_create(username="jo", role=Role.ANALYST,
                                                      password=PASSWORD, actor="admin")),
    "user_role_set": Writer(
        "user.role_change",
        lambda _: accounts.user_role_set(username="jo", role=Role.BOARD_MEMBER, actor="admin"),
        before=True, setup=lambda _: _user()),
    "intervention_owners_set": Writer(
        "user.interventions_change",
        lambda _: accounts.intervention_owners_set(username="jo", keys=["prevent-cse"],
                                                   actor="admin"),
        before=True, setup=lambda _: _user(role=Role.ACTION_OWNER)),
    "user_password_set": Writer(
        "user.password_set",
        lambda _: accounts.user_password_set(username="jo", password="another-long-phrase",
                                             actor="admin"),
        after=False, setup=lambda _: _user()),
    "user_active_set": Writer(
        "user.deactivate",
        lambda _: accounts.user_active_set(username="jo", active=False, actor="admin"),
        before=True, setup=lambda _: _user()),
    "user_unlock": Writer(
        "user.unlock", lambda _: accounts.user_unlock(username="jo", actor="admin"),
        setup=lambda _: _user()),
    "demo_users_create": Writer("user.create", lambda _: accounts.demo_users_create()),
    "demo_users_deactivate": Writer(
        "user.deactivate", lambda _: accounts.demo_users_deactivate(actor="admin"),
        before=True, setup=lambda _: accounts.demo_users_create()),
    "plan_load": Writer(
        "plan.load",
        lambda _: plans.plan_load(text=_targets("M3", "value = 70\nfrom = 2018-04-01"),
                                  actor="admin"),
        before=True, setup=lambda _: plans.plan_load_default()),
    "plan_load_default": Writer("plan.load", lambda _: plans.plan_load_default(actor="admin")),
    "import_file": Writer(
        "import.accept",
        lambda folder: imports.import_file(dataset="challenges", path=_csv(folder, CHALLENGES),
                                           submitted_by="ana")),
    "results_compute": Writer(
        "compute.run", lambda _: measures.results_compute(actor="ana"), before=True,
        setup=lambda _: measures.results_compute()),
    "results_compute_after_import": Writer(
        "compute.run",
        lambda folder: measures.results_compute_after_import(
            imports.import_file(dataset="challenges", path=_csv(folder, CHALLENGES),
                                submitted_by="ana").batch)),
    "target_set": Writer("target.create", lambda _: _target()),
    "target_update": Writer(
        "target.update",
        lambda _: scorecard.target_update(target_id=_target(), by="ana", value=80),
        before=True),
    "target_delete": Writer(
        "target.delete", lambda _: scorecard.target_delete(target_id=_target(), actor="ana"),
        before=True, after=False),
    "targets_load_from_plan": Writer(
        "target.create",
        lambda _: scorecard.targets_load_from_plan(
            parse_plan_text(_targets("M3", "value = 70\nfrom = 2018-04-01")), actor="ana")),
    "benchmarks_import": Writer(
        "benchmarks.import",
        lambda folder: scorecard.benchmarks_import(path=_csv(folder, BENCHMARKS), by="ana")),
    "spc_setting_set": Writer(
        "spc.setting_set",
        lambda _: scorecard.spc_setting_set(measure="M3", conflict="improvement", by="ana"),
        before=True, setup=lambda _: scorecard.spc_setting_set(measure="M3", conflict="concern",
                                                               by="ana")),
    "spc_mark_set": Writer(
        "spc.mark_set", lambda _: scorecard.spc_mark_set(**MARK, reason="a one-off", by="ana")),
    "spc_mark_clear": Writer(
        "spc.mark_clear", lambda _: scorecard.spc_mark_clear(**MARK, actor="ana"),
        before=True, after=False,
        setup=lambda _: scorecard.spc_mark_set(**MARK, reason="a one-off", by="ana")),
    "commentary_save": Writer(
        "commentary.save",
        lambda _: scorecard.commentary_save(measure="M3", period="2018-19 Q1",
                                            what_the_data_says="Better", author="ana"),
        before=True,
        setup=lambda _: scorecard.commentary_save(measure="M3", period="2018-19 Q1",
                                                  what_the_data_says="First", author="ana")),
    "targets_delete_illustrative": Writer(
        "target.delete", lambda _: scorecard.targets_delete_illustrative(actor="ana"),
        before=True, after=False, setup=lambda _: illustrative.targets_load_illustrative()),
    "targets_load_illustrative": Writer(
        "target.create", lambda _: illustrative.targets_load_illustrative()),
    # the actions, withdrawal, jobs and submission services (their own tests say more)
    "action_create": Writer("action.create", lambda _: _action()),
    "action_update": Writer(
        "action.update",
        lambda _: actions.action_update(action=_action(), data=replace(BASE, title="New"),
                                        by="ana"),
        before=True),
    "action_progress_add": Writer(
        "action.progress",
        lambda _: actions.action_progress_add(action=_action(), on=dt.date(2024, 1, 5),
                                              percent_complete=20, status="in progress",
                                              by=_user("ana"), today=dt.date(2024, 1, 20)),
        before=True),
    "action_close": Writer(
        "action.close",
        lambda _: actions.action_close(action=_action(), on=dt.date(2024, 1, 5), note="done",
                                       by=_user("ana"), today=dt.date(2024, 1, 20))),
    "batch_withdraw": Writer(
        "batch.withdraw",
        lambda folder: withdraw.batch_withdraw(batch=_accepted(folder).batch, by="ana"),
        before=True),
    "run_create": Writer(
        "job.enqueue", lambda _: jobs.run_create(kind="import", actor="ana", label="a.csv")),
    "run_fail": Writer(
        "job.fail",
        lambda _: jobs.run_fail(jobs.run_create(kind="import", actor="ana", label="a.csv"),
                                error="it broke")),
    "import_enqueue": Writer(
        "job.enqueue",
        lambda folder: job_tasks.import_enqueue(actor="ana", dataset="challenges",
                                                source="challenges", covers=None,
                                                upload=_csv(folder, CHALLENGES),
                                                file_name="challenges.csv", total=1)),
    "withdraw_enqueue": Writer(
        "job.enqueue",
        lambda folder: job_tasks.withdraw_enqueue(batch=_accepted(folder).batch, actor="ana")),
    "recompute_enqueue": Writer(
        "job.enqueue", lambda _: job_tasks.recompute_enqueue(actor="ana", trigger="a test")),
    "submission_receive": Writer("import.accept", lambda _: _upload()),
}  # fmt: skip

NOT_WRITERS = {
    "roles_ensure": "creates the five fixed role groups; no person's data",
    "parse_covers": "reads text",
    "measure_spec_checked": "reads the catalogue",
    "plan_keys": "reads the active plan",
    "action_input_errors": "checks input",
    "action_snapshot": "reads an action",
    # task machinery: what a task runs (an import, a withdrawal) is audited by its service
    "upload_folder": "names the folder of uploads",
    "run_actor": "reads who asked for a task",
    "run_sent": "notes the queue's id of a task whose queueing was audited",
    "run_start": "marks a queued task running; the service it runs audits",
    "run_progress": "counts rows read",
    "run_finish": "records how a task ended; the service it ran audited what it did",
    "run_upload_delete": "deletes a stored upload once its import has ended",
    "tasks_sweep": "fails tasks a stopped worker left (run_fail audits each) and deletes orphan files",
    "upload_store": "writes the uploaded file to disk; its import is audited",
}


def _public_functions(module: ModuleType) -> set[str]:
    return {
        name
        for name, value in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and value.__module__ == module.__name__
    }


def test_every_public_service_is_listed_as_a_writer_or_not() -> None:
    found = set().union(*(_public_functions(m) for m in MODULES))
    assert found == set(WRITERS) | set(NOT_WRITERS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(WRITERS))
def test_every_writing_service_records_an_audit_event(
    name: str, tmp_path: Path, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    writer = WRITERS[name]
    if writer.setup is not None:
        writer.setup(tmp_path)
    first = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    writer.call(tmp_path)
    events = AuditEvent.objects.filter(id__gt=first, action=writer.action)
    assert events.exists(), f"{name} recorded no {writer.action}"
    event = events.order_by("-id").first()
    assert event is not None
    assert event.actor_name
    if writer.before:
        assert event.before, f"{name}: {writer.action} has no before"
    if writer.after:
        assert event.after, f"{name}: {writer.action} has no after"


@pytest.mark.django_db
def test_a_rejected_import_is_audited_with_its_batch_dataset_source_and_rows(
    tmp_path: Path,
) -> None:
    path = _csv(
        tmp_path, CHALLENGES.replace("2018-06-01", "31/02/2018") + "CH2,2018-06-01,Police\n"
    )
    outcome = imports.import_file(dataset="challenges", path=path, submitted_by="ana")
    assert not outcome.accepted
    event = AuditEvent.objects.get(action="import.reject")
    assert event.after is not None
    assert (event.object_id, event.actor_name) == (str(outcome.batch.pk), "ana")
    assert {k: event.after[k] for k in ("batch", "dataset", "source", "rows_read", "problems")} == {
        "batch": outcome.batch.pk, "dataset": "challenges", "source": "challenges",
        "rows_read": 2, "problems": 1,
    }  # fmt: skip


@pytest.mark.django_db
def test_an_accepted_import_is_audited_with_records_and_coverage(tmp_path: Path) -> None:
    outcome = imports.import_file(
        dataset="challenges", path=_csv(tmp_path, CHALLENGES), submitted_by="ana"
    )
    event = AuditEvent.objects.get(action="import.accept")
    assert event.after is not None
    assert event.after["batch"] == outcome.batch.pk
    assert (event.after["records_stored"], event.after["covers_from"]) == (1, "2018-06-01")


@pytest.mark.django_db
def test_a_rejected_benchmark_file_is_audited_too(tmp_path: Path) -> None:
    scorecard.benchmarks_import(path=_csv(tmp_path, "measure,period\nM3,2018-19\n"), by="ana")
    assert AuditEvent.objects.filter(action="benchmarks.reject", actor_name="ana").exists()


@pytest.mark.django_db
def test_a_change_that_fails_leaves_no_audit_event() -> None:
    with pytest.raises(scorecard.ScorecardInputError):
        scorecard.target_set(measure="M1", value=5, effective_from=APRIL, by="ana")  # track
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_update_records_the_value_before_and_after() -> None:
    target = scorecard.target_update(target_id=_target(), by="bob", value=80)
    event = AuditEvent.objects.get(action="target.update")
    assert event.before is not None
    assert event.after is not None
    assert (event.before["value"], event.after["value"], event.actor_name) == (75.0, 80.0, "bob")
    assert event.object_id == str(target.pk)


@pytest.mark.django_db
def test_a_signed_in_user_acting_is_linked_to_the_event() -> None:
    admin = _user("boss", Role.ADMINISTRATOR)
    _user()
    accounts.user_role_set(username="jo", role=Role.BOARD_MEMBER, actor=admin)
    event = AuditEvent.objects.get(action="user.role_change")
    assert (event.actor, event.actor_name) == (admin, "boss")
    assert event.before is not None
    assert event.after is not None
    assert (event.before["roles"], event.after["roles"]) == (["analyst"], ["board member"])
