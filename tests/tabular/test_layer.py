"""`safeplan.tabular` is neutral: no Django and no other safeplan module, so any layer may use it."""

from __future__ import annotations

from pathlib import Path

import safeplan.tabular
from tests.layers import imported_modules


def test_the_module_imports_no_django_and_nothing_else_of_safeplan() -> None:
    modules = sorted(Path(safeplan.tabular.__file__).parent.glob("*.py"))
    imported = {name for module in modules for name in imported_modules(module)}
    assert len(modules) >= 5
    assert not [n for n in imported if n.startswith("django")]
    assert not [
        n for n in imported if n.startswith("safeplan") and not n.startswith("safeplan.tabular")
    ]
