"""`safeplan import` and `safeplan batches`: exit codes, summaries and problems on stderr."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeplan.cli import main
from safeplan.records.models import RECORD_MODELS, ImportBatch
from tests.imports.conftest import GOOD_ROWS

pytestmark = pytest.mark.django_db


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_an_accepted_import_exits_0_with_a_one_line_summary(csv_file: Callable[..., Path]) -> None:
    code, out, err = invoke("import", "referrals", str(csv_file([GOOD_ROWS["referrals"]])))
    batch = ImportBatch.objects.get()
    assert (code, err) == (0, "")
    assert out == (
        f"accepted: batch {batch.pk}, referrals from referrals: 1 rows read, 1 records stored, "
        "0 superseded; covers 2024-04-01 to 2024-04-01 (from the records' dates)\n"
    )
    assert batch.submitted_by  # the operating-system account


def test_a_rejected_import_exits_1_with_every_problem_on_stderr(
    csv_file: Callable[..., Path],
) -> None:
    rows = [
        {**GOOD_ROWS["referrals"], "referral_date": "31/02/2018"},
        {**GOOD_ROWS["referrals"], "nfa": "?"},
    ]
    code, out, err = invoke("import", "referrals", str(csv_file(rows, name="refs.csv")))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        'refs.csv: row 2, referral_date: "31/02/2018" is not a date (R-V02)',
        'refs.csv: row 3, nfa: "?" is not a yes/no flag; write Y or N (R-V04)',
        f"safeplan import: rejected: batch {ImportBatch.objects.get().pk}, 2 problems; "
        "nothing from the file was stored (rules: docs/import-rules.md)",
    ]
    assert RECORD_MODELS["referrals"].objects.count() == 0


def test_a_window_and_source_are_passed_through(csv_file: Callable[..., Path]) -> None:
    path = str(csv_file([GOOD_ROWS["cases"]]))
    code, out, _ = invoke(
        "import", "cases", path, "--covers", "2024-04-01:2025-03-31", "--source", "mosaic"
    )
    assert code == 0
    assert "covers 2024-04-01 to 2025-03-31 (stated)" in out
    assert ImportBatch.objects.get().source == "mosaic"


def test_a_malformed_window_exits_1_with_a_message(csv_file: Callable[..., Path]) -> None:
    code, _, err = invoke(
        "import", "cases", str(csv_file([GOOD_ROWS["cases"]])), "--covers", "April"
    )
    assert code == 1
    assert "is not a window; write FROM:TO as YYYY-MM-DD:YYYY-MM-DD (R-O03)" in err
    assert "Traceback" not in err


def test_unknown_columns_can_be_ignored_from_the_command_line(
    csv_file: Callable[..., Path],
) -> None:
    path = str(csv_file([{**GOOD_ROWS["referrals"], "notes": "x"}]))
    assert invoke("import", "referrals", path)[0] == 1
    assert invoke("import", "referrals", path, "--ignore-unknown-columns")[0] == 0


def test_a_sheet_can_be_named(xlsx_file: Callable[..., Path]) -> None:
    path = str(xlsx_file([GOOD_ROWS["referrals"]], sheet="Refs"))
    assert invoke("import", "referrals", path, "--sheet", "Refs")[0] == 0
    code, _, err = invoke("import", "referrals", path, "--sheet", "Other")
    assert code == 1
    assert "has no sheet “Other”" in err


def test_an_unknown_dataset_exits_1_with_a_suggestion(csv_file: Callable[..., Path]) -> None:
    code, _, err = invoke("import", "referal", str(csv_file([GOOD_ROWS["referrals"]])))
    assert code == 1
    assert "did you mean `referrals`?" in err


def test_batches_lists_the_imports_newest_first(csv_file: Callable[..., Path]) -> None:
    invoke("import", "referrals", str(csv_file([GOOD_ROWS["referrals"]], name="good.csv")))
    invoke("import", "referrals", str(csv_file([{"referral_id": "R1"}], name="bad.csv")))
    code, out, _ = invoke("batches")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split()[:3] == ["id", "when", "dataset"]
    assert (lines[1].split()[5], lines[1].split()[-2]) == ("rejected", "bad.csv")
    assert (lines[2].split()[5], lines[2].split()[-2]) == ("accepted", "good.csv")
    assert invoke("batches", "--status", "accepted")[1].count("\n") == 2


def test_batches_says_so_when_there_are_none() -> None:
    assert invoke("batches") == (0, "no imports yet\n", "")


@pytest.mark.parametrize("command", [["import"], ["batches"]])
def test_every_command_has_help(command: list[str]) -> None:
    code, out, _ = invoke(*command, "--help")
    assert code == 0
    assert "Usage:" in out
