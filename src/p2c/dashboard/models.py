"""The dashboard's one table: a counter that changes whenever what the dashboard counts changes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A single row whose ``number`` goes up whenever published pledges (or what they point at) change.

    The dashboard's cached aggregates are keyed by it (``p2c.dashboard.freshness``). It lives in the
    database, not in the cache, so that every web process sees a change at once, even when each
    has its own in-memory cache; it is increased in the same transaction as the change itself.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    number = models.PositiveBigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dashboard data version")
        verbose_name_plural = _("dashboard data version")

    def __str__(self) -> str:
        return f"{self.number}"
