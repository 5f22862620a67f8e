"""THE one place where safeplan decides who may do what.

Every view, template and command asks ``has_permission(user, "<name>", obj)``
(or uses ``permission_required`` / ``{% if user|can:"<name>" %}``); nothing
else looks at roles to decide access. The table ``PERMISSIONS`` names each
permission, the roles that always hold it, and the rule (if any) by which
other people hold it for one object:

- ``submission.upload``: an agency submitter, for the datasets of their own
  agency (``AGENCY_DATASETS``), under their agency's own source
  (``agency_source``); ``obj`` is a dataset name, an ``Upload`` or a batch.
- ``batch.view``: an agency submitter, for their agency's batches (its
  datasets, its source: ``challenges`` is sent by several agencies).
- ``action.update`` / ``action.create``: an action owner, for the interventions
  they own (``InterventionOwner``); ``obj`` is an intervention key, an
  Intervention, or anything with ``intervention_key`` (an action).

Child-level records (``records.view``, ``batch.contents``) are for analysts
and administrators only.

A writing service asks ``actor_may(actor, "<name>", obj)`` about whoever acts:
a user is asked the table; the command line (an operator's name) and safeplan
itself hold every permission, as the operator holds the database anyway (ADR
0020). A bulk path (a file import) asks once per row. Signed-out users, switched-off users and users with
no role hold nothing. A superuser counts as an administrator (roles.py).

    >>> has_permission(request.user, "records.view")  # doctest: +SKIP
    False
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify

from safeplan.accounts.roles import Role, user_roles

__all__ = [
    "AGENCY_DATASETS",
    "PERMISSIONS",
    "Permission",
    "Upload",
    "actor_may",
    "agency_datasets",
    "agency_source",
    "has_permission",
    "owned_interventions",
    "permission_required",
]

#: Which datasets each agency submits. A profile's agency is matched to a key by
#: name or by a word it contains ("Durham Constabulary" is Police): see AGENCY_WORDS.
AGENCY_DATASETS: dict[str, frozenset[str]] = {
    "Police": frozenset({"missing_episodes", "challenges"}),
    "Health": frozenset({"care_periods", "challenges"}),
    "Children's Social Care": frozenset(
        {
            "referrals",
            "assessments",
            "cases",
            "cp_plans",
            "cp_conferences",
            "care_periods",
            "case_audits",
            "challenges",
        }
    ),
    "Education": frozenset({"elearning_completions", "challenges"}),
}
AGENCY_WORDS: dict[str, str] = {
    "police": "Police",
    "constabulary": "Police",
    "health": "Health",
    "nhs": "Health",
    "social care": "Children's Social Care",
    "children's services": "Children's Social Care",
    "education": "Education",
    "school": "Education",
}

ANYONE = frozenset(Role)
STAFF = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
ADMINS = frozenset({Role.ADMINISTRATOR})


@dataclass(frozen=True)
class Subject:
    """What access depends on, read once per user object."""

    roles: frozenset[Role]
    agency: str
    interventions: frozenset[str]


Rule = Callable[[Subject, object], bool]


@dataclass(frozen=True)
class Upload:
    """What an upload would write: a dataset, under an import source."""

    dataset: str
    source: str


@dataclass(frozen=True)
class Permission:
    description: str
    roles: frozenset[Role]  # these roles hold it for every object
    rule: Rule | None = None  # who else holds it, for one object (or, without one, for any)


def _own_agency_dataset(subject: Subject, obj: object) -> bool:
    if Role.AGENCY_SUBMITTER not in subject.roles:
        return False
    datasets = agency_datasets(subject.agency)
    if obj is None:
        return bool(datasets)
    if isinstance(obj, str):
        return obj in datasets
    source = getattr(obj, "source", None)  # an Upload or a batch: the agency's own source only
    return getattr(obj, "dataset", None) in datasets and source == agency_source(subject.agency)


def _owns_intervention(subject: Subject, obj: object) -> bool:
    if Role.ACTION_OWNER not in subject.roles:
        return False
    if obj is None:
        return bool(subject.interventions)
    return _intervention_key_of(obj) in subject.interventions


PERMISSIONS: dict[str, Permission] = {
    "plan.view": Permission("See the plan on a page", ANYONE),
    "measure.view": Permission("See the measure pages (aggregates)", ANYONE),
    "records.view": Permission("See the child-level records behind a figure", STAFF),
    "commentary.edit": Permission("Write commentary on a measure", STAFF),
    "target.edit": Permission("Set, change and remove targets", STAFF),
    "batch.view": Permission("See an import batch's summary", STAFF, _own_agency_dataset),
    "batch.view_all": Permission("See every agency's import batches", STAFF),
    "batch.contents": Permission("See the child-level rows of a batch", STAFF),
    "batch.withdraw": Permission("Withdraw an accepted batch", STAFF),
    "submission.upload": Permission("Upload a dataset", STAFF, _own_agency_dataset),
    "action.view": Permission("See the action plans", ANYONE),
    "action.create": Permission("Add an action to an intervention", STAFF, _owns_intervention),
    "action.update": Permission("Update an intervention's actions", STAFF, _owns_intervention),
    "user.manage": Permission("Add users and change their roles", ADMINS),
    "audit.view": Permission("Read the audit trail", ADMINS),
}


def has_permission(
    user: AbstractBaseUser | AnonymousUser | None, perm: str, obj: object = None
) -> bool:
    """Whether ``user`` holds ``perm`` (for ``obj``, where the permission depends on it).

    An unknown permission name is a programming error and raises KeyError.
    """
    permission = PERMISSIONS[perm]
    if user is None:
        return False
    subject = _subject(user)
    if not subject.roles.isdisjoint(permission.roles):
        return True
    return permission.rule is not None and permission.rule(subject, obj)


def actor_may(actor: object, perm: str, obj: object = None) -> bool:
    """Whether whoever acts in a service holds ``perm`` (for ``obj``).

    A user (signed in or not) holds what ``has_permission`` says; a name (the
    command line's operator, ``"safeplan demo"``) or None (safeplan itself)
    holds every permission: they act with the database's own credentials.

    >>> actor_may("ana (command line)", "user.manage")
    True
    """
    PERMISSIONS[perm]  # a misspelt name fails for every actor
    if actor is None or isinstance(actor, str):
        return True
    if not isinstance(actor, AbstractBaseUser | AnonymousUser):
        return False  # anything else is nobody: closed, not open
    return has_permission(actor, perm, obj)


def agency_datasets(agency: str) -> frozenset[str]:
    """The datasets an agency submits: by its name, or a word in it; none if unknown.

    >>> sorted(agency_datasets("Durham Constabulary"))
    ['challenges', 'missing_episodes']
    """
    name = agency.strip().casefold().replace("’", "'")
    for key, datasets in AGENCY_DATASETS.items():
        if name == key.casefold():
            return datasets
    for word, key in AGENCY_WORDS.items():
        if word in name:
            return AGENCY_DATASETS[key]
    return frozenset()


def agency_source(agency: str) -> str:
    """The import source of an agency's uploads: its name as a slug ("" for none).

    >>> agency_source("Durham Constabulary")
    'durham-constabulary'
    """
    return slugify(agency)


def owned_interventions(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The intervention keys an action owner owns (empty for anyone else)."""
    return _subject(user).interventions


V = TypeVar("V", bound=Callable[..., HttpResponse])


def permission_required(
    perm: str, obj_getter: Callable[..., object] | None = None
) -> Callable[[V], V]:
    """A view decorator: 403 (the project's 403 page) unless the user holds ``perm``.

    ``obj_getter(request, **kwargs)`` gives the object for object rules; it may
    raise Http404 itself. Signed-out users are sent to sign in.

        @permission_required("action.update", obj_getter=lambda request, pk: action_get(pk))
        def action_edit(request, pk): ...
    """
    PERMISSIONS[perm]  # fail at import time on a misspelt name

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = obj_getter(request, *args, **kwargs) if obj_getter is not None else None
            if not has_permission(request.user, perm, obj):
                raise PermissionDenied(f"needs {perm}")
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def _subject(user: AbstractBaseUser | AnonymousUser) -> Subject:
    # Cached on the user object: a page asks many times, and a request has one user.
    cached = getattr(user, "_safeplan_subject", None)
    if isinstance(cached, Subject):
        return cached
    subject = _subject_read(user)
    if user.is_authenticated:
        setattr(user, "_safeplan_subject", subject)  # noqa: B010 (a private cache, not a field)
    return subject


def _subject_read(user: AbstractBaseUser | AnonymousUser) -> Subject:
    from safeplan.accounts.models import InterventionOwner, Profile

    roles = user_roles(user)
    if not roles or user.pk is None:
        return Subject(roles=frozenset(), agency="", interventions=frozenset())
    agency: str | None = ""
    if Role.AGENCY_SUBMITTER in roles:
        agency = Profile.objects.filter(user_id=user.pk).values_list("agency", flat=True).first()
    interventions: frozenset[str] = frozenset()
    if Role.ACTION_OWNER in roles:
        keys = InterventionOwner.objects.filter(user_id=user.pk)
        interventions = frozenset(keys.values_list("intervention_key", flat=True))
    return Subject(roles=roles, agency=agency or "", interventions=interventions)


def subject_forget(user: AbstractBaseUser | AnonymousUser) -> None:
    """Drop the cached access of a user object after its roles changed."""
    if hasattr(user, "_safeplan_subject"):
        delattr(user, "_safeplan_subject")


def _intervention_key_of(obj: object) -> str | None:
    from safeplan.plans.models import Intervention
    from safeplan.plans.selectors import intervention_key

    if isinstance(obj, str):
        return obj
    if isinstance(obj, Intervention):
        return intervention_key(obj.name)
    key = getattr(obj, "intervention_key", None)
    return key if isinstance(key, str) else None
