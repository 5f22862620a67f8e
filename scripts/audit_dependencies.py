"""Audit the runtime lock for known vulnerabilities with pip-audit (``make check``).

    python scripts/audit_dependencies.py requirements/runtime.txt

Exit 1 when pip-audit finds a known vulnerability in a pinned dependency,
naming it, its advisory and the versions that fix it. Exit 0, saying so
plainly, when it finds none — or when it could not ask: without a network, or
behind a package mirror that does not serve PyPI's vulnerability data, pip-audit
itself reports "No known vulnerabilities found" for dependencies it skipped;
this script counts them and says they were NOT audited, so that nobody mistakes
an unanswered question for a clean bill. Any other failure of pip-audit (a
lock it cannot read) exits 2.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

TIMEOUT_SECONDS = 300
#: What pip-audit's own traceback says when the vulnerability service cannot be reached.
UNREACHABLE = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "ConnectTimeout",
    "ReadTimeout",
    "Temporary failure in name resolution",
)


def verdict(report: dict[str, Any] | None, stderr: str) -> tuple[int, str]:
    """The exit code and message for pip-audit's JSON `report` (None: it wrote none)."""
    if report is None:
        if any(sign in stderr for sign in UNREACHABLE):
            last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
            return 0, (
                "pip-audit could not reach its vulnerability database; the runtime "
                f"dependencies were NOT audited ({last[:200]})"
            )
        return 2, f"pip-audit failed:\n{stderr.strip()}"
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    if vulnerable:
        lines = [f"{len(vulnerable)} runtime dependencies have known vulnerabilities:"]
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                aliases = ", ".join(vuln.get("aliases") or [])
                lines.append(
                    f"  {dependency['name']} {dependency.get('version', '?')}: {vuln['id']}"
                    + (f" ({aliases})" if aliases else "")
                    + f"; fixed in {fixes}"
                )
        return 1, "\n".join(lines)
    if skipped and not audited:
        return 0, (
            f"pip-audit could not reach its vulnerability database for any of the {len(skipped)} "
            "runtime dependencies (offline, or a package mirror without PyPI's vulnerability "
            "data): they were NOT audited"
        )
    message = f"pip-audit: no known vulnerabilities in {audited} runtime dependencies"
    if skipped:
        names = ", ".join(d["name"] for d in skipped)
        message += f"; {len(skipped)} could not be audited: {names}"
    return 0, message


def pip_audit(lock: Path) -> tuple[dict[str, Any] | None, str]:
    """Run pip-audit on a hashed lock; its JSON report (None if it wrote none) and stderr."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.json"
        command = [sys.executable, "-m", "pip_audit", "--requirement", str(lock),
                   "--require-hashes", "--disable-pip", "--progress-spinner", "off",
                   "--format", "json", "--output", str(out)]  # fmt: skip
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            return None, f"ReadTimeout: pip-audit took more than {TIMEOUT_SECONDS} s"
        try:
            return json.loads(out.read_text(encoding="utf-8")), done.stderr
        except (OSError, ValueError):
            return None, done.stderr


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    code, message = verdict(*pip_audit(Path(argv[0])))
    print(message, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
