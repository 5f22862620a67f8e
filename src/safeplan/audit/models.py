"""The audit trail: one row per change, import, computation or view of child-level records.

Append-only in the database itself: triggers installed by migration 0002
refuse every UPDATE and DELETE on the table, on SQLite and PostgreSQL alike
(see ``append_only.py`` and ADR 0008). Write rows only with
``safeplan.audit.services.audit_record``.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class AuditEvent(models.Model):
    """Who did what, when, to which object, with the object before and after."""

    at = models.DateTimeField(db_default=Now(), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # A user with a history is switched off, never deleted: the trail cannot change.
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(
        max_length=150, help_text="The username, or who ran a command (e.g. 'ana (command line)')."
    )
    action = models.CharField(max_length=60, help_text="What happened: 'target.update'.")
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    summary = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor_name", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type} {self.object_id}"
