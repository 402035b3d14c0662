from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API at ``/api/v1/``: published data for everyone, drafts for holders of an entity's token."""

    name = "p2c.api"
    verbose_name = _("API")
