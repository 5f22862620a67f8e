"""`safeplan.returns` sits at the bottom layer: no Django, no safeplan app but datasets and engine."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import safeplan.returns
from safeplan.datasets.schema import RULES
from safeplan.returns import RETURN_RULES

ALLOWED = ("safeplan.returns", "safeplan.datasets", "safeplan.engine")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_package_imports_no_django_and_no_app_above_it() -> None:
    folder = Path(safeplan.returns.__file__).parent
    modules = sorted(folder.glob("*.py"))
    assert len(modules) > 5
    for module in modules:
        for name in imported_modules(module):
            assert not name.startswith("django"), (module.name, name)
            if name.startswith("safeplan"):
                assert name.startswith(ALLOWED), (module.name, name)


def test_every_rule_the_adapters_name_is_in_the_rule_book() -> None:
    folder = Path(safeplan.returns.__file__).parent
    named = set()
    for module in folder.glob("*.py"):
        named |= set(re.findall(r'"(R-[A-Z]\d\d)"', module.read_text(encoding="utf-8")))
    assert {"R-R01", "R-V02"} <= named
    assert named <= set(RULES) | set(RETURN_RULES)
    assert set(RETURN_RULES) <= named  # no rule in the book that nothing raises
