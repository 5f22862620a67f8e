"""``safeplan scorecard``, ``spc``, ``spc-mark``, ``spc-setting``, ``target``, ``benchmarks``, ``commentary``.

CSV conventions: an empty cell for nothing; numbers at full precision
(``repr``), whole numerators and denominators without a decimal point (as
``safeplan results``); ``warnings`` joined with "; ", ``rules`` with ";".
Usage mistakes exit 2, data that cannot be used exits 1, both without a traceback.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from safeplan.measures.cli import format_number
from safeplan.tabular.export import write_csv

SPC_COLUMNS = (
    "month",
    "value",
    "ghost",
    "partition",
    "mean",
    "lpl",
    "upl",
    "low2s",
    "high2s",
    "signal",
    "rules",
)
ICON_COLUMNS = ("variation_icon", "assurance_icon", "run_chart", "warnings")
DIRECTIONS = {"up": "increase", "down": "reduce", "neither": "track"}
TARGET_COLUMNS = (
    "id",
    "measure",
    "value",
    "tolerance",
    "tolerance_is_percent",
    "from",
    "to",
    "period_kind",
    "illustrative",
    "source",
    "note",
    "created_by",
    "created_at",
)
_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)


def register(group: click.Group) -> None:
    """Add this domain's commands to the ``safeplan`` group."""
    for command in (scorecard, spc, spc_mark, spc_setting, target, benchmarks, commentary):
        group.add_command(command)


def _django() -> None:
    from safeplan.cli import setup_django

    setup_django()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return "unknown"


_BY = click.option("--by", default=_os_user, show_default="your user name", help="Who is acting.")


def _measure_id(measure: str, hint: str = "--measure") -> str:
    from safeplan.engine.catalogue import measure_spec

    try:
        return measure_spec(measure).id
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint=hint) from None


def _period_label(period: str) -> str:
    from safeplan.engine.periods import parse_period

    try:
        return parse_period(period).label
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None


def _cell(value: object) -> str:
    """A CSV cell: '' for None, repr for floats, true/false for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> None:
    """Rows by column name to standard output, through the export's neutralising writer."""
    cells = ([row.get(c, "") for c in columns] for row in rows)
    write_csv(sys.stdout, columns, cells, lineterminator="\n")


# --- scorecard --------------------------------------------------------------------------------


def _scorecard_csv(row: Any) -> dict[str, str]:
    out = {key: _cell(value) for key, value in row.as_dict().items()}
    out["numerator"] = format_number(row.numerator, count=True)
    out["denominator"] = format_number(row.denominator, count=True)
    out["warnings"] = "; ".join(row.warnings)
    return out


def _scorecard_json(row: Any) -> dict[str, Any]:
    out: dict[str, Any] = row.as_dict()
    out["warnings"] = list(row.warnings)
    return out


@click.command()
@click.option("--period", required=True, help="A period label: 2018-07, 2018-19 Q2 or 2018-19.")
@click.option(
    "--breakdown",
    default="all",
    show_default=True,
    help="all, locality, risk_level, looked_after, conference_type, agency or stage.",
)
@_FORMAT
def scorecard(period: str, breakdown: str, fmt: str) -> None:
    """Print every measure for a period, judged: value, intervals, RAG, travel, benchmark, icons.

    CSV columns: measure, period, breakdown, group, value, numerator,
    denominator, unit, lci95, uci95, lci998, uci998, target, rag, dot_short,
    dot_long, benchmark, benchmark_comparison, variation_icon, assurance_icon,
    status, warnings. JSON: a list of objects with the same keys.
    """
    label = _period_label(period)
    _django()
    from safeplan.scorecard.selectors import SCORECARD_COLUMNS, breakdown_names
    from safeplan.scorecard.selectors import scorecard as scorecard_rows

    if breakdown not in breakdown_names():
        raise click.BadParameter(
            f"{breakdown!r} is not a breakdown; use one of {', '.join(breakdown_names())}",
            param_hint="--breakdown",
        )
    rows = scorecard_rows(label, breakdown)
    if not rows:
        raise click.ClickException(
            f"no results for {label} (breakdown {breakdown}); "
            "import data or run `safeplan compute`, and check `safeplan results`"
        )
    if fmt == "json":
        click.echo(json.dumps([_scorecard_json(r) for r in rows], indent=1))
    else:
        _write_csv(SCORECARD_COLUMNS, (_scorecard_csv(r) for r in rows))


# --- spc --------------------------------------------------------------------------------------


def _spc_rows(chart: Any, month_label: Any) -> list[dict[str, Any]]:
    return [
        {
            "month": month_label(r.month),
            "value": r.value,
            "ghost": r.ghost,
            "partition": r.partition,
            "mean": r.mean,
            "lpl": r.lpl,
            "upl": r.upl,
            "low2s": r.low2s,
            "high2s": r.high2s,
            "signal": r.signal,
            "rules": list(r.rules),
        }
        for r in chart.rows
    ]


def _print_chart(chart: Any, fmt: str, month_label: Any) -> None:
    rows = _spc_rows(chart, month_label)
    icons = {
        "variation_icon": chart.variation,
        "assurance_icon": chart.assurance,
        "run_chart": chart.run_chart,
        "warnings": list(chart.warnings),
    }
    if fmt == "json":
        click.echo(json.dumps({"points": rows, **icons}, indent=1))
        return
    _write_csv(
        SPC_COLUMNS,
        ({**{k: _cell(v) for k, v in r.items()}, "rules": ";".join(r["rules"])} for r in rows),
    )
    click.echo("")
    _write_csv(
        ICON_COLUMNS,
        [{**{k: _cell(v) for k, v in icons.items()}, "warnings": "; ".join(chart.warnings)}],
    )


@click.command()
@click.option("--measure", help="A measure id (M3) or slug: chart its stored monthly results.")
@click.option("--breakdown", default="all", show_default=True, help="With --measure.")
@click.option("--group", default="", help="With --measure and --breakdown: the group to chart.")
@click.option(
    "--series",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Chart a CSV file instead: date,value[,ghost][,recalculate][,baseline].",
)
@click.option(
    "--direction",
    type=click.Choice(list(DIRECTIONS)),
    help="With --series: up (higher is better), down, or neither (track).",
)
@click.option("--target", "target_value", type=float, help="With --series: a target for assurance.")
@click.option(
    "--conflict",
    type=click.Choice(["improvement", "concern"]),
    help="With --series: how a point that is both is shown (default: concern).",
)
@_FORMAT
def spc(
    measure: str | None,
    breakdown: str,
    group: str,
    series: Path | None,
    direction: str | None,
    target_value: float | None,
    conflict: str | None,
    fmt: str,
) -> None:
    """Print an SPC chart (Making Data Count rules): one row per point, then the icons.

    Columns: month, value, ghost, partition, mean, lpl, upl, low2s, high2s,
    signal (improvement, concern, neither_high, neither_low, common), rules
    (astronomical;shift;trend;two_of_three). Then, after a blank line:
    variation_icon, assurance_icon, run_chart, warnings. Limits are as
    computed, not clipped to the measure's possible range.

    With --measure, the measure's stored monthly results with the marks and
    settings people have set. With --series, any series in a CSV file, so a
    chart can be checked by hand: flags are true/false, 1/0 or yes/no; a row
    with an empty value is not a point; ``baseline`` marks the baseline's
    points (the last one marked ends it).
    """
    if (measure is None) == (series is None):
        raise click.UsageError("give either --measure or --series")
    if series is not None:
        if direction is None:
            raise click.UsageError("--series needs --direction up, down or neither")
        _spc_series(series, direction, target_value, conflict or "concern", fmt)
        return
    assert measure is not None
    if direction is not None or target_value is not None or conflict is not None:
        raise click.UsageError(
            "--direction, --target and --conflict are for --series; a measure has its own "
            "(see `target list` and `spc-setting`)"
        )
    measure_id = _measure_id(measure)
    _django()
    from safeplan.scorecard.selectors import result_groups, spc_for_measure

    chart = spc_for_measure(measure_id, breakdown, group)
    if not chart.rows:
        groups = [g for g in result_groups(measure_id, breakdown) if g]
        hint = (
            f"; give --group, one of: {', '.join(groups)}" if group not in groups and groups else ""
        )
        raise click.ClickException(
            f"{measure_id} has no monthly results for breakdown {breakdown!r}"
            + (f" group {group!r}" if group else "")
            + hint
        )
    _print_chart(chart, fmt, lambda d: f"{d.year:04d}-{d.month:02d}")


def _spc_series(
    path: Path, direction: str, target_value: float | None, conflict: str, fmt: str
) -> None:
    from safeplan.engine.catalogue import Direction
    from safeplan.engine.spc import SpcSettings, spc_chart
    from safeplan.scorecard.series import SeriesError, read_series

    try:
        points = read_series(path)
    except SeriesError as exc:
        raise click.ClickException(str(exc)) from None
    settings = SpcSettings(
        direction=Direction(DIRECTIONS[direction]),
        conflict="improvement" if conflict == "improvement" else "concern",
        targets={} if target_value is None else {p.month: target_value for p in points},
    )
    try:
        chart = spc_chart(points, settings)
    except ValueError as exc:
        raise click.ClickException(f"{path.name}: {exc}") from None
    _print_chart(chart, fmt, lambda d: d.isoformat())


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text + "-01" if len(text) == 7 else text).replace(day=1)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a month such as 2018-07", param_hint="--month"
        ) from None


@click.command("spc-mark")
@click.option("--measure", required=True, help="A measure id (M3) or slug.")
@click.option("--month", "month_text", required=True, help="The month: 2018-07.")
@click.option(
    "--kind",
    type=click.Choice(["ghost", "recalculate", "baseline_end"]),
    required=True,
    help="ghost: shown, left out of every calculation; recalculate: new limits from here; "
    "baseline_end: the last month of the baseline.",
)
@click.option("--reason", help="Why (required unless --clear).")
@click.option("--breakdown", default="", help="Only this breakdown's chart (default: all charts).")
@click.option("--group", default="", help="With --breakdown: only this group's chart.")
@click.option("--clear", is_flag=True, help="Remove the mark instead.")
@_BY
def spc_mark(
    measure: str,
    month_text: str,
    kind: str,
    reason: str | None,
    breakdown: str,
    group: str,
    clear: bool,
    by: str,
) -> None:
    """Mark a month of a measure's SPC chart (a person's decision, with a reason)."""
    measure_id, month = _measure_id(measure), _month(month_text)
    if not clear and not (reason or "").strip():
        raise click.UsageError("--reason is required: say why the chart is changed")
    _django()
    from safeplan.scorecard.services import ScorecardInputError, spc_mark_clear, spc_mark_set

    try:
        if clear:
            removed = spc_mark_clear(measure=measure_id, month=month, kind=kind,
                                     breakdown=breakdown, group=group, actor=by)  # fmt: skip
            click.echo(f"removed {removed} mark(s)")
            return
        spc_mark_set(measure=measure_id, month=month, kind=kind, reason=reason or "", by=by,
                     breakdown=breakdown, group=group)  # fmt: skip
    except ScorecardInputError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{measure_id} {month:%Y-%m}: {kind} ({reason})")


@click.command("spc-setting")
@click.option("--measure", required=True, help="A measure id (M3) or slug.")
@click.option("--conflict", type=click.Choice(["improvement", "concern"]), required=True,
              help="How a point that is both improvement and concern is shown.")  # fmt: skip
@click.option("--breakdown", default="", help="Only this breakdown's chart (default: all charts).")
@click.option("--group", default="", help="With --breakdown: only this group's chart.")
@_BY
def spc_setting(measure: str, conflict: str, breakdown: str, group: str, by: str) -> None:
    """Set a measure's SPC conflict setting (the default is concern)."""
    measure_id = _measure_id(measure)
    _django()
    from safeplan.scorecard.services import spc_setting_set

    spc_setting_set(measure=measure_id, conflict=conflict, by=by, breakdown=breakdown, group=group)
    click.echo(f"{measure_id}: conflict shown as {conflict}")


# --- targets ----------------------------------------------------------------------------------


@click.group()
def target() -> None:
    """Set and list measures' targets (track measures have none)."""


@target.command("set")
@click.option("--measure", required=True, help="A measure id (M3) or slug.")
@click.option("--value", type=float, required=True, help="The target, in the measure's unit.")
@click.option("--tolerance", type=float, default=0.0, show_default=True, help="Amber band width.")
@click.option("--percent", is_flag=True, help="The tolerance is a percentage of the target.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="In force from this date (YYYY-MM-DD).")  # fmt: skip
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]),
              help="In force until this date, inclusive (default: open).")  # fmt: skip
@click.option("--period-kind", type=click.Choice(["month", "quarter", "year"]),
              help="Count measures only, and required for them: the periods it is set for.")  # fmt: skip
@click.option("--note", default="", help="Where the target comes from.")
@_BY
def target_set_command(
    measure: str,
    value: float,
    tolerance: float,
    percent: bool,
    start: dt.datetime,
    end: dt.datetime | None,
    period_kind: str | None,
    note: str,
    by: str,
) -> None:
    """Add a target: RAG is judged against the one in force at each period's end."""
    measure_id = _measure_id(measure)
    _django()
    from safeplan.scorecard.services import ScorecardInputError, target_set

    try:
        made = target_set(measure=measure_id, value=value, tolerance=tolerance,
                          tolerance_is_percent=percent, effective_from=start.date(),
                          effective_to=end.date() if end else None,
                          period_kind=period_kind or "", note=note, by=by)  # fmt: skip
    except ScorecardInputError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"target {made.pk}: {made}")


@target.command("list")
@click.option("--measure", help="Only this measure's targets.")
@_FORMAT
def target_list_command(measure: str | None, fmt: str) -> None:
    """List the targets, by measure and start date."""
    measure_id = None if measure is None else _measure_id(measure)
    _django()
    from safeplan.scorecard.selectors import target_list

    rows = [
        {
            "id": t.pk,
            "measure": t.measure,
            "value": t.value,
            "tolerance": t.tolerance,
            "tolerance_is_percent": t.tolerance_is_percent,
            "from": t.effective_from.isoformat(),
            "to": t.effective_to.isoformat() if t.effective_to else None,
            "period_kind": t.period_kind,
            "illustrative": t.illustrative,
            "source": t.source,
            "note": t.note,
            "created_by": t.created_by,
            "created_at": t.created_at.isoformat(),
        }
        for t in target_list(measure_id)
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1))
    else:
        _write_csv(TARGET_COLUMNS, ({k: _cell(v) for k, v in r.items()} for r in rows))


@target.command("remove")
@click.argument("target_id", type=int)
def target_remove_command(target_id: int) -> None:
    """Remove a mistaken target (to end one, add its successor or set an end date)."""
    _django()
    from safeplan.scorecard.services import ScorecardInputError, target_delete

    try:
        target_delete(target_id=target_id, actor=_os_user())
    except ScorecardInputError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"removed target {target_id}")


# --- benchmarks -------------------------------------------------------------------------------


@click.group()
def benchmarks() -> None:
    """Import comparator values (England, region, statistical neighbours)."""


@benchmarks.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@_BY
def benchmarks_import_command(path: Path, by: str) -> None:
    """Import FILE (CSV or XLSX): measure,period,comparator,value[,lower,upper].

    All or nothing: every problem is listed (rules B01–B09) and nothing is
    stored unless there are none. A value already held for the same measure,
    period and comparator is replaced.
    """
    _django()
    from safeplan.scorecard.services import benchmarks_import

    outcome = benchmarks_import(path=path, by=by)
    if not outcome.accepted:
        for problem in outcome.problems:
            click.echo(problem.located(), err=True)
        count = len(outcome.problems)
        click.echo(
            f"safeplan benchmarks import: {count} problem{'s' * (count != 1)}; nothing was stored",
            err=True,
        )
        raise click.exceptions.Exit(1)
    assert outcome.batch is not None
    click.echo(f"imported {outcome.batch.rows} benchmark values from {path.name}")


# --- commentary -------------------------------------------------------------------------------


@click.group()
def commentary() -> None:
    """Record and read commentary on a measure's result for a period."""


@commentary.command("add")
@click.option("--measure", required=True, help="A measure id (M3) or slug.")
@click.option("--period", required=True, help="A period label: 2018-19 Q2.")
@click.option("--says", required=True, help="What the data says.")
@click.option("--why", default="", help="Why.")
@click.option("--doing", default="", help="What is being done.")
@_BY
def commentary_add_command(
    measure: str, period: str, says: str, why: str, doing: str, by: str
) -> None:
    """Record commentary; the latest is shown, earlier ones are kept with author and time."""
    measure_id, label = _measure_id(measure), _period_label(period)
    _django()
    from safeplan.scorecard.services import ScorecardInputError, commentary_save

    try:
        saved = commentary_save(measure=measure_id, period=label, what_the_data_says=says,
                                why=why, what_is_being_done=doing, author=by)  # fmt: skip
    except ScorecardInputError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"commentary on {saved.measure} {saved.period} by {saved.author} at {saved.created_at:%Y-%m-%d %H:%M}"
    )


@commentary.command("show")
@click.option("--measure", required=True, help="A measure id (M3) or slug.")
@click.option("--period", required=True, help="A period label: 2018-19 Q2.")
def commentary_show_command(measure: str, period: str) -> None:
    """Print a measure's commentary for a period, latest first, with author and time."""
    measure_id, label = _measure_id(measure), _period_label(period)
    _django()
    from safeplan.scorecard.selectors import commentary_history

    found = commentary_history(measure_id, label)
    if not found:
        click.echo(f"no commentary on {measure_id} {label}")
    for c in found:
        click.echo(f"{c.created_at:%Y-%m-%d %H:%M} {c.author}")
        click.echo(f"  what the data says: {c.what_the_data_says}")
        click.echo(f"  why: {c.why}")
        click.echo(f"  what is being done: {c.what_is_being_done}")
