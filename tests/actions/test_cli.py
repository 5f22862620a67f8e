"""``safeplan actions export`` and ``import`` from the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from safeplan.actions.models import Action
from safeplan.cli import main
from tests.actions.conftest import ActionFactory


def test_an_exported_workbook_imports_again_from_the_command_line(
    make_action: ActionFactory, tmp_path: Path
) -> None:
    make_action()
    path = tmp_path / "actions.xlsx"
    runner = CliRunner()
    exported = runner.invoke(main, ["actions", "export", str(path)])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(main, ["actions", "import", str(path)])
    assert (imported.exit_code, imported.output) == (0, "0 actions added, 1 updated\n")


def test_a_bad_file_exits_1_listing_its_problems(
    make_action: ActionFactory, tmp_path: Path
) -> None:
    path = tmp_path / "actions.csv"
    path.write_text(
        "intervention,title,owner,start_date,due_date,status\nprevent-cse,,x,2024-01-01,2024-01-02,open\n"
    )
    result = CliRunner().invoke(main, ["actions", "import", str(path)])
    assert result.exit_code == 1
    assert "actions.csv: row 2, title: Enter a title (A-V02)" in result.output
    assert not Action.objects.filter(owner="x").exists()


def test_export_refuses_a_file_type_it_cannot_write(
    make_action: ActionFactory, tmp_path: Path
) -> None:
    result = CliRunner().invoke(main, ["actions", "export", str(tmp_path / "actions.pdf")])
    assert result.exit_code == 2


def test_an_import_from_the_command_line_is_audited_as_the_command_line(
    plan: object, tmp_path: Path
) -> None:
    from safeplan.audit.models import AuditEvent

    path = tmp_path / "actions.csv"
    path.write_text(
        "intervention,title,owner,start_date,due_date,status\n"
        "prevent-cse,Run sessions,Lead,2024-01-01,2024-02-01,not started\n"
    )
    result = CliRunner().invoke(main, ["actions", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert AuditEvent.objects.get(action="action.create").actor_name.endswith("(command line)")
