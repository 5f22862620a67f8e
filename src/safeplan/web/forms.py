"""Forms of the web pages: commentary on a measure for a period."""

from __future__ import annotations

from django import forms


class CommentaryForm(forms.Form):
    """What the data says (required), why, and what is being done (scorecard.md, commentary)."""

    what_the_data_says = forms.CharField(
        label="What the data says",
        max_length=5000,
        error_messages={"required": "Enter what the data says"},
    )
    why = forms.CharField(label="Why", max_length=5000, required=False)
    what_is_being_done = forms.CharField(
        label="What is being done", max_length=5000, required=False
    )

    def clean_what_the_data_says(self) -> str:
        text = str(self.cleaned_data["what_the_data_says"]).strip()
        if not text:
            raise forms.ValidationError("Enter what the data says")
        return text
