"""The upload form: a file, a dataset the user may upload, and an optional coverage window."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from safeplan.datasets.schema import DATASETS

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
SOURCE_HELP = "Letters, digits, “_”, “-” or “.”; by default the dataset's name"


class UploadForm(forms.Form):
    dataset = forms.ChoiceField(
        label="Dataset",
        error_messages={
            "required": "Select the dataset the file holds",
            "invalid_choice": "Select a dataset your agency may submit",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV or XLSX file with one row per record",
        error_messages={
            "required": "Select a CSV or XLSX file",
            "empty": "The selected file is empty",
        },
    )
    covers_from = forms.DateField(
        label="Covers from",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="The first day the file covers, for example 2024-04-01 (leave blank if it has no window)",
        error_messages={"invalid": "Covers from must be a real date, like 2024-04-01"},
    )
    covers_to = forms.DateField(
        label="Covers to",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="The last day the file covers, for example 2025-03-31",
        error_messages={"invalid": "Covers to must be a real date, like 2025-03-31"},
    )

    def __init__(self, *args: Any, datasets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Select a dataset"), *((n, DATASETS[n].title) for n in datasets)]
        self.fields["dataset"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("covers_from"), data.get("covers_to")
        if (
            (start is None) != (end is None)
            and not self.has_error("covers_from")
            and not self.has_error("covers_to")
        ):
            missing = "covers_to" if end is None else "covers_from"
            self.add_error(missing, "Enter both dates of the coverage window, or neither")
        elif start is not None and end is not None and start > end:
            self.add_error("covers_to", "Covers to must be the same as or after covers from")
        return data

    def covers(self) -> tuple[date, date] | None:
        start, end = self.cleaned_data.get("covers_from"), self.cleaned_data.get("covers_to")
        return (start, end) if start is not None and end is not None else None


class WithdrawForm(forms.Form):
    """Confirming a withdrawal (a POST with the CSRF token is the confirmation)."""
