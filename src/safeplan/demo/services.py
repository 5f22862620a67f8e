"""Build the synthetic county into the database, through the importer users use.

    build = demo_build(seed=2017, scale=1.0)
    for item in build.imported:
        print(item.dataset, item.records)

Each generated file is imported with `safeplan.imports.services.import_file`,
exactly as ``safeplan import`` would, so the demo exercises the same rules,
sources, coverage windows and provenance as real data. The measures are
recomputed once at the end rather than after each of the twelve files.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from safeplan.actions.models import Action
from safeplan.demo.actions import demo_actions_create
from safeplan.demo.generator import DemoFile, DemoManifest, generate
from safeplan.imports.services import ImportProblem, import_file
from safeplan.measures.services import results_compute
from safeplan.plans.selectors import plan_active
from safeplan.scorecard.illustrative import targets_load_illustrative

SUBMITTED_BY = "safeplan demo"
#: Told about each file as its import starts, then how many rows it has read so far.
DemoProgress = Callable[[DemoFile, int], None]


class DemoBuildError(RuntimeError):
    """A generated file was rejected by the importer (a bug in the generator)."""

    def __init__(self, dataset: str, problems: list[ImportProblem]) -> None:
        shown = "; ".join(str(p) for p in problems[:5])
        super().__init__(f"the importer rejected the demo's {dataset} file: {shown}")
        self.dataset = dataset
        self.problems = problems


@dataclass(frozen=True)
class DemoImport:
    """One generated file as stored: its batch and the records it holds."""

    dataset: str
    batch_id: int
    records: int


@dataclass(frozen=True)
class DemoBuild:
    manifest: DemoManifest
    imported: tuple[DemoImport, ...]
    generate_seconds: float
    import_seconds: float
    compute_seconds: float

    @property
    def records(self) -> int:
        return sum(item.records for item in self.imported)


def demo_build(
    *,
    seed: int = 2017,
    scale: float = 1.0,
    out_dir: Path | None = None,
    progress: DemoProgress | None = None,
) -> DemoBuild:
    """Generate the county's files (kept in ``out_dir`` if given) and import each one.

    Each file is its own import batch, accepted whole or raising `DemoBuildError`.
    """
    if out_dir is not None:
        return _build(seed=seed, scale=scale, out_dir=out_dir, progress=progress)
    with tempfile.TemporaryDirectory(prefix="safeplan-demo-") as folder:
        return _build(seed=seed, scale=scale, out_dir=Path(folder), progress=progress)


def _build(*, seed: int, scale: float, out_dir: Path, progress: DemoProgress | None) -> DemoBuild:
    started = time.perf_counter()
    manifest = generate(seed=seed, scale=scale, out_dir=out_dir)
    generated = time.perf_counter()
    imported = tuple(_import(f, progress) for f in manifest.files)  # the importer never computes
    stored = time.perf_counter()
    # The seed plan sets no targets; the demo's are labelled illustrative wherever shown.
    targets_load_illustrative()
    plan = plan_active()
    if plan is not None and not Action.objects.exists():
        demo_actions_create(plan)
    results_compute(trigger=SUBMITTED_BY, actor=SUBMITTED_BY)
    return DemoBuild(
        manifest=manifest,
        imported=imported,
        generate_seconds=generated - started,
        import_seconds=stored - generated,
        compute_seconds=time.perf_counter() - stored,
    )


def _import(demo_file: DemoFile, progress: DemoProgress | None) -> DemoImport:
    if progress:
        progress(demo_file, 0)
    outcome = import_file(
        dataset=demo_file.dataset,
        path=demo_file.path,
        source=demo_file.source,
        covers=demo_file.covers,
        submitted_by=SUBMITTED_BY,
        progress=(lambda rows: progress(demo_file, rows)) if progress else None,
    )
    if not outcome.accepted:
        raise DemoBuildError(demo_file.dataset, outcome.problems)
    return DemoImport(demo_file.dataset, outcome.batch.pk, outcome.batch.records_stored)
