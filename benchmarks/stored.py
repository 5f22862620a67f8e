"""The system with its database: raw load vs `safeplan import`, full recompute, where the time goes.

For one set of generated files and one database (SQLite or PostgreSQL) it
builds a fresh database, then for each file in import order times a raw load
of the file into a plain table of text columns (PostgreSQL: ``COPY … FROM
STDIN``; SQLite: one ``executemany`` in one transaction) and, right after,
today's validated import of the same file (`safeplan.imports.services
.import_file`, recompute deferred, in its own process). Then it times
``safeplan compute`` as a user runs it (wall time, peak memory), splits a
compute into reading, the engine per measure and storing, re-imports one
file as a user would (``safeplan import``, which recomputes after it) and
dumps the stored results for the cross-check against the columnar reference.

Children of this module run as ``python -m benchmarks.stored COMMAND …`` and
print one JSON line.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from benchmarks.measured import Step, run_measured
from benchmarks.measured import python as py
from safeplan.demo.generator import DemoFile


@dataclass(frozen=True)
class Database:
    """A benchmark database: its kind and URL, and the environment of its child processes."""

    kind: str  # "sqlite" or "postgres"
    url: str
    env: dict[str, str]

    @property
    def label(self) -> str:
        return "SQLite" if self.kind == "sqlite" else "PostgreSQL"


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    # England's size holds one file of every child in England, about 12 million rows:
    # past a deployment's default row limit a file (R-F07, ADR 0017).
    env.setdefault("SAFEPLAN_MAX_IMPORT_ROWS", "100000000")
    env.update(
        DATABASE_URL=url,
        SAFEPLAN_MODE="test",
        PYTHONPATH=os.pathsep.join([str(Path.cwd()), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    return env


def sqlite_fresh(folder: Path) -> Database:
    path = folder / "bench.sqlite3"
    for leftover in folder.glob("bench.sqlite3*"):
        leftover.unlink()
    url = f"sqlite:///{path}"
    return Database("sqlite", url, _env(url))


def postgres_fresh(url: str) -> Database:
    """Drop and create the database named in `url` (its server's ``postgres`` database is used)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"}:
        raise ValueError(f"BENCH_POSTGRES_URL must name a database of its own, not {name!r}")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return Database("postgres", url, _env(url))


def postgres_drop(url: str) -> None:
    """Drop the benchmark's PostgreSQL database, if it is there."""
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def postgres_reachable(url: str) -> str | None:
    """None when the server answers; otherwise why not."""
    import psycopg

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


def postgres_version(url: str) -> str:
    import psycopg

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


# --- raw loads --------------------------------------------------------------


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def raw_load(db: Database, path: Path) -> float:
    """Seconds to load `path` into a fresh plain table of text columns (then dropped)."""
    columns = ", ".join(f'"{name}" text' for name in _header(path))
    table = f"raw_{path.stem}"
    if db.kind == "postgres":
        return _raw_copy(db.url, table, columns, path)
    return _raw_sqlite(db.url.removeprefix("sqlite:///"), table, columns, path)


def _raw_copy(url: str, table: str, columns: str, path: Path) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute(f'DROP TABLE IF EXISTS "{table}"')
        conn.execute(f'CREATE TABLE "{table}" ({columns})')
        conn.commit()
        started = time.perf_counter()
        command = f'COPY "{table}" FROM STDIN (FORMAT csv, HEADER true)'
        with conn.cursor() as cur, path.open("rb") as handle, cur.copy(command) as copy:
            while block := handle.read(1 << 20):
                copy.write(block)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute(f'DROP TABLE "{table}"')
        conn.commit()
    return seconds


def _raw_sqlite(file: str, table: str, columns: str, path: Path) -> float:
    conn = sqlite3.connect(file)
    try:
        conn.execute(f'DROP TABLE IF EXISTS "{table}"')
        conn.execute(f'CREATE TABLE "{table}" ({columns})')
        conn.commit()
        width = len(_header(path))
        insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * width)})'
        started = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            next(rows)
            conn.executemany(insert, rows)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute(f'DROP TABLE "{table}"')
        conn.commit()
    finally:
        conn.close()
    return seconds


# --- the steps, run in child processes ------------------------------------------


def _covers(demo_file: DemoFile) -> str:
    return f"{demo_file.covers[0]}:{demo_file.covers[1]}" if demo_file.covers else ""


def step_init(db: Database) -> Step:
    return run_measured(py("-m", "safeplan", "init"), env=db.env)


def step_import(db: Database, demo_file: DemoFile) -> tuple[Step, dict[str, Any]]:
    """Today's validated import of one file, recompute deferred, timed inside its process."""
    step = run_measured(
        py(
            "-m",
            "benchmarks.stored",
            "import",
            demo_file.dataset,
            str(demo_file.path),
            demo_file.source,
            _covers(demo_file),
        ),
        env=db.env,
    )
    return step, step.json()


def step_compute(db: Database) -> Step:
    """``safeplan compute`` as a user runs it: start-up, read, engine, store."""
    return run_measured(py("-m", "safeplan", "compute"), env=db.env)


def step_breakdown(db: Database) -> tuple[Step, dict[str, Any]]:
    step = run_measured(py("-m", "benchmarks.stored", "breakdown"), env=db.env)
    return step, step.json()


def step_reimport(db: Database, demo_file: DemoFile) -> tuple[Step, dict[str, Any]]:
    """``safeplan import`` of one file as a user runs it: the import, then today's recompute."""
    command = ["-m", "safeplan", "import", demo_file.dataset, str(demo_file.path)]
    command += ["--source", demo_file.source]
    if demo_file.covers:
        command += ["--covers", _covers(demo_file)]
    step = run_measured(py(*command), env=db.env)
    last = run_measured(py("-m", "benchmarks.stored", "last-run"), env=db.env).json()
    return step, last


def step_dump(db: Database, out: Path) -> None:
    run_measured(py("-m", "benchmarks.stored", "dump", str(out)), env=db.env)


def step_profile(db: Database, what: str, out: Path, *args: str) -> Step:
    return run_measured(
        py("-m", "benchmarks.stored", f"profile-{what}", str(out), *args), env=db.env
    )


# --- child entry points -------------------------------------------------------------


def _django() -> None:
    from safeplan.cli import setup_django

    setup_django()


def _child_import(dataset: str, path: str, source: str, covers: str) -> dict[str, Any]:
    _django()
    from safeplan.imports.services import import_file, parse_covers

    started, cpu = time.perf_counter(), time.process_time()
    outcome = import_file(
        dataset=dataset,
        path=Path(path),
        source=source,
        covers=parse_covers(covers) if covers else None,
        submitted_by="benchmark",
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    problems = [str(p) for p in outcome.problems[:5]]
    return {
        "dataset": dataset,
        "rows": outcome.batch.rows_read,
        "stored": outcome.batch.records_stored,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "accepted": outcome.accepted,
        "problems": problems,
    }


def _periods() -> list[Any]:
    """The periods `results_compute` computes: whole periods from the earliest to the latest
    date of the coverage windows and the plan."""
    from safeplan.engine.periods import periods_between
    from safeplan.measures.selectors import plan_settings
    from safeplan.records.selectors import dataset_coverage

    plan_start, plan_end, _ = plan_settings()
    bounds = [d for windows in dataset_coverage().values() for w in windows for d in w]
    bounds += [d for d in (plan_start, plan_end) if d is not None]
    return periods_between(min(bounds), max(bounds)) if bounds else []


def _child_breakdown() -> dict[str, Any]:
    """Read each dataset, run the engine per measure, then a stored compute split in three."""
    _django()
    from safeplan.datasets.schema import DATASETS
    from safeplan.engine.measures import MEASURES, MeasureInputs
    from safeplan.engine.measures.base import make_context, run
    from safeplan.measures import services
    from safeplan.measures.frames import dataset_frame
    from safeplan.measures.selectors import plan_settings
    from safeplan.records.selectors import dataset_coverage

    read: dict[str, float] = {}
    frames = {}
    for name in DATASETS:
        started = time.perf_counter()
        frames[name] = dataset_frame(name)
        read[name] = time.perf_counter() - started
    plan_start, _, overrides = plan_settings()
    inputs = MeasureInputs(
        frames=frames, coverage=dataset_coverage(), plan_start=plan_start, parameters=overrides
    )
    periods = _periods()
    # One context for all measures, as `compute_all` builds it: conforming the frames is
    # timed once ("context") and each measure then costs what it adds.
    started = time.perf_counter()
    context = make_context(inputs, periods)
    per_measure: dict[str, float] = {"context": time.perf_counter() - started}
    for measure in MEASURES.values():
        started = time.perf_counter()
        run(measure, context)
        per_measure[measure.spec.id] = time.perf_counter() - started
    del context, frames, inputs
    # Then one stored compute, its reading and engine timed inside the same run, so that
    # the rest of it (deleting the old results, storing the new, auditing) is exact too.
    spent: dict[str, float] = {}
    services.measure_inputs = _timed(spent, "read", services.measure_inputs)
    services.compute_all = _timed(spent, "engine", services.compute_all)
    stored_run = services.results_compute(trigger="benchmark")
    return {
        "read": read,
        "per_measure": per_measure,
        "engine": spent["engine"],
        "results": stored_run.results,
        "periods": len(periods),
        "compute_run_seconds": stored_run.seconds,
        "run_read": spent["read"],
        "run_rest": stored_run.seconds - spent["read"] - spent["engine"],
    }


def _timed(spent: dict[str, float], name: str, function: Any) -> Any:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

    return timed


def _child_last_run() -> dict[str, Any]:
    _django()
    from safeplan.measures.models import ComputeRun

    run = ComputeRun.objects.order_by("-pk").first()
    return {"trigger": run.trigger if run else None, "seconds": run.seconds if run else None}


def _child_dump(out: str) -> dict[str, Any]:
    _django()
    from safeplan.measures.models import MeasureResult

    fields = ("measure", "period", "period_kind", "breakdown", "group", "value", "numerator")
    fields += ("denominator", "status")
    query = MeasureResult.objects.values_list(*fields).order_by("pk")
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        count = 0
        for row in query.iterator(chunk_size=20_000):
            writer.writerow(["" if cell is None else cell for cell in row])
            count += 1
    return {"rows": count}


@contextmanager
def _profiled(out: str) -> Iterator[None]:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        Path(out).write_text(profiler.output_text(unicode=True, color=False, show_all=False))


def _child_profile_compute(out: str) -> dict[str, Any]:
    _django()
    from safeplan.measures.services import results_compute

    with _profiled(out):
        run = results_compute(trigger="benchmark profile")
    return {"seconds": run.seconds}


def _child_profile_import(out: str, dataset: str, path: str, source: str, covers: str) -> Any:
    with _profiled(out):
        return _child_import(dataset, path, source, covers)


_CHILDREN = {
    "import": _child_import,
    "breakdown": _child_breakdown,
    "last-run": _child_last_run,
    "dump": _child_dump,
    "profile-compute": _child_profile_compute,
    "profile-import": _child_profile_import,
}


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    print(json.dumps(_CHILDREN[command](*arguments)), flush=True)
