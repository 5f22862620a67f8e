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
@click.option(
    "--as",
    "as_user",
    metavar="USERNAME",
    default=None,
    help="Import on behalf of this user: every row is checked against what they may do "
    "(an action owner, only their interventions) and the audit trail names them.",
)
def import_(path: Path, as_user: str | None) -> None:
    """Add and update actions from a CSV or XLSX file (all rows, or none)."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.accounts.selectors import user_get
    from safeplan.actions.files import actions_import
    from safeplan.audit.services import cli_actor

    by: object = cli_actor()
    if as_user is not None:
        by = user_get(as_user)
        if by is None or not by.is_active:
            message = f"there is no active user called {as_user!r}"
            raise click.BadParameter(message, param_hint="--as")
    outcome = actions_import(path=path, by=by)
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
