"""The data pages: upload, a background task's progress, batches with their reports, withdrawal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeplan.audit.services import audit_request
from safeplan.imports.services import ImportBusy
from safeplan.jobs.selectors import imports_of, run_get
from safeplan.jobs.tasks import withdraw_enqueue
from safeplan.records.models import ImportBatch
from safeplan.submission.access import agency_source, may, may_see_batch, uploadable_datasets
from safeplan.submission.forms import UploadForm, WithdrawForm
from safeplan.submission.selectors import (
    batch_get,
    batch_problems,
    batch_problems_csv,
    batch_records,
    batch_warnings,
    batches_visible,
)
from safeplan.submission.services import submission_receive

BATCHES_SHOWN = 200
BUSY_MESSAGE = (
    "Another import of this dataset is running, so nothing was imported. Try again in a minute."
)


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (even an empty one), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _page(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    return render(request, template, {"nav_section": "data", **context})


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = batch_get(pk)
    if batch is None:
        raise Http404("no such batch")
    if not may_see_batch(request.user, batch):
        raise PermissionDenied("not your agency's batch")
    return batch


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a file for a dataset the user may submit; small files are imported at once."""
    datasets = uploadable_datasets(request.user)
    if not datasets:
        raise PermissionDenied("no dataset to upload")
    if request.method == "POST" and request.POST.get("dataset", "") not in ("", *datasets):
        raise PermissionDenied("not a dataset this user may upload")
    form = UploadForm(
        _posted(request), request.FILES if request.method == "POST" else None, datasets=datasets
    )
    if request.method == "POST" and form.is_valid():
        dataset = form.cleaned_data["dataset"]
        try:
            receipt = submission_receive(user=request.user, dataset=dataset, source=agency_source(request.user) or dataset,
                                         covers=form.covers(), upload=form.cleaned_data["file"])  # fmt: skip
        except ImportBusy:  # nothing stored; the form is shown again to try once more
            form.add_error(None, BUSY_MESSAGE)
        else:
            if receipt.run is not None:
                return redirect("submission:job", pk=receipt.run.pk)
            assert receipt.batch is not None
            return redirect("submission:batch", pk=receipt.batch.pk)
    context = {"form": form, "jobs": imports_of(request.user),
               "may_see_all": may(request.user, "batch.view_all")}  # fmt: skip
    response = _page(request, "submission/upload.html", context)
    response.status_code = 409 if BUSY_MESSAGE in form.non_field_errors() else 200
    return response


def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A background task's progress; once it has done its work, the batch it was about."""
    run = run_get(pk)
    if run is None:
        raise Http404("no such task")
    if run.created_by_id != request.user.pk and not may(request.user, "batch.view_all"):
        raise PermissionDenied("not your task")
    if run.status == run.Status.DONE and run.batch_id is not None:
        return redirect("submission:batch", pk=run.batch_id)
    return _page(request, "submission/job.html", {"job": run})


def batch_list(request: HttpRequest) -> HttpResponse:
    """Every batch (analysts, administrators) or the agency's own batches (a submitter)."""
    all_sources = may(request.user, "batch.view_all")
    if not all_sources and not uploadable_datasets(request.user):
        raise PermissionDenied("no batches to see")
    batches = batches_visible(all_sources=all_sources, source=agency_source(request.user))
    context = {"batches": batches[:BATCHES_SHOWN], "all_sources": all_sources}
    return _page(request, "submission/batches.html", context)


def batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch's provenance and outcome: its validation report, or the records it stored."""
    batch = _batch(request, pk)
    may_see_records = may(request.user, "batch.contents", batch)
    columns, records = (
        batch_records(batch) if may_see_records and batch.records_stored else ([], [])
    )
    if records:
        audit_request(request, action="records.view", obj=batch,
                      summary=f"viewed the child-level records of batch {batch.pk}")  # fmt: skip
    context = {"batch": batch, "problems": batch_problems(batch), "warnings": batch_warnings(batch), "columns": columns,
               "records": records, "may_see_records": may_see_records,
               "may_withdraw": may(request.user, "batch.withdraw", batch)
               and batch.status == ImportBatch.Status.ACCEPTED}  # fmt: skip
    return _page(request, "submission/batch.html", context)


def batch_problems_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The validation report as CSV (row, column, value, rule, message)."""
    batch = _batch(request, pk)
    response = HttpResponse(batch_problems_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-problems.csv"'
    return response


@require_http_methods(["GET", "POST"])
def batch_withdraw_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then withdraw an accepted batch: its records leave, what it replaced returns."""
    batch = _batch(request, pk)
    if not may(request.user, "batch.withdraw", batch):
        raise PermissionDenied("only analysts and administrators withdraw batches")
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if batch.status != ImportBatch.Status.ACCEPTED:
            messages.error(request, f"Batch {batch.pk} is {batch.status}; only an accepted "
                           "batch can be withdrawn")  # fmt: skip
            return redirect("submission:batch", pk=batch.pk)
        run = withdraw_enqueue(batch=batch, actor=request.user)
        return redirect("submission:job", pk=run.pk)
    return _page(request, "submission/withdraw.html", {"batch": batch, "form": form})
