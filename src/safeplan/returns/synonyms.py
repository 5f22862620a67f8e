"""The Annex A synonym table (`annex_a.toml`): header wordings and coded values, kept as data.

`synonym_table()` loads and checks the table once. A header is matched after
`normalise_header`; a coded value through `SynonymTable.code`, which tries the
whole value, its leading code, then both again without an enumerator.

>>> table = synonym_table()
>>> [table.code("sex", v) for v in ("a) Male", "1 - Male", "M", "d) Neither")]
['M', 'M', 'M', None]
>>> table.code("referral_source", "q) 6: Police"), table.code("primary_need", "N1 - Abuse or Neglect")
('6', 'N1')
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from safeplan.datasets.schema import DATASETS

#: Each vocabulary's canonical codes, from the one description of the datasets.
VOCABULARIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "sex": DATASETS["children"].column("sex").codes,
        "ethnicity": DATASETS["children"].column("ethnicity").codes,
        "referral_source": DATASETS["referrals"].column("source").codes,
        "primary_need": DATASETS["cases"].column("primary_need").codes,
        "cp_category": DATASETS["cp_plans"].column("initial_category").codes,
        "flag": ("Y", "N"),
    }
)

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")
_LEADING_CODE = re.compile(r"\s*(?::|\s-\s|\s)\s*")


def normalise_header(text: str) -> str:
    """``"Referral NFA?"`` → ``"referral nfa"``: case, quotes and punctuation ignored."""
    return _NOT_WORD.sub(" ", text.translate(_QUOTES).casefold()).strip()


def normalise_value(text: str) -> str:
    """Case and spaces ignored, dashes and quotes straightened; punctuation kept."""
    return _SPACES.sub(" ", text.translate(_QUOTES).casefold()).strip()


@dataclass(frozen=True)
class ListSpec:
    """One Annex A list: its number, what it holds, the fields that identify it, its headers."""

    key: str
    number: int
    title: str
    identify: tuple[str, ...]
    headers: Mapping[str, str]  # normalised wording → field
    explain: tuple[tuple[tuple[str, ...], str], ...]

    @property
    def name(self) -> str:
        return f"List {self.number} ({self.title})"


@dataclass(frozen=True)
class SynonymTable:
    """`annex_a.toml` read and checked."""

    header_rows: int
    enumerators: tuple[re.Pattern[str], ...]
    blank: frozenset[str]
    common: Mapping[str, str]  # normalised wording → field
    lists: tuple[ListSpec, ...]
    values: Mapping[str, Mapping[str, str]]  # vocabulary → normalised wording → code

    def field(self, spec: ListSpec, header: str) -> str | None:
        """The list's field a header names (its own wordings first, then the common ones)."""
        wording = normalise_header(header)
        return spec.headers.get(wording) or self.common.get(wording)

    def is_blank(self, text: str) -> bool:
        return text.strip().upper() in self.blank

    def code(self, vocabulary: str, text: str) -> str | None:
        """The canonical code a coded value means, or ``None`` when it is unknown."""
        table = self.values[vocabulary]
        value = normalise_value(text)
        for attempt in (value, *(p.sub("", value, count=1) for p in self.enumerators)):
            found = table.get(attempt) or table.get(_LEADING_CODE.split(attempt, maxsplit=1)[0])
            if found:
                return found
        return None


@cache
def synonym_table() -> SynonymTable:
    """The table shipped with safeplan, loaded once; a malformed table raises `ValueError`."""
    text = resources.files("safeplan.returns").joinpath("annex_a.toml").read_text("utf-8")
    return parse_synonyms(tomllib.loads(text))


def parse_synonyms(data: Mapping[str, Any]) -> SynonymTable:
    """Check and index a synonym table read from TOML."""
    reading = data["reading"]
    return SynonymTable(
        header_rows=int(reading["header_rows"]),
        enumerators=tuple(re.compile(p) for p in reading["enumerators"]),
        blank=frozenset(b.upper() for b in reading["blank"]),
        common=MappingProxyType(_wordings(data["common"], "[common]")),
        lists=tuple(_list(key, spec) for key, spec in data["lists"].items()),
        values=MappingProxyType(
            {name: _vocabulary(name, data["values"].get(name, {})) for name in VOCABULARIES}
        ),
    )


def _wordings(fields: Mapping[str, list[str]], where: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, wordings in fields.items():
        for wording in wordings:
            key = normalise_header(wording)
            if index.get(key, name) != name:
                raise ValueError(f"{where}: “{wording}” names both {index[key]} and {name}")
            index[key] = name
    return index


def _list(key: str, spec: Mapping[str, Any]) -> ListSpec:
    headers = _wordings(spec["headers"], f"[lists.{key}]")
    unknown = [name for name in spec["identify"] if name not in spec["headers"]]
    if unknown:
        raise ValueError(f"[lists.{key}] identifies by {unknown}, which it has no headers for")
    return ListSpec(
        key=key,
        number=int(spec["number"]),
        title=str(spec["title"]),
        identify=tuple(spec["identify"]),
        headers=MappingProxyType(headers),
        explain=tuple(
            (tuple(normalise_header(c) for c in e["contains"]), str(e["note"]))
            for e in spec.get("explain", ())
        ),
    )


def _vocabulary(name: str, synonyms: Mapping[str, list[str]]) -> Mapping[str, str]:
    codes = VOCABULARIES[name]
    table = {normalise_value(c): c for c in codes}
    for code, wordings in synonyms.items():
        if code not in codes:
            raise ValueError(
                f"[values.{name}]: {code} is not a code of {name} ({', '.join(codes)})"
            )
        for wording in wordings:
            key = normalise_value(wording)
            if table.get(key, code) != code:
                raise ValueError(f"[values.{name}]: “{wording}” means both {table[key]} and {code}")
            table[key] = code
    return MappingProxyType(table)
