from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The dashboard: aggregates of published pledges, server-rendered SVG charts and the world map."""

    name = "p2c.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from p2c.dashboard import figures, freshness

        freshness.connect_receivers()
        figures.connect_receivers()
