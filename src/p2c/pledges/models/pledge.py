"""The pledge: one commitment by a lead entity, with partners, targets, geography and money."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from p2c.core.money import money_errors
from p2c.pledges.models.taxonomy import SDG, FocusArea, Pillar, PledgeType, TargetGroup

TITLE_MAX_LENGTH = 250
# The languages a pledge's own text may be written in: the interface's six UN languages.
CONTENT_LANGUAGES = settings.LANGUAGES


class Pledge(models.Model):
    """One commitment by a lead entity, reviewed by the secretariat before it becomes public.

    Only pledges in state ``published`` are public. ``version`` increases on every save through
    the services, so that two people editing the same version cannot overwrite each other.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        # A revision whose changes were copied onto the published pledge it revised.
        APPLIED = "applied", _("Revision published")

    class Scope(models.TextChoices):
        GLOBAL = "global", _("Global")
        REGIONS = "regions", _("Regions")
        COUNTRIES = "countries", _("Countries")

    class Additionality(models.TextChoices):
        NEW = "new", _("New commitment")
        EXPANDED = "expanded", _("Expansion of an existing programme")
        EXISTING = "existing", _("Existing programme")

    class DeliveryStatus(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        DELAYED = "delayed", _("Delayed")
        COMPLETED = "completed", _("Completed")
        DISCONTINUED = "discontinued", _("Discontinued")

    class UsdSource(models.TextChoices):
        USD = "usd", _("Pledged in USD")
        ECB = "ecb", _("Converted at the ECB reference rate")
        PLEDGER = "pledger", _("Estimated by the pledger")

    reference = models.CharField(_("reference"), max_length=20, unique=True, help_text=_("e.g. P2C-2026-0042"))
    external_reference = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        default="",
        help_text=_(
            "The pledge's identifier in another registry it was imported from (p2c.opendata bulk import); "
            "unique per lead entity, so that importing the same file again updates the pledge."
        ),
    )
    # Blank only while a draft: submission_errors() requires it.
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH, blank=True)
    summary = models.CharField(_("summary"), max_length=600, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    language = models.CharField(
        _("language of the text"),
        max_length=10,
        choices=CONTENT_LANGUAGES,
        default="en",
        help_text=_("The language the pledger wrote the title, summary and description in; pages mark it with lang."),
    )
    entity_names = models.TextField(
        _("entity names (for search)"),
        blank=True,
        default="",
        editable=False,
        help_text=_("Names and acronyms of the lead entity and partners, kept by p2c.pledges.search."),
    )
    lead_entity = models.ForeignKey(
        "entities.Entity", models.PROTECT, related_name="led_pledges", verbose_name=_("lead entity")
    )
    partners = models.ManyToManyField(
        "entities.Entity",
        through="PledgePartner",
        blank=True,
        related_name="partner_pledges",
        verbose_name=_("partners"),
    )

    focus_areas = models.ManyToManyField(FocusArea, blank=True, related_name="pledges", verbose_name=_("focus areas"))
    pillars = models.ManyToManyField(Pillar, blank=True, related_name="pledges", verbose_name=_("pillars"))
    pledge_types = models.ManyToManyField(
        PledgeType, blank=True, related_name="pledges", verbose_name=_("pledge types")
    )
    sdgs = models.ManyToManyField(SDG, blank=True, related_name="pledges", verbose_name=_("SDGs"))
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="pledges", verbose_name=_("target groups")
    )

    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.COUNTRIES)
    regions = models.ManyToManyField("geo.Region", blank=True, related_name="pledges", verbose_name=_("regions"))
    countries = models.ManyToManyField(
        "geo.Country", blank=True, related_name="pledges", verbose_name=_("beneficiary countries")
    )

    pledged_on = models.DateField(
        _("pledged on"), default=timezone.localdate, help_text=_("The date of the pledge; its USD rate is taken then.")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. EUR."))
    usd_estimate = models.DecimalField(
        _("estimated value (USD)"), max_digits=20, decimal_places=2, null=True, blank=True, db_index=True
    )
    usd_rate = models.DecimalField(
        _("USD per unit of currency"), max_digits=24, decimal_places=10, null=True, blank=True
    )
    usd_rate_date = models.DateField(_("rate date"), null=True, blank=True)
    usd_source = models.CharField(_("USD estimate source"), max_length=10, choices=UsdSource.choices, blank=True)

    additionality = models.CharField(
        _("new or existing"), max_length=10, choices=Additionality.choices, default=Additionality.NEW
    )
    seeking_partners = models.BooleanField(_("seeking partners"), default=False)
    event = models.ForeignKey(
        "content.Event",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="pledges",
        verbose_name=_("announced at"),
    )

    state = models.CharField(_("review state"), max_length=20, choices=State.choices, default=State.DRAFT)
    delivery_status = models.CharField(_("delivery status"), max_length=20, choices=DeliveryStatus.choices, blank=True)
    # Kept by p2c.reporting when a progress report is accepted (a queryset update: never edited here).
    last_report_year = models.PositiveSmallIntegerField(
        _("last accepted report (cycle year)"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("The year of the latest reporting cycle with an accepted progress report; empty if none."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    revision_of = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("revision of"),
        help_text=_(
            "Set on a proposed change to a published pledge. The published pledge stays public and "
            "unchanged until a reviewer publishes the revision, which copies its content onto it."
        ),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-published_at", "-id"]
        permissions = [("review_pledge", _("Can review, publish and reject pledges"))]
        indexes = [
            models.Index(fields=["state", "published_at"], name="pledges_state_published_idx"),
            models.Index(fields=["lead_entity", "state"], name="pledges_entity_state_idx"),
            # The explorer's title sort; its value sort and full-text indexes are vendor-specific
            # and live in migration 0002_search (see p2c.pledges.search).
            models.Index(fields=["state", "title", "id"], name="pledges_state_title_idx"),
            # "Overdue" (p2c.reporting.freshness): published pledges whose end date has passed.
            models.Index(fields=["state", "end_date"], name="pledges_state_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0), name="pledges_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="pledges_end_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(published_at__isnull=False),
                name="pledges_published_has_date",
            ),
            # Re-importing a file finds its pledges again by (lead entity, external reference).
            models.UniqueConstraint(
                fields=["lead_entity", "external_reference"],
                condition=~models.Q(external_reference=""),
                name="pledges_unique_external_reference",
                violation_error_message=_("This lead entity already has a pledge with this external reference."),
            ),
            # A revision is never public itself: publishing it changes the pledge it revises.
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(revision_of__isnull=True),
                name="pledges_revision_never_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_revision(self) -> bool:
        """Whether this row proposes changes to a published pledge rather than being a pledge itself."""
        return self.revision_of_id is not None

    @property
    def is_public(self) -> bool:
        """Whether anyone may see this pledge."""
        return self.state == self.State.PUBLISHED

    def clean(self) -> None:
        """Check what can be checked on the row alone (relations are checked by the services)."""
        errors: dict[str, list[str]] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors.setdefault("end_date", []).append(str(_("The end date is before the start date.")))
        errors_money = money_errors(
            amount=self.amount, currency=self.currency, usd_estimate=self.usd_estimate, on_date=self.pledged_on
        )
        for field, messages in errors_money.items():
            errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)


class PledgePartner(models.Model):
    """Another entity taking part in a pledge, and how: co-pledger, implementing partner or funder."""

    class Role(models.TextChoices):
        CO_PLEDGER = "co_pledger", _("Co-pledger")
        IMPLEMENTER = "implementer", _("Implementing partner")
        FUNDER = "funder", _("Funder")

    pledge = models.ForeignKey(Pledge, models.CASCADE, related_name="partnerships", verbose_name=_("pledge"))
    entity = models.ForeignKey("entities.Entity", models.PROTECT, related_name="partnerships", verbose_name=_("entity"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CO_PLEDGER)

    class Meta:
        verbose_name = _("pledge partner")
        verbose_name_plural = _("pledge partners")
        constraints = [models.UniqueConstraint(fields=["pledge", "entity"], name="pledges_partner_unique")]

    def __str__(self) -> str:
        return f"{self.entity} ({self.get_role_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        from p2c.pledges.facets import pledge_facets_refresh
        from p2c.pledges.search import entity_names_refresh_on_commit

        entity_names_refresh_on_commit([self.pledge_id])
        pledge_facets_refresh([self.pledge_id])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Delete, and refresh the pledge's searchable entity names (queryset deletes do not)."""
        pledge_id = self.pledge_id
        deleted = super().delete(*args, **kwargs)
        from p2c.pledges.facets import pledge_facets_refresh
        from p2c.pledges.search import entity_names_refresh_on_commit

        entity_names_refresh_on_commit([pledge_id])
        pledge_facets_refresh([pledge_id])
        return deleted

    def clean(self) -> None:
        """A lead entity cannot also be its own partner."""
        if self.pledge_id and self.entity_id and self.pledge.lead_entity_id == self.entity_id:
            raise ValidationError({"entity": _("The lead entity cannot also be a partner of its own pledge.")})


class PledgeFacets(models.Model):
    """The filter values of one published pledge as tokens (``fa3 cke grpldc sdg4 …``), for the explorer.

    Kept by ``p2c.pledges.facets`` (only published pledges have a row) and indexed by a full-text
    index (FTS5 on SQLite, GIN on PostgreSQL), so that a combination of filters is one index lookup
    instead of an intersection of relation tables. An implementation detail of
    ``p2c.pledges.filters.pledge_filter``; docs/explorer.md, "The facet index".
    """

    pledge = models.OneToOneField(
        Pledge, models.CASCADE, primary_key=True, related_name="facets", verbose_name=_("pledge")
    )
    tokens = models.TextField(_("facet tokens"), blank=True, default="")

    class Meta:
        verbose_name = _("pledge facets")
        verbose_name_plural = _("pledge facets")

    def __str__(self) -> str:
        return f"{self.pledge_id}: {self.tokens}"


class PledgeTarget(models.Model):
    """A measurable promise within a pledge: an indicator, its unit, a baseline and a target by a year."""

    pledge = models.ForeignKey(Pledge, models.CASCADE, related_name="targets", verbose_name=_("pledge"))
    indicator = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(_("baseline"), max_digits=20, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=20, decimal_places=2)
    target_year = models.PositiveSmallIntegerField(
        _("target year"), validators=[MinValueValidator(2021), MaxValueValidator(2100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.target_value} {self.unit} by {self.target_year}"

    def clean(self) -> None:
        """A target must go somewhere from its baseline."""
        if self.baseline is not None and self.target_value is not None and self.baseline == self.target_value:
            raise ValidationError({"target_value": _("The target value equals the baseline.")})


class ReferenceCounter(models.Model):
    """The last public reference number handed out for a year (``P2C-<year>-<number>``)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
