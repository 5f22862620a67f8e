"""``safeplan init`` (database and plan) and ``safeplan plan`` (print the active plan)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from safeplan.plans.models import Plan


def register(group: click.Group) -> None:
    """Add this domain's commands to the ``safeplan`` group."""
    group.add_command(init)
    group.add_command(plan)


@click.command()
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Load this plan file and make it the active plan (see docs/plan-file.md).",
)
def init(plan_file: Path | None) -> None:
    """Create or upgrade the database and load a plan.

    Without --plan, County Durham's 2017–2020 plan is loaded if no plan is
    active yet. Running it again changes nothing.
    """
    from safeplan.cli import setup_django

    setup_django()
    from django.core.management import call_command

    from safeplan.audit.services import cli_actor
    from safeplan.plans.selectors import plan_active
    from safeplan.plans.services import PlanFileError, plan_load, plan_load_default

    call_command("migrate", verbosity=0, interactive=False)
    click.echo("Database is up to date.")
    active = plan_active()
    if plan_file is None and active is not None:
        click.echo(f"Kept the active plan: {active.title} (from {active.source_name}).")
        return
    try:
        who = cli_actor()
        loaded = plan_load(path=plan_file, actor=who) if plan_file else plan_load_default(actor=who)
    except PlanFileError as exc:
        raise click.ClickException(str(exc)) from None
    verb = "Kept" if active is not None and loaded.pk == active.pk else "Loaded"
    click.echo(f"{verb} the active plan: {loaded.title} (from {loaded.source_name}).")


@click.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Plain text for reading, or JSON for programs.",
)
def plan(output_format: str) -> None:
    """Print the active plan: vision, priorities with aims, measures, interventions, themes."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.plans.selectors import plan_active, plan_as_dict

    active = plan_active()
    if active is None:
        raise click.ClickException("no plan is loaded; run `safeplan init` first")
    if output_format == "json":
        click.echo(json.dumps(plan_as_dict(active), indent=2, ensure_ascii=False))
    else:
        click.echo(plan_as_text(active))


def plan_as_text(plan: Plan) -> str:
    """The plan as indented plain text, in the order of its page."""
    lines = [plan.title, "", f"Vision: {plan.vision}", f"From {plan.start_date} to {plan.end_date}"]
    for number, priority in enumerate(plan.priorities.all(), start=1):
        lines += ["", f"{number}. {priority.name}", f"   {priority.aim}", "", "   Key measures:"]
        lines += [
            f"   {m.position}) [{m.measure_id}, {m.direction}, {m.unit}] {m.title}"
            for m in priority.measures.all()
        ]
        lines += ["", "   Planned interventions:"]
        lines += [f"   - {i.name} – {i.description}" for i in priority.interventions.all()]
    if plan.themes.all():
        lines += ["", "Cross-cutting themes:"]
        lines += [f"- {t.name}: {t.description}" for t in plan.themes.all()]
    return "\n".join(lines)
