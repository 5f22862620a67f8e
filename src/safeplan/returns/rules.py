"""The rules a statutory return must satisfy before its rows reach the canonical rule book.

A return's problems carry one of these ids (`R-R..`) or, for a value the
adapter itself must read (a date that orders SSDA903 episodes), the canonical
rule (`R-V02`). Row values are then validated by the canonical rules like any
CSV cell, and reported at the return's own location.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from safeplan.datasets.schema import Rule

_RULE_LIST: tuple[Rule, ...] = (
    Rule(
        "R-R01",
        "Not this return",
        "The file must be the return named (CIN census XML, SSDA903 tables or XML, Ofsted Annex A "
        "workbook); otherwise it is refused, saying what it looks like.",
    ),
    Rule(
        "R-R02",
        "Unreadable or unsafe return",
        "XML must be well formed and declare no DTD or entities; CSV tables must be UTF-8 text; "
        "a workbook must open as XLSX.",
    ),
    Rule(
        "R-R03",
        "Return too large",
        "A return's file size, XML elements and rows per table or sheet are limited by the "
        "deployment.",
    ),
    Rule(
        "R-R04",
        "Coverage window required",
        "SSDA903 CSV tables and Annex A workbooks state no period: give `--covers FROM:TO`. A CIN "
        "census (and an SSDA903 XML file with a header) states its own, which `--covers` may not "
        "contradict.",
    ),
    Rule(
        "R-R05",
        "Empty return",
        "A return must hold records: a census without children, an SSDA903 set whose every table "
        "is empty or a workbook without a list that feeds a dataset is refused.",
    ),
    Rule(
        "R-R06",
        "Incomplete SSDA903 set",
        "An SSDA903 set needs its Header table, each table once, the columns the adapter reads, and "
        "either CSV tables or one XML file.",
    ),
    Rule(
        "R-R07",
        "Record without its identifying value",
        "A record's stable id is built from the child id and its dates (CIN referral, assessment "
        "start, plan start…); a record lacking one cannot be identified.",
    ),
    Rule(
        "R-R08",
        "Same record twice",
        "Two records of one return may not derive the same id (a child listed twice, two plans of "
        "a child starting the same day…); both are named.",
    ),
    Rule(
        "R-R09",
        "Ambiguous Annex A list",
        "Each Annex A list may appear once in a workbook, with a child id column.",
    ),
)

RETURN_RULES: Mapping[str, Rule] = MappingProxyType({r.id: r for r in _RULE_LIST})
