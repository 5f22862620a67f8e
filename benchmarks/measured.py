"""Run a command in a child process and measure it: wall time and the child's own peak memory.

A forked child starts with its parent's memory, and Linux keeps the highest
resident size across ``exec``: a child of a large benchmark process would
report at least the parent's size. So each command is started by a small
intermediary (this module run as a script, a few MB) that forks the command,
waits for it with ``os.wait4`` (the usage of that one child) and writes its
peak resident memory to a file; the figure is then the command's own.

    step = run_measured(python("-m", "safeplan", "compute"), env=env)
    print(step.seconds, step.peak_mb)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class StepFailed(RuntimeError):
    """A measured command exited with an error; its output is in the message."""


@dataclass(frozen=True)
class Step:
    """Wall seconds, peak resident MB and CPU seconds (user + system) of one command.

    On a machine shared with other work the wall time grows with the load and
    the CPU time much less: both are kept.
    """

    seconds: float
    peak_mb: float
    stdout: str
    stderr: str
    cpu_seconds: float | None = None

    def json(self) -> Any:
        """The last line of the child's output, read as JSON (the children report that way)."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        if not lines:
            raise StepFailed(f"the step printed nothing; stderr: {self.stderr[-2000:]}")
        return json.loads(lines[-1])


def run_measured(command: Sequence[str], *, env: Mapping[str, str]) -> Step:
    """Run `command` to the end; raise `StepFailed` unless it exits 0."""
    with tempfile.TemporaryDirectory(prefix="safeplan-step-") as folder:
        usage = Path(folder) / "usage.json"
        out, err = Path(folder) / "out", Path(folder) / "err"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-S", __file__, str(usage), str(out), str(err), *command],
            env=dict(env),
            check=False,
        )
        seconds = time.perf_counter() - started
        stdout = out.read_text(errors="replace") if out.exists() else ""
        stderr = err.read_text(errors="replace") if err.exists() else ""
        figures = json.loads(usage.read_text()) if usage.exists() else {}
    if done.returncode != 0:
        raise StepFailed(
            f"{' '.join(command)} exited {done.returncode}: {(stderr or stdout)[-3000:]}"
        )
    return Step(seconds, figures["peak_kb"] / 1024, stdout, stderr, figures.get("cpu_seconds"))


def python(*args: str) -> list[str]:
    """A command line running this interpreter."""
    return [sys.executable, *args]


def _intermediary(usage: str, out: str, err: str, *command: str) -> int:
    """Fork `command` with its output to files, wait for it, write its own peak memory."""
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        child = subprocess.Popen(list(command), stdout=stdout, stderr=stderr)
        _, status, rusage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    with open(usage, "w") as handle:
        cpu = rusage.ru_utime + rusage.ru_stime
        json.dump({"peak_kb": rusage.ru_maxrss, "cpu_seconds": cpu}, handle)  # kB on Linux
    return child.returncode


if __name__ == "__main__":
    sys.exit(_intermediary(*sys.argv[1:]))
