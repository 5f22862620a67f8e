"""``python -m benchmarks [PART]``: the whole benchmark (``make bench``) or one part of it.

python -m benchmarks                     # every figure at BENCH_SIZES (see benchmarks.suite)
python -m benchmarks pages               # only the pages under load (SQLite)
python -m benchmarks streaming           # import memory with file size, CSV and XLSX
python -m benchmarks returns             # reading the statutory returns of the demo county
python -m benchmarks disclosure          # disclosure control of a published quarter
python -m benchmarks fuzz                # the importers fuzzed: a million malformed rows
python -m benchmarks summary FILE.json   # print the issue's table from a results file
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path


def main() -> int:
    os.environ.setdefault("SAFEPLAN_MODE", "test")
    part, *rest = sys.argv[1:] or ["all"]
    if part == "all":
        from benchmarks import disclosure, fuzz, returns, suite

        suite.run()
        returns.run()
        disclosure.run()
        fuzz.run()
    elif part in ("returns", "disclosure", "fuzz"):
        importlib.import_module(f"benchmarks.{part}").run()
    elif part == "pages":
        from benchmarks import pages

        pages.run()
    elif part == "streaming":
        from benchmarks import streaming

        streaming.run()
    elif part == "summary" and rest:
        from benchmarks.suite import summary_lines

        print("\n".join(summary_lines(json.loads(Path(rest[0]).read_text()))))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
