"""The SSDA903 adapter: tables by their columns, periods of care across episodes and years."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from safeplan.returns import PriorPeriod, read_return
from tests.returns.builders import (
    EPISODES,
    HEADER,
    MISSING,
    REVIEWS,
    episode,
    ssda903_xml,
    write_table,
    xml_child,
)
from tests.returns.conftest import rows, rules

YEAR = (date(2018, 4, 1), date(2019, 3, 31))
Write = Callable[[str, str], Path]


@pytest.fixture
def header(tmp_path: Path) -> Path:
    return write_table(
        tmp_path / "a.csv",
        HEADER,
        [
            {"CHILD": "101", "SEX": "1", "DOB": "03/02/2008", "ETHNIC": "WBRI"},
            {"CHILD": "102", "SEX": "2.0", "DOB": "2010-11-30", "ETHNIC": "BAFR"},
        ],
    )


def test_tables_are_recognised_by_their_columns_in_any_order(tmp_path: Path, header: Path) -> None:
    shuffled = tuple(reversed(EPISODES))
    episodes = write_table(tmp_path / "b.csv", shuffled, [episode("101", "01/05/2018", "S")])
    missing = write_table(tmp_path / "c.csv", MISSING[::-1], [])
    converted = read_return("ssda903", [missing, episodes, header], covers=YEAR)
    assert converted.accepted, converted.problems
    assert converted.covers == YEAR
    assert list(converted.datasets) == ["children", "missing_episodes", "care_periods"]
    assert rows(converted, "children") == {
        "101": {
            "child_id": "101", "date_of_birth": "2008-02-03", "expected_date_of_birth": None,
            "sex": "M", "ethnicity": "WBRI", "disability": None, "locality": None,
        },
        "102": {
            "child_id": "102", "date_of_birth": "2010-11-30", "expected_date_of_birth": None,
            "sex": "F", "ethnicity": "BAFR", "disability": None, "locality": None,
        },
    }  # fmt: skip
    assert rows(converted, "care_periods") == {
        "101:2018-05-01": {
            "period_id": "101:2018-05-01", "child_id": "101", "start_date": "2018-05-01",
            "end_date": None, "iha_requested_date": None, "iha_completed_date": None,
        }
    }  # fmt: skip
    assert converted.datasets["missing_episodes"].rows == ()


def test_a_period_runs_through_x1_episodes_and_ends_at_the_first_other_reason(
    tmp_path: Path, header: Path
) -> None:
    episodes = write_table(
        tmp_path / "e.csv",
        EPISODES,
        [
            episode("101", "10/01/2019", "P", "15/02/2019", "E4A"),
            episode("101", "01/05/2018", "S", "01/09/2018", "X1"),
            episode("101", "01/09/2018", "L", "10/01/2019", "X1"),
            episode("101", "01/03/2019", "S"),
            episode("102", "05/06/2018", "S", "20/06/2018", "E13"),
        ],
    )
    converted = read_return("ssda903", [header, episodes], covers=YEAR)
    periods = rows(converted, "care_periods")
    assert {k: (v["start_date"], v["end_date"]) for k, v in periods.items()} == {
        "101:2018-05-01": ("2018-05-01", "2019-02-15"),
        "101:2019-03-01": ("2019-03-01", None),
        "102:2018-06-05": ("2018-06-05", "2018-06-20"),
    }
    joined = converted.datasets["care_periods"].rows[0].location
    assert joined.span == "episodes row 3–row 2"
    assert joined.field("end_date") == "DEC"


def test_a_first_episode_without_s_continues_the_stored_period(
    tmp_path: Path, header: Path
) -> None:
    episodes = write_table(
        tmp_path / "e.csv", EPISODES, [episode("101", "01/06/2018", "P", "30/11/2018", "E8")]
    )
    stored = {"101": PriorPeriod(date(2016, 2, 1), None)}
    converted = read_return("ssda903", [header, episodes], covers=YEAR, previous_period=stored.get)
    assert rows(converted, "care_periods") == {
        "101:2016-02-01": {
            "period_id": "101:2016-02-01", "child_id": "101", "start_date": "2016-02-01",
            "end_date": "2018-11-30", "iha_requested_date": None, "iha_completed_date": None,
        }
    }  # fmt: skip
    assert any("continues the period of care stored" in n for n in converted.notes)


def test_with_no_stored_period_it_starts_at_its_own_decom(tmp_path: Path, header: Path) -> None:
    episodes = write_table(tmp_path / "e.csv", EPISODES, [episode("101", "01/06/2018", "P")])
    for lookup in (None, {}.get, {"101": PriorPeriod(date(2018, 7, 1))}.get):
        converted = read_return("ssda903", [header, episodes], covers=YEAR, previous_period=lookup)
        assert set(rows(converted, "care_periods")) == {"101:2018-06-01"}
        assert any("starts a period of care at its DECOM" in n for n in converted.notes)


def test_next_years_return_repeating_the_open_episode_derives_the_same_id(
    tmp_path: Path, header: Path
) -> None:
    first = write_table(tmp_path / "e1.csv", EPISODES, [episode("101", "01/05/2018", "S")])
    second = write_table(
        tmp_path / "e2.csv", EPISODES, [episode("101", "01/05/2018", "S", "31/07/2019", "E4A")]
    )
    earlier = rows(read_return("ssda903", [header, first], covers=YEAR), "care_periods")
    later = rows(
        read_return("ssda903", [header, second], covers=(date(2019, 4, 1), date(2020, 3, 31))),
        "care_periods",
    )
    assert set(earlier) == set(later) == {"101:2018-05-01"}
    assert later["101:2018-05-01"]["end_date"] == "2019-07-31"


def test_missing_episodes_the_same_day_are_numbered_by_their_end(
    tmp_path: Path, header: Path
) -> None:
    missing = write_table(
        tmp_path / "m.csv",
        MISSING,
        [
            {"CHILD": "101", "MISSING": "M", "MIS_START": "04/07/2018", "MIS_END": ""},
            {"CHILD": "101", "MISSING": "A", "MIS_START": "04/07/2018", "MIS_END": "05/07/2018"},
            {"CHILD": "101", "MISSING": "M", "MIS_START": "04/07/2018", "MIS_END": "04/07/2018"},
            {"CHILD": "102", "MISSING": "m", "MIS_START": "2018-12-01", "MIS_END": "02/12/2018"},
        ],
    )
    converted = read_return("ssda903", [header, missing], covers=YEAR)
    found = rows(converted, "missing_episodes")
    assert {k: (v["missing_end"], v["episode_type"]) for k, v in found.items()} == {
        "101:2018-07-04": ("2018-07-04", "missing"),
        "101:2018-07-04:2": ("2018-07-05", "away"),
        "101:2018-07-04:3": (None, "missing"),
        "102:2018-12-01": ("2018-12-02", "missing"),
    }
    assert {v["looked_after"] for v in found.values()} == {"Y"}
    assert "rhi_completed_at" not in converted.datasets["missing_episodes"].carried


def test_tables_it_does_not_need_are_accepted_and_named(tmp_path: Path, header: Path) -> None:
    reviews = write_table(tmp_path / "r.csv", REVIEWS, [{"CHILD": "101", "REVIEW": "01/06/2018"}])
    converted = read_return("ssda903", [header, reviews], covers=YEAR)
    assert converted.accepted
    assert any("the Reviews table, r.csv" in n for n in converted.notes)
    assert any("no Episodes table" in n for n in converted.notes)
    assert "care_periods" not in converted.datasets


def test_an_excel_mangled_child_id_is_mended_in_every_table(tmp_path: Path, header: Path) -> None:
    episodes = write_table(tmp_path / "e.csv", EPISODES, [episode("101.0", "01/05/2018", "S")])
    converted = read_return("ssda903", [header, episodes], covers=YEAR)
    assert set(rows(converted, "care_periods")) == {"101:2018-05-01"}


def test_an_unreadable_decom_is_a_date_problem_at_its_row(tmp_path: Path, header: Path) -> None:
    episodes = write_table(tmp_path / "e.csv", EPISODES, [episode("101", "31/02/2018", "S")])
    converted = read_return("ssda903", [header, episodes], covers=YEAR)
    [problem] = converted.problems
    assert (problem.rule, problem.field, problem.value) == ("R-V02", "DECOM", "31/02/2018")
    assert str(problem.location) == "e.csv: Episodes, row 2 (child 101)"


def test_the_same_child_twice_in_the_header_is_a_problem(tmp_path: Path) -> None:
    header = write_table(
        tmp_path / "h.csv", HEADER, [{"CHILD": "7", "SEX": "1"}, {"CHILD": "7", "SEX": "2"}]
    )
    converted = read_return("ssda903", [header], covers=YEAR)
    assert rules(converted) == ["R-R08"]
    assert "row 2" in converted.problems[0].message


# --- the XML form ----------------------------------------------------------------------


def test_the_xml_form_gives_the_same_tables(write: Write) -> None:
    text = ssda903_xml(
        xml_child(
            "101",
            sex="1",
            dob="2008-02-03",
            episodes=[
                {
                    "DECOM": "2018-05-01",
                    "RNE": "S",
                    "PLACE": "U1",
                    "DEC": "2018-09-01",
                    "REC": "X1",
                },
                {"DECOM": "01/09/2018", "RNE": "P", "PLACE": "K2", "DEC": "", "REC": ""},
            ],
            missing=[{"MISSING": "A", "MIS_START": "2018-07-04", "MIS_END": "2018-07-05"}],
            reviews=2,
        ),
        xml_child("102", id_tag="CHILD"),
    )
    converted = read_return("ssda903", [write("903.xml", text)], covers=YEAR)
    assert converted.accepted, converted.problems
    assert set(rows(converted, "children")) == {"101", "102"}
    assert rows(converted, "children")["101"]["date_of_birth"] == "2008-02-03"
    assert {k: v["end_date"] for k, v in rows(converted, "care_periods").items()} == {
        "101:2018-05-01": None
    }
    assert rows(converted, "missing_episodes")["101:2018-07-04"]["episode_type"] == "away"
    assert any("<AREVIEW> elements (2)" in n for n in converted.notes)
    where = converted.datasets["care_periods"].rows[0].location
    assert where.place == "EXPSSDA903/CHILD[1]/EPISODE[1]"
    assert where.span == "episodes EPISODE[1]–EPISODE[2]"


def test_an_xml_header_states_the_year(write: Write) -> None:
    stated = "<Header><CollectionDetails><Year>2019</Year></CollectionDetails></Header>"
    path = write("903.xml", ssda903_xml(xml_child("101"), header=stated))
    assert read_return("ssda903", [path]).covers == YEAR
    refused = read_return("ssda903", [path], covers=(date(2019, 4, 1), date(2020, 3, 31)))
    assert rules(refused) == ["R-R04"]


# --- refusals -----------------------------------------------------------------------------


def test_tables_without_covers_are_refused(header: Path) -> None:
    converted = read_return("ssda903", [header])
    assert rules(converted) == ["R-R04"]
    assert "normally 1 April to 31 March" in converted.problems[0].message


def test_a_set_without_its_header_table_is_refused(tmp_path: Path) -> None:
    episodes = write_table(tmp_path / "e.csv", EPISODES, [episode("101", "01/05/2018", "S")])
    converted = read_return("ssda903", [episodes], covers=YEAR)
    assert rules(converted) == ["R-R06"]
    assert "no Header table" in converted.problems[0].message


def test_a_set_whose_every_table_is_empty_is_refused(tmp_path: Path) -> None:
    header = write_table(tmp_path / "h.csv", HEADER, [])
    missing = write_table(tmp_path / "m.csv", MISSING, [])
    converted = read_return("ssda903", [header, missing], covers=YEAR)
    assert rules(converted) == ["R-R05"]


def test_a_table_given_twice_is_refused(tmp_path: Path, header: Path) -> None:
    again = write_table(tmp_path / "z.csv", HEADER, [])
    converted = read_return("ssda903", [header, again], covers=YEAR)
    assert rules(converted) == ["R-R06"]
    assert "a.csv" in converted.problems[0].message


def test_an_episodes_table_lacking_a_column_it_needs_is_refused(
    tmp_path: Path, header: Path
) -> None:
    columns = tuple(c for c in EPISODES if c != "REC")
    episodes = write_table(tmp_path / "e.csv", columns, [episode("101", "01/05/2018", "S")])
    converted = read_return("ssda903", [header, episodes], covers=YEAR)
    assert rules(converted) == ["R-R06"]
    assert converted.problems[0].message == "the Episodes table lacks the column(s) REC"


def test_csv_tables_and_an_xml_file_together_are_refused(write: Write, header: Path) -> None:
    xml = write("903.xml", ssda903_xml(xml_child("101")))
    converted = read_return("ssda903", [header, xml], covers=YEAR)
    assert rules(converted) == ["R-R06"]


def test_utf16_tables_are_refused_with_what_to_do(tmp_path: Path) -> None:
    path = write_table(tmp_path / "h.csv", HEADER, [{"CHILD": "1"}], encoding="utf-16")
    converted = read_return("ssda903", [path], covers=YEAR)
    assert rules(converted) == ["R-R02"]
    assert "UTF-16" in converted.problems[0].message
