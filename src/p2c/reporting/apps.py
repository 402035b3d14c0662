from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Yearly progress reports on published pledges: cycles, reports, their review, reminders, freshness."""

    name = "p2c.reporting"
    label = "reporting"
    verbose_name = _("Progress reporting")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from p2c.reporting.freshness import cycles_forget
        from p2c.reporting.models import ReportingCycle

        post_save.connect(cycles_forget, sender=ReportingCycle, dispatch_uid="reporting_cycles_saved")
        post_delete.connect(cycles_forget, sender=ReportingCycle, dispatch_uid="reporting_cycles_deleted")
