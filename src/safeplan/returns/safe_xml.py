"""Stream an XML return safely: no DTD, no entities, no network, bounded size and elements.

`defusedxml` refuses DTDs, entity declarations and external references (the
billion-laughs and XXE attacks); the file's size is checked before it is
opened and every element counts against `Limits.max_elements` while it
streams, so a huge or hostile file stops early with a clear problem instead of
exhausting memory. Namespaces are dropped from tag names: a return is read by
its element names alone.

    for event, element in stream(file, limits=Limits()):
        if event == "end" and element.tag == "Child":
            ...
            element.clear()
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_tree
from defusedxml import DefusedXmlException

from safeplan.returns.files import check_size, refuse
from safeplan.returns.model import Limits, ReturnFile


def local_name(tag: str) -> str:
    """``{urn:dfe}Child`` → ``Child``."""
    return tag.rsplit("}", 1)[-1]


def stream(file: ReturnFile, *, limits: Limits) -> Iterator[tuple[str, Element]]:
    """``("start" | "end", element)`` pairs; raises `Refused` (R-R02, R-R03) on a bad file."""
    check_size(file, limits)
    count = 0
    try:
        for event, element in safe_tree.iterparse(
            str(file.path), events=("start", "end"), forbid_dtd=True
        ):
            if event == "start":
                count += 1
                if count > limits.max_elements:
                    raise refuse(
                        file,
                        "R-R03",
                        f"the file holds more than {limits.max_elements:,} XML elements, "
                        "the limit for a return",
                    )
                if "}" in element.tag:
                    element.tag = local_name(element.tag)
            yield event, element
    except ParseError as exc:
        line, column = exc.position
        raise refuse(
            file, "R-R02", f"the file is not well-formed XML (line {line}, column {column + 1})"
        ) from None
    except DefusedXmlException:
        raise refuse(
            file,
            "R-R02",
            "the file declares a DTD or entities, which a return never needs; "
            "it is refused for safety",
        ) from None


def root_tag(file: ReturnFile, *, limits: Limits) -> str:
    """The name of the root element, read without parsing the rest of the file."""
    for _event, element in stream(file, limits=limits):
        return element.tag
    raise refuse(file, "R-R05", "the file holds no XML element")


def text_of(element: Element | None, path: str = "") -> str:
    """The trimmed text of ``element`` (or of its first descendant at ``path``); ``""`` if none."""
    if element is None:
        return ""
    found = element.find(path) if path else element
    if found is None or found.text is None:
        return ""
    return found.text.strip()
