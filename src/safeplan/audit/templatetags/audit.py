from __future__ import annotations

import json

from django import template

register = template.Library()


@register.filter
def as_json(value: object) -> str:
    """Before/after data as indented JSON, keys in order (autoescaped by the template)."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
