"""The Annex A synonym table: kept as data, checked when loaded, read the way its header says."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest

from safeplan.returns.synonyms import (
    VOCABULARIES,
    normalise_header,
    parse_synonyms,
    synonym_table,
)


def shipped() -> dict[str, Any]:
    text = resources.files("safeplan.returns").joinpath("annex_a.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_the_shipped_table_loads_with_eleven_lists_and_every_vocabulary() -> None:
    table = synonym_table()
    assert [spec.number for spec in table.lists] == list(range(1, 12))
    assert set(table.values) == set(VOCABULARIES)


@pytest.mark.parametrize(
    ("vocabulary", "value", "code"),
    [
        ("sex", "a) Male", "M"),
        ("sex", "1 - Male", "M"),
        ("sex", "M", "M"),
        ("sex", "  FEMALE ", "F"),
        ("sex", "d) Neither", None),  # no canonical code for it: unknown
        ("ethnicity", "a) WBRI", "WBRI"),
        ("ethnicity", "White British", "WBRI"),
        ("ethnicity", "WBRI - White British", "WBRI"),
        ("ethnicity", "s) NOBT", "NOBT"),
        ("referral_source", "q) 6: Police", "6"),
        ("referral_source", "b) 1B: Individual", "1B"),
        ("referral_source", "10: Unknown", "10"),
        ("referral_source", "Police", "6"),
        ("referral_source", "Health services", None),  # which of 3A–3F? unknown
        ("primary_need", "N1 - Abuse or Neglect", "N1"),
        ("primary_need", "PSRMEM - Support with memory and cognition", None),
        ("cp_category", "Physical abuse", "PHY"),
        ("cp_category", "e) Multiple/not recommended", "MUL"),
        ("cp_category", "a) Neglect", "NEG"),
        ("flag", "a) Yes", "Y"),
        ("flag", "No", "N"),
        ("flag", "c) Unknown", None),
    ],
)
def test_coded_values_are_read_in_every_wording(
    vocabulary: str, value: str, code: str | None
) -> None:
    assert synonym_table().code(vocabulary, value) == code


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        ("Referral NFA?", "referral nfa"),
        (
            "Number of Episodes the Child has been ‘Missing’",
            "number of episodes the child has been missing",
        ),
        ("  Child  Unique ID ", "child unique id"),
        ("Date of Adoption Order ", "date of adoption order"),
    ],
)
def test_headers_compare_without_case_quotes_or_punctuation(header: str, normalised: str) -> None:
    assert normalise_header(header) == normalised


def test_a_wording_for_a_code_that_does_not_exist_is_refused_when_loaded() -> None:
    data = shipped()
    data["values"]["sex"]["X"] = ["Other"]
    with pytest.raises(ValueError, match=r"\[values.sex\]: X is not a code of sex"):
        parse_synonyms(data)


def test_a_wording_meaning_two_codes_is_refused_when_loaded() -> None:
    data = shipped()
    data["values"]["cp_category"]["PHY"].append("Neglect")
    with pytest.raises(ValueError, match="“Neglect” means both NEG and PHY"):
        parse_synonyms(data)


def test_a_header_naming_two_fields_of_a_list_is_refused_when_loaded() -> None:
    data = shipped()
    data["lists"]["list_7"]["headers"]["plan_end"].append("CP Plan Start Date")
    with pytest.raises(ValueError, match="names both plan_start and plan_end"):
        parse_synonyms(data)


def test_a_list_identified_by_a_field_without_headers_is_refused_when_loaded() -> None:
    data = shipped()
    data["lists"]["list_3"]["identify"] = ["referral_day"]
    with pytest.raises(ValueError, match="identifies by"):
        parse_synonyms(data)


def test_a_new_wording_added_to_the_data_is_read_without_a_code_change() -> None:
    data = shipped()
    data["values"]["sex"]["M"].append("Boy (male)")
    assert parse_synonyms(data).code("sex", "c) Boy (male)") == "M"
