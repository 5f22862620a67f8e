"""Uploads larger than the limit get a page (413) on every upload path, never a 500."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from safeplan.actions.models import Action
from safeplan.pages.uploads import FORM_OVERHEAD, UploadLimitMiddleware
from safeplan.plans.services import plan_load_default
from safeplan.records.models import ImportBatch

LIMIT = 10_000
UPLOAD_PATHS = [
    # the agency data upload
    ("/data/", Role.AGENCY_SUBMITTER, {"dataset": "missing_episodes"}),
    # the actions import
    ("/actions/import/", Role.ADMINISTRATOR, {}),
]


@pytest.fixture(autouse=True)
def small_limit(settings: LazySettings, tmp_path: Path) -> None:
    settings.MAX_UPLOAD_BYTES = LIMIT
    settings.UPLOAD_DIR = tmp_path / "uploads"
    (tmp_path / "static").mkdir()
    settings.STATIC_ROOT = tmp_path / "static"  # whitenoise warns (an error here) without it


@pytest.fixture
def as_role(client: Client, db: None) -> Callable[[Role], Client]:
    def sign_in(role: Role) -> Client:
        plan_load_default()
        agency = "Durham Constabulary" if role is Role.AGENCY_SUBMITTER else None
        user = user_create(username=f"u-{role.slug}", role=role, password="p" * 12, agency=agency)
        client.force_login(user)
        return client

    return sign_in


def _file(size: int, name: str = "big.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * size, content_type="text/csv")


@pytest.mark.parametrize(("url", "role", "fields"), UPLOAD_PATHS)
@pytest.mark.parametrize(
    "size",
    [
        LIMIT + 1,  # just over: the upload handler counts it (the request's length is within reach)
        LIMIT + FORM_OVERHEAD + 1_000,  # far over: refused from its Content-Length alone
    ],
)
def test_a_file_over_the_limit_gets_a_page_saying_so_and_nothing_is_imported(
    as_role: Callable[[Role], Client], url: str, role: Role, fields: dict[str, str], size: int
) -> None:
    response = as_role(role).post(url, {**fields, "file": _file(size)})
    assert response.status_code == 413
    text = response.content.decode()
    assert "The file is too large" in text
    assert "A file can be at most 9.8\xa0KB" in text
    assert f'href="{url}"' in text  # back to the form
    assert (ImportBatch.objects.count(), Action.objects.count()) == (0, 0)


@pytest.mark.parametrize(("url", "role", "fields"), UPLOAD_PATHS)
def test_a_file_at_the_limit_is_received(
    as_role: Callable[[Role], Client], url: str, role: Role, fields: dict[str, str]
) -> None:
    response = as_role(role).post(url, {**fields, "file": _file(LIMIT, "at-limit.csv")})
    assert response.status_code in (200, 302)  # the form's own answer about the file's content


class _Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


def test_an_oversize_request_is_refused_without_reading_its_body(db: None) -> None:
    request = RequestFactory().generic(
        "POST", "/data/", content_type="multipart/form-data; boundary=xyz"
    )
    request.META["CONTENT_LENGTH"] = str(LIMIT + FORM_OVERHEAD + 1)
    request.META["wsgi.input"] = _Unreadable()
    request._stream = _Unreadable()  # type: ignore[attr-defined]
    reached: list[HttpRequest] = []

    def view(req: HttpRequest) -> HttpResponse:
        reached.append(req)
        return HttpResponse()

    response = UploadLimitMiddleware(view)(request)
    assert (response.status_code, reached) == (413, [])
    assert "The upload was 73.8\xa0KB" in response.content.decode()


def test_requests_without_a_body_pass_through(as_role: Callable[[Role], Client]) -> None:
    assert as_role(Role.ANALYST).get("/data/").status_code == 200
