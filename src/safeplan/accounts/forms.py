from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator

from safeplan.accounts.permissions import AGENCY_DATASETS
from safeplan.accounts.roles import Role


class SignInForm(AuthenticationForm):
    """Django's sign-in form with GOV.UK wording for its errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {
            "invalid_login": "Enter a correct username and password. The password is case-sensitive.",
            "inactive": "This account has been switched off. Ask an administrator to switch it on.",
        }
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget = forms.PasswordInput()


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, role.value.capitalize()) for role in Role]


def _agency_choices() -> list[tuple[str, str]]:
    return [("", "No agency"), *((name, name) for name in AGENCY_DATASETS)]


class _RoleFields(forms.Form):
    role = forms.ChoiceField(
        label="Role", choices=_role_choices, error_messages={"required": "Select a role"}
    )
    agency = forms.ChoiceField(label="Agency", choices=_agency_choices, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("role") == Role.AGENCY_SUBMITTER.value and not cleaned.get("agency"):
            self.add_error("agency", "Select the agency of the agency submitter")
        return cleaned


class UserAddForm(_RoleFields):
    """An administrator adds a user: username, role, agency, first password."""

    username = forms.CharField(
        label="Username",
        max_length=150,
        error_messages={"required": "Enter a username"},
        validators=[UnicodeUsernameValidator()],
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter a password"},
        widget=forms.PasswordInput(),
    )

    field_order = ("username", "role", "agency", "password")


class UserRoleForm(_RoleFields):
    """An administrator changes a user's role, agency and (for action owners) interventions."""

    interventions = forms.MultipleChoiceField(
        label="Interventions they own", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, interventions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["interventions"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = interventions
