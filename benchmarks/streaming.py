"""Import speed and memory: referrals from CSV (100,000 and 1,000,000 rows) and XLSX (100,000).

Each import runs in its own process against a fresh, migrated SQLite database
in a temporary directory, so that its peak resident memory is its own: a
streamed import's peak should not grow with the file (compare the two CSV
sizes). Figures are printed, never asserted.

    python -m benchmarks streaming
"""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

HEADER = ["referral_id", "child_id", "referral_date", "source", "cse_risk", "nfa", "locality"]
SOURCES = ["1A", "1B", "2A", "3A", "3F", "4", "5A", "6", "8", "10"]
RISKS = ["", "none", "low", "medium", "high"]
LOCALITIES = ["North", "South", "East", "West", ""]
FIRST_DAY = date(2019, 4, 1)
RUNS = (("csv", 100_000), ("csv", 1_000_000), ("xlsx", 100_000))


def _rows(count: int) -> Iterator[list[str]]:
    for i in range(count):
        day = FIRST_DAY + timedelta(days=i % 2190)
        when = day.isoformat() if i % 3 else day.strftime("%d/%m/%Y")  # both date styles
        yield [
            f"R{i:07d}",
            f"{i % 250_000:06d}.0" if i % 10 == 0 else f"{i % 250_000:06d}",
            when,
            SOURCES[i % len(SOURCES)],
            RISKS[i % len(RISKS)],
            "YN"[i % 2],
            LOCALITIES[i % len(LOCALITIES)],
        ]


def write_csv(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(_rows(count))
    return path


def write_xlsx(path: Path, count: int) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("referrals")
    sheet.append(HEADER)
    for row in _rows(count):
        sheet.append(row)
    workbook.save(path)
    return path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _child(path: Path) -> None:
    """In a fresh process: migrate the temporary database, import `path`, print figures."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeplan.settings")
    django.setup()
    from django.core.management import call_command

    from safeplan.imports.services import import_file  # the importer itself never recomputes

    call_command("migrate", verbosity=0)
    before = _peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    outcome = import_file(dataset="referrals", path=path, submitted_by="benchmark")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = outcome.batch.rows_read
    status = "accepted" if outcome.accepted else f"REJECTED ({len(outcome.problems)} problems)"
    print(
        f"  {path.suffix[1:]:4} {rows:>9,} rows  {seconds:7.1f} s  {rows / seconds:>9,.0f} rows/s  "
        f"(CPU {cpu:.1f} s, {rows / cpu:,.0f} rows/CPU-s)  peak RSS {_peak_rss_mb():6.0f} MB (after start-up {before:.0f} MB)  {status}",
        flush=True,
    )


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="safeplan-bench-") as tmp:
        folder = Path(tmp)
        for kind, count in RUNS:
            path = folder / f"referrals-{count}.{kind}"
            started = time.perf_counter()
            (write_csv if kind == "csv" else write_xlsx)(path, count)
            print(
                f"  (wrote {path.name}, {path.stat().st_size / 1e6:.0f} MB, in {time.perf_counter() - started:.0f} s)",
                flush=True,
            )
            database = folder / f"bench-{kind}-{count}.sqlite3"
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SAFEPLAN_MODE": "test"}
            subprocess.run(
                [sys.executable, "-m", "benchmarks.streaming", str(path)], env=env, check=True
            )
            path.unlink()


if __name__ == "__main__":
    _child(Path(sys.argv[1]))
