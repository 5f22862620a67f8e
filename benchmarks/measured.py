"""Run a command in a child process and measure it: wall time and the child's own peak memory.

``os.wait4`` returns the resource usage of that one child (and whatever it
waited for), so each step's peak resident memory is its own, not the largest
of every child the benchmark has run so far (as ``RUSAGE_CHILDREN`` would be).

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
from typing import Any


class StepFailed(RuntimeError):
    """A measured command exited with an error; its output is in the message."""


@dataclass(frozen=True)
class Step:
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The last line of the child's output, read as JSON (the children report that way)."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        if not lines:
            raise StepFailed(f"the step printed nothing; stderr: {self.stderr[-2000:]}")
        return json.loads(lines[-1])


def run_measured(command: Sequence[str], *, env: Mapping[str, str]) -> Step:
    """Run `command` to the end; raise `StepFailed` unless it exits 0."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(list(command), env=dict(env), stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    if child.returncode != 0:
        raise StepFailed(
            f"{' '.join(command)} exited {child.returncode}: {(stderr or stdout)[-3000:]}"
        )
    return Step(seconds, usage.ru_maxrss / 1024, stdout, stderr)  # ru_maxrss is kB on Linux


def python(*args: str) -> list[str]:
    """A command line running this interpreter."""
    return [sys.executable, *args]
