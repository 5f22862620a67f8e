"""The permission table as a matrix: each persona holds exactly the permissions it should.

Personas (tests/audit/conftest.py): administrator, analyst, submitter_x (Police),
submitter_y (Health), owner_a (owns intervention A), owner_b (owns B), board
(board member), outsider (signed in, no role) and anonymous.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from safeplan.accounts.permissions import (
    PERMISSIONS,
    Upload,
    agency_datasets,
    has_permission,
    permission_required,
)
from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_active_set, user_create
from tests.audit.conftest import INTERVENTION_A, INTERVENTION_B, PERSONAS, persona_create

EVERYONE = {"administrator", "analyst", "submitter_x", "submitter_y", "owner_a", "owner_b", "board"}
STAFF = {"administrator", "analyst"}


class _Action:
    """Anything with an intervention key (an action) stands for its intervention."""

    def __init__(self, key: str) -> None:
        self.intervention_key = key


class _Batch:
    """Anything with a dataset and a source (an import batch) stands for both."""

    def __init__(self, dataset: str, source: str) -> None:
        self.dataset = dataset
        self.source = source


MATRIX: list[tuple[str, object, set[str]]] = [
    # (permission, object, the personas that hold it); anonymous and outsider hold nothing
    ("plan.view", None, EVERYONE),
    ("measure.view", None, EVERYONE),
    ("action.view", None, EVERYONE),
    ("records.view", None, STAFF),  # child-level: analysts and administrators only
    ("batch.contents", None, STAFF),  # child-level too
    ("commentary.edit", None, STAFF),
    ("target.edit", None, STAFF),
    ("batch.view_all", None, STAFF),
    ("batch.withdraw", None, STAFF),
    ("user.manage", None, {"administrator"}),
    ("audit.view", None, {"administrator"}),
    # uploads: a submitter only for their own agency's datasets
    ("submission.upload", None, STAFF | {"submitter_x", "submitter_y"}),
    ("submission.upload", "missing_episodes", STAFF | {"submitter_x"}),
    ("submission.upload", "care_periods", STAFF | {"submitter_y"}),
    ("submission.upload", "challenges", STAFF | {"submitter_x", "submitter_y"}),  # both agencies
    ("submission.upload", "referrals", STAFF),  # Children's Social Care's
    ("submission.upload", "no_such_dataset", STAFF),
    ("batch.view", _Batch("missing_episodes", "police"), STAFF | {"submitter_x"}),
    ("batch.view", _Batch("referrals", "police"), STAFF),
    # a dataset sent by several agencies: the source says whose a batch is
    ("batch.view", _Batch("challenges", "police"), STAFF | {"submitter_x"}),
    ("batch.view", _Batch("challenges", "health"), STAFF | {"submitter_y"}),
    ("batch.view", _Batch("missing_episodes", "missing_episodes"), STAFF),
    # an upload under another agency's source, or a made-up one, is refused
    ("submission.upload", Upload("challenges", "police"), STAFF | {"submitter_x"}),
    ("submission.upload", Upload("challenges", "health"), STAFF | {"submitter_y"}),
    ("submission.upload", Upload("missing_episodes", "elsewhere"), STAFF),
    # actions: an owner only for the intervention they own
    ("action.update", INTERVENTION_A, STAFF | {"owner_a"}),
    ("action.update", _Action(INTERVENTION_B), STAFF | {"owner_b"}),
    ("action.update", "another-intervention", STAFF),
    ("action.update", None, STAFF | {"owner_a", "owner_b"}),  # "some intervention"
    ("action.create", INTERVENTION_A, STAFF | {"owner_a"}),
    ("action.create", _Action("another-intervention"), STAFF),
]
PERSONA_NAMES = [*PERSONAS, "anonymous"]


@pytest.fixture(scope="module")
def people(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> dict[str, object]:
    """The personas, made once for the whole matrix (in a transaction rolled back after)."""
    from django.db import transaction

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        made: dict[str, object] = {name: persona_create(name) for name in PERSONAS}
        made["anonymous"] = AnonymousUser()
        yield made  # type: ignore[misc]
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.mark.parametrize(("perm", "obj", "holders"), MATRIX)
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_each_persona_holds_exactly_its_permissions(
    people: dict[str, object], perm: str, obj: object, holders: set[str], persona: str
) -> None:
    user = people[persona]
    assert has_permission(user, perm, obj) is (persona in holders)  # type: ignore[arg-type]


def test_the_matrix_covers_every_permission() -> None:
    assert {perm for perm, _, _ in MATRIX} == set(PERMISSIONS)


def test_an_unknown_permission_is_a_programming_error(people: dict[str, object]) -> None:
    with pytest.raises(KeyError):
        has_permission(people["administrator"], "records.veiw")  # type: ignore[arg-type]


@pytest.mark.django_db
def test_a_switched_off_administrator_holds_nothing() -> None:
    user_create(username="gone", role=Role.ADMINISTRATOR, password="correct-horse-battery")
    user_active_set(username="gone", active=False)
    user = User.objects.get(username="gone")
    assert not any(has_permission(user, perm) for perm in PERMISSIONS)


@pytest.mark.django_db
def test_a_superuser_counts_as_an_administrator() -> None:
    root = User.objects.create_superuser(username="root", password="correct-horse-battery")
    assert has_permission(root, "audit.view")
    assert has_permission(root, "user.manage")


@pytest.mark.parametrize(
    ("agency", "expected"),
    [
        ("Police", {"missing_episodes", "challenges"}),  # the key itself
        ("police", {"missing_episodes", "challenges"}),  # in any case
        ("Durham Constabulary", {"missing_episodes", "challenges"}),  # a word in the name
        ("County Durham and Darlington NHS Trust", {"care_periods", "challenges"}),
        ("Children’s Social Care", agency_datasets("Children's Social Care")),  # curly quote
        ("Durham County Council Education", {"elearning_completions", "challenges"}),
        ("Friends of the Park", set()),  # an unknown agency submits nothing
        ("", set()),
    ],
)
def test_an_agency_is_matched_to_its_datasets(agency: str, expected: set[str]) -> None:
    assert agency_datasets(agency) == expected


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("analyst", "records"), ("board", ""), ("anonymous", "")],
)
def test_templates_ask_the_same_table(people: dict[str, object], persona: str, shown: str) -> None:
    template = Template('{% load access %}{% if user|can:"records.view" %}records{% endif %}')
    assert template.render(Context({"user": people[persona]})) == shown


def test_templates_ask_about_one_object(people: dict[str, object]) -> None:
    template = Template(
        '{% load access %}{% can_on user "action.update" key as may %}{{ may|yesno:"yes,no" }}'
    )
    rendered = [
        template.render(Context({"user": people[name], "key": INTERVENTION_A}))
        for name in ("owner_a", "owner_b")
    ]
    assert rendered == ["yes", "no"]


def _view(request: object, key: str) -> HttpResponse:
    return HttpResponse(f"updating {key}")


GUARDED = permission_required("action.update", obj_getter=lambda request, key: key)(_view)


@pytest.mark.parametrize(
    ("persona", "key", "expected"),
    [
        ("owner_a", INTERVENTION_A, 200),  # the object rule lets the owner in
        ("owner_a", INTERVENTION_B, 403),  # ... for their own intervention only
        ("analyst", INTERVENTION_B, 200),  # a role that always holds it
        ("board", INTERVENTION_A, 403),
        ("anonymous", INTERVENTION_A, 302),  # sent to sign in
    ],
)
def test_the_view_decorator_asks_the_table_with_the_object(
    people: dict[str, object], persona: str, key: str, expected: int
) -> None:
    request = RequestFactory().get(f"/actions/{key}/")
    request.user = people[persona]  # type: ignore[assignment]
    try:
        status = GUARDED(request, key=key).status_code
    except PermissionDenied:
        status = 403
    assert status == expected


def test_a_misspelt_permission_fails_when_the_view_is_decorated() -> None:
    with pytest.raises(KeyError):
        permission_required("action.updaet")
