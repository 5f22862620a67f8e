"""A background import in a child process with a memory limit, so a bad file cannot sink the worker.

The worker (parent) starts ``python -m safeplan.jobs.child``, hands it what to
import as JSON on standard input, and reads its standard output, one line per
message: ``ready`` once it has set up, ``progress N`` as rows are read, and
``result {...}`` at the end. The child limits its own address space
(``RLIMIT_AS``, ``settings.IMPORT_MEMORY_MB``) before anything else; the parent
stops it after ``settings.IMPORT_TIME_LIMIT_MINUTES``. A child that runs out
of memory, is killed or fails ends as `ChildFailed` with a message fit for the
person who uploaded the file; its traceback goes to the worker's log only.
The import is one transaction, so a child that dies leaves nothing behind.

    outcome = import_in_child(spec, on_progress=print)   # ChildOutcome(batch_id=12, ...)

A new process rather than a fork: the worker may have started threads
(Polars' pool, after a recompute), and a fork of a threaded process can deadlock.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

logger = logging.getLogger(__name__)

EXIT_MEMORY = 3
EXIT_ERROR = 4
BACKGROUND_LOCK_WAIT_SECONDS = 600  # for another import of the dataset (ADR 0014), then "try again"


class ChildFailed(RuntimeError):
    """The child ended without a result; the message says why, for the uploader."""


@dataclass(frozen=True)
class ChildOutcome:
    batch_id: int
    accepted: bool
    problems: int
    rows: int


@dataclass(frozen=True)
class ImportSpec:
    """What the child imports, and into which database (the parent's own)."""

    database: str
    dataset: str
    path: str
    file_name: str
    source: str | None
    covers: list[str] | None
    user_id: int | None
    submitted_by: str
    memory_mb: int
    time_limit_minutes: float

    def as_json(self) -> str:
        return json.dumps(self.__dict__)


# --- the parent ---------------------------------------------------------------


def import_in_child(spec: ImportSpec, *, on_progress: Callable[[int], None]) -> ChildOutcome:
    """Run the import in a child process; its result, or `ChildFailed` saying why not."""
    errors: deque[str] = deque(maxlen=40)
    messages = _Messages()
    with subprocess.Popen(
        [sys.executable, "-m", "safeplan.jobs.child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdin is not None
        assert child.stdout is not None
        drain = threading.Thread(target=_drain, args=(child.stderr, errors), daemon=True)
        drain.start()
        timer = _time_limit(child, spec.time_limit_minutes)
        try:
            child.stdin.write(spec.as_json())
            child.stdin.close()
            for line in child.stdout:
                messages.read(line, on_progress)
        except BrokenPipeError:  # the child died before reading what to import
            pass
        except BaseException:  # the worker is stopping, or could not record progress
            child.kill()
            raise
        finally:
            code = child.wait()
            if timer is not None:
                timer.cancel()
            drain.join(timeout=5)
    if messages.result is not None and code == 0:
        return messages.result
    if errors:
        logger.error(
            "import child for %s ended with %s:\n%s", spec.file_name, code, "".join(errors)
        )
    raise ChildFailed(_why(code, messages, spec, timed_out=timer is not None and timer.fired))


class _Messages:
    def __init__(self) -> None:
        self.ready = False
        self.rows = 0
        self.result: ChildOutcome | None = None
        self.error = ""

    def read(self, line: str, on_progress: Callable[[int], None]) -> None:
        word, _, rest = line.strip().partition(" ")
        if word == "ready":
            self.ready = True
        elif word == "progress" and rest.isdigit():
            self.rows = int(rest)
            on_progress(self.rows)
        elif word == "result":
            self.result = ChildOutcome(**json.loads(rest))
        elif word == "error":
            self.error = rest


def _drain(stream: IO[str], into: deque[str]) -> None:
    for line in stream:
        into.append(line)


class _Timer(threading.Timer):
    fired = False


def _time_limit(child: subprocess.Popen[str], minutes: float) -> _Timer | None:
    if minutes <= 0:
        return None

    def stop() -> None:
        timer.fired = True
        child.kill()

    timer = _Timer(minutes * 60, stop)
    timer.daemon = True
    timer.start()
    return timer


def _why(code: int, messages: _Messages, spec: ImportSpec, *, timed_out: bool) -> str:
    """The uploader's reason: memory, time, a signal, or the error's name; never a traceback."""
    after = f" after {messages.rows:,} rows" if messages.rows else ""
    if timed_out:
        return (
            f"the import took longer than the {spec.time_limit_minutes:g}-minute limit and was "
            f"stopped{after}; nothing from the file was imported"
        )
    if code == EXIT_MEMORY:
        return (
            f"the import needed more memory than the {spec.memory_mb:,} MB limit{after}; "
            "nothing from the file was imported (split the file, or ask an administrator)"
        )
    if code < 0:
        name = signal.Signals(-code).name
        return (
            f"the import process was stopped ({name}){after}, perhaps for lack of memory; "
            "nothing from the file was imported"
        )
    if not messages.ready:
        limit = f" within the {spec.memory_mb:,} MB memory limit" if spec.memory_mb > 0 else ""
        return (
            f"the import process could not start{limit} (exit status {code}); nothing was imported"
        )
    reason = messages.error or f"exit status {code}"
    return f"the import stopped with an error ({reason}); nothing from the file was imported"


# --- the child ----------------------------------------------------------------


def _say(message: str) -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _setup(database: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeplan.settings")
    import django

    django.setup()
    from django.db import connections

    # The parent's database, whatever the environment names (a test database, say).
    connections["default"].settings_dict["NAME"] = database


def _import(spec: ImportSpec) -> ChildOutcome:
    from datetime import date
    from pathlib import Path

    from django.contrib.auth import get_user_model

    from safeplan.imports.services import import_file

    user = get_user_model().objects.filter(pk=spec.user_id).first() if spec.user_id else None
    covers = (
        (date.fromisoformat(spec.covers[0]), date.fromisoformat(spec.covers[1]))
        if spec.covers
        else None
    )
    rows = [0]

    def progress(done: int) -> None:
        rows[0] = done
        _say(f"progress {done}")

    outcome = import_file(
        dataset=spec.dataset,
        path=Path(spec.path),
        source=spec.source,
        covers=covers,
        submitted_by=spec.submitted_by,
        user=user,
        file_name=spec.file_name,
        progress=progress,
        lock_wait=BACKGROUND_LOCK_WAIT_SECONDS,  # no request waits: let another import finish
    )
    return ChildOutcome(outcome.batch.pk, outcome.accepted, len(outcome.problems), rows[0])


def main() -> int:
    """The child: read the spec, limit memory, set up Django, import, report."""
    spec = ImportSpec(**json.loads(sys.stdin.read()))
    _limit_memory(spec.memory_mb)
    _setup(spec.database)
    _say("ready")
    try:
        outcome = _import(spec)
    except MemoryError:
        os.write(1, b"memory\n")
        return EXIT_MEMORY
    except Exception as exc:  # reported by name to the parent; the traceback to its log
        logger.exception("the import of %s failed", spec.file_name)
        _say(f"error {type(exc).__name__}: {str(exc)[:300]}")
        return EXIT_ERROR
    _say(f"result {json.dumps(outcome.__dict__)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
