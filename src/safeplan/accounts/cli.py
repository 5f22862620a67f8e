"""``safeplan user``: manage the people who may sign in.

$ SAFEPLAN_PASSWORD=... safeplan user add jo.bloggs --role analyst
$ safeplan user add pc.smith --role "agency submitter" --agency "Durham Constabulary"
$ safeplan user list
"""

from __future__ import annotations

import os

import click

from safeplan.accounts.roles import Role

PASSWORD_VARIABLE = "SAFEPLAN_PASSWORD"


class RoleType(click.ParamType[Role, object]):
    """A role by name or slug: ``analyst``, ``"board member"``, ``board-member``."""

    name = "role"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> Role:
        if isinstance(value, Role):
            return value
        try:
            return Role.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def register(group: click.Group) -> None:
    """Add ``safeplan user`` to the ``safeplan`` group."""
    group.add_command(user)


@click.group()
def user() -> None:
    """Add, list and switch off the people who may sign in."""


@user.command("add")
@click.argument("username")
@click.option("--role", "role", type=RoleType(), required=True, help="One of: " + ", ".join(Role))
@click.option("--agency", default=None, help="The agency of an agency submitter.")
def user_add(username: str, role: Role, agency: str | None) -> None:
    """Create USERNAME with ROLE; the password comes from $SAFEPLAN_PASSWORD or a prompt."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.accounts.services import UserError, user_create
    from safeplan.audit.services import cli_actor

    try:
        user_create(
            username=username,
            role=role,
            password=_password(),
            agency=agency,
            actor=cli_actor(),
        )
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {username} ({role}).")


@user.command("password")
@click.argument("username")
def user_password(username: str) -> None:
    """Set a new password for USERNAME, from $SAFEPLAN_PASSWORD or a prompt."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.accounts.services import UserError, user_password_set
    from safeplan.audit.services import cli_actor

    try:
        user_password_set(username=username, password=_password(), actor=cli_actor())
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Set a new password for {username}.")


@user.command("deactivate")
@click.argument("username")
@click.option("--undo", is_flag=True, help="Switch the user back on.")
def user_deactivate(username: str, undo: bool) -> None:
    """Switch USERNAME off: they can no longer sign in, and what they did is kept."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.accounts.services import UserError, user_active_set
    from safeplan.audit.services import cli_actor

    try:
        user_active_set(username=username, active=undo, actor=cli_actor())
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{username} can {'now' if undo else 'no longer'} sign in.")


@user.command("role")
@click.argument("username")
@click.option("--role", "role", type=RoleType(), required=True, help="One of: " + ", ".join(Role))
@click.option("--agency", default=None, help="The agency of an agency submitter.")
def user_role(username: str, role: Role, agency: str | None) -> None:
    """Give USERNAME exactly one ROLE (any other role is taken away)."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.accounts.services import UserError, user_role_set
    from safeplan.audit.services import cli_actor

    try:
        user_role_set(username=username, role=role, agency=agency, actor=cli_actor())
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{username} is now {role}.")


@user.command("owns")
@click.argument("username")
@click.argument("interventions", nargs=-1)
def user_owns(username: str, interventions: tuple[str, ...]) -> None:
    """Make action owner USERNAME own exactly these INTERVENTIONS (names or keys; none: no more)."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.accounts.services import UserError, intervention_owners_set
    from safeplan.audit.services import cli_actor
    from safeplan.plans.selectors import intervention_key

    keys = [intervention_key(name) for name in interventions]
    try:
        intervention_owners_set(username=username, keys=keys, actor=cli_actor())
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{username} owns {', '.join(keys) or 'no intervention'}.")


@user.command("deactivate-demo")
def user_deactivate_demo() -> None:
    """Switch off every demo account (demo-administrator, …): production refuses to start with them."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.accounts.services import demo_users_deactivate
    from safeplan.audit.services import cli_actor

    names = demo_users_deactivate(actor=cli_actor())
    if names:
        click.echo(f"Switched off {', '.join(names)}: they can no longer sign in.")
    else:
        click.echo("No demo account can sign in.")


@user.command("unlock")
@click.argument("username")
def user_unlock_command(username: str) -> None:
    """Let USERNAME try to sign in again now, after too many failed attempts."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.accounts.services import user_unlock
    from safeplan.audit.services import cli_actor

    cleared = user_unlock(username=username, actor=cli_actor())
    click.echo(f"Cleared {cleared} failed sign-in record(s) for {username}.")


def _password() -> str:
    return os.environ.get(PASSWORD_VARIABLE) or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )


@user.command("list")
def user_list() -> None:
    """List every user with their roles and agency."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.accounts.selectors import users_list

    for summary in users_list():
        roles = ", ".join(summary.roles) or "no role"
        agency = f" — {summary.agency}" if summary.agency else ""
        inactive = " (inactive)" if not summary.is_active else ""
        click.echo(f"{summary.username}: {roles}{agency}{inactive}")


def demo_users_echo() -> None:
    """Create the demo users and print their sign-ins (for ``safeplan demo``)."""
    from safeplan.accounts.services import demo_users_create

    click.echo("Demo sign-ins (synthetic data; these passwords are published):")
    for demo in demo_users_create():
        click.echo(f"  {demo.role.value:<17} {demo.username:<24} {demo.password}")
