"""What an import found: its problems and its warnings, listed up to a bound and then counted.

A file with a million bad rows must not hold a million problems in memory:
problems past the limit are counted and summed up in one R-F05 note; warnings
past theirs are counted per rule. The importer sets the limits
(`services.MAX_PROBLEMS`, `services.LISTED_WARNINGS`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from safeplan.imports.validation import ImportProblem, Where


@dataclass
class Problems:
    """Problems found so far; past `limit` they are only counted, to bound memory."""

    where: Where
    limit: int
    listed: list[ImportProblem] = field(default_factory=list)
    unlisted: int = 0

    def add(self, problems: Sequence[ImportProblem]) -> None:
        room = self.limit - len(self.listed)
        self.listed += problems[:room]
        self.unlisted += max(len(problems) - room, 0)

    def all(self) -> list[ImportProblem]:
        if not self.unlisted:
            return self.listed
        note = self.where.problem(
            "R-F05",
            f"{self.unlisted:,} further problems were found but not listed; "
            "correct the problems above and import again",
        )
        return [*self.listed, note]


@dataclass
class Warnings:
    """Warnings found so far: the first `limit` listed, the rest counted by rule."""

    where: Where
    limit: int
    listed: list[ImportProblem] = field(default_factory=list)
    unlisted: Counter[str] = field(default_factory=Counter)

    def add(self, warnings: Iterator[ImportProblem] | Sequence[ImportProblem]) -> None:
        for warning in warnings:
            if len(self.listed) < self.limit:
                self.listed.append(warning)
            else:
                self.unlisted[warning.rule] += 1

    def all(self) -> list[ImportProblem]:
        notes = [
            self.where.problem(rule, f"{count:,} further warnings like these were not listed")
            for rule, count in sorted(self.unlisted.items())
        ]
        return [*self.listed, *notes]
