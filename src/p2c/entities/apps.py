from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitiesConfig(AppConfig):
    """The entities app."""

    name = "p2c.entities"
    label = "entities"
    verbose_name = _("Entities")
