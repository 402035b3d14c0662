"""Editorial content: pages (such as About, imported from WordPress), milestones and events."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """A moment at which pledges are announced: a roundtable, an annual meeting, a campaign."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_campaign = models.BooleanField(_("campaign"), default=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name


class Page(models.Model):
    """A page of prose served at ``/pages/<slug>/``; one of them may be the About page.

    Content is stored already sanitised. Pages imported from WordPress keep their source link,
    id and modification date, so importing the same document again updates the page.
    """

    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    content_html = models.TextField(_("content (sanitised HTML)"))
    language = models.CharField(_("language"), max_length=10, default="en")
    is_about = models.BooleanField(_("served at /about/"), default=False)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    source_id = models.CharField(_("source id"), max_length=100, blank=True)
    source_published_at = models.DateTimeField(_("first published at source"), null=True, blank=True)
    source_modified_at = models.DateTimeField(_("last modified at source"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["is_about"], condition=Q(is_about=True), name="content_one_about_page"),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A moment in the coalition's story: a threshold first crossed (automatic) or one the secretariat adds."""

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic", _("Threshold crossed")
        CURATED = "curated", _("Curated")

    class Metric(models.TextChoices):
        PLEDGES = "pledges", _("Published pledges")
        USD = "usd", _("Estimated USD")

    class Precision(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Month")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CURATED)
    achieved_on = models.DateField(_("date"))
    precision = models.CharField(_("date precision"), max_length=5, choices=Precision.choices, default=Precision.DAY)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    metric = models.CharField(_("metric"), max_length=10, choices=Metric.choices, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=20, decimal_places=2, null=True, blank=True)
    source_page = models.ForeignKey(
        Page, models.CASCADE, null=True, blank=True, related_name="milestones", verbose_name=_("from page")
    )
    source_position = models.PositiveSmallIntegerField(_("position in the page's timeline"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["achieved_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "threshold"], condition=Q(kind="automatic"), name="content_milestone_threshold_once"
            ),
            models.UniqueConstraint(
                fields=["source_page", "source_position"],
                condition=Q(source_page__isnull=False),
                name="content_milestone_page_position_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achieved_on:%Y-%m-%d} {self.title}"

    @property
    def display_title(self) -> str:
        """The title to show: a threshold's is written again in the active language; a curated one as typed."""
        if self.kind == self.Kind.AUTOMATIC and self.metric and self.threshold is not None:
            return milestone_title(self.metric, self.threshold)
        return self.title

    @property
    def title_language(self) -> str:
        """The language ``display_title`` is in: the page's for an imported entry, the interface's otherwise."""
        if self.kind == self.Kind.AUTOMATIC:
            return get_language() or settings.LANGUAGE_CODE
        if self.source_page is not None:
            return self.source_page.language
        return settings.LANGUAGE_CODE


def milestone_title(metric: str, threshold: Decimal) -> str:
    """ "1,000 published pledges", "USD 10 billion in published pledges", in the active language."""
    if metric == Milestone.Metric.USD:
        billions = threshold / Decimal(1_000_000_000)
        amount = number_format(billions, 0, force_grouping=True)
        return gettext("USD %(amount)s billion in published pledges") % {"amount": amount}
    count = int(threshold)
    return ngettext("%(count)s published pledge", "%(count)s published pledges", count) % {
        "count": number_format(count, force_grouping=True)
    }
