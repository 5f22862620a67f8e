from django.conf import settings
from django.db import models


class Profile(models.Model):
    """What safeplan knows about a user beyond Django's `User`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safeplan_profile"
    )
    agency = models.CharField(
        max_length=200,
        blank=True,
        help_text="The agency whose datasets an agency submitter may upload.",
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.agency or 'no agency'})"


class InterventionOwner(models.Model):
    """An action owner owns the actions of an intervention, named by its stable key.

    The key (``plans.selectors.intervention_key``: the slug of the name) and not
    the Intervention row, because loading a plan creates new rows each time.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_interventions"
    )
    intervention_key = models.SlugField(max_length=255)

    class Meta:
        ordering = ["user_id", "intervention_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "intervention_key"], name="intervention_owner_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} owns {self.intervention_key}"
