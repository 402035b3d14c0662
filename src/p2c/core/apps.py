from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared foundations: audit trail, money, Markdown, platform state."""

    name = "p2c.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        post_migrate.connect(_statistics_refresh_after_migrations, sender=self, dispatch_uid="p2c-core-analyze")


def _statistics_refresh_after_migrations(plan: Any = None, using: str = "default", **kwargs: Any) -> None:
    """Refresh the planner's statistics once migrations changed something.

    SQLite rebuilds a table to add a column, and the rebuilt table has no statistics: at 100,000
    pledges, a filtered explorer query then took 99 s instead of 0.1 s until ``ANALYZE`` ran.
    """
    if not plan:
        return
    from p2c.core.services import database_statistics_refresh

    database_statistics_refresh(using=using)
