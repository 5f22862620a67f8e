"""Run every benchmark module and print its figures."""

from __future__ import annotations

import importlib
import os
import sys

MODULES = (
    "benchmarks.imports",
    "benchmarks.measures",
    "benchmarks.pages",
    "benchmarks.returns",
    "benchmarks.disclosure",
)


def main() -> int:
    os.environ.setdefault("SAFEPLAN_MODE", "test")
    only = sys.argv[1:]
    for name in MODULES:
        if only and name.rsplit(".", 1)[-1] not in only:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        print(f"== {name.rsplit('.', 1)[-1]} ==", flush=True)
        module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
