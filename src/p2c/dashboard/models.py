"""The dashboard's one table: a counter that changes whenever what the dashboard counts changes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A single row whose ``number`` goes up whenever published pledges (or what they point at) change.

    The dashboard's cached aggregates are keyed by it (``p2c.dashboard.freshness``). It lives in the
    database, not in the cache, so that every web process sees a change at once, even when each
    has its own in-memory cache; it is increased in the same transaction as the change itself.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    number = models.PositiveBigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dashboard data version")
        verbose_name_plural = _("dashboard data version")

    def __str__(self) -> str:
        return f"{self.number}"


class PledgeFigure(models.Model):
    """What one published pledge names in each breakdown of the dashboard, precomputed (one row per pledge).

    A *signature* is the codes of the categories the pledge names in one dimension, sorted and
    comma-separated (``"KE,TZ,UG"``; empty when it names none), as the relation tables hold them
    (ids; ISO codes for countries; SDG numbers). ``sdgs``, ``target_groups`` and ``countries`` are
    signatures; ``tags`` joins with ``|`` those of the dimensions with few categories: focus
    areas, types of pledge, the top-level UN regions it names (by a country, the region itself or
    a region within it), one flag per grouping of the countries it names (LDC, LLDC, SIDS:
    ``"101"``), its lead entity's type, and the UN region of that entity's home country — such as
    ``"1,3|2|6|100|2|1"``. ``lead``, ``cents`` and ``day`` copy the pledge's lead entity, its
    estimated value in whole cents and its day of publication (UTC), so that the figures never read
    the (wide) pledge rows. A filtered dashboard groups the matching pledges by the four signature
    columns (four sorts of one row per pledge) and splits each signature into its ``k`` categories
    (``p2c.dashboard.aggregates.compute``). Kept in the same transaction as every change to what
    it is derived from (``p2c.dashboard.figures``); never edited by hand.
    """

    pledge = models.OneToOneField(
        "pledges.Pledge", models.CASCADE, primary_key=True, related_name="+", verbose_name=_("pledge")
    )
    tags = models.TextField(_("focus areas, types, UN regions, groupings, lead entity's type and home region"))
    sdgs = models.TextField(_("SDGs"), blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    countries = models.TextField(_("beneficiary countries"), blank=True)
    lead = models.BigIntegerField(_("lead entity"), null=True)
    cents = models.BigIntegerField(_("estimated value in US cents"), null=True, blank=True)
    day = models.CharField(_("day of publication (UTC)"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("dashboard figures of a pledge")
        verbose_name_plural = _("dashboard figures of pledges")

    def __str__(self) -> str:
        return f"{self.pledge_id}"


class WarmedDashboard(models.Model):
    """The dashboard, computed in the background for one data version (``p2c.dashboard.warm``).

    When the data version changes, a task computes the unfiltered figures and renders the page in
    every language, then renders again the filtered pages visitors asked for lately
    (``DashboardDemand``), so that no visitor waits for them. They are kept here, in the database,
    so that every web process finds them whatever the cache (one in-memory cache per process on
    the embedded default): one row of unfiltered figures (``language`` and ``state`` empty: the
    aggregates as JSON) and one row per page (the rendered body, zlib-compressed; it holds the
    overdue figures of ``day``), unfiltered (``state`` empty) or for the filters whose digest is
    ``state``. Only the rows of the latest version warmed are kept.
    """

    version = models.CharField(_("data version"), max_length=64)
    language = models.CharField(_("language"), max_length=16, blank=True)
    prefix = models.CharField(_("URL prefix"), max_length=200, blank=True)
    state = models.CharField(_("filters (digest)"), max_length=64, blank=True)
    day = models.DateField(_("day"))
    description = models.TextField(_("description"), blank=True)
    content = models.BinaryField(_("content"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("warmed dashboard")
        verbose_name_plural = _("warmed dashboards")
        constraints = [
            models.UniqueConstraint(fields=["version", "language", "prefix", "state"], name="dashboard_warmed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.language or 'figures'} {self.state}".rstrip()


class DashboardDemand(models.Model):
    """A filtered dashboard a visitor asked for lately: the background task renders it again after a change.

    Recorded when a request for a filtered page (well-formed filters) misses the cache; ``state``
    is the digest of its filters and URL prefix (as in the page's cache key) and ``query`` the
    filters themselves, as a query string. After every change of the data version, the task of
    ``p2c.dashboard.warm`` renders anew, in the language asked for, the most recently requested of
    them (``P2C_DASHBOARD_WARM_STATES``, within ``P2C_DASHBOARD_WARM_DAYS``), so that the first
    request after a publication finds its page ready. Older rows are deleted by the same task.
    """

    state = models.CharField(_("filters (digest)"), max_length=64)
    language = models.CharField(_("language"), max_length=16)
    prefix = models.CharField(_("URL prefix"), max_length=200, blank=True)
    query = models.TextField(_("filters (query string)"))
    requested_at = models.DateTimeField(_("last requested at"), db_index=True)

    class Meta:
        verbose_name = _("dashboard asked for")
        verbose_name_plural = _("dashboards asked for")
        constraints = [models.UniqueConstraint(fields=["state", "language"], name="dashboard_demand_once")]

    def __str__(self) -> str:
        return f"{self.query} ({self.language})"


class ExplorerDemand(models.Model):
    """A state of the explorer (filters, search and sort) a visitor asked for lately: the background
    task computes its totals and first page again after every change (``p2c.dashboard.explorer_warm``).

    Recorded when a request for the first page of a state misses the cache; ``state`` is the digest
    of its filters and search, then its sort (as in the cache key of its totals), and ``query`` the
    cleaned values as a query string. Rows older than ``P2C_EXPLORER_WARM_DAYS`` are deleted by the task.
    """

    state = models.CharField(_("filters, search and sort (digest)"), max_length=64, unique=True)
    query = models.TextField(_("filters, search and sort (query string)"))
    requested_at = models.DateTimeField(_("last requested at"), db_index=True)

    class Meta:
        verbose_name = _("explorer state asked for")
        verbose_name_plural = _("explorer states asked for")

    def __str__(self) -> str:
        return self.query or "(all published pledges)"


class WarmedResults(models.Model):
    """The explorer's totals and the ids of its first page for one state, computed in the background
    for one data version (``p2c.dashboard.explorer_warm``), so that the first visitor after a change
    finds them: in the database, where every web process reads them whatever the cache. Only the
    rows of the latest version warmed are kept; a row holds the figures of ``day`` (some filters,
    such as "overdue", depend on the date)."""

    version = models.CharField(_("data version"), max_length=64)
    state = models.CharField(_("filters, search and sort (digest)"), max_length=64)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("published pledges"))
    usd = models.DecimalField(_("estimated USD"), max_digits=24, decimal_places=2)
    valued = models.PositiveIntegerField(_("pledges stating an estimate"))
    ids = models.JSONField(_("ids of the first page"), default=list)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("warmed explorer results")
        verbose_name_plural = _("warmed explorer results")
        constraints = [models.UniqueConstraint(fields=["version", "state"], name="dashboard_results_warmed_once")]

    def __str__(self) -> str:
        return f"{self.version} {self.state}"
