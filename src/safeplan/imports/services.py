"""Import one CSV or XLSX file into one dataset: atomic, streamed, every problem at once.

The file is read once. Each row is parsed and validated against
`safeplan.datasets.schema`; rows that pass are written in chunks under a new
batch with ``is_current`` off, all inside one transaction that also created
the batch. Validation carries on after the first problem so that the report
is complete. If anything was wrong the transaction is rolled back — nothing
from the file remains — and a ``rejected`` batch listing the problems is
recorded on its own. Otherwise, still in the same transaction, the versions
the file replaces are superseded — a record is (dataset, source, record id),
so only the same source's versions of the file's ids and, with ``covers``, the
same source's records dated in the window that the file no longer holds
(ADR 0014) — and the new versions become current. Warnings (clock times a
clock change skips or repeats, records another source holds too) are listed
in the report of an accepted file without stopping it.

One import of a dataset writes at a time; one that cannot start within
`locks.LOCK_WAIT_SECONDS` raises `ImportBusy` ("try again"), leaving nothing behind.
An import under a different pseudonymisation key than the stored records is
refused (R-O06).

The measures are not recomputed here: the caller asks for that once the
import is accepted (the command line at once, the web pages as a background
task, the demo build once after all its files).

    outcome = import_file(dataset="referrals", path=Path("referrals.csv"), submitted_by="ann")
    if not outcome.accepted:
        for problem in outcome.problems:
            print(problem)   # row 14, referral_date: "31/02/2018" is not a date (R-V02)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, models
from django.db.models import Count, Subquery
from django.utils import timezone

from safeplan.accounts.permissions import Upload, actor_may
from safeplan.audit.services import audit_record
from safeplan.datasets.schema import DATASETS, ColumnType, Dataset
from safeplan.imports.locks import is_lock_timeout, serialise_acceptance, writing
from safeplan.imports.overlaps import overlap_warnings
from safeplan.imports.pseudonyms import current_fingerprint, key_problem
from safeplan.imports.readers import ReadError, Table, file_sha256, open_table
from safeplan.imports.report import Problems, Warnings
from safeplan.imports.validation import (
    ImportProblem,
    Layout,
    RowValidator,
    Where,
    check_header,
)
from safeplan.imports.writer import Writer
from safeplan.records.models import RECORD_MODELS, ImportBatch

__all__ = [
    "ImportBusy",
    "ImportOutcome",
    "ImportProblem",
    "InvalidCovers",
    "import_file",
    "parse_covers",
]

CHUNK_ROWS = 5_000  # rows written per INSERT, and between progress reports
MAX_PROBLEMS = 100_000  # listed in full; beyond this they are only counted (R-F05)
STORED_PROBLEMS = 1_000  # kept in the batch's `errors`; the command line shows them all
LISTED_WARNINGS = 1_000  # kept in the batch's `warnings`; beyond, counted per rule
_SOURCE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportOutcome:
    batch: ImportBatch
    accepted: bool
    problems: list[ImportProblem]
    warnings: list[ImportProblem] = field(default_factory=list)


class ImportBusy(RuntimeError):
    """Another import (or a withdrawal) is writing; nothing was stored, and it may be tried again.

    No batch is recorded: on SQLite the database cannot be written until the
    other import ends, and an attempt that stored nothing has nothing to report.
    """

    rule = "R-O07"

    def __init__(self, dataset: str) -> None:
        super().__init__(
            f"another import of {dataset} (or a withdrawal) is running; nothing from the file "
            "was stored — try again in a minute (R-O07)"
        )
        self.dataset = dataset


class InvalidCovers(ValueError):
    """`--covers` is not ``YYYY-MM-DD:YYYY-MM-DD`` with start ≤ end (R-O03)."""

    rule = "R-O03"


def parse_covers(text: str) -> tuple[date, date]:
    """Read a coverage window.

    >>> parse_covers("2024-04-01:2025-03-31")
    (datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))
    """
    parts = text.strip().split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        start, end = (date.fromisoformat(p.strip()) for p in parts)
    except ValueError:
        raise InvalidCovers(
            f"--covers {text!r} is not a window; write FROM:TO as YYYY-MM-DD:YYYY-MM-DD (R-O03)"
        ) from None
    if start > end:
        raise InvalidCovers(f"--covers {text!r} starts after it ends (R-O03)")
    return start, end


@dataclass(frozen=True)
class _Request:
    dataset: str
    path: Path
    source: str
    covers: tuple[date, date] | None
    sheet: str | None
    ignore_unknown_columns: bool
    submitted_by: str
    user: Any
    file_name: str
    progress: Progress | None
    lock_wait: float | None


class _Rejected(Exception):
    def __init__(
        self,
        problems: list[ImportProblem],
        rows_read: int,
        sheet: str,
        warnings: list[ImportProblem] | None = None,
    ) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems
        self.rows_read = rows_read
        self.sheet = sheet
        self.warnings = warnings or []


def import_file(
    *,
    dataset: str,
    path: Path,
    source: str | None = None,
    covers: tuple[date, date] | None = None,
    sheet: str | None = None,
    ignore_unknown_columns: bool = False,
    submitted_by: str,
    user: Any = None,
    file_name: str | None = None,
    progress: Progress | None = None,
    lock_wait: float | None = None,
) -> ImportOutcome:
    """Import `path` into `dataset`; accepted whole, or rejected with every problem listed.

    A `user` given must hold ``submission.upload`` for the dataset and source
    (PermissionDenied otherwise); without one, the caller (the command line,
    the demo) acts with the database's own authority. `lock_wait` is how long
    to wait for another import of the dataset (default
    `locks.LOCK_WAIT_SECONDS`, short enough for a web request); then
    `ImportBusy`.
    """
    request = _Request(
        dataset=dataset.strip().lower(),
        path=Path(path),
        source=(source or dataset.strip().lower()).strip(),
        covers=covers,
        sheet=sheet,
        ignore_unknown_columns=ignore_unknown_columns,
        submitted_by=submitted_by,
        user=user,
        file_name=file_name or Path(path).name,
        progress=progress,
        lock_wait=lock_wait,
    )
    if user is not None and not actor_may(
        user, "submission.upload", Upload(request.dataset, request.source)
    ):
        raise PermissionDenied(f"{user} may not upload {dataset} as source {request.source!r}")
    try:
        return _import(request)
    except OperationalError as exc:
        if is_lock_timeout(exc):
            raise ImportBusy(request.dataset) from None
        raise


def _import(request: _Request) -> ImportOutcome:
    problems = _option_problems(request)
    if problems:
        return _reject(request, _Rejected(problems, 0, request.sheet or ""))
    try:
        with writing(wait=request.lock_wait):
            batch = _batch_create(request)
            load = _Load(request, DATASETS[request.dataset], batch)
            load.run()
            _audit(request, batch, "import.accept")
    except _Rejected as rejected:
        return _reject(request, rejected)
    return ImportOutcome(batch=batch, accepted=True, problems=[], warnings=load.warnings.all())


# --- options -----------------------------------------------------------------


def _option_problems(request: _Request) -> list[ImportProblem]:
    where = Where(request.file_name, request.sheet or "")
    ds = DATASETS.get(request.dataset)
    if ds is None:
        close = get_close_matches(request.dataset, list(DATASETS), n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"the datasets are {', '.join(DATASETS)}"
        return [where.problem("R-O01", f"“{request.dataset}” is not a dataset; {hint}")]
    problems = []
    if not _SOURCE.match(request.source):
        problems.append(
            where.problem(
                "R-O05",
                f"source “{request.source}” must be 1–64 letters, digits, “_”, “-” or “.”",
            )
        )
    if ds.covers_required and request.covers is None:
        problems.append(
            where.problem("R-O02", f"{ds.name} must state the window it covers: --covers FROM:TO")
        )
    if not ds.windowed and request.covers is not None:
        problems.append(
            where.problem("R-O04", f"{ds.name} has no coverage window; leave out --covers")
        )
    if request.covers is not None and request.covers[0] > request.covers[1]:
        problems.append(where.problem("R-O03", "the coverage window starts after it ends"))
    if not problems and (key := key_problem(where=where, dataset=ds.name)):
        problems.append(key)
    return problems


# --- batches -----------------------------------------------------------------


def _batch_fields(request: _Request) -> dict[str, Any]:
    return {
        "dataset": request.dataset[:40],
        "source": request.source[:64],
        "file_name": request.file_name[:255],
        "file_sha256": file_sha256(request.path),
        "sheet": (request.sheet or "")[:100],
        "submitted_by": request.submitted_by[:150],
        "user": request.user,
        "pseudonymised": bool(settings.PSEUDONYMISE_KEY),
        "key_fingerprint": current_fingerprint(),
    }


def _batch_create(request: _Request) -> ImportBatch:
    return ImportBatch.objects.create(
        **_batch_fields(request), status=ImportBatch.Status.PROCESSING
    )


def _reject(request: _Request, rejected: _Rejected) -> ImportOutcome:
    # File, option and header problems first, then by row; the R-F05 note last.
    problems = sorted(rejected.problems, key=lambda p: (p.rule == "R-F05", p.row or 0))
    with writing(wait=request.lock_wait):
        batch = ImportBatch.objects.create(
            **_batch_fields(request),
            status=ImportBatch.Status.REJECTED,
            rows_read=rejected.rows_read,
            errors=[p.as_json() for p in problems[:STORED_PROBLEMS]],
            warnings=[w.as_json() for w in rejected.warnings],
            finished_at=timezone.now(),
        )
        if rejected.sheet:
            batch.sheet = rejected.sheet[:100]
            batch.save(update_fields=["sheet"])
        _audit(request, batch, "import.reject", problems=len(problems))
    return ImportOutcome(batch=batch, accepted=False, problems=problems, warnings=rejected.warnings)


def _audit(request: _Request, batch: ImportBatch, action: str, problems: int = 0) -> None:
    """The import in the audit trail: batch id, dataset, source, file, rows, coverage."""
    fields = ("dataset", "source", "file_name", "file_sha256", "sheet", "status", "rows_read")
    after: dict[str, Any] = {"batch": batch.pk, **{f: getattr(batch, f) for f in fields}}
    if action == "import.accept":
        after |= {
            "records_stored": batch.records_stored,
            "records_superseded": batch.records_superseded,
            "covers_from": batch.covers_from,
            "covers_to": batch.covers_to,
        }
        summary = f"{batch.dataset}: {batch.records_stored:,} records from {batch.file_name}"
    else:
        after["problems"] = problems
        summary = f"{batch.dataset}: {batch.file_name} rejected with {problems:,} problems"
    audit_record(
        actor=request.user or request.submitted_by,
        action=action,
        obj=batch,
        object_type="import batch",
        summary=summary,
        after=after,
    )


# --- the load ------------------------------------------------------------------


@dataclass
class _Window:
    """The earliest and latest primary date seen, for the default coverage window."""

    first: date | None = None
    last: date | None = None

    def see(self, value: object) -> None:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            self.first = value if self.first is None else min(self.first, value)
            self.last = value if self.last is None else max(self.last, value)


class _Load:
    """One pass over the file inside the import's transaction."""

    def __init__(self, request: _Request, dataset: Dataset, batch: ImportBatch) -> None:
        self.request = request
        self.dataset = dataset
        self.batch = batch
        self.model = RECORD_MODELS[dataset.name]
        self.where = Where(request.file_name, request.sheet or "")
        self.problems = Problems(self.where, MAX_PROBLEMS)
        self.warnings = Warnings(self.where, LISTED_WARNINGS)
        self.window = _Window()
        self.rows_read = 0

    def run(self) -> None:
        writer = Writer(self.dataset, self.batch, source=self.request.source, chunk_rows=CHUNK_ROWS)
        try:
            with open_table(
                self.request.path,
                sheet=self.request.sheet,
                dataset=self.dataset.name,
                name=self.request.file_name,
            ) as table:
                self.where = Where(self.request.file_name, table.sheet)
                self.problems.where = self.warnings.where = self.where
                self._read(table, writer)
        except ReadError as exc:
            if exc.sheet:
                self.where = Where(self.request.file_name, exc.sheet)
            self.problems.add([self.where.problem(exc.rule, exc.message, row=exc.row)])
        if self.problems.listed:
            raise _Rejected(
                self.problems.all(), self.rows_read, self.where.sheet, self.warnings.all()
            )
        self._accept(writer.written)

    def _read(self, table: Table, writer: Writer) -> None:
        layout, header_problems = check_header(
            self.dataset,
            table.header,
            ignore_unknown=self.request.ignore_unknown_columns,
            where=self.where,
        )
        if header_problems:
            self.problems.add(header_problems)
            return
        validator = self._validator(layout)
        primary = self.dataset.primary_date
        for row_number, cells in table.rows:
            self.rows_read += 1
            valid, problems = validator.validate(row_number, cells)
            if valid is None:
                self.problems.add(problems)
            else:
                writer.add(row_number, valid)
                if valid.warnings:
                    self.warnings.add(valid.warnings)
                if primary:
                    self.window.see(valid.values[primary])
            if self.request.progress and self.rows_read % CHUNK_ROWS == 0:
                self.request.progress(self.rows_read)
        writer.flush()
        self.problems.add(list(self._duplicates()))
        if self.request.progress:
            self.request.progress(self.rows_read)

    def _validator(self, layout: Layout) -> RowValidator:
        return RowValidator(
            self.dataset,
            layout,
            where=self.where,
            localities=settings.LOCALITIES,
            pseudonymise_key=settings.PSEUDONYMISE_KEY,
        )

    def _duplicates(self) -> Iterator[ImportProblem]:
        """R-C02, found with SQL on the rows written so far rather than with a set in memory."""
        rows = self.model._default_manager.filter(batch=self.batch)
        repeated = rows.values("record_id").annotate(n=Count("id")).filter(n__gt=1)
        ordered = rows.filter(record_id__in=Subquery(repeated.values("record_id")))
        column = ", ".join(self.dataset.keys)
        first: tuple[str, int] | None = None
        for record_id, row_number in (
            ordered.order_by("record_id", "row_number")
            .values_list("record_id", "row_number")
            .iterator(chunk_size=2_000)
        ):
            if first is None or first[0] != record_id:
                first = (record_id, row_number)
                continue
            yield self.where.problem(
                "R-C02",
                f"appears more than once; first in row {first[1]}",
                row=row_number,
                column=column,
                value=record_id,
            )

    def _accept(self, stored: int) -> None:
        serialise_acceptance(self.dataset.name, wait=self.request.lock_wait)
        self.warnings.add(
            overlap_warnings(dataset=self.dataset, batch=self.batch, where=self.where)
        )
        superseded = self._supersede()
        self.model._default_manager.filter(batch=self.batch).update(is_current=True)
        covers = self.request.covers
        if covers is None and self.dataset.windowed and self.window.first and self.window.last:
            covers = (self.window.first, self.window.last)
        batch = self.batch
        batch.status = ImportBatch.Status.ACCEPTED
        batch.sheet = self.where.sheet[:100]
        batch.rows_read = self.rows_read
        batch.records_stored = stored
        batch.records_superseded = superseded
        batch.covers_from, batch.covers_to = covers or (None, None)
        batch.covers_stated = self.request.covers is not None
        batch.warnings = [w.as_json() for w in self.warnings.all()]
        batch.finished_at = timezone.now()
        batch.save()

    def _supersede(self) -> int:
        """Only this source's records: another source's record with the same id is another record."""
        own = self.model._default_manager.filter(
            is_current=True, import_source=self.request.source
        ).exclude(batch=self.batch)
        new_ids = self.model._default_manager.filter(batch=self.batch).values("record_id")
        replaced = own.filter(record_id__in=Subquery(new_ids)).update(
            is_current=False, superseded_by=self.batch
        )
        if self.request.covers is None or self.dataset.primary_date is None:
            return replaced
        in_window = own.filter(_in_window(self.dataset, self.request.covers))
        return replaced + in_window.update(is_current=False, superseded_by=self.batch)


def _in_window(dataset: Dataset, covers: tuple[date, date]) -> models.Q:
    """Primary date within the window, both ends included; date-times by local day."""
    name = dataset.primary_date
    assert name is not None
    start, end = covers
    if dataset.column(name).type is ColumnType.DATETIME:
        return models.Q(
            **{
                f"{name}__gte": datetime.combine(start, time()),
                f"{name}__lt": datetime.combine(end + timedelta(days=1), time()),
            }
        )
    return models.Q(**{f"{name}__range": covers})
