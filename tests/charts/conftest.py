from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

from safeplan.charts import SpcChartPoint

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    """The SVG as XML (fails the test if it is not well formed)."""
    return ET.fromstring(svg)


def text_alternative(svg: str) -> tuple[str, str]:
    root = parsed(svg)
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    return title.text or "", desc.text or ""


def month(i: int) -> date:
    """The i-th month from April 2022."""
    return date(2022 + (3 + i) // 12, (3 + i) % 12 + 1, 1)


def xmr_points(n: int = 15, **changes: object) -> list[SpcChartPoint]:
    """A flat XmR series around 20 with limits 12–28; `p3__signal="concern"` changes point 3."""
    points = [
        SpcChartPoint(
            month=month(i),
            value=20.0 + (i % 3) - 1,
            mean=20.0,
            lpl=12.0,
            upl=28.0,
            low2s=14.7,
            high2s=25.3,
        )
        for i in range(n)
    ]
    for key, value in changes.items():
        index, field = key.split("__")  # "p3__signal": point 3's signal
        at = int(index.lstrip("p"))
        points[at] = replace(points[at], **{field: value})
    return points
