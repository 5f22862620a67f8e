"""``make bench``: every figure of issue 14's table, at the chosen sizes, on SQLite and PostgreSQL.

Per size (``BENCH_SIZES``, see `benchmarks.sizes`): generate the twelve
files; compute the measures with the columnar reference (DuckDB, from the
files, parsing included) and with the engine alone from the files, and
cross-check the two; then per database (``BENCH_DATABASES``, default
``sqlite,postgres``) load each file raw and import it with today's importer,
run ``safeplan compute`` (time, peak memory), split a compute into reading,
the engine per measure and storing, re-import one file as a user would, and
check the stored results against the reference. Then the pages under load
(the county, on each database). Results go to ``benchmarks/results/`` as JSON
with the machine's description; the summary is printed at the end.

| variable | default | meaning |
|---|---|---|
| ``BENCH_SIZES`` | ``county,20x`` | sizes to run: ``county``, ``20x``, ``tenth``, ``england`` |
| ``BENCH_DATABASES`` | ``sqlite,postgres`` | databases to import into and compute from |
| ``BENCH_POSTGRES_URL`` | ``postgres://postgres@127.0.0.1:5432/safeplan_bench`` | a database the benchmark may drop and create |
| ``BENCH_PAGES`` | ``1`` | ``0`` skips the page load test |
| ``BENCH_PROFILE`` | ``0`` | ``1`` also profiles a full compute and importing 100,000 referrals (pyinstrument) into the results folder |
| ``BENCH_DIR`` | a temporary folder | where the generated files and SQLite databases go (kept if set) |

Nothing here asserts a time: figures are printed and written down.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from benchmarks import machine, pages, stored
from benchmarks.measured import StepFailed, run_measured
from benchmarks.measured import python as py
from benchmarks.reference import compare
from benchmarks.sizes import Size, chosen
from safeplan.demo.generator import DemoManifest

RESULTS = Path(__file__).parent / "results"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/safeplan_bench"
#: Re-imported as a user would, to time an import followed by today's recompute.
REIMPORTED = "challenges"


def say(text: str) -> None:
    print(text, flush=True)


def _results_frame(path: Path) -> pl.DataFrame:
    frame = pl.read_csv(path, infer_schema_length=0)
    figures = ["value", "numerator", "denominator"]
    frame = frame.with_columns(
        [pl.col(c).replace("", None).cast(pl.Float64) for c in figures]
        + [pl.col("group").replace("", None)]
    )
    if "status" in frame.columns:
        frame = frame.filter(pl.col("status") == "ok")
    return frame


def _agreement(reference: Path, other: Path) -> dict[str, Any]:
    found = compare(_results_frame(reference), _results_frame(other))
    return {
        "compared": found.compared,
        "disagreements": len(found.disagreements),
        "listing_only": found.listing_only,
        "examples": [
            {k: v for k, v in row.items() if v is not None} for row in found.disagreements[:10]
        ],
    }


def _agreement_line(name: str, agreement: dict[str, Any]) -> str:
    if agreement["disagreements"] == 0:
        return (
            f"  {name} agrees with the reference: {agreement['compared']:,} rows "
            f"(value, numerator, denominator; all and by locality; "
            f"{agreement['listing_only']:,} empty groups listed on one side only)"
        )
    lines = [f"  {name} DISAGREES with the reference on {agreement['disagreements']:,} rows, e.g.:"]
    lines += [f"    {row}" for row in agreement["examples"][:5]]
    return "\n".join(lines)


def _columnar(manifest: DemoManifest, folder: Path) -> dict[str, Any]:
    """The reference and the engine alone, each from the files in its own process."""
    start, end = (d.isoformat() for d in manifest.window)
    ref_out, eng_out = folder / "reference.csv", folder / "engine.csv"
    source = str(manifest.files[0].path.parent)
    ref = run_measured(py("-m", "benchmarks.reference", source, start, end, str(ref_out)), env=os.environ)  # fmt: skip
    eng = run_measured(py("-m", "benchmarks.sizes", "engine", source, start, end, str(eng_out)), env=os.environ)  # fmt: skip
    figures = {
        "reference": {
            "wall": ref.seconds,
            "cpu": ref.cpu_seconds,
            "peak_mb": ref.peak_mb,
            **ref.json(),
        },
        "engine_from_files": {
            "wall": eng.seconds,
            "cpu": eng.cpu_seconds,
            "peak_mb": eng.peak_mb,
            **eng.json(),
        },
        "engine_vs_reference": _agreement(ref_out, eng_out),
    }
    r, e = figures["reference"], figures["engine_from_files"]
    say(
        f"  DuckDB reference from the CSV files: {ref.seconds:.1f} s wall (CPU {ref.cpu_seconds or 0:.1f} s; {r['total']:.1f} s in DuckDB, "
        f"{sum(r['load'].values()):.1f} s of it parsing), peak {ref.peak_mb:,.0f} MB"
    )
    say(
        f"  engine alone from the CSV files: {eng.seconds:.1f} s wall (CPU {eng.cpu_seconds or 0:.1f} s; read {e['read']:.1f} s, "
        f"compute {e['engine']:.1f} s), peak {eng.peak_mb:,.0f} MB"
    )
    say(_agreement_line("the engine (from the files)", figures["engine_vs_reference"]))
    return figures


def _imports(db: stored.Database, manifest: DemoManifest) -> list[dict[str, Any]]:
    rows = []
    for demo_file in manifest.files:
        raw = stored.raw_load(db, demo_file.path)
        step, info = stored.step_import(db, demo_file)
        if not info["accepted"]:
            raise StepFailed(f"{demo_file.dataset} was rejected: {info['problems']}")
        n = info["rows"]
        row = {
            "dataset": demo_file.dataset,
            "rows": n,
            "bytes": demo_file.path.stat().st_size,
            "import_seconds": info["seconds"],
            "import_cpu_seconds": info.get("cpu_seconds"),
            "import_rows_per_second": n / info["seconds"] if info["seconds"] else None,
            "import_peak_mb": step.peak_mb,
            "raw_seconds": raw,
            "raw_rows_per_second": n / raw if raw else None,
            "ratio": raw / info["seconds"] if info["seconds"] else None,
        }
        rows.append(row)
        say(
            f"    {demo_file.dataset:22} {n:>10,} rows: import {row['import_rows_per_second']:>9,.0f} rows/s "
            f"({info['seconds']:6.1f} s, peak {step.peak_mb:5,.0f} MB); raw {'COPY' if db.kind == 'postgres' else 'insert'} "
            f"{row['raw_rows_per_second']:>11,.0f} rows/s ({raw:5.2f} s); import = {100 * row['ratio']:.1f}% of raw"
        )
    return rows


def _database(
    db: stored.Database, manifest: DemoManifest, folder: Path, reference: Path, profile: bool
) -> dict[str, Any]:
    say(f"  {db.label}:")
    stored.step_init(db)
    imports = _imports(db, manifest)
    total_rows = sum(r["rows"] for r in imports)
    total_import = sum(r["import_seconds"] for r in imports)
    total_raw = sum(r["raw_seconds"] for r in imports)
    say(
        f"    all twelve files: {total_rows:,} rows, import {total_import:.1f} s "
        f"({total_rows / total_import:,.0f} rows/s); raw {total_raw:.1f} s; "
        f"import = {100 * total_raw / total_import:.1f}% of raw"
    )
    compute = stored.step_compute(db)
    say(
        f"    safeplan compute: {compute.seconds:.1f} s wall (start-up included; CPU "
        f"{compute.cpu_seconds or 0:.1f} s), peak {compute.peak_mb:,.0f} MB — {compute.stdout.strip()}"
    )
    _, parts = stored.step_breakdown(db)
    say(
        f"    where a compute's time goes (one stored compute, {parts['compute_run_seconds']:.1f} s): "
        f"read {parts['run_read']:.1f} s (ORM, row by row), engine {parts['engine']:.1f} s, "
        f"the rest (delete, store, audit) {parts['run_rest']:.1f} s; {parts['results']:,} results, "
        f"{parts['periods']} periods"
    )
    say(
        "    engine per measure: "
        + "  ".join(f"{m} {s:.2f}s" for m, s in parts["per_measure"].items())
    )
    again = next(f for f in manifest.files if f.dataset == REIMPORTED)
    reimport, last = stored.step_reimport(db, again)
    say(
        f"    incremental recompute after one import: NOT IMPLEMENTED YET — `safeplan import "
        f"{REIMPORTED}` ({again.path.stat().st_size / 1e3:,.0f} kB) takes {reimport.seconds:.1f} s, of which "
        f"{last['seconds']:.1f} s is the full recompute that follows every accepted import today"
    )
    dump = folder / f"stored-{db.kind}.csv"
    stored.step_dump(db, dump)
    agreement = _agreement(reference, dump)
    say(_agreement_line(f"    the results stored in {db.label}", agreement).replace("  ", "", 1))
    figures: dict[str, Any] = {
        "imports": imports,
        "import_total": {"rows": total_rows, "seconds": total_import, "raw_seconds": total_raw},
        "compute": {"wall": compute.seconds, "cpu": compute.cpu_seconds, "peak_mb": compute.peak_mb, "output": compute.stdout.strip()},
        "breakdown": parts,
        "reimport": {"dataset": REIMPORTED, "wall": reimport.seconds, "recompute_seconds": last["seconds"], "incremental": "not implemented yet"},
        "stored_vs_reference": agreement,
    }  # fmt: skip
    if profile:
        figures["profiles"] = _profiles(db, manifest, folder)
    return figures


#: Rows of referrals imported under the profiler: enough to show the per-row cost.
PROFILED_ROWS = 100_000


def _profiles(db: stored.Database, manifest: DemoManifest, folder: Path) -> dict[str, str]:
    """pyinstrument call trees of a full compute and of importing the first 100,000 referrals."""
    RESULTS.mkdir(exist_ok=True)
    stamp = f"{folder.parent.name}-{folder.name}-{db.kind}"
    compute_out = RESULTS / f"profile-{stamp}-compute.txt"
    stored.step_profile(db, "compute", compute_out)
    referrals = next(f for f in manifest.files if f.dataset == "referrals")
    sample = folder / "referrals-sample.csv"
    with referrals.path.open("rb") as source, sample.open("wb") as out:
        for number, line in enumerate(source):
            if number > PROFILED_ROWS:
                break
            out.write(line)
    import_out = RESULTS / f"profile-{stamp}-import-referrals.txt"
    # A source of its own, with the file's window, so that the sample supersedes nothing
    # and does not widen the coverage (and so the periods) the stored results were for.
    covers = f"{referrals.covers[0]}:{referrals.covers[1]}" if referrals.covers else ""
    stored.step_profile(
        db, "import", import_out, "referrals", str(sample), "benchmark-profile", covers
    )
    say(f"    profiles: {compute_out.name}, {import_out.name}")
    return {"compute": compute_out.name, "import": import_out.name}


def _size(size: Size, work: Path, databases: dict[str, Callable[[Path], stored.Database]], profile: bool) -> dict[str, Any]:  # fmt: skip
    folder = work / size.key
    files = folder / "files"
    say(f"\n== {size.label} ==")
    started = time.perf_counter()
    manifest = size.generate(files)
    generated = time.perf_counter() - started
    records = sum(f.rows for f in manifest.files)
    volume = sum(f.path.stat().st_size for f in manifest.files)
    say(
        f"  generated {records:,} records in 12 files ({volume / 1e6:,.0f} MB) in {generated:.1f} s; "
        f"window {manifest.window[0]} to {manifest.window[1]}"
    )
    figures: dict[str, Any] = {
        "label": size.label,
        "records": records,
        "bytes": volume,
        "generate_seconds": generated,
        "window": [d.isoformat() for d in manifest.window],
        "files": {f.dataset: f.rows for f in manifest.files},
        "load_average_before": machine.load_average(),
    }
    figures.update(_columnar(manifest, folder))
    for kind, fresh in databases.items():
        figures[kind] = _database(
            fresh(folder), manifest, folder, folder / "reference.csv", profile
        )
    figures["load_average_after"] = machine.load_average()
    return figures


def _databases(postgres_url: str) -> dict[str, Callable[[Path], stored.Database]]:
    names = [n.strip() for n in os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")]
    chosen_dbs: dict[str, Callable[[Path], stored.Database]] = {}
    for name in filter(None, names):
        if name == "sqlite":
            chosen_dbs["sqlite"] = stored.sqlite_fresh
        elif name == "postgres":
            problem = stored.postgres_reachable(postgres_url)
            if problem:
                say(f"PostgreSQL skipped: cannot reach {postgres_url}: {problem}")
                continue
            chosen_dbs["postgres"] = lambda _folder: stored.postgres_fresh(postgres_url)
        else:
            raise SystemExit(f"BENCH_DATABASES: unknown database {name!r} (sqlite, postgres)")
    return chosen_dbs


def run() -> None:
    sizes = chosen(os.environ.get("BENCH_SIZES"))
    postgres_url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    databases = _databases(postgres_url)
    profile = os.environ.get("BENCH_PROFILE", "0") == "1"
    described = machine.describe(
        stored.postgres_version(postgres_url) if "postgres" in databases else None
    )
    say("machine: " + machine.summary(described))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    report: dict[str, Any] = {"started": stamp, "machine": described, "sizes": {}, "pages": {}}
    kept = os.environ.get("BENCH_DIR")
    work = Path(kept) if kept else Path(tempfile.mkdtemp(prefix="safeplan-bench-"))
    try:
        for size in sizes:
            report["sizes"][size.key] = _size(size, work / stamp, databases, profile)
            _write(report, stamp)
        if os.environ.get("BENCH_PAGES", "1") != "0":
            say("\n== pages under load: the county at scale 1, gunicorn with 2 workers ==")
            for kind in databases:
                say(f"  {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}:")
                levels = pages.pages_run(postgres_url if kind == "postgres" else None)
                report["pages"][kind] = levels
                for line in pages.report(levels):
                    say("    " + line)
        report["machine"]["load_average_at_end"] = machine.load_average()
        path = _write(report, stamp)
    finally:
        if not kept:
            shutil.rmtree(work, ignore_errors=True)
        if "postgres" in databases:
            stored.postgres_drop(postgres_url)
    say("")
    for line in summary_lines(report):
        say(line)
    say(f"\nwritten to {path}")


def _write(report: dict[str, Any], stamp: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"bench-{stamp}.json"
    path.write_text(json.dumps(report, indent=1, default=str) + "\n")
    return path


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The issue's table, from a report (also ``python -m benchmarks summary FILE.json``)."""
    lines = ["== the issue's table, as measured =="]
    for key, size in report["sizes"].items():
        lines.append(f"{size['label']} ({key}): {size['records']:,} records")
        reference = size["reference"]["wall"]
        lines.append(
            f"  columnar reference (DuckDB, from CSV, parsing included): {reference:.1f} s; "
            f"engine alone from CSV: {size['engine_from_files']['wall']:.1f} s"
        )
        for kind in ("sqlite", "postgres"):
            if kind not in size:
                continue
            db = size[kind]
            name = "SQLite" if kind == "sqlite" else "PostgreSQL"
            total = db["import_total"]
            raw_name = "raw COPY" if kind == "postgres" else "raw executemany"
            lines.append(
                f"  {name}: import {total['rows'] / total['seconds']:,.0f} rows/s over all files, "
                f"{100 * total['raw_seconds'] / total['seconds']:.1f}% of a {raw_name} (target ≥ 40% of COPY)"
            )
            biggest = max(db["imports"], key=lambda r: r["rows"])
            lines.append(
                f"    largest file {biggest['dataset']} ({biggest['rows']:,} rows): "
                f"{biggest['import_rows_per_second']:,.0f} rows/s, {biggest['raw_rows_per_second']:,.0f} rows/s raw, "
                f"{100 * biggest['ratio']:.1f}%"
            )
            compute = db["compute"]
            lines.append(
                f"    full recompute (safeplan compute): {compute['wall']:.1f} s, peak {compute['peak_mb']:,.0f} MB; "
                f"{compute['wall'] / reference:.1f}× the reference (target ≤ 1.5×)"
            )
            per = db["breakdown"]["per_measure"]
            slowest = max((m for m in per if m != "context"), key=per.__getitem__)
            lines.append(f"    slowest measure in the engine: {slowest} {per[slowest]:.2f} s")
            again = db["reimport"]
            lines.append(
                f"    incremental recompute after one import: not implemented yet "
                f"(an import of {again['dataset']} is followed by a full recompute of {again['recompute_seconds']:.1f} s)"
            )
            lines.append(
                f"    twelve files one after another with today's recompute after each: "
                f"≈ {total['seconds'] + 12 * again['recompute_seconds']:.0f} s "
                f"(estimate: Σ imports + 12 × that recompute; not run end to end)"
            )
            agree = db["stored_vs_reference"]["disagreements"] == 0
            lines.append(
                f"    stored results {'agree' if agree else 'DISAGREE'} with the reference"
            )
    for kind, levels in report.get("pages", {}).items():
        name = "SQLite" if kind == "sqlite" else "PostgreSQL"
        lines.append(
            f"pages, county, {name} (targets: plan p95 ≤ 100 ms at 50 clients, measure ≤ 50 ms at 1):"
        )
        lines += ["  " + line for line in pages.report(levels)]
    return lines
