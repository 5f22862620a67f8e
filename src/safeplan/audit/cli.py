"""``safeplan audit``: read the audit trail from the command line, newest first.

$ safeplan audit --action target. --since 2026-04-01
$ safeplan audit --actor ana --limit 20 --format json
"""

from __future__ import annotations

import datetime as dt
import json

import click


def register(group: click.Group) -> None:
    """Add ``safeplan audit`` to the ``safeplan`` group."""
    group.add_command(audit)


@click.command()
@click.option("--action", help="An action (target.update), or a prefix ending in '.' (target.).")
@click.option("--actor", help="A username or command-line name, exactly.")
@click.option("--object-type", help="The kind of object: target, user, import batch …")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="To this day, included.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def audit(
    action: str | None,
    actor: str | None,
    object_type: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int,
    fmt: str,
) -> None:
    """List audit events, newest first: who did what, when, to which object."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.audit.selectors import audit_events

    events = audit_events(
        action=action,
        actor=actor,
        object_type=object_type,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )[:limit]
    for event in events:
        if fmt == "json":
            click.echo(json.dumps(_as_json(event), ensure_ascii=False))
        else:
            target = f"{event.object_type} {event.object_id}".strip()
            click.echo(
                f"{event.at:%Y-%m-%d %H:%M:%S} {event.actor_name} {event.action}"
                f"{' ' + target if target else ''}: {event.summary}"
            )


def _as_json(event: object) -> dict[str, object]:
    fields = ("id", "actor_name", "action", "object_type", "object_id", "summary", "before")
    data = {name: getattr(event, name) for name in (*fields, "after", "ip")}
    data["at"] = event.at.isoformat()  # type: ignore[attr-defined]
    return data
