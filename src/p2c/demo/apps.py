from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Clearly fictitious demo data for trying the platform and for benchmarks (no models)."""

    name = "p2c.demo"
    label = "demo"
    verbose_name = _("Demo data")
