"""Turn simulated arrays into the canonical file's columns and write the file.

The demo writes exactly what a partner agency would send: the dataset's
column names in `safeplan.datasets.schema` order, ISO dates, date-times as
``YYYY-MM-DD HH:MM``, flags as ``Y``/``N`` and blank for unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from safeplan.datasets.schema import DATASETS
from safeplan.demo.days import MINUTES_PER_DAY


def _nullable(values: npt.ArrayLike, valid: npt.ArrayLike | None) -> pl.Series:
    numbers = np.asarray(values, dtype=np.float64)
    if valid is not None:
        numbers = np.where(np.asarray(valid, dtype=bool), numbers, np.nan)
    return pl.Series(numbers, nan_to_null=True).cast(pl.Int64)


def dates(values: npt.ArrayLike, valid: npt.ArrayLike | None = None) -> pl.Series:
    """Day numbers as dates; blank where ``valid`` is false."""
    return _nullable(values, valid).cast(pl.Int32).cast(pl.Date)


def datetimes(minutes: npt.ArrayLike, valid: npt.ArrayLike | None = None) -> pl.Series:
    """Minutes since 1970 as date-times; blank where ``valid`` is false."""
    return (_nullable(minutes, valid) * 60_000).cast(pl.Datetime("ms"))


def flags(values: npt.ArrayLike, valid: npt.ArrayLike | None = None) -> pl.Series:
    """Booleans as ``Y``/``N``; blank where ``valid`` is false."""
    as_int = _nullable(np.asarray(values, dtype=np.int64), valid)
    return as_int.replace_strict({1: "Y", 0: "N"}, return_dtype=pl.String)


def codes(index: npt.ArrayLike, names: Sequence[str]) -> pl.Series:
    """Indices into ``names``; ``-1`` is blank."""
    mapping = dict(enumerate(names))
    return pl.Series(np.asarray(index, dtype=np.int64)).replace_strict(
        mapping, default=None, return_dtype=pl.String
    )


def ids(prefix: str, numbers: npt.ArrayLike, valid: npt.ArrayLike | None = None) -> pl.Series:
    """Identifiers such as ``R0001234``; blank where ``valid`` is false."""
    digits = _nullable(numbers, valid).cast(pl.String).str.zfill(7)
    return pl.select(pl.lit(prefix) + digits).to_series()


def minutes_of_day(days: npt.ArrayLike) -> npt.NDArray[np.int64]:
    return np.asarray(days, dtype=np.int64) * MINUTES_PER_DAY


def write(dataset: str, frame: pl.DataFrame, path: Path) -> int:
    """Write ``frame`` as the dataset's canonical CSV; returns the number of rows."""
    expected = DATASETS[dataset].column_names
    if tuple(frame.columns) != expected:
        raise ValueError(f"{dataset}: columns {frame.columns} are not {expected}")
    frame.write_csv(
        path,
        date_format="%Y-%m-%d",
        datetime_format="%Y-%m-%d %H:%M",
        null_value="",
        line_terminator="\n",
    )
    return frame.height
