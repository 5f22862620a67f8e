"""CSV lines read with a bound on their length."""

from __future__ import annotations

import csv
import doctest
import io

import pytest

from safeplan.tabular import text
from safeplan.tabular.errors import ReadError
from safeplan.tabular.text import bounded_lines, csv_failure


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(text).failed == 0


def test_lines_keep_their_endings_and_a_last_line_may_have_none() -> None:
    lines = list(bounded_lines(io.StringIO("a\r\nb\rc\nd", newline=""), max_chars=5))
    assert lines == ["a\r\n", "b\r", "c\n", "d"]


def test_a_line_exactly_at_the_limit_is_read() -> None:
    assert list(bounded_lines(io.StringIO("abcd\n"), max_chars=5)) == ["abcd\n"]


def test_a_line_without_breaks_is_refused_after_reading_one_character_more_than_the_limit() -> None:
    handle = io.StringIO("x" * 1000)
    with pytest.raises(ReadError) as refused:
        list(bounded_lines(handle, max_chars=10))
    assert (refused.value.rule, handle.tell()) == ("R-F08", 11)


def test_an_overlong_cell_is_its_own_rule_and_other_csv_errors_are_unreadable_files() -> None:
    long = csv_failure(csv.Error("field larger than field limit (131072)"), 7)
    other = csv_failure(csv.Error("unexpected end of data"), 7)
    assert (long.rule, long.row, "after row 7" in long.message) == ("R-F08", 8, True)
    assert (other.rule, other.message) == (
        "R-F02",
        "the file cannot be read as CSV after row 7: unexpected end of data",
    )
