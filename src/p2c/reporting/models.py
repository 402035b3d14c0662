"""Progress reporting: yearly cycles, the reports pledgers send in them, target actuals, reminders sent.

A published pledge's lead entity reports once per cycle (``ProgressReport``); a reviewer accepts
the report (or asks for clarification) before it becomes public. Accepting a report sets the
pledge's ``delivery_status`` and ``last_report_year`` (``p2c.reporting.transitions``). See
docs/reporting.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from p2c.pledges.models import Pledge, PledgeTarget

MIN_YEAR, MAX_YEAR = 2021, 2100


class ReportingCycle(models.Model):
    """A yearly round of progress reports: the period they cover, and the window in which they are due.

    The secretariat opens a cycle (at most one is open at a time) and closes it once it no longer
    takes late reports. Reports are accepted from ``opens_on`` while the cycle is open; ``closes_on``
    is the deadline the reminders count down to (a report sent after it is marked late).
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
        help_text=_("The year the reports are about, e.g. 2026."),
    )
    label = models.CharField(_("label"), max_length=100, blank=True, help_text=_("Optional, e.g. “2026 reports”."))
    period_start = models.DateField(_("period covered from"))
    period_end = models.DateField(_("period covered to"))
    opens_on = models.DateField(_("reports open on"))
    closes_on = models.DateField(_("reports due by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="open"),
                name="reporting_one_open_cycle",
                violation_error_message=_("Another reporting cycle is open: close it first."),
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="reporting_period_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="reporting_window_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The label, or “2026 progress reports”."""
        return self.label or str(_("%(year)s progress reports") % {"year": self.year})

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def accepting(self, today: dt.date | None = None) -> bool:
        """Whether pledgers may save and submit reports in this cycle today."""
        return self.is_open and (today or timezone.localdate()) >= self.opens_on

    def period_end_instant(self) -> dt.datetime:
        """The first moment (UTC) after the period: pledges published before it owe a report."""
        after = self.period_end + dt.timedelta(days=1)
        return dt.datetime(after.year, after.month, after.day, tzinfo=dt.UTC)


class ProgressReport(models.Model):
    """One pledge's account of its delivery in one cycle, reviewed before it is public.

    Only ``accepted`` reports are ever shown outside the pledger's workspace and the review
    screens. ``is_latest`` marks the pledge's accepted report of the latest cycle (whose status
    and disbursement are the pledge's current ones). ``version`` increases on every change, so
    that two people working on the same version cannot overwrite each other.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
        ACCEPTED = "accepted", _("Accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    pledge = models.ForeignKey(Pledge, models.CASCADE, related_name="progress_reports", verbose_name=_("pledge"))
    cycle = models.ForeignKey(ReportingCycle, models.PROTECT, related_name="reports", verbose_name=_("cycle"))
    state = models.CharField(_("state"), max_length=30, choices=State.choices, default=State.DRAFT)
    delivery_status = models.CharField(
        _("delivery status"), max_length=20, choices=Pledge.DeliveryStatus.choices, blank=True
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    usd_disbursed = models.DecimalField(
        _("USD disbursed to date"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    over_pledge_confirmed = models.BooleanField(_("more than pledged, confirmed"), default=False)
    over_pledge_note = models.TextField(_("why more than pledged"), blank=True)
    narrative = models.TextField(_("narrative"), blank=True, help_text=_("Markdown."))
    evidence_links = models.JSONField(_("evidence links"), default=list, blank=True)
    is_latest = models.BooleanField(_("latest accepted report of the pledge"), default=False, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "submitted_at"], name="reporting_state_submitted_idx"),
            models.Index(fields=["pledge", "state", "cycle"], name="reporting_pledge_state_idx"),
            models.Index(fields=["cycle", "state"], name="reporting_cycle_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "cycle"],
                condition=~models.Q(state="withdrawn"),
                name="reporting_one_report_per_cycle",
                violation_error_message=_("This pledge already has a report for this cycle."),
            ),
            models.UniqueConstraint(
                fields=["pledge"], condition=models.Q(is_latest=True), name="reporting_one_latest_report"
            ),
            models.CheckConstraint(
                condition=models.Q(usd_disbursed__isnull=True) | models.Q(usd_disbursed__gte=0),
                name="reporting_disbursed_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_complete__isnull=True) | models.Q(percent_complete__lte=100),
                name="reporting_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(is_latest=False) | models.Q(state="accepted"), name="reporting_latest_is_accepted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge.reference} · {self.cycle.year}"

    @property
    def is_public(self) -> bool:
        """Whether anyone may see this report: accepted, on a published pledge."""
        return self.state == self.State.ACCEPTED and self.pledge.state == Pledge.State.PUBLISHED

    @property
    def is_late(self) -> bool:
        """Submitted after the cycle's deadline."""
        return self.submitted_at is not None and timezone.localdate(self.submitted_at) > self.cycle.closes_on


class TargetActual(models.Model):
    """Where one of the pledge's structured targets stands, as reported: a value in the target's unit.

    The target's indicator, unit, baseline, value and year are copied when the report is saved,
    so that the report still says what it measured if the pledge's targets are later revised.
    """

    report = models.ForeignKey(ProgressReport, models.CASCADE, related_name="actuals", verbose_name=_("report"))
    target = models.ForeignKey(
        PledgeTarget, models.SET_NULL, null=True, blank=True, related_name="actuals", verbose_name=_("target")
    )
    indicator = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(_("baseline"), max_digits=20, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=20, decimal_places=2)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    actual_value = models.DecimalField(_("actual value"), max_digits=20, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target actual")
        verbose_name_plural = _("target actuals")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "target"], condition=models.Q(target__isnull=False), name="reporting_one_actual"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.actual_value} {self.unit}"

    @property
    def progress(self) -> int | None:
        """How far from the baseline (0 when none) towards the target the actual value is, in percent (0–100)."""
        if self.actual_value is None:
            return None
        start = self.baseline or 0
        span = self.target_value - start
        if span == 0:
            return 100 if self.actual_value == self.target_value else 0
        share = (self.actual_value - start) / span * 100
        return int(max(Decimal(0), min(Decimal(100), share)))


class ReminderSent(models.Model):
    """A reminder digest sent to an entity's members for a cycle: at most one of each kind, ever.

    The row is inserted in the same transaction that queues the emails (sent after it commits), and
    the unique constraint refuses a second one: running the reminder job twice sends nothing twice.
    """

    class Kind(models.TextChoices):
        OPENED = "opened", _("The cycle is open")
        CLOSING = "closing", _("Two weeks before the deadline")
        OVERDUE = "overdue", _("After the deadline, reports missing")

    entity = models.ForeignKey(
        "entities.Entity", models.CASCADE, related_name="reminders_sent", verbose_name=_("entity")
    )
    cycle = models.ForeignKey(ReportingCycle, models.CASCADE, related_name="reminders_sent", verbose_name=_("cycle"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sent_on = models.DateField(_("sent for the day"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    pledges = models.PositiveIntegerField(_("pledges listed"), default=0)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "cycle", "kind"], name="reporting_one_reminder_of_a_kind")
        ]

    def __str__(self) -> str:
        return f"{self.entity} · {self.cycle.year} · {self.kind}"
