"""Models every app shares: the audit trail and the platform's own state."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing that happened to one object: who did it, when, the state change and what changed.

    Written by service functions in the same transaction as the change itself, never edited.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty for changes made by the system."),
    )
    content_type = models.ForeignKey(ContentType, models.PROTECT, verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=300)
    action = models.CharField(_("action"), max_length=50)
    from_state = models.CharField(_("from state"), max_length=30, blank=True)
    to_state = models.CharField(_("to state"), max_length=30, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class PlatformState(models.Model):
    """Single-row facts about this installation, such as whether demo data is loaded."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    initialised_at = models.DateTimeField(
        _("initialised at"), null=True, blank=True, help_text=_("When `p2c run` first set this installation up.")
    )
    demo_data_loaded_at = models.DateTimeField(_("demo data loaded at"), null=True, blank=True)
    demo_data_description = models.CharField(_("demo data"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("platform state")
        verbose_name_plural = _("platform state")

    def __str__(self) -> str:
        return str(_("Platform state"))

    @classmethod
    def current(cls) -> PlatformState:
        """Return the single row, creating it on first use."""
        state, _created = cls.objects.get_or_create(id=1)
        return state
