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
