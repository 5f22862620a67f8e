"""``scripts/audit_dependencies.py``: pip-audit in ``make check``, tolerant of no network only.

The reports below have the shape pip-audit 2.x writes with ``--format json``.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "audit_dependencies.py"
ROOT = SCRIPT.parents[1]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


audit = _script()

CLEAN = {"name": "click", "version": "8.5.1", "vulns": []}
SKIPPED = {
    "name": "django",
    "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.19)",
}
VULNERABLE = {
    "name": "django",
    "version": "4.2.0",
    "vulns": [
        {
            "id": "PYSEC-2023-100",
            "fix_versions": ["3.2.20", "4.1.10", "4.2.3"],
            "aliases": ["CVE-2023-36053", "GHSA-jh3w-4vvf-mjgr"],
            "description": "EmailValidator and URLValidator were subject to ReDoS.",
        }
    ],
}


def test_a_known_vulnerability_fails_naming_the_advisory_and_the_fix() -> None:
    code, message = audit.verdict({"dependencies": [CLEAN, VULNERABLE], "fixes": []}, "")
    assert code == 1
    assert "django 4.2.0: PYSEC-2023-100 (CVE-2023-36053, GHSA-jh3w-4vvf-mjgr)" in message
    assert "fixed in 3.2.20, 4.1.10, 4.2.3" in message


def test_a_vulnerability_fails_even_when_other_dependencies_were_not_audited() -> None:
    code, _ = audit.verdict({"dependencies": [SKIPPED, VULNERABLE]}, "")
    assert code == 1


def test_no_known_vulnerability_passes_and_says_how_many_were_audited() -> None:
    assert audit.verdict({"dependencies": [CLEAN, CLEAN]}, "") == (
        0,
        "pip-audit: no known vulnerabilities in 2 runtime dependencies",
    )


def test_when_every_dependency_was_skipped_it_says_nothing_was_audited_and_passes() -> None:
    # pip-audit itself prints "No known vulnerabilities found" here: it is not a clean bill
    code, message = audit.verdict({"dependencies": [SKIPPED, SKIPPED]}, "")
    assert code == 0
    assert "NOT audited" in message


def test_some_skipped_dependencies_are_named() -> None:
    code, message = audit.verdict({"dependencies": [CLEAN, SKIPPED]}, "")
    assert code == 0
    assert message.endswith("1 could not be audited: django")


@pytest.mark.parametrize(
    "stderr",
    [
        # no DNS, as on a machine without a network
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): "
        "Max retries exceeded with url: /v1/query (Caused by NameResolutionError(...))",
        # a service that does not answer in time
        "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='pypi.org', port=443)",
    ],
)
def test_an_unreachable_database_passes_saying_so(stderr: str) -> None:
    code, message = audit.verdict(None, stderr)
    assert code == 0
    assert message.startswith("pip-audit could not reach its vulnerability database")
    assert "NOT audited" in message


def test_any_other_failure_of_pip_audit_fails(tmp_path: Path) -> None:
    # a real run: a lock without hashes is refused before any database is asked
    lock = tmp_path / "runtime.txt"
    lock.write_text("django==5.2.19\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(lock)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "does not contain a hash" in done.stderr


def test_the_runtime_lock_holds_no_development_tool() -> None:
    pinned = {
        line.split("==")[0]
        for line in (ROOT / "requirements" / "runtime.txt").read_text().splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    }
    assert "django" in pinned
    assert pinned.isdisjoint({"pytest", "playwright", "mypy", "ruff", "hypothesis", "pip-audit"})


def test_the_development_lock_pins_every_runtime_package_at_the_same_version() -> None:
    def pins(name: str) -> set[str]:
        text = (ROOT / "requirements" / name).read_text()
        return {line.split(" ")[0] for line in text.splitlines() if "==" in line[:80]}

    runtime, development = pins("runtime.txt"), pins("dev.txt")
    assert runtime <= development
    assert {"pytest", "playwright", "mypy", "pip-audit"} <= {p.split("==")[0] for p in development}
