"""``safeplan demo``: set up the database, build the synthetic county into it and serve it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from safeplan.demo.generator import DemoFile
    from safeplan.demo.services import DemoBuild


def register(group: click.Group) -> None:
    """Add this domain's commands to the ``safeplan`` group."""
    group.add_command(demo)


@click.command()
@click.option(
    "--seed", default=2017, show_default=True, help="Seed: the same seed, the same county."
)
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0, 100, min_open=True),
    help="Size relative to County Durham (1 = about 100,000 children).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the generated CSV files in this folder.",
)
@click.option(
    "--rebuild", is_flag=True, help="Import the county again into a database that has records."
)
@click.option("--no-serve", is_flag=True, help="Stop after building; do not start the web server.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.pass_context
def demo(
    ctx: click.Context,
    seed: int,
    scale: float,
    out: Path | None,
    rebuild: bool,
    no_serve: bool,
    host: str,
    port: int,
) -> None:
    """Build a synthetic County Durham (about 100,000 children, 2016-17 to 2019-20) and serve it.

    Runs `safeplan init`, then, if the database holds no records yet (or with
    --rebuild), generates the twelve datasets and imports them through the
    importer, prints the demo users' sign-ins and serves. Everything it
    builds is invented.
    """
    from safeplan.cli import setup_django

    setup_django()
    from django.conf import settings

    if settings.MODE == "production":
        raise click.ClickException(
            "safeplan demo fills the database with synthetic records; "
            "run it with SAFEPLAN_MODE=demo (as `make demo` does), never on a production database"
        )
    ctx.invoke(_sibling(ctx, "init"))
    _build_unless_filled(seed=seed, scale=scale, out=out, rebuild=rebuild)
    from safeplan.accounts.cli import demo_users_echo

    demo_users_echo()
    if not no_serve:
        serve_fresh(host=host, port=port)


def serve_fresh(*, host: str, port: int) -> None:
    """Replace this process with ``safeplan serve``: serve from a process that built nothing.

    The build ran Polars here, whose thread pool does not survive a fork:
    gunicorn's workers forked from this process hung on their first Polars
    query (issue 9, item 0). A fresh process has no threads and no connections.
    """
    import os
    import sys

    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    command = [sys.executable, "-m", "safeplan", "serve", "--host", host, "--port", str(port)]
    os.execv(sys.executable, command)


def _sibling(ctx: click.Context, name: str) -> click.Command:
    group = ctx.find_root().command
    command = group.get_command(ctx, name) if isinstance(group, click.Group) else None
    if command is None:
        raise click.ClickException(f"safeplan has no `{name}` command")
    return command


def _build_unless_filled(*, seed: int, scale: float, out: Path | None, rebuild: bool) -> None:
    from safeplan.demo.selectors import database_has_records
    from safeplan.demo.services import DemoBuildError, demo_build

    if database_has_records() and not rebuild:
        click.echo(
            "The database already holds records: kept them (--rebuild imports the county again)."
        )
        return
    click.echo(f"Building the synthetic county (seed {seed}, scale {scale:g})…")
    try:
        build = demo_build(seed=seed, scale=scale, out_dir=out, progress=_progress)
    except DemoBuildError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary(build))
    if out is not None:
        click.echo(f"The generated files are in {out}.")


def _progress(demo_file: DemoFile, rows: int) -> None:
    if rows == 0:
        click.echo(f"  importing {demo_file.dataset} ({demo_file.rows:,} rows)")


def summary(build: DemoBuild) -> str:
    """Records per dataset and the time taken, as printed after a build."""
    width = max(len(item.dataset) for item in build.imported)
    lines = [f"  {item.dataset:<{width}}  {item.records:>9,}" for item in build.imported]
    total = build.generate_seconds + build.import_seconds + build.compute_seconds
    lines.append(
        f"Built {build.records:,} records in {total:.1f} s (generated in "
        f"{build.generate_seconds:.1f} s, imported in {build.import_seconds:.1f} s, "
        f"measures computed in {build.compute_seconds:.1f} s)."
    )
    return "\n".join(lines)
