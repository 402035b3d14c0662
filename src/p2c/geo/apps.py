from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    """Countries, regions and country groupings (reference data)."""

    name = "p2c.geo"
    label = "geo"
    verbose_name = _("Geography")
