"""The importers fuzzed: every file is accepted, or rejected with numbered problems, and nothing else.

For each of the twelve datasets, files drawn by `benchmarks.malformed` are
imported with `safeplan.imports.services.import_file` (every 20th also with
``safeplan import`` on the command line) and each outcome is judged:

- crash: the import raised, or ended without an outcome (a rejection with no
  problem, a problem citing no rule of the rule book, a batch left processing);
- traceback shown: a problem or the command's output holds a traceback;
- partial write: a rejected file changed the stored records, or an accepted one
  stored a different number of records than it read.

All three must be 0. ``python -m benchmarks fuzz`` imports files until at least
1,000,000 rows have been cited in problems (rows the importer itself found
malformed; more were mutated, since some mutations are valid values, and a
file refused whole is not read row by row); each dataset runs in its own process against a fresh SQLite
database in a temporary folder (``BENCH_FUZZ_DATABASE_URL`` names another
database instead, e.g. a scratch PostgreSQL one, which is migrated and used as
it is). Figures are printed, never asserted; the tests run the same checks on a
few files per dataset under Hypothesis (``tests/imports/test_fuzz.py``).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.malformed import FuzzFile, fuzz_file
from safeplan.datasets.schema import DATASETS, RULES

MALFORMED_ROWS = 1_000_000
ROWS_PER_FILE = (1, 5, 40, 400, 2_000, 4_000)
RATES = (0.0, 0.1, 0.5, 1.0, 1.0)  # the share of a file's rows mutated
CLI_EVERY = 20
TRACEBACK = "Traceback (most recent call last)"


@dataclass
class Verdict:
    """What became of one import, and what was wrong with how it ended."""

    accepted: bool = False
    rules: list[str] = field(default_factory=list)
    rows_with_problems: int = 0
    crash: str = ""
    traceback_shown: bool = False
    partial_write: str = ""


def _counts(dataset: str | None) -> dict[str, int]:
    from safeplan.records.models import RECORD_MODELS

    names = list(RECORD_MODELS) if dataset is None else [dataset]
    return {name: RECORD_MODELS[name]._default_manager.count() for name in names}


def _last_batch() -> object:
    from safeplan.records.models import ImportBatch

    return ImportBatch.objects.order_by("-pk").first()


def _judge_outcome(outcome: object, file: FuzzFile, path: Path) -> Verdict:
    from safeplan.records.models import ImportBatch

    batch, problems = outcome.batch, outcome.problems  # type: ignore[attr-defined]
    verdict = Verdict(
        accepted=outcome.accepted,  # type: ignore[attr-defined]
        rules=[p.rule for p in problems],
        rows_with_problems=len({p.row for p in problems if p.row}),
    )
    wanted = ImportBatch.Status.ACCEPTED if verdict.accepted else ImportBatch.Status.REJECTED
    if batch.status != wanted:
        verdict.crash = f"batch {batch.pk} is {batch.status}, not {wanted}"
    elif not verdict.accepted and not problems:
        verdict.crash = "rejected without a problem"
    elif unknown := [p for p in problems if p.rule not in RULES or not p.message]:
        verdict.crash = f"a problem cites no rule of the rule book: {unknown[0]!r}"
    elif any(p.file != path.name for p in problems):
        verdict.crash = "a problem names another file"
    verdict.traceback_shown = any(TRACEBACK in str(p) for p in problems)
    return verdict


def check_import(file: FuzzFile, path: Path, *, all_tables: bool = True) -> Verdict:
    """Import `path` as `file` says, and judge how it ended (counting records before and after).

    With `all_tables` off only the file's own dataset is counted (quicker on a
    large database; the bench counts every table for every 50th file).
    """
    from safeplan.imports.services import import_file

    counted = None if all_tables else file.dataset
    before = _counts(counted)
    try:
        outcome = import_file(
            dataset=file.dataset, path=path, covers=file.covers, submitted_by="fuzz"
        )
    except Exception:
        return Verdict(crash=traceback.format_exc())
    verdict = _judge_outcome(outcome, file, path)
    after = _counts(counted)
    if verdict.accepted:
        batch = outcome.batch
        grown = after[file.dataset] - before[file.dataset]
        if not grown == batch.records_stored == batch.rows_read:
            verdict.partial_write = (
                f"accepted: {batch.rows_read} rows read, {batch.records_stored} stored, "
                f"{grown} new records"
            )
        before.pop(file.dataset), after.pop(file.dataset)
    if before != after:
        verdict.partial_write = f"records before {before}, after {after}"
    return verdict


def check_command(file: FuzzFile, path: Path) -> Verdict:
    """The same file through ``safeplan import``: exit 0 or 1, no traceback, no partial write."""
    from click.testing import CliRunner

    from safeplan.cli import main

    args = ["import", file.dataset, str(path)]
    if file.covers:
        args += ["--covers", f"{file.covers[0]}:{file.covers[1]}"]
    before = _counts(None)
    result = CliRunner().invoke(main, args)
    output = result.output
    verdict = Verdict(accepted=result.exit_code == 0)
    verdict.traceback_shown = TRACEBACK in output
    failed = ("the import failed (", "recomputing the measures failed")  # caught, but crashes
    if result.exit_code not in (0, 1) or any(words in output for words in failed):
        verdict.crash = f"safeplan import exited {result.exit_code}: {output[-2000:]}"
    elif not verdict.accepted and _counts(None) != before:
        verdict.partial_write = "safeplan import rejected the file but the records changed"
    return verdict


# --- the bench -----------------------------------------------------------------------------------


@dataclass
class Tally:
    dataset: str
    files: int = 0
    rows: int = 0
    malformed_rows: int = 0
    rows_with_problems: int = 0
    damaged_files: int = 0
    accepted: int = 0
    rejected: int = 0
    commands: int = 0
    crashes: int = 0
    tracebacks_shown: int = 0
    partial_writes: int = 0
    seconds: float = 0.0
    compute: str = ""
    rules: Counter[str] = field(default_factory=Counter)

    def add(self, file: FuzzFile, verdict: Verdict, *, command: bool = False) -> None:
        """Count a verdict; a command's (the same file again) counts only what went wrong."""
        if not command:
            self.accepted += verdict.accepted and not verdict.crash
            self.rejected += not verdict.accepted and not verdict.crash
            self.rules.update(set(verdict.rules))
            self.rows_with_problems += verdict.rows_with_problems
        self.crashes += bool(verdict.crash)
        self.tracebacks_shown += verdict.traceback_shown
        self.partial_writes += bool(verdict.partial_write)
        for problem in (verdict.crash, verdict.partial_write):
            if problem and self.crashes + self.partial_writes <= 5:
                print(f"  {self.dataset} file seed {file.seed}: {problem}", file=sys.stderr)


def _child(dataset: str, wanted: int, seed: int) -> None:
    """In a fresh process: migrate, then import until `wanted` rows are cited in problems; a tally."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeplan.settings")
    django.setup()
    from django.core.management import call_command

    from safeplan.plans.services import plan_load_default

    call_command("migrate", verbosity=0)
    plan_load_default()  # so that the measures can be computed at the end
    rng, tally, started = random.Random(seed), Tally(dataset), time.perf_counter()
    # The imports are judged here; the measures are computed once, at the end (the
    # importer itself never recomputes: its callers ask for it).
    with tempfile.TemporaryDirectory(prefix="safeplan-fuzz-") as folder:
        while tally.rows_with_problems < wanted:
            file = fuzz_file(dataset, rng, rows=rng.choice(ROWS_PER_FILE), rate=rng.choice(RATES))
            path = file.write(Path(folder) / f"{dataset}-{tally.files}.{file.fmt}")
            tally.add(file, check_import(file, path, all_tables=tally.files % 50 == 0))
            if tally.files % CLI_EVERY == 0:
                tally.add(file, check_command(file, path), command=True)
                tally.commands += 1
            tally.files += 1
            tally.rows += len(file.rows)
            tally.malformed_rows += file.malformed_rows
            tally.damaged_files += bool(file.damage)
            path.unlink()
    tally.seconds = time.perf_counter() - started
    tally.compute = _compute()
    print(json.dumps(vars(tally)), flush=True)


def _compute() -> str:
    """The twelve measures computed from every accepted record: "ok", or how it failed."""
    from safeplan.measures.services import results_compute

    try:
        run = results_compute(trigger="fuzz")
    except Exception as exc:
        traceback.print_exc()
        return f"failed ({type(exc).__name__}: {exc})"
    return f"ok ({run.results:,} results)"


def _line(t: dict[str, object]) -> str:
    compute = f"  compute {t['compute']}" if t.get("compute") else ""
    return (
        f"  {t['dataset']:22} {t['files']:>6,} files {t['rows']:>9,} rows "
        f"{t['malformed_rows']:>9,} mutated {t['rows_with_problems']:>9,} malformed (cited)  "
        f"accepted {t['accepted']:>5,} rejected {t['rejected']:>5,}  crashes {t['crashes']}  "
        f"tracebacks {t['tracebacks_shown']}  partial writes {t['partial_writes']}  "
        f"{t['seconds']:6.0f} s{compute}"
    )


def run() -> None:
    per_dataset = -(-MALFORMED_ROWS // len(DATASETS))
    database = os.environ.get("BENCH_FUZZ_DATABASE_URL")
    print(
        f"  {len(DATASETS)} datasets, CSV and XLSX, until {per_dataset:,} malformed rows each "
        "are cited in problems",
        flush=True,
    )
    tallies = []
    with tempfile.TemporaryDirectory(prefix="safeplan-fuzz-db-") as folder:
        for index, dataset in enumerate(DATASETS):
            url = database or f"sqlite:///{Path(folder) / f'{dataset}.sqlite3'}"
            env = {**os.environ, "DATABASE_URL": url, "SAFEPLAN_MODE": "test"}
            argv = [sys.executable, "-m", "benchmarks.fuzz", dataset, str(per_dataset), str(index)]
            done = subprocess.run(argv, env=env, check=True, capture_output=True, text=True)
            sys.stderr.write(done.stderr)
            tallies.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(_line(tallies[-1]), flush=True)
    numbers = [k for k, v in tallies[0].items() if isinstance(v, int | float)]
    total = {k: sum(t[k] for t in tallies) for k in numbers}
    print(_line({"dataset": "all twelve", **total}))
    rules: Counter[str] = Counter()
    for t in tallies:
        rules.update(t["rules"])
    print("  files citing each rule: " + ", ".join(f"{r} {n:,}" for r, n in sorted(rules.items())))
    print(
        f"  crashes {total['crashes']}, tracebacks shown {total['tracebacks_shown']}, "
        f"partial writes {total['partial_writes']} (all must be 0); "
        f"{total['commands']:,} files also through `safeplan import`"
    )


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
