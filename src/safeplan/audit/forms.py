from __future__ import annotations

from typing import Any

from django import forms

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]


class AuditFilterForm(forms.Form):
    """The audit page's filters, read from the query string (GET): every one optional."""

    action = forms.ChoiceField(label="Action", required=False)
    actor = forms.CharField(label="Who", required=False, max_length=150)
    object_type = forms.CharField(label="Kind of object", required=False, max_length=60)
    since = forms.DateField(label="From", required=False, input_formats=DATE_FORMATS)
    until = forms.DateField(label="To", required=False, input_formats=DATE_FORMATS)

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefixes = sorted({a.split(".")[0] + "." for a in actions if "." in a})
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [
            ("", "All actions"),
            *((p, f"Any {p[:-1]} action") for p in prefixes),
            *((a, a) for a in actions),
        ]
        for name in ("since", "until"):
            self.fields[name].error_messages["invalid"] = (
                f"{self.fields[name].label} must be a real date, like 2026-04-01"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "To must be the same as or after From")
        return cleaned
