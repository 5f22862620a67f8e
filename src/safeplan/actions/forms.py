"""Forms of the action pages; their messages are worded for the GOV.UK error summary."""

from __future__ import annotations

from typing import Any

from django import forms

from safeplan.actions.models import ActionStatus
from safeplan.actions.services import ActionInput, PlanKeys

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATE_HINT = "For example, 2024-04-01 or 01/04/2024"


def _date(label: str, required_message: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        error_messages={
            "required": required_message,
            "invalid": f"{label} must be a real date, like 2024-04-01",
        },
    )


def _percent() -> forms.IntegerField:
    message = "Enter % complete as a whole number from 0 to 100"
    return forms.IntegerField(
        label="% complete",
        min_value=0,
        max_value=100,
        error_messages={
            "required": message,
            "invalid": message,
            # These two are formatted with the limit as a parameter, so "%" is doubled.
            "min_value": message.replace("%", "%%"),
            "max_value": message.replace("%", "%%"),
        },
    )


def _status() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a status", "invalid_choice": "Select a status"},
    )


class ActionForm(forms.Form):
    """An action's stated fields; the service checks them against the plan."""

    intervention_key = forms.ChoiceField(
        label="Intervention",
        error_messages={
            "required": "Select the intervention the action belongs to",
            "invalid_choice": "Select the intervention the action belongs to",
        },
    )
    title = forms.CharField(label="Title", error_messages={"required": "Enter a title"})
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea)
    owner = forms.CharField(
        label="Owner",
        help_text="The person or role responsible",
        error_messages={"required": "Enter the owner of the action"},
    )
    agency = forms.CharField(label="Agency", required=False)
    themes = forms.MultipleChoiceField(
        label="Cross-cutting themes",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select themes of the active plan"},
    )
    start_date = _date("Start date", "Enter a start date")
    due_date = _date("Due date", "Enter a due date")
    percent_complete = _percent()
    status = _status()

    def __init__(self, *args: Any, keys: PlanKeys | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        interventions = keys.interventions if keys else {}
        themes = keys.themes if keys else {}
        choices = [("", "Select an intervention"), *interventions.items()]
        self.fields["intervention_key"].choices = choices  # type: ignore[attr-defined]
        self.fields["themes"].choices = list(themes.items())  # type: ignore[attr-defined]

    def action_input(self) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(
            intervention_key=data["intervention_key"],
            title=data["title"],
            description=data["description"],
            owner=data["owner"],
            agency=data["agency"],
            themes=tuple(data["themes"]),
            start_date=data["start_date"],
            due_date=data["due_date"],
            percent_complete=data["percent_complete"],
            status=data["status"],
        )


class ProgressForm(forms.Form):
    """A dated progress update."""

    on = _date("Date of the update", "Enter the date of the update")
    percent_complete = _percent()
    status = _status()
    note = forms.CharField(
        label="What has been done", required=False, widget=forms.Textarea, max_length=5000
    )


class CloseForm(forms.Form):
    """Closing an action as complete."""

    on = _date("Date completed", "Enter the date the action was completed")
    note = forms.CharField(
        label="Closing note", required=False, widget=forms.Textarea, max_length=5000
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV or XLSX file with the columns of the export",
        error_messages={
            "required": "Select a CSV or XLSX file",
            "empty": "The selected file is empty",
        },
    )


def add_service_errors(form: forms.Form, errors: dict[str, str]) -> None:
    """Show a service's field messages on the form (unknown fields go to the top)."""
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)
