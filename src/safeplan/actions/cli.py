"""``safeplan actions import FILE`` and ``safeplan actions export FILE``."""

from __future__ import annotations

import sys
from pathlib import Path

import click


def register(group: click.Group) -> None:
    """Add this domain's commands to the ``safeplan`` group."""
    group.add_command(actions)


@click.group()
def actions() -> None:
    """Action plans: import and export every action as CSV or XLSX."""


@actions.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(path: Path) -> None:
    """Add and update actions from a CSV or XLSX file (all rows, or none)."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.actions.files import actions_import
    from safeplan.audit.services import cli_actor

    outcome = actions_import(path=path, by=cli_actor())
    for problem in outcome.problems:
        click.echo(problem.located(), err=True)
    if not outcome.accepted:
        click.echo(f"{len(outcome.problems)} problems; nothing was imported", err=True)
        sys.exit(1)
    click.echo(f"{outcome.created} actions added, {outcome.updated} updated")


@actions.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export(path: Path) -> None:
    """Write every action to PATH (.csv or .xlsx)."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.actions.files import actions_export

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise click.BadParameter("write a .csv or .xlsx file", param_hint="PATH")
    path.write_bytes(actions_export(fmt))
    click.echo(f"wrote {path}")
