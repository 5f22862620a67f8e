"""The data pages for each persona: upload, report, background import, batches, withdrawal."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from safeplan.jobs.models import TaskRun
from safeplan.jobs.worker import worker_run
from safeplan.records.models import RECORD_MODELS, ImportBatch
from tests.imports.conftest import GOOD_ROWS, run_import, table, write_csv

PASSWORD = "correct-horse-battery"
POLICE = "durham-constabulary"  # the source of the police submitter's uploads
EPISODE = GOOD_ROWS["missing_episodes"]


@pytest.fixture(autouse=True)
def folders(settings: LazySettings, tmp_path: Path) -> None:
    root = tmp_path / "static"
    root.mkdir()
    settings.STATIC_ROOT = root  # whitenoise warns (an error here) when it is missing
    settings.UPLOAD_DIR = tmp_path / "uploads"


def person(role: Role, name: str | None = None, agency: str = "Durham Constabulary") -> User:
    return user_create(username=name or f"s-{role.slug}", role=role, password=PASSWORD,
                       agency=agency if role is Role.AGENCY_SUBMITTER else None)  # fmt: skip


@pytest.fixture
def as_role(client: Client, db: None) -> Callable[[Role], Client]:
    def sign_in(role: Role) -> Client:
        client.force_login(person(role))
        return client

    return sign_in


SignIn = Callable[[Role], Client]


def episodes_file(*rows: dict[str, str], name: str = "episodes.csv") -> SimpleUploadedFile:
    header, cells = table(list(rows) or [EPISODE])
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(cells)
    return SimpleUploadedFile(name, text.getvalue().encode(), content_type="text/csv")


def upload(client: Client, file: SimpleUploadedFile, dataset: str = "missing_episodes") -> object:
    return client.post("/data/", {"dataset": dataset, "file": file})


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMINISTRATOR, 200),
        (Role.ANALYST, 200),
        (Role.AGENCY_SUBMITTER, 200),
        (Role.ACTION_OWNER, 403),  # submits nothing
        (Role.BOARD_MEMBER, 403),  # sees aggregates only
    ],
)
def test_who_may_open_the_upload_page(as_role: SignIn, role: Role, status: int) -> None:
    assert as_role(role).get("/data/").status_code == status


def test_a_submitter_is_offered_only_their_agencys_datasets(as_role: SignIn) -> None:
    text = as_role(Role.AGENCY_SUBMITTER).get("/data/").text
    assert 'value="missing_episodes"' in text
    assert 'value="challenges"' in text
    assert 'value="referrals"' not in text


def test_a_submitter_may_not_upload_another_agencys_dataset(as_role: SignIn) -> None:
    client = as_role(Role.AGENCY_SUBMITTER)
    response = upload(client, episodes_file(), dataset="referrals")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert not ImportBatch.objects.exists()


def test_a_file_with_errors_shows_every_problem_and_a_csv_of_them(as_role: SignIn) -> None:
    client = as_role(Role.AGENCY_SUBMITTER)
    bad = episodes_file({**EPISODE, "missing_start": "not a time"},
                        {**EPISODE, "episode_id": "E2", "episode_type": "gone"})  # fmt: skip
    response = upload(client, bad)
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/data/batches/{batch.pk}/"  # type: ignore[index]
    page = client.get(f"/data/batches/{batch.pk}/").text
    assert "The file was not imported" in page
    assert "not a time" in page
    assert "gone" in page
    report = client.get(f"/data/batches/{batch.pk}/problems.csv")
    rows = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert [(r["row"], r["column"]) for r in rows] == [
        ("2", "missing_start"),
        ("3", "episode_type"),
    ]
    assert all(r["rule"] and r["message"] for r in rows)


def test_a_good_file_is_accepted_under_the_agencys_source(
    as_role: SignIn, settings: LazySettings
) -> None:
    client = as_role(Role.AGENCY_SUBMITTER)
    response = upload(client, episodes_file())
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.source, batch.records_stored) == ("accepted", POLICE, 1)
    page = client.get(response["Location"]).text  # type: ignore[index]
    assert "1 record accepted" in page
    assert "Records in this batch" not in page  # child-level rows: analysts only
    assert not list(Path(settings.UPLOAD_DIR).iterdir())  # the upload is not kept


def test_an_analyst_sees_the_records_of_a_batch(as_role: SignIn) -> None:
    client = as_role(Role.ANALYST)
    upload(client, episodes_file())
    batch = ImportBatch.objects.get()
    page = client.get(f"/data/batches/{batch.pk}/").text
    assert "Records in this batch" in page
    assert "E1" in page
    from safeplan.audit.models import AuditEvent

    viewed = AuditEvent.objects.get(action="records.view")  # a view of child-level records
    assert viewed.object_id == str(batch.pk)


@pytest.mark.django_db(transaction=True)  # the import runs in a child process
def test_a_large_file_is_imported_in_the_background_with_its_progress_shown(
    as_role: SignIn, settings: LazySettings
) -> None:
    settings.BACKGROUND_IMPORT_BYTES = 10
    client = as_role(Role.AGENCY_SUBMITTER)
    response = upload(client, episodes_file())
    job = TaskRun.objects.get()
    assert response["Location"] == f"/data/jobs/{job.pk}/"  # type: ignore[index]
    page = client.get(f"/data/jobs/{job.pk}/").text
    assert "Queued" in page
    assert "Refresh" in page
    assert "of about 1" in page
    assert worker_run(batch=True) == 2  # the import, then the recompute it queued
    batch = ImportBatch.objects.get()
    finished = client.get(f"/data/jobs/{job.pk}/")
    assert finished["Location"] == f"/data/batches/{batch.pk}/"
    assert batch.source == POLICE
    assert batch.status == "accepted"
    assert not list(Path(settings.UPLOAD_DIR).iterdir())  # the upload is not kept


def test_someone_elses_job_is_not_shown(
    as_role: SignIn, settings: LazySettings, client: Client
) -> None:
    settings.BACKGROUND_IMPORT_BYTES = 10
    upload(as_role(Role.AGENCY_SUBMITTER), episodes_file())
    client.force_login(person(Role.AGENCY_SUBMITTER, "other-police"))
    assert client.get(f"/data/jobs/{TaskRun.objects.get().pk}/").status_code == 403


def _health_batch(tmp_path: Path) -> ImportBatch:
    """A batch from another agency (Health) of a dataset the police also send."""
    header, cells = table([GOOD_ROWS["challenges"]])
    path = write_csv(tmp_path / "challenges.csv", header, cells)
    return run_import("challenges", path, source="county-durham-health").batch


def test_a_submitter_sees_only_their_agencys_batches(as_role: SignIn, tmp_path: Path) -> None:
    theirs = _health_batch(tmp_path)
    client = as_role(Role.AGENCY_SUBMITTER)
    upload(client, episodes_file())
    listing = client.get("/data/batches/").text
    assert "episodes.csv" in listing
    assert "challenges.csv" not in listing
    assert client.get(f"/data/batches/{theirs.pk}/").status_code == 403
    assert client.get(f"/data/batches/{theirs.pk}/problems.csv").status_code == 403


def test_an_analyst_sees_every_batch_with_its_provenance(as_role: SignIn, tmp_path: Path) -> None:
    _health_batch(tmp_path)
    listing = as_role(Role.ANALYST).get("/data/batches/").text
    assert "challenges.csv" in listing
    assert "county-durham-health" in listing
    assert "tester" in listing


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ANALYST, 200),
        (Role.ADMINISTRATOR, 200),
        (Role.AGENCY_SUBMITTER, 403),  # even of a batch they may see
    ],
)
def test_who_may_withdraw_a_batch(as_role: SignIn, role: Role, status: int) -> None:
    client = as_role(role)
    batch = run_import("missing_episodes", _episodes_path(), source=POLICE).batch
    assert client.get(f"/data/batches/{batch.pk}/withdraw/").status_code == status


def _episodes_path() -> Path:
    import tempfile

    header, cells = table([EPISODE])
    return write_csv(Path(tempfile.mkdtemp()) / "episodes.csv", header, cells)


@pytest.mark.django_db(transaction=True)  # the worker works on committed data, as it would
def test_an_analyst_withdraws_a_batch_after_confirming(as_role: SignIn) -> None:
    client = as_role(Role.ANALYST)
    upload(client, episodes_file())
    batch = ImportBatch.objects.get()
    assert "Are you sure" in client.get(f"/data/batches/{batch.pk}/withdraw/").text
    queued = client.post(f"/data/batches/{batch.pk}/withdraw/", follow=True)
    assert f"Withdrawing batch {batch.pk}" in queued.text  # a background task's page
    assert worker_run(batch=True) == 3  # the upload's recompute, the withdrawal, its recompute
    response = client.get(queued.redirect_chain[-1][0], follow=True)
    batch.refresh_from_db()
    assert batch.status == "withdrawn"
    assert "withdrawn" in response.text
    assert not RECORD_MODELS["missing_episodes"].objects.filter(is_current=True).exists()


def test_a_second_withdrawal_of_a_batch_is_the_first_one_again(as_role: SignIn) -> None:
    client = as_role(Role.ANALYST)
    upload(client, episodes_file())
    batch = ImportBatch.objects.get()
    first = client.post(f"/data/batches/{batch.pk}/withdraw/")
    second = client.post(f"/data/batches/{batch.pk}/withdraw/")  # a double click
    assert first["Location"] == second["Location"]
    assert TaskRun.objects.filter(kind="withdraw").count() == 1


def test_a_coverage_window_needs_both_dates(as_role: SignIn) -> None:
    client = as_role(Role.AGENCY_SUBMITTER)
    form = {"dataset": "missing_episodes", "file": episodes_file(), "covers_from": "2024-04-01"}
    text = client.post("/data/", form).text
    assert '<a href="#id_covers_to">Enter both dates of the coverage window, or neither</a>' in text


def test_a_submitter_of_an_agency_with_no_datasets_has_nothing_to_upload(
    client: Client, db: None
) -> None:
    client.force_login(person(Role.AGENCY_SUBMITTER, agency="Parish Council"))
    assert client.get("/data/").status_code == 403
    assert client.get("/data/batches/").status_code == 403


@pytest.mark.parametrize("role", [Role.ACTION_OWNER, Role.BOARD_MEMBER])
def test_people_who_submit_nothing_see_no_batches(as_role: SignIn, role: Role) -> None:
    assert as_role(role).get("/data/batches/").status_code == 403


def test_an_xlsx_workbook_is_accepted_like_a_csv(as_role: SignIn, tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    header, cells = table([EPISODE])
    sheet.append(header)
    sheet.append(cells[0])
    workbook.save(tmp_path / "episodes.xlsx")
    upload_ = SimpleUploadedFile("episodes.xlsx", (tmp_path / "episodes.xlsx").read_bytes())
    upload(as_role(Role.AGENCY_SUBMITTER), upload_)
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.file_name, batch.records_stored) == ("accepted", "episodes.xlsx", 1)


def test_a_window_is_required_where_the_dataset_needs_one_and_reported_as_a_problem(
    as_role: SignIn,
) -> None:
    client = as_role(Role.ANALYST)
    header, cells = table([GOOD_ROWS["cases"]])
    text = io.StringIO()
    csv.writer(text).writerows([header, *cells])
    upload(client, SimpleUploadedFile("cases.csv", text.getvalue().encode()), dataset="cases")
    batch = ImportBatch.objects.get()
    assert batch.status == "rejected"
    assert [p["rule"] for p in batch.errors] == ["R-O02"]
