"""The access matrix: every URL of the project × every persona → the exact answer.

An independent statement of who may do what (issue 6, item 3), written out by
hand from the policy in ``safeplan.accounts.permissions``: each row is one URL
with concrete arguments and one method, and lists what each of the nine
personas gets — 200, 403, 404, 405, a redirect to sign in (``IN``) or another
redirect (``GO``, e.g. after a successful POST). A URL pattern of the project
that no row covers fails ``test_every_url_pattern_is_in_the_matrix``, so a new
page cannot be added without deciding who may see it.

Each row runs every persona in turn against one small world (the hand-made
county of ``tests/web/county.py``, one police batch, one queued job, one action
under "Prevent CSE" and one under "Understand Neglect"); each persona's request
is rolled back, so a POST by one persona does not change what the next sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from safeplan.accounts.roles import Role
from safeplan.accounts.services import intervention_owners_set, user_create
from safeplan.actions.services import action_create
from safeplan.imports.services import import_file
from safeplan.jobs.models import TaskRun
from safeplan.plans.selectors import intervention_key
from safeplan.records.models import ImportBatch
from tests.actions.conftest import BASE
from tests.imports.conftest import GOOD_ROWS, table, write_csv
from tests.web.county import PASSWORD, county_load

pytestmark = pytest.mark.django_db

IN = "sign-in"  # 302 to /account/sign-in/?next=<this page>
GO = "redirect"  # 302 anywhere else (after a successful POST, or a finished job)

#: The columns of every row, in this order.
PERSONAS = ("admin", "analyst", "police", "health", "owner_a", "owner_b", "board", "nobody", "anon")
PREVENT = "Prevent CSE"  # intervention A, owned by owner_a
NEGLECT = "Understand Neglect"  # intervention B, owned by owner_b
THEME = "knowledge-management"
PERIOD = "2018-19 Q1"  # the county's latest quarter with figures (M8)
TODAY = date.today().isoformat()

Expect = tuple[int | str, ...]


@dataclass(frozen=True)
class Row:
    name: str  # the URL pattern's "namespace:name"
    path: str  # with {placeholders} filled from the world
    expect: Expect  # one answer per persona, in the order of PERSONAS
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)


def row(name: str, path: str, *expect: int | str, method: str = "GET", **data: Any) -> Row:
    assert len(expect) == len(PERSONAS), f"{path}: {len(expect)} answers"
    return Row(name, path, expect, method, data)


def _id(r: Row) -> str:
    extra = f" {sorted(r.data)}" if r.data else ""
    return f"{r.method} {r.path}{extra}"


# Groups of answers that recur: columns are
#   admin, analyst, police, health, owner_a, owner_b, board, nobody, anon
EVERY_ROLE = (200, 200, 200, 200, 200, 200, 200, 403, IN)  # "ANYONE": no role holds nothing
STAFF_ONLY = (200, 200, 403, 403, 403, 403, 403, 403, IN)  # analysts and administrators
ADMIN_ONLY = (200, 403, 403, 403, 403, 403, 403, 403, IN)
NOT_FOUND = (404, 404, 404, 404, 404, 404, 404, 404, IN)  # the sign-in comes first

ROWS: list[Any] = [
    # --- accounts ---------------------------------------------------------------------------
    # Your own account page: anybody signed in, even with no role (it says you have none).
    row("accounts:account", "/account/", 200, 200, 200, 200, 200, 200, 200, 200, IN),
    # Sign-in is public; a signed-in user is sent on (redirect_authenticated_user).
    row("accounts:sign_in", "/account/sign-in/", GO, GO, GO, GO, GO, GO, GO, GO, 200),
    row(
        "accounts:sign_in", "/account/sign-in/", GO, GO, GO, GO, GO, GO, GO, GO, 200, method="POST"
    ),
    # Sign-out is POST only: a link cannot sign anybody out.
    row("accounts:sign_out", "/account/sign-out/", 405, 405, 405, 405, 405, 405, 405, 405, IN),
    row(
        "accounts:sign_out", "/account/sign-out/", GO, GO, GO, GO, GO, GO, GO, GO, IN, method="POST"
    ),
    row("accounts:users", "/account/users/", *ADMIN_ONLY),
    row("accounts:user_add", "/account/users/add/", *ADMIN_ONLY),
    row("accounts:user_add", "/account/users/add/", *ADMIN_ONLY, method="POST"),  # errors: 200
    row("accounts:user_role", "/account/users/{board_name}/role/", *ADMIN_ONLY),
    row("accounts:user_role", "/account/users/{board_name}/role/", *ADMIN_ONLY, method="POST"),
    # An unknown user: 404 for the administrator, but nobody else learns whether it exists.
    row(
        "accounts:user_role",
        "/account/users/no-such-person/role/",
        404,
        403,
        403,
        403,
        403,
        403,
        403,
        403,
        IN,
    ),
    row("accounts:user_active", "/account/users/{board_name}/active/", *ADMIN_ONLY),
    # The administrator switches the board member off, then is sent to the user list.
    row(
        "accounts:user_active",
        "/account/users/{board_name}/active/",
        GO,
        403,
        403,
        403,
        403,
        403,
        403,
        403,
        IN,
        method="POST",
    ),
    # --- audit ------------------------------------------------------------------------------
    row("audit:list", "/audit/", *ADMIN_ONLY),
    # --- pages ------------------------------------------------------------------------------
    # The accessibility statement is public (the 2018 accessibility regulations).
    row("pages:accessibility", "/accessibility", 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # --- web: aggregates for every role, child-level records for staff only ----------------
    row("web:plan", "/", *EVERY_ROLE),
    row("web:plan", f"/?period={PERIOD}", *EVERY_ROLE),
    row("web:measures", "/measures/", *EVERY_ROLE),
    row("web:measure", "/measures/M8/", *EVERY_ROLE),
    row("web:measure", "/measures/M99/", *NOT_FOUND),  # an unknown measure
    row("web:records", f"/measures/M8/records/?period={PERIOD}", *STAFF_ONLY),
    row(
        "web:records",
        f"/measures/M8/records/?period={PERIOD}&breakdown=locality&group=Unknown",
        *STAFF_ONLY,
    ),
    row("web:records", "/measures/M99/records/", *NOT_FOUND),
    row("web:commentary", f"/measures/M8/commentary/?period={PERIOD}", *STAFF_ONLY),
    # Saving commentary sends staff back to the measure page.
    row(
        "web:commentary",
        f"/measures/M8/commentary/?period={PERIOD}",
        GO,
        GO,
        403,
        403,
        403,
        403,
        403,
        403,
        IN,
        method="POST",
        what_the_data_says="Fewer audits were good.",
        why="",
        what_is_being_done="",
    ),
    row("web:commentary", "/measures/M99/commentary/", *NOT_FOUND),
    # --- actions: every role reads; staff and the intervention's owner write --------------
    row("actions:intervention", "/interventions/{a_key}/", *EVERY_ROLE),
    row("actions:intervention", "/interventions/{b_key}/", *EVERY_ROLE),
    row(
        "actions:intervention",
        "/interventions/no-such-thing/",
        404,
        404,
        404,
        404,
        404,
        404,
        404,
        403,
        IN,
    ),
    row("actions:theme", f"/themes/{THEME}/", *EVERY_ROLE),
    row("actions:theme", "/themes/no-such-theme/", 404, 404, 404, 404, 404, 404, 404, 403, IN),
    row("actions:overdue", "/actions/overdue/", *EVERY_ROLE),
    row("actions:export_csv", "/actions/export.csv", *EVERY_ROLE),
    row("actions:export_xlsx", "/actions/export.xlsx", *EVERY_ROLE),
    row("actions:detail", "/actions/{action_a}/", *EVERY_ROLE),
    row("actions:detail", "/actions/{action_b}/", *EVERY_ROLE),
    row("actions:detail", "/actions/999999/", *NOT_FOUND),
    # Adding an action: staff, and an owner of any intervention (the form offers only theirs).
    row("actions:new", "/actions/new/", 200, 200, 403, 403, 200, 200, 403, 403, IN),
    row(
        "actions:new", "/actions/new/", 200, 200, 403, 403, 200, 200, 403, 403, IN, method="POST"
    ),  # an empty form: its errors, 200
    # Owner B may not add an action under A: the form says so (200), nothing is saved.
    row(
        "actions:new",
        "/actions/new/",
        GO,
        GO,
        403,
        403,
        GO,
        200,
        403,
        403,
        IN,
        method="POST",
        intervention_key="{a_key}",
        title="Patrol hotspots",
        owner="CSE lead",
        agency="Police",
        themes=[THEME],
        start_date="2024-01-01",
        due_date="2024-03-31",
        percent_complete="0",
        status="not started",
    ),
    row("actions:import", "/actions/import/", 200, 200, 403, 403, 200, 200, 403, 403, IN),
    row(
        "actions:import",
        "/actions/import/",
        200,
        200,
        403,
        403,
        200,
        200,
        403,
        403,
        IN,
        method="POST",
    ),
    # Changing an action: staff and that intervention's owner only.
    row("actions:edit", "/actions/{action_a}/edit/", 200, 200, 403, 403, 200, 403, 403, 403, IN),
    row("actions:edit", "/actions/{action_b}/edit/", 200, 200, 403, 403, 403, 200, 403, 403, IN),
    row(
        "actions:edit",
        "/actions/{action_a}/edit/",
        200,
        200,
        403,
        403,
        200,
        403,
        403,
        403,
        IN,
        method="POST",
    ),
    row("actions:edit", "/actions/999999/edit/", *NOT_FOUND),
    row(
        "actions:progress",
        "/actions/{action_a}/progress/",
        200,
        200,
        403,
        403,
        200,
        403,
        403,
        403,
        IN,
    ),
    row(
        "actions:progress",
        "/actions/{action_a}/progress/",
        GO,
        GO,
        403,
        403,
        GO,
        403,
        403,
        403,
        IN,
        method="POST",
        on=TODAY,
        percent_complete="50",
        status="in progress",
        note="Half done",
    ),
    row(
        "actions:progress",
        "/actions/{action_b}/progress/",
        GO,
        GO,
        403,
        403,
        403,
        GO,
        403,
        403,
        IN,
        method="POST",
        on=TODAY,
        percent_complete="50",
        status="in progress",
        note="Half done",
    ),
    row("actions:close", "/actions/{action_b}/close/", 200, 200, 403, 403, 403, 200, 403, 403, IN),
    row(
        "actions:close",
        "/actions/{action_a}/close/",
        GO,
        GO,
        403,
        403,
        GO,
        403,
        403,
        403,
        IN,
        method="POST",
        on=TODAY,
        note="Done",
    ),
    row("actions:close", "/actions/999999/close/", *NOT_FOUND),
    # --- submission: staff see everything; a submitter their own agency's batches ----------
    row("submission:upload", "/data/", 200, 200, 200, 200, 403, 403, 403, 403, IN),
    # An empty upload: the form's errors (200). Police may not upload health's dataset.
    row("submission:upload", "/data/", 200, 200, 200, 200, 403, 403, 403, 403, IN, method="POST"),
    row(
        "submission:upload",
        "/data/",
        200,
        200,
        403,
        200,
        403,
        403,
        403,
        403,
        IN,
        method="POST",
        dataset="care_periods",
    ),
    row("submission:batches", "/data/batches/", 200, 200, 200, 200, 403, 403, 403, 403, IN),
    # The police batch: its summary for police (not its rows: see the test below), not health.
    row(
        "submission:batch",
        "/data/batches/{police_batch}/",
        200,
        200,
        200,
        403,
        403,
        403,
        403,
        403,
        IN,
    ),
    # The children's social care batch (case audits): neither police nor health.
    row("submission:batch", "/data/batches/{csc_batch}/", *STAFF_ONLY),
    row("submission:batch", "/data/batches/999999/", *NOT_FOUND),
    row(
        "submission:problems",
        "/data/batches/{police_batch}/problems.csv",
        200,
        200,
        200,
        403,
        403,
        403,
        403,
        403,
        IN,
    ),
    row("submission:problems", "/data/batches/{csc_batch}/problems.csv", *STAFF_ONLY),
    row("submission:problems", "/data/batches/999999/problems.csv", *NOT_FOUND),
    # Withdrawing: staff only, even for the submitter's own batch.
    row("submission:withdraw", "/data/batches/{police_batch}/withdraw/", *STAFF_ONLY),
    row(
        "submission:withdraw",
        "/data/batches/{police_batch}/withdraw/",
        GO,
        GO,
        403,
        403,
        403,
        403,
        403,
        403,
        IN,
        method="POST",
    ),
    row("submission:withdraw", "/data/batches/999999/withdraw/", *NOT_FOUND),
    # A queued job: its creator (police) and staff.
    row("submission:job", "/data/jobs/{job}/", 200, 200, 200, 403, 403, 403, 403, 403, IN),
    row("submission:job", "/data/jobs/999999/", *NOT_FOUND),
]

#: URL patterns deliberately outside the matrix, with the reason.
EXEMPT: dict[str, str] = {}


@dataclass(frozen=True)
class World:
    users: dict[str, User]
    values: dict[str, str]


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Built once for the module inside a transaction that is rolled back at the end."""
    tmp_path = tmp_path_factory.mktemp("matrix")
    with django_db_blocker.unblock(), override_settings(UPLOAD_DIR=tmp_path / "uploads"):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _world_build(tmp_path)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def static_root(settings: LazySettings, tmp_path: Path) -> None:
    root = tmp_path / "static"
    root.mkdir()
    settings.STATIC_ROOT = root  # whitenoise warns (an error here) when it is missing


def _world_build(tmp_path: Path) -> World:
    with TestCase.captureOnCommitCallbacks(execute=True):
        county_load(tmp_path)  # the plan, M8's targets and a case audits batch with figures
    a_key, b_key = intervention_key(PREVENT), intervention_key(NEGLECT)
    header, cells = table([GOOD_ROWS["missing_episodes"]])
    episodes = write_csv(tmp_path / "episodes.csv", header, cells)
    police_batch = import_file(
        dataset="missing_episodes",
        path=episodes,
        submitted_by="police",
        source="durham-constabulary",
    ).batch
    users = _personas(a_key, b_key)
    csc = ImportBatch.objects.filter(dataset="case_audits").get()
    job = TaskRun.objects.create(kind="import", label="big.csv", created_by=users["police"])
    action_a = action_create(data=replace(BASE, intervention_key=a_key), by=None)
    action_b = action_create(data=replace(BASE, intervention_key=b_key), by=None)
    values = {
        "a_key": a_key,
        "b_key": b_key,
        "action_a": str(action_a.pk),
        "action_b": str(action_b.pk),
        "police_batch": str(police_batch.pk),
        "csc_batch": str(csc.pk),
        "job": str(job.pk),
        "board_name": users["board"].username,
    }
    return World(users, values)


def _personas(a_key: str, b_key: str) -> dict[str, User]:
    def make(name: str, role: Role, agency: str | None = None) -> User:
        return user_create(username=f"m-{name}", role=role, password=PASSWORD, agency=agency)

    users = {
        "admin": make("admin", Role.ADMINISTRATOR),
        "analyst": make("analyst", Role.ANALYST),
        "police": make("police", Role.AGENCY_SUBMITTER, "Durham Constabulary"),
        "health": make("health", Role.AGENCY_SUBMITTER, "Health"),
        "owner_a": make("owner-a", Role.ACTION_OWNER),
        "owner_b": make("owner-b", Role.ACTION_OWNER),
        "board": make("board", Role.BOARD_MEMBER),
        "nobody": User.objects.create_user(username="m-nobody", password=PASSWORD),
    }
    intervention_owners_set(username="m-owner-a", keys=[a_key])
    intervention_owners_set(username="m-owner-b", keys=[b_key])
    return users


def _request(world: World, persona: str, r: Row) -> Any:
    client = Client()
    if persona != "anon":
        client.force_login(world.users[persona])
    path = r.path.format(**world.values)
    if r.method == "GET":
        return client.get(path)
    data = {k: (v.format(**world.values) if isinstance(v, str) else v) for k, v in r.data.items()}
    return client.post(path, data)


def _answer(response: Any) -> int | str:
    # every answer, whoever asks: the strict policy and never cached (issue 9, item 9)
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    if response.status_code != 302:
        return int(response.status_code)
    sign_in = response["Location"].startswith("/account/sign-in/?next=")
    return IN if sign_in else GO


def _row(entry: Any) -> Row:
    return entry if isinstance(entry, Row) else entry.values[0]


@pytest.mark.parametrize(
    "r", [pytest.param(e, id=_id(e)) if isinstance(e, Row) else e for e in ROWS]
)
def test_each_persona_gets_exactly_its_answer(world: World, r: Row) -> None:
    got: dict[str, int | str] = {}
    for persona in PERSONAS:
        with transaction.atomic():  # each persona sees the same world
            got[persona] = _answer(_request(world, persona, r))
            transaction.set_rollback(True)
    wanted = dict(zip(PERSONAS, r.expect, strict=True))
    assert got == wanted, {p: (got[p], wanted[p]) for p in PERSONAS if got[p] != wanted[p]}


def _pattern_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _pattern_names(entry, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else str(entry.pattern))
    return names


def test_every_url_pattern_is_in_the_matrix() -> None:
    covered = {_row(e).name for e in ROWS} | set(EXEMPT)
    missing = _pattern_names(get_resolver()) - covered
    assert not missing, f"decide who may see these and add rows: {sorted(missing)}"


def test_the_matrix_names_no_pattern_that_does_not_exist() -> None:
    assert {_row(e).name for e in ROWS} <= _pattern_names(get_resolver())


@pytest.mark.parametrize(
    ("persona", "sees_rows"),
    [
        ("admin", True),
        ("analyst", True),
        ("police", False),  # the batch is theirs, but its child-level rows are not
    ],
)
def test_only_staff_see_a_batchs_child_level_rows(
    world: World, persona: str, sees_rows: bool
) -> None:
    client = Client()
    client.force_login(world.users[persona])
    response = client.get(f"/data/batches/{world.values['police_batch']}/")
    assert response.status_code == 200
    assert bool(response.context["records"]) is sees_rows
