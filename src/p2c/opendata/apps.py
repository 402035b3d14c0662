from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Bulk downloads of published pledges and the secretariat's bulk import (docs/opendata.md)."""

    name = "p2c.opendata"
    label = "opendata"
    verbose_name = _("Open data")
