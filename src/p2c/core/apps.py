from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared foundations: audit trail, money, Markdown, platform state."""

    name = "p2c.core"
    label = "core"
    verbose_name = _("Platform")
