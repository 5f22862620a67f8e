"""Charts as SVG strings, rendered server-side with matplotlib and no Django.

One renderer for the web pages and the PDF board pack. Every chart is:

- deterministic: the same input gives byte-identical SVG (fixed hash salt,
  ids derived from ``chart_id``, no date in the metadata), so a published
  pack can be regenerated to the same bytes;
- accessible: ``role="img"`` with ``<title>`` and ``<desc>`` inside the SVG,
  colours from the GOV.UK palette with at least 3:1 contrast on white, and
  statistical signals told apart by marker shape and a legend as well as by
  colour.

>>> from datetime import date
>>> from safeplan.charts import SpcChartPoint, spc_chart_svg
>>> svg = spc_chart_svg([SpcChartPoint(month=date(2024, 4, 1), value=12.0)],
...                     title="Repeat missing", unit="count", chart_id="m2")
>>> svg.startswith('<svg')
True
"""

from safeplan.charts.interval import interval_chart_svg
from safeplan.charts.sparkline import sparkline_svg
from safeplan.charts.spc import spc_chart_description, spc_chart_svg
from safeplan.charts.types import Signal, SpcChartPoint, spc_points_from_rows

__all__ = [
    "Signal",
    "SpcChartPoint",
    "interval_chart_svg",
    "sparkline_svg",
    "spc_chart_description",
    "spc_chart_svg",
    "spc_points_from_rows",
]
