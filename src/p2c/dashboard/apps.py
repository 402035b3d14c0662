from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The dashboard app: server-rendered SVG charts and the world map (no models)."""

    name = "p2c.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")
