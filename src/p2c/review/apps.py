from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The secretariat's review screens at ``/review/``: the queue, the diff, the decisions."""

    name = "p2c.review"
    verbose_name = _("Review")
