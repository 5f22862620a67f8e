"""``safeplan import`` and ``safeplan batches``.

$ safeplan import referrals referrals.csv --covers 2024-04-01:2025-03-31
$ safeplan batches --dataset referrals
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

LARGE_FILE_BYTES = 5 * 1024 * 1024
LINE_EVERY_ROWS = 50_000


def register(group: click.Group) -> None:
    """Add this domain's commands to the ``safeplan`` group."""
    group.add_command(import_command)
    group.add_command(batches_command)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return "unknown"


@contextmanager
def _progress(
    path: Path, sheet: str | None, dataset: str
) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal; plain lines for a large file otherwise; else nothing."""
    interactive = sys.stderr.isatty()
    try:
        large = path.stat().st_size >= LARGE_FILE_BYTES
    except OSError:
        large = False
    if not (interactive or large):
        yield None
        return
    click.echo(f"importing {path.name} into {dataset} …", err=True)
    if not interactive:
        yield _line_reporter()
        return
    from safeplan.imports.readers import estimate_rows

    total = estimate_rows(path, sheet=sheet, dataset=dataset)
    with click.progressbar(length=total or 0, label="rows", file=sys.stderr, show_pos=True) as bar:
        seen = [0]

        def update(rows: int) -> None:
            bar.update(rows - seen[0])
            seen[0] = rows

        yield update


def _line_reporter() -> Callable[[int], None]:
    reported = [0]

    def report(rows: int) -> None:
        if rows - reported[0] >= LINE_EVERY_ROWS:
            click.echo(f"{rows:,} rows read", err=True)
            reported[0] = rows

    return report


def _summary(batch: Any) -> str:
    window = (
        f"; covers {batch.covers_from} to {batch.covers_to}"
        + (" (stated)" if batch.covers_stated else " (from the records' dates)")
        if batch.covers_from
        else ""
    )
    count = len(batch.warnings)
    warned = f"; {count:,} warning{'s' if count != 1 else ''} (on stderr)" if count else ""
    return (
        f"accepted: batch {batch.pk}, {batch.dataset} from {batch.source}: "
        f"{batch.rows_read:,} rows read, {batch.records_stored:,} records stored, "
        f"{batch.records_superseded:,} superseded{window}{warned}"
    )


def _datasets_epilog() -> str:
    from safeplan.datasets.schema import DATASETS

    required = [name for name, ds in DATASETS.items() if ds.covers_required]
    return (
        f"Datasets: {', '.join(DATASETS)}. --covers is required for {', '.join(required)}; "
        "children and population take none. Columns: docs/datasets.md."
    )


@click.command("import", epilog=_datasets_epilog())
@click.argument("dataset")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--sheet",
    metavar="NAME",
    help="XLSX sheet to read (default: one named like the dataset, else the first).",
)
@click.option(
    "--source", metavar="NAME", help="Who sent the file, e.g. police (default: the dataset's name)."
)
@click.option(
    "--covers",
    metavar="FROM:TO",
    help="Window the file covers, YYYY-MM-DD:YYYY-MM-DD; stored records of the same source dated in it that the file no longer holds are superseded (other sources' records never are).",
)
@click.option(
    "--ignore-unknown-columns",
    is_flag=True,
    help="Skip columns that are not part of the dataset instead of rejecting the file.",
)
def import_command(
    dataset: str,
    file: Path,
    sheet: str | None,
    source: str | None,
    covers: str | None,
    ignore_unknown_columns: bool,
) -> None:
    """Import FILE (.csv or .xlsx) into DATASET, whole or not at all.

    Exit status 0: accepted, with a one-line summary (and any warnings on
    standard error). Exit status 1: rejected, with every problem on standard
    error (rules in docs/import-rules.md), or another import is running;
    nothing from the file is stored.
    """
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.imports.services import ImportBusy, InvalidCovers, import_file, parse_covers

    try:
        window = parse_covers(covers) if covers is not None else None
    except InvalidCovers as exc:
        raise _fail(str(exc)) from None
    try:
        with _progress(file, sheet, dataset) as progress:
            outcome = import_file(
                dataset=dataset,
                path=file,
                source=source,
                covers=window,
                sheet=sheet,
                ignore_unknown_columns=ignore_unknown_columns,
                submitted_by=_os_user(),
                progress=progress,
            )
    except KeyboardInterrupt:
        raise _fail("interrupted; nothing from the file was stored") from None
    except ImportBusy as exc:
        raise _fail(str(exc)) from None
    except Exception as exc:  # the command line shows a message, never a traceback
        raise _fail(
            f"the import failed ({type(exc).__name__}: {exc}); nothing from the file was stored"
        ) from None
    for warning in outcome.warnings:
        click.echo(f"warning: {warning.located()}", err=True)
    if outcome.accepted:
        click.echo(_summary(outcome.batch))
        _recompute(outcome.batch)
        return
    for problem in outcome.problems:
        click.echo(problem.located(), err=True)
    count = len(outcome.problems)
    raise _fail(
        f"rejected: batch {outcome.batch.pk}, {count:,} problem{'s' if count != 1 else ''}; "
        "nothing from the file was stored (rules: docs/import-rules.md)"
    )


def _recompute(batch: Any) -> None:
    """Recompute the measures; the batch is stored, so a failure is a warning, not exit 1.

    The pages say the figures may be out of date until a recompute succeeds.
    """
    from safeplan.measures.services import results_compute_after_import

    try:
        results_compute_after_import(batch)
    except Exception as exc:  # the import stands; the figures are marked out of date
        click.echo(
            f"safeplan import: batch {batch.pk} was accepted, but recomputing the measures "
            f"failed ({type(exc).__name__}: {exc}); the figures are out of date until "
            "`safeplan compute` succeeds",
            err=True,
        )


def _fail(message: str) -> click.exceptions.Exit:
    click.echo(f"safeplan import: {message}", err=True)
    return click.exceptions.Exit(1)


@click.command("batches")
@click.option("--dataset", metavar="NAME", help="Only this dataset's imports.")
@click.option(
    "--status",
    type=click.Choice(["processing", "accepted", "rejected", "withdrawn"]),
    help="Only imports with this status.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="How many to list, newest first.",
)
def batches_command(dataset: str | None, status: str | None, limit: int) -> None:
    """List imports, newest first: who, when, source, file, outcome and window."""
    from safeplan.cli import setup_django

    setup_django()
    from django.utils import timezone

    from safeplan.imports.selectors import batch_list

    batches = batch_list(dataset=dataset, status=status, limit=limit)
    if not batches:
        click.echo("no imports yet")
        return
    click.echo(
        f"{'id':>5}  {'when':16}  {'dataset':21}  {'source':12}  {'status':9}  {'rows':>9}  {'stored':>9}  {'superseded':>10}  {'window':23}  file (by)"
    )
    for b in batches:
        when = timezone.localtime(b.created_at).strftime("%Y-%m-%d %H:%M")
        window = f"{b.covers_from}:{b.covers_to}" if b.covers_from else "-"
        click.echo(
            f"{b.pk:>5}  {when:16}  {b.dataset:21}  {b.source:12}  {b.status:9}  {b.rows_read:>9,}  "
            f"{b.records_stored:>9,}  {b.records_superseded:>10,}  {window:23}  {b.file_name} ({b.submitted_by})"
        )
