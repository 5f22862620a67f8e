"""The drill-down: the records behind a figure, for analysts."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def captions(client: Client, query: str) -> list[str]:
    response = client.get(f"/measures/M8/records/?{query}")
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    return [" ".join(c.split()) for c in re.findall(r"<caption[^>]*>(.*?)</caption>", text, re.S)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # the whole area: 7 good audits of 40
        ("period=2018-19 Q1", ["Numerator: Case audits (7 records)", "Denominator: Case audits (40 records)"]),
        # the default period is the latest quarter
        ("", ["Numerator: Case audits (7 records)", "Denominator: Case audits (40 records)"]),
        # a locality group
        ("period=2017-18 Q4&breakdown=locality&group=Unknown",
         ["Numerator: Case audits (30 records)", "Denominator: Case audits (40 records)"]),
        # a group with nothing behind it
        ("period=2018-19 Q1&breakdown=agency&group=Health", []),
    ],
)  # fmt: skip
def test_the_records_behind_a_figure_are_listed_by_part(
    analyst: Client, county, query: str, expected: list[str]
) -> None:
    assert captions(analyst, query) == expected


def test_each_record_shows_its_columns(analyst: Client, county) -> None:
    text = analyst.get("/measures/M8/records/?period=2018-19 Q1").content.decode()
    numerator = text[text.index('id="records-numerator-1"') : text.index("</table>")]
    assert ">audit_id</th>" in numerator
    # the first good audit of 2018-19 Q1 is the 81st of the file, on 1 April 2018
    # columns: audit_id, audit_date, child_id (blank), lived_experience, voice_of_child, agency
    cells = r">A81</th><td[^>]*>2018-04-01</td><td[^>]*></td><td[^>]*>good</td><td[^>]*></td><td[^>]*>Police</td>"
    assert re.search(cells, numerator)


def test_every_view_of_child_level_records_is_audited(analyst: Client, county) -> None:
    from safeplan.audit.models import AuditEvent

    analyst.get("/measures/M8/records/?period=2017-18 Q4&breakdown=locality&group=Unknown")
    event = AuditEvent.objects.get(action="records.view")
    assert (event.object_type, event.object_id) == ("measure", "M8")
    assert event.actor_name == "analyst" or event.actor is not None
    assert "M8 2017-18 Q4 locality Unknown" in event.summary


def test_a_refused_view_of_records_leaves_no_audit_event(reader: Client, county) -> None:
    from safeplan.audit.models import AuditEvent

    assert reader.get("/measures/M8/records/?period=2018-19 Q1").status_code == 403
    assert not AuditEvent.objects.filter(action="records.view").exists()
