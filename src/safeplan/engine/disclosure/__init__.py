"""Disclosure control for published results (`scorecard.md`, "Publication and disclosure control").

Counts of 1–5 become ``c``, and so does a percentage or mean built on a
numerator or denominator of 1–5 (*primary*); then enough further figures
become ``c`` that no suppressed one can be worked out from the totals,
breakdowns and periods published with it (*secondary*). Zeros are shown.
ADR 0026 sets out what is treated as additive and what a reader is assumed
to know. Pure: no Django, no database.

>>> rows = [
...     {"measure": "M12", "period": "2019-20 Q4", "breakdown": "all", "group": "",
...      "value": "30.0", "numerator": "", "denominator": "", "status": "ok"},
...     {"measure": "M12", "period": "2019-20 Q4", "breakdown": "locality", "group": "East",
...      "value": "3.0", "numerator": "", "denominator": "", "status": "ok"},
...     {"measure": "M12", "period": "2019-20 Q4", "breakdown": "locality", "group": "North",
...      "value": "12.0", "numerator": "", "denominator": "", "status": "ok"},
...     {"measure": "M12", "period": "2019-20 Q4", "breakdown": "locality", "group": "West",
...      "value": "15.0", "numerator": "", "denominator": "", "status": "ok"},
... ]
>>> [row["value"] for row in disclose_rows(rows)]
['30.0', 'c', 'c', '15.0']
"""

from safeplan.engine.disclosure.protect import Rule
from safeplan.engine.disclosure.rows import (
    RULE_TEXT,
    SUPPRESSED,
    apply_disclosure,
    disclose_rows,
    rows_disclosure,
)
from safeplan.engine.disclosure.shapes import Role, Shape, Time, measure_shape
from safeplan.engine.disclosure.structure import Cell, Figures
from safeplan.engine.disclosure.table import Disclosure, disclose

__all__ = [
    "RULE_TEXT",
    "SUPPRESSED",
    "Cell",
    "Disclosure",
    "Figures",
    "Role",
    "Rule",
    "Shape",
    "Time",
    "apply_disclosure",
    "disclose",
    "disclose_rows",
    "measure_shape",
    "rows_disclosure",
]
