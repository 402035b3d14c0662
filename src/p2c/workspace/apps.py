from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The pledger's workspace at ``/my/``: their entities' pledges, the pledge form, submitting."""

    name = "p2c.workspace"
    verbose_name = _("Pledger's workspace")
