"""``safeplan compute`` and ``safeplan results``."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from safeplan.tabular.export import write_csv

RESULT_COLUMNS = (
    "measure",
    "period",
    "breakdown",
    "group",
    "value",
    "numerator",
    "denominator",
    "status",
)


def format_number(value: float | None, *, count: bool) -> str:
    """Full float64 precision (``repr``); whole counts print without a decimal point.

    >>> format_number(22.580645161290324, count=False)
    '22.580645161290324'
    >>> format_number(31.0, count=True)
    '31'
    >>> format_number(None, count=False)
    ''
    """
    if value is None:
        return ""
    if count and float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _json_number(value: float | None) -> float | int | None:
    if value is not None and float(value).is_integer():
        return int(value)
    return value


def _json_row(result: Any) -> dict[str, Any]:
    return {
        "measure": result.measure,
        "period": result.period,
        "breakdown": result.breakdown,
        "group": result.group,
        "value": result.value,
        "numerator": _json_number(result.numerator),
        "denominator": _json_number(result.denominator),
        "status": result.status,
        "unit": result.unit,
        "note": result.note,
        "secondary": result.secondary,
        "parameters": result.parameters,
    }


def _row(result: Any) -> dict[str, str]:
    return {
        "measure": result.measure,
        "period": result.period,
        "breakdown": result.breakdown,
        "group": result.group,
        "value": format_number(result.value, count=False),
        "numerator": format_number(result.numerator, count=True),
        "denominator": format_number(result.denominator, count=True),
        "status": result.status,
    }


@click.command()
def compute() -> None:
    """Compute all twelve measures for every period and breakdown from the stored records."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.audit.services import cli_actor
    from safeplan.measures.services import results_compute

    run = results_compute(trigger="safeplan compute", actor=cli_actor())
    click.echo(f"computed {run.results} results in {run.seconds:.2f} s (run {run.pk})")


@click.command()
@click.option("--measure", help="a measure id (M5) or slug (repeat-referrals)")
@click.option("--period", help="a period label: 2018-07, 2018-19 Q2 or 2018-19")
@click.option(
    "--breakdown", help="all, locality, risk_level, looked_after, conference_type, agency or stage"
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
def results(measure: str | None, period: str | None, breakdown: str | None, fmt: str) -> None:
    """Print the stored results: measure,period,breakdown,group,value,numerator,denominator,status."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.engine.catalogue import measure_spec
    from safeplan.measures.selectors import measure_results

    measure_id = None
    if measure is not None:
        try:
            measure_id = measure_spec(measure).id
        except KeyError as exc:
            raise click.BadParameter(str(exc.args[0]), param_hint="--measure") from None
    selected = measure_results(measure=measure_id, period=period, breakdown=breakdown)
    if fmt == "json":
        click.echo(json.dumps([_json_row(r) for r in selected], indent=1))
        return
    rows = ([row.get(c, "") for c in RESULT_COLUMNS] for row in map(_row, selected))
    write_csv(sys.stdout, RESULT_COLUMNS, rows, lineterminator="\n")


def register(group: click.Group) -> None:
    group.add_command(compute)
    group.add_command(results)
