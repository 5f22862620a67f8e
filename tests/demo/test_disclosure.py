"""The synthetic county's 2019-20 Q4, as a pack would publish it, keeps every `c` safe.

The quarter and its three months for all twelve measures, every breakdown and
group, go through disclosure control and then to the independent reader of
`tests.engine.disclosure_attack`, who must not pin any `c` down.
"""

from __future__ import annotations

from datetime import date

import pytest

from safeplan.demo.frames import demo_measure_inputs
from safeplan.demo.generator import generate
from safeplan.engine.disclosure import SUPPRESSED, disclose_rows
from safeplan.engine.measures import compute_all
from safeplan.engine.periods import periods_between
from tests.engine.disclosure_attack import undetermined
from tests.engine.disclosure_tables import result_rows

pytestmark = pytest.mark.slow


def test_no_c_of_the_countys_published_quarter_can_be_worked_out(tmp_path):
    inputs = demo_measure_inputs(generate(seed=2017, scale=1.0, out_dir=tmp_path))
    periods = periods_between(date(2020, 1, 1), date(2020, 3, 31), ("month", "quarter"))
    rows = result_rows(compute_all(inputs, periods))
    published = disclose_rows(rows)
    suppressed = sum(
        SUPPRESSED in (r["value"], r["numerator"], r["denominator"]) for r in published
    )
    assert 50 < suppressed < len(rows) / 2  # small localities are hidden, the county is not
    findings = undetermined(rows, published)
    assert findings
    assert all(f.low < f.high for f in findings), [f for f in findings if f.low == f.high]
