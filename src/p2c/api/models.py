"""API tokens: how a large pledger's systems create, update and submit draft pledges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A secret that lets a program act for one entity through the write API, as the person who created it.

    Created by a focal point of the entity, who sees the secret once: only its SHA-256 hash is stored
    (secrets are long random strings, so a fast hash is enough: there is nothing to guess). The
    ``prefix`` identifies the token in lists and finds its row; ``revoked_at`` ends it for good. A
    token stops working as soon as its creator is no longer an active member of the entity.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read the organisation's pledges")
        WRITE = "write", _("Read, create, update and submit the organisation's pledges")

    entity = models.ForeignKey(
        "entities.Entity", models.CASCADE, related_name="api_tokens", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “CRM export”."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("SHA-256 of the token"), max_length=64, editable=False)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (p2c_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        """Whether the token has not been revoked (its creator's membership is checked on use)."""
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE
