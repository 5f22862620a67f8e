"""Access in templates, decided by ``permissions.has_permission`` (never by role names).

{% load access %}
{% if user|can:"records.view" %}<a href="...">See the records</a>{% endif %}
{% can_on user "action.update" action as may_edit %}{% if may_edit %}...{% endif %}
"""

from __future__ import annotations

from django import template

from safeplan.accounts.permissions import has_permission

register = template.Library()


@register.filter
def can(user: object, perm: str) -> bool:
    """Whether the user holds a permission that does not depend on an object."""
    return has_permission(user, perm)  # type: ignore[arg-type]


@register.simple_tag
def can_on(user: object, perm: str, obj: object) -> bool:
    """Whether the user holds a permission for one object (an action, a dataset)."""
    return has_permission(user, perm, obj)  # type: ignore[arg-type]
