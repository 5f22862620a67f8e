"""Files past the limits are refused whole, quickly, on every path: R-F06, R-F07, R-F08.

A decompression bomb is refused before openpyxl opens it, whether it comes
through `safeplan import`, `safeplan actions import`, `safeplan benchmarks
import` or `safeplan spc --series`: every XLSX file is opened by
`safeplan.tabular.xlsx.open_workbook`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.conf import LazySettings

from safeplan.cli import main
from safeplan.records.models import RECORD_MODELS, ImportBatch
from tests.imports.conftest import rules_of, run_import, write_csv, write_xlsx
from tests.tabular.zips import MB, peak_memory

pytestmark = pytest.mark.django_db
HEADER = ["referral_id", "child_id", "referral_date"]
Referral = RECORD_MODELS["referrals"]


def _rows(n: int) -> list[list[str]]:
    return [[f"R{i}", f"C{i}", "2024-05-01"] for i in range(n)]


def test_an_import_refuses_a_bomb_naming_the_file_and_rule_without_inflating_it(
    xlsx_bomb: Path, openpyxl_loads: list[Any]
) -> None:
    outcome, peak = peak_memory(lambda: run_import("referrals", xlsx_bomb))
    [problem] = outcome.problems
    assert (problem.file, problem.rule, outcome.batch.status) == (
        "bomb.xlsx",
        "R-F06",
        ImportBatch.Status.REJECTED,
    )
    assert "“xl/sharedStrings.xml” inflates to 2,048 MB" in problem.message
    assert openpyxl_loads == []
    assert peak < 16 * MB


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["import", "referrals"], "bomb.xlsx: the workbook was refused before reading"),
        (["actions", "import"], "(import rule R-F06) (A-F01)"),
        (["benchmarks", "import"], "the workbook was refused before reading"),
        (["spc", "--series", "{}", "--direction", "up"], "the workbook was refused before reading"),
    ],
)
def test_every_command_that_reads_a_workbook_refuses_a_bomb(
    xlsx_bomb: Path, openpyxl_loads: list[Any], args: list[str], expected: str
) -> None:
    argv = [a.format(xlsx_bomb) for a in args] if "{}" in args else [*args, str(xlsx_bomb)]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert openpyxl_loads == []


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_file_with_more_rows_than_the_limit_is_rejected_and_one_at_the_limit_accepted(
    tmp_path: Path, settings: LazySettings, suffix: str
) -> None:
    settings.MAX_IMPORT_ROWS = 3
    write = write_csv if suffix == "csv" else write_xlsx
    assert run_import("referrals", write(tmp_path / f"ok.{suffix}", HEADER, _rows(3))).accepted
    outcome = run_import("referrals", write(tmp_path / f"big.{suffix}", HEADER, _rows(4)))
    assert rules_of(outcome) == ["R-F07"]
    assert "more than 3 rows" in outcome.problems[0].message
    assert Referral.objects.count() == 3  # the first file's rows, nothing from the second


def test_a_csv_line_without_line_breaks_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "one-line.csv"
    path.write_text("referral_id,child_id,referral_date," + "x" * 1_100_000)
    [problem] = run_import("referrals", path).problems
    assert (problem.rule, problem.message.startswith("line 1 is longer than 1,048,576")) == (
        "R-F08",
        True,
    )


def test_a_cell_longer_than_the_csv_field_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long-cell.csv"
    path.write_text('referral_id,child_id,referral_date\nR1,"' + "x" * 200_000 + '",2024-05-01\n')
    [problem] = run_import("referrals", path).problems
    assert (problem.rule, problem.row) == ("R-F08", 2)
    assert "longer than 131,072 characters" in problem.message


def test_a_long_cell_within_the_limit_is_a_value_problem_keeping_only_its_start(
    tmp_path: Path,
) -> None:
    long = ["R1", "C1", "2024-05-01", "L" * 100_000]
    path = write_csv(tmp_path / "r.csv", [*HEADER, "locality"], [long])
    [problem] = run_import("referrals", path).problems
    assert (problem.rule, problem.value) == ("R-V09", "L" * 200 + "…")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_row_with_too_many_cells_is_refused(tmp_path: Path, suffix: str) -> None:
    write = write_csv if suffix == "csv" else write_xlsx
    wide = ["R1", "C1", "2024-05-01", *[""] * 1_000, "x"]
    [problem] = run_import("referrals", write(tmp_path / f"w.{suffix}", HEADER, [wide])).problems
    assert (problem.rule, problem.row) == ("R-F08", 2)
    assert "row 2 has 1,004 cells; a row holds at most 1,000" in problem.message


def test_a_workbook_that_understates_its_size_is_read_in_full(tmp_path: Path) -> None:
    import zipfile

    path = write_xlsx(tmp_path / "r.xlsx", [*HEADER, "nfa"], [["R1", "C1", "2024-05-01", "Y"]])
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    start = sheet.index(b"<dimension ref=")
    parts["xl/worksheets/sheet1.xml"] = (
        sheet[:start] + b'<dimension ref="A1:A1"/>' + sheet[sheet.index(b"/>", start) + 2 :]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    outcome = run_import("referrals", path)
    assert (outcome.accepted, Referral.objects.get().nfa) == (True, True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # UTF-16 without a byte-order mark: every other byte is NUL
        ("referral_id,child_id,referral_date\n".encode("utf-16-le"), "is it UTF-16 text"),
        # Windows-1252, as Excel saves "CSV (Comma delimited)"
        ("referral_id,child_id,referral_date\nR1,Zoë,2024-05-01\n".encode("cp1252"), "not UTF-8"),
        # a lone surrogate, which no UTF-8 encoder writes
        ("referral_id\nR\ud800\n".encode("utf-8", "surrogatepass"), "not UTF-8"),
    ],
)
def test_a_csv_file_in_another_encoding_is_a_numbered_problem(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    [problem] = run_import("referrals", path).problems
    assert (problem.rule, message in problem.message) == ("R-F02", True)


def test_a_workbook_saved_under_a_csv_name_is_a_numbered_problem(tmp_path: Path) -> None:
    workbook = write_xlsx(tmp_path / "r.xlsx", HEADER, _rows(2))
    path = tmp_path / "r.csv"
    path.write_bytes(workbook.read_bytes())
    [problem] = run_import("referrals", path).problems
    assert problem.rule == "R-F02"
