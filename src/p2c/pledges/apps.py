from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    """The pledges app."""

    name = "p2c.pledges"
    label = "pledges"
    verbose_name = _("Pledges")

    def ready(self) -> None:
        from p2c.pledges import facets, filters, search

        search.connect_receivers(self)
        filters.connect_receivers()
        facets.connect_receivers(self)
