"""From aggregates to what the dashboard shows: figures, charts, tables, CSV rows and explorer links.

Everything here is presentation over :class:`p2c.dashboard.aggregates.Aggregates` (numbers keyed by
ids and codes) and the explorer's reference data (labels, in the current language). Nothing here
queries pledges.

Links: the explorer takes the same parameters as the dashboard, so the pledges behind a figure are
the explorer's URL for the current filters plus the figure's own facet (:func:`facet_url`). When
the facet is itself filtered, only a value among those chosen can be linked exactly (the explorer
ORs the values of one parameter): the others get no link and the chart says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from p2c.content.models import Milestone
from p2c.content.selectors import timeline_milestones
from p2c.dashboard import aggregates as agg
from p2c.dashboard.freshness import data_version
from p2c.dashboard.map import Value, world_map
from p2c.dashboard.svg import Milestone as Mark
from p2c.dashboard.svg import (
    PairedRow,
    cumulative_chart,
    format_number,
    format_usd_compact,
    paired_bar_chart,
)
from p2c.dashboard.tables import Cell, DataTable, csv_response_rows, data_table_html, milestones_data_table
from p2c.geo.models import Country
from p2c.pledges.filters import FILTER_PARAMS, MAX_VALUES, STATE_PARAMS, FilterResult, filter_pairs, pledge_filter

MAX_MILESTONES = 40  # marked on the time chart; the timeline lists every one
NARROW = 360  # the charts' width on phones, in SVG units (CSS pixels at their natural size)
WIDE = 720  # the time chart's width on wider screens
NUMERIC_CACHE_SECONDS = 300


# --- Links ------------------------------------------------------------------------------------------
def explorer_url(pairs: Iterable[tuple[str, str]]) -> str:
    """The explorer's URL for these parameters."""
    query = "&".join(_encoded(name, value) for name, value in pairs)
    base = _path("pledges:explorer", get_urlconf(), get_language())
    return f"{base}?{query}" if query else base


@functools.lru_cache(maxsize=4096)
def _encoded(name: str, value: str) -> str:
    """``urlencode([(name, value)])``, once per pair (a page builds hundreds of links from a few pairs)."""
    return urlencode([(name, value)])


@functools.lru_cache(maxsize=64)
def _path(name: str, urlconf: Any, language: str | None) -> str:
    """``reverse(name)``, once per URL configuration and language (a page builds hundreds of links; the
    path starts with the language's prefix, so ``language`` must be the active one)."""
    return reverse(name, urlconf=urlconf)


def facet_url(result: FilterResult, param: str, value: str) -> str | None:
    """The explorer showing exactly the filtered pledges that have ``param=value``; ``None`` if it cannot.

    Not filtered by ``param``: the current filters plus ``param=value``. Filtered by ``param`` with
    ``value`` among the values chosen: the current filters with ``param=value`` alone (the pledges
    having ``value`` are among those having any of the chosen). Any other value cannot be shown.
    """
    chosen = result.values.get(param, [])
    if chosen and value not in chosen:
        return None
    pairs = [(name, v) for name, v in filter_pairs(result) if name != param]
    pairs.append((param, value))
    ordered = sorted(pairs, key=lambda nv: STATE_PARAMS.index(nv[0]) if nv[0] in STATE_PARAMS else len(STATE_PARAMS))
    return explorer_url(ordered)


def dashboard_url(
    pairs: Iterable[tuple[str, str]], *, name: str = "dashboard:dashboard", args: Sequence[str] = ()
) -> str:
    """A dashboard URL (the page or a CSV) for these parameters."""
    query = urlencode(list(pairs))
    base = reverse(name, args=args)
    return f"{base}?{query}" if query else base


# --- Money -----------------------------------------------------------------------------------------
def dollars(cents: int) -> Decimal:
    """Cents as a ``Decimal`` amount of dollars, exact: 123456 -> 1234.56."""
    return Decimal(cents).scaleb(-2)


def usd_text(cents: int) -> str:
    """A compact amount for charts and tables: ``USD 3.1 bn``."""
    return format_usd_compact(dollars(cents))


def pledges_text(count: int) -> str:
    return ngettext("%(count)s pledge", "%(count)s pledges", count) % {"count": format_number(count)}


# --- Reference data the dashboard needs beyond the explorer's ------------------------------------------
def country_numeric() -> dict[str, str]:
    """``{iso2: ISO numeric code}`` (the map's keys), cached for a few minutes."""
    key = "p2c:dashboard:country-numeric:v1"
    found: dict[str, str] | None = cache.get(key)
    if found is None:
        found = dict(Country.objects.values_list("iso2", "numeric"))
        cache.set(key, found, NUMERIC_CACHE_SECONDS)
    return found


# --- Breakdowns ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Category:
    """A category as shown: its code in the explorer, its label, its figures and its link."""

    code: str
    label: str
    pledges: int
    cents: int
    href: str | None
    css_class: str = ""
    bucket: bool = False  # the pledges naming no category: no explorer parameter selects them


@dataclass(frozen=True)
class Dimension:
    """How one breakdown is labelled, linked and explained."""

    key: str  # the aggregates' dimension
    slug: str  # in the CSV's URL and the chart's id
    param: str  # the explorer parameter
    title: Any
    category: Any  # the heading of the first column
    description: Any  # what the chart counts (its text alternative starts with it)
    bucket: Any  # the label of the pledges naming none
    single: bool = False  # one category per pledge (the lead entity's type or region): nothing overlaps


DIMENSIONS = [
    Dimension(
        agg.FOCUS_AREA,
        "focus-areas",
        "focus_area",
        _("Focus areas"),
        _("Focus area"),
        _(
            "Published pledges in each focus area, and their estimated value split equally between the focus areas "
            "each pledge names."
        ),
        _("No focus area given"),
    ),
    Dimension(
        agg.PLEDGE_TYPE,
        "pledge-types",
        "type",
        _("Types of pledge"),
        _("Type of pledge"),
        _("Published pledges of each type, and their estimated value split equally between the types each pledge has."),
        _("No type given"),
    ),
    Dimension(
        agg.ENTITY_TYPE,
        "entity-types",
        "entity_type",
        _("Who pledges"),
        _("Type of lead entity"),
        _("Published pledges by the type of their lead entity, and their estimated value."),
        _("Unknown"),
        single=True,
    ),
    Dimension(
        agg.REGION,
        "regions",
        "m49_region",
        _("Where pledges are implemented"),
        _("UN region"),
        _(
            "Published pledges naming each UN region (by a country in it, itself or a region within it), and their "
            "estimated value split equally between the regions each pledge names."
        ),
        _("No UN region named (worldwide, or an ITU region only)"),
    ),
    Dimension(
        agg.HOME_REGION,
        "home-regions",
        "home_region",
        _("Where pledgers are based"),
        _("Home region of the lead entity"),
        _("Published pledges by the UN region of their lead entity’s home country, and their estimated value."),
        _("Lead entity without a home country"),
        single=True,
    ),
    Dimension(
        agg.SDG,
        "sdgs",
        "sdg",
        _("Sustainable Development Goals"),
        _("SDG"),
        _(
            "Published pledges tagged with each Sustainable Development Goal, and their estimated value split equally "
            "between the goals each pledge is tagged with."
        ),
        _("No SDG given"),
    ),
    Dimension(
        agg.TARGET_GROUP,
        "target-groups",
        "target_group",
        _("Who benefits"),
        _("Target group"),
        _(
            "Published pledges meant to benefit each group, and their estimated value split equally between the groups "
            "each pledge names."
        ),
        _("No target group given"),
    ),
]
DIMENSION_BY_SLUG = {d.slug: d for d in DIMENSIONS}


def _options_order(result: FilterResult, dimension: Dimension) -> list[tuple[str, str, str]]:
    """Every category the dimension offers, in the reference data's order: (aggregate key, code, label)."""
    options = result.options
    if dimension.key in (agg.REGION, agg.HOME_REGION):
        tops = set(agg.m49_tops(options).values())
        return [(str(ref.id), ref.code, ref.name) for ref in options.m49_regions.values() if ref.id in tops]
    ids: Mapping[str, int] = {
        agg.FOCUS_AREA: options.focus_areas,
        agg.PLEDGE_TYPE: options.pledge_types,
        agg.ENTITY_TYPE: options.entity_types,
        agg.TARGET_GROUP: options.target_groups,
    }.get(dimension.key, {})
    labels = options.labels.get(dimension.param, {})
    if dimension.key == agg.SDG:
        return [(code, code, label) for code, label in labels.items()]
    return [(str(ids[code]), code, label) for code, label in labels.items() if code in ids]


def categories(result: FilterResult, aggregates: agg.Aggregates, dimension: Dimension) -> list[Category]:
    """The categories of a breakdown: every one offered (zeros included), then the pledges naming none."""
    breakdown = aggregates.breakdowns[dimension.key]
    rows = []
    for key, code, label in _options_order(result, dimension):
        part = breakdown.parts.get(key, agg.Part(0, 0))
        css = f"fa-{code}" if dimension.key == agg.FOCUS_AREA else ""
        href = facet_url(result, dimension.param, code) if part.pledges else None  # none to show: no link
        rows.append(Category(code, label, part.pledges, part.cents, href, css))
    known = {key for key, _code, _label in _options_order(result, dimension)}
    for key, part in breakdown.parts.items():  # a category added since the reference data was cached
        if key not in known:
            rows.append(Category(key, key, part.pledges, part.cents, None))
    if breakdown.unattributed.pledges:
        rows.append(
            Category(
                "",
                str(dimension.bucket),
                breakdown.unattributed.pledges,
                breakdown.unattributed.cents,
                None,
                "bucket",
                bucket=True,
            )
        )
    return rows


def attribution_note(result: FilterResult, aggregates: agg.Aggregates, dimension: Dimension) -> str:
    """The rule, stated under the chart, with the totals the parts add up to."""
    total = {"count": format_number(aggregates.pledges), "usd": usd_text(aggregates.cents)}
    if dimension.single:
        text = (
            gettext(
                "Each pledge has one lead entity, so it counts once here: the rows add up to the %(count)s pledges and "
                "%(usd)s."
            )
            % total
        )
    else:
        text = (
            gettext(
                "A pledge naming several counts under each of them, so the numbers of pledges add up to more than the "
                "%(count)s pledges. Its estimated value is split equally between them, so the amounts add up to the "
                "total, %(usd)s."
            )
            % total
        )
    if result.values.get(dimension.param):
        text += " " + gettext("Rows other than the values you filtered by have no link: the explorer cannot show them.")
    return text


def categories_csv(rows: Sequence[Category]) -> DataTable:
    """A breakdown for the CSV: code, name, pledges, USD to the cent, the explorer's URL.

    The pledges naming no category are a row with an empty code, so that the USD column adds up
    to the total; there is no total row (the pledges column overlaps and must not be summed).
    """
    cells = [
        [Cell(row.code), Cell(row.label), Cell("", row.pledges), Cell("", dollars(row.cents)), Cell(row.href or "")]
        for row in rows
    ]
    return DataTable("", ["code", "name", "pledges", "estimated_usd", "explorer_url"], cells)


def breakdown_table(dimension: Dimension, rows: Sequence[Category], aggregates: agg.Aggregates) -> DataTable:
    """The numbers of a breakdown as a table: category, pledges naming it, USD attributed; then the total."""
    cells = []
    for row in rows:
        cells.append(
            [
                Cell(row.label, href=row.href),
                Cell(format_number(row.pledges), row.pledges, row.href),
                Cell(usd_text(row.cents), dollars(row.cents)),
            ]
        )
    cells.append(
        [
            Cell(gettext("All pledges, each once")),
            Cell(format_number(aggregates.pledges), aggregates.pledges),
            Cell(usd_text(aggregates.cents), dollars(aggregates.cents)),
        ]
    )
    headers = [str(dimension.category), gettext("Pledges naming it"), gettext("Estimated USD (split equally)")]
    if dimension.single:
        headers[1] = gettext("Pledges")
        headers[2] = gettext("Estimated USD")
    return DataTable(str(dimension.title), headers, cells, [False, True, True])


# --- Charts ------------------------------------------------------------------------------------------
@dataclass
class Chart:
    """One chart of the page: its SVG, its numbers (table and CSV) and the rule under it."""

    slug: str
    title: str
    svg: SafeString | str
    table: DataTable
    note: str = ""
    csv_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"chart-{self.slug}"

    @property
    def table_html(self) -> SafeString:
        return data_table_html(self.table)


def breakdown_chart(result: FilterResult, aggregates: agg.Aggregates, dimension: Dimension, *, svg: bool) -> Chart:
    """A breakdown's chart: a count and an amount per category (``svg``: drawn for the page; otherwise
    with its CSV table in ``extra["csv"]``)."""
    rows = categories(result, aggregates, dimension)
    drawn = ""
    if svg:
        drawn = paired_bar_chart(
            f"chart-{dimension.slug}",
            str(dimension.title),
            str(dimension.description),
            [
                PairedRow(
                    r.label,
                    r.pledges,
                    dollars(r.cents),
                    r.href,
                    format_number(r.pledges),
                    usd_text(r.cents),
                    r.css_class,
                )
                for r in rows
            ],
            count_legend=gettext("Pledges") if dimension.single else gettext("Pledges naming it"),
            amount_legend=gettext("Estimated USD") if dimension.single else gettext("Estimated USD, split equally"),
            rtl=get_language_bidi(),
            width=NARROW,
        )
    return Chart(
        dimension.slug,
        str(dimension.title),
        drawn,
        breakdown_table(dimension, rows, aggregates),
        attribution_note(result, aggregates, dimension),
        extra={} if svg else {"csv": categories_csv(rows)},  # the page needs no CSV table
    )


MAP_METRICS = ("pledges", "usd")


def map_chart(result: FilterResult, aggregates: agg.Aggregates, *, metric: str, svg: bool) -> Chart:
    """The world map of pledges (or USD) per beneficiary country, with its table (``svg``: drawn for the
    page; otherwise with its CSV table in ``extra["csv"]``)."""
    breakdown = aggregates.breakdowns[agg.COUNTRY]
    numeric = country_numeric()
    names = {numeric[iso2]: ref.name for iso2, ref in result.options.countries.items() if iso2 in numeric}
    rows: list[Category] = []
    values: dict[str, Value] = {}
    for iso2, part in sorted(breakdown.parts.items(), key=lambda kv: (-kv[1].pledges, -kv[1].cents, kv[0])):
        ref = result.options.countries.get(iso2)
        label = ref.name if ref else iso2
        href = facet_url(result, "country", iso2)
        rows.append(Category(iso2, label, part.pledges, part.cents, href))
        if iso2 in numeric:
            number: Any = part.pledges if metric == "pledges" else dollars(part.cents)
            text = pledges_text(part.pledges) if metric == "pledges" else usd_text(part.cents)
            values[numeric[iso2]] = Value(number, text, href, label)
    if breakdown.unattributed.pledges:
        rows.append(
            Category(
                "",
                gettext("No country named (worldwide or regional pledges)"),
                breakdown.unattributed.pledges,
                breakdown.unattributed.cents,
                None,
                "bucket",
                bucket=True,
            )
        )
    if metric == "pledges":
        title = gettext("Published pledges per beneficiary country")
        description = gettext("The number of published pledges naming each country as a beneficiary.")
    else:
        title = gettext("Estimated USD per beneficiary country")
        description = gettext(
            "The estimated value of published pledges attributed to each beneficiary country: a pledge’s value is "
            "split equally between the countries it names."
        )
    drawn = ""
    if svg:
        drawn = world_map(
            "map",
            title,
            description,
            values,
            names=names,
            rtl=get_language_bidi(),
            legend_format=usd_compact_number if metric == "usd" else None,
            legend_label=gettext("Legend"),
            no_data_label=gettext("No published pledge names it"),
        )
    dimension = Dimension(agg.COUNTRY, "countries", "country", title, _("Country"), description, "")
    table = breakdown_table(dimension, rows, aggregates)
    table = DataTable(gettext("Published pledges per beneficiary country"), table.headers, table.rows, table.numeric)
    note = gettext(
        "A pledge naming several countries counts under each of them, and its estimated value is split equally "
        "between them, so the amounts add up to the total, %(usd)s."
    ) % {"usd": usd_text(aggregates.cents)}
    if breakdown.unattributed.pledges:
        note += " " + gettext("That total includes the %(count)s naming no country (worldwide or regional ones).") % {
            "count": pledges_text(breakdown.unattributed.pledges)
        }
    note += " " + gettext("Boundaries and names on this map do not imply official endorsement.")
    extra: dict[str, Any] = {"metric": metric} if svg else {"metric": metric, "csv": categories_csv(rows)}
    return Chart("countries", title, drawn, table, note, extra=extra)


def usd_compact_number(value: Any) -> str:
    """Legend ranges of the USD map: ``USD 2.5 m``."""
    return format_usd_compact(value)


# --- Over time ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class YearLink:
    year: int
    pledges: int
    cents: int
    href: str | None


def cumulative_points(aggregates: agg.Aggregates) -> list[tuple[dt.date, int, Decimal]]:
    """(day, cumulative pledges, cumulative USD) for every day a pledge was published."""
    points = []
    count, cents = 0, 0
    for day, pledges, day_cents in aggregates.days:
        count += pledges
        cents += day_cents
        points.append((day, count, dollars(cents)))
    return points


def thin(points: Sequence[tuple[dt.date, int, Decimal]], width: float) -> list[tuple[dt.date, int, Decimal]]:
    """The cumulative points a chart ``width`` units wide can show: the last of each stretch of days
    that spans less than a unit (the chart draws at most one step per two units anyway)."""
    if len(points) <= width:
        return list(points)
    first, last = points[0][0].toordinal(), points[-1][0].toordinal()
    per_unit = max((last - first) / width, 1.0)
    kept: dict[int, tuple[dt.date, int, Decimal]] = {}
    for point in points:
        kept[int((point[0].toordinal() - first) / per_unit)] = point
    return [kept[bucket] for bucket in sorted(kept)]


def marked_milestones(milestones: Sequence[Milestone], limit: int = MAX_MILESTONES) -> list[Milestone]:
    """The milestones to mark on the chart: all of them, or, past ``limit``, every curated one and
    the automatic ones at the roundest thresholds (the timeline lists every one)."""
    if len(milestones) <= limit:
        return list(milestones)
    curated = [m for m in milestones if m.kind != Milestone.Kind.AUTOMATIC]
    automatic = [m for m in milestones if m.kind == Milestone.Kind.AUTOMATIC]
    room = max(limit - len(curated), 0)
    chosen: list[Milestone] = []
    if room:
        by_metric: dict[str, list[Milestone]] = {}
        for m in automatic:
            by_metric.setdefault(m.metric, []).append(m)
        share = max(room // max(len(by_metric), 1), 1)
        for found in by_metric.values():
            chosen += _roundest(found, share)
    return sorted([*curated, *chosen][: max(limit, len(curated))], key=lambda m: (m.achieved_on, m.pk or 0))


def _roundest(milestones: Sequence[Milestone], count: int) -> list[Milestone]:
    """At most ``count`` of these thresholds: the multiples of the smallest 1-2-5 step that leaves few enough."""
    thresholds = [m.threshold for m in milestones if m.threshold]
    if not thresholds:
        return list(milestones[:count])
    step = Decimal(min(thresholds))
    factors = (2, Decimal("2.5"), 2)  # 1 → 2 → 5 → 10 …
    index = 0
    while sum(1 for m in milestones if m.threshold and m.threshold % step == 0) > count:
        step *= factors[index % 3]
        index += 1
    return [m for m in milestones if m.threshold and m.threshold % step == 0]


def milestones_to_mark(version: str) -> tuple[int, list[Milestone]]:
    """How many milestones there are, and those to mark (cached under the data version, which
    changes whenever a milestone is added, edited or deleted)."""
    key = f"p2c:dashboard:milestones:v1:{version}"
    found: tuple[int, list[Milestone]] | None = cache.get(key) if version else None
    if found is None:
        milestones = list(timeline_milestones())
        found = (len(milestones), marked_milestones(milestones))
        if version:
            cache.set(key, found, agg.CACHE_SECONDS)
    return found


def milestone_when(milestone: Milestone) -> str:
    """The milestone's date as precise as it is known: ``June 2022`` or ``9 June 2022``."""
    pattern = "YEAR_MONTH_FORMAT" if milestone.precision == Milestone.Precision.MONTH else "DATE_FORMAT"
    return date_format(milestone.achieved_on, pattern)


def time_chart(
    result: FilterResult, aggregates: agg.Aggregates, milestones: Sequence[Milestone], *, svg: bool
) -> Chart:
    """Cumulative pledges and USD by publication date, with milestones; the table is by month."""
    points = cumulative_points(aggregates)
    marks = [Mark(m.achieved_on, m.display_title, milestone_when(m)) for m in milestones]
    title = gettext("Published pledges and their estimated value over time")
    description = gettext(
        "Cumulative number of published pledges and their estimated USD, by publication date; numbered markers are "
        "the coalition’s milestones."
    )
    drawn: SafeString | str = ""
    if svg:
        # Drawn twice: for phones (420 units, shown at its own size) and wider screens (720 units);
        # the stylesheet shows one of them.
        end = max([p[0] for p in points] + [m.achieved_on for m in milestones], default=None)
        narrow, wide = (
            cumulative_chart(
                chart_id, title, description, thin(points, width), marks, rtl=get_language_bidi(), end=end, width=width
            )
            for chart_id, width in (("chart-over-time", NARROW), ("chart-over-time-wide", WIDE))
        )
        drawn = format_html('<div class="chart-narrow">{}</div><div class="chart-wide">{}</div>', narrow, wide)
    months: dict[dt.date, list[int]] = {}
    for day, pledges, cents in aggregates.days:
        found = months.setdefault(day.replace(day=1), [0, 0])
        found[0] += pledges
        found[1] += cents
    rows = []
    count, cents_so_far = 0, 0
    for month, (pledges, cents) in sorted(months.items()):
        count += pledges
        cents_so_far += cents
        rows.append(
            [
                Cell(date_format(month, "YEAR_MONTH_FORMAT"), month.strftime("%Y-%m")),
                Cell(format_number(pledges), pledges),
                Cell(usd_text(cents), dollars(cents)),
                Cell(format_number(count), count),
                Cell(usd_text(cents_so_far), dollars(cents_so_far)),
            ]
        )
    table = DataTable(
        gettext("Pledges published each month"),
        [
            gettext("Month"),
            gettext("Published"),
            gettext("Estimated USD"),
            gettext("Published pledges (cumulative)"),
            gettext("Estimated USD (cumulative)"),
        ],
        rows,
        [False, True, True, True, True],
    )
    years: dict[int, list[int]] = {}
    for day, pledges, cents in aggregates.days:
        found = years.setdefault(day.year, [0, 0])
        found[0] += pledges
        found[1] += cents
    year_links = [YearLink(y, p, c, facet_url(result, "year", str(y))) for y, (p, c) in sorted(years.items())]
    note = gettext(
        "Each pledge counts once, on the day it was published. Milestones are the coalition’s, whatever the filters."
    )
    return Chart("over-time", title, drawn, table, note, extra={"years": year_links})


def daily_table(aggregates: agg.Aggregates) -> DataTable:
    """The time chart's numbers at full resolution (one row per day with publications), for the CSV."""
    rows = []
    count, cents_so_far = 0, 0
    for day, pledges, cents in aggregates.days:
        count += pledges
        cents_so_far += cents
        rows.append(
            [
                Cell(str(day), day),
                Cell(str(pledges), pledges),
                Cell("", dollars(cents)),
                Cell(str(count), count),
                Cell("", dollars(cents_so_far)),
            ]
        )
    headers = ["date", "published", "estimated_usd", "published_cumulative", "estimated_usd_cumulative"]
    return DataTable(gettext("Pledges published each day"), headers, rows)


# --- Headline figures --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """A headline figure: the number, what it counts, and where it links."""

    key: str
    number: int | Decimal
    label: str
    href: str | None
    usd: bool = False
    sub: str = ""  # a second line, such as "USD 12.2 billion"


def headline(result: FilterResult, aggregates: agg.Aggregates) -> list[Figure]:
    """Pledges, USD, pledging entities (governments among them), beneficiary countries."""
    everything = explorer_url(filter_pairs(result))
    government_led = aggregates.breakdowns[agg.ENTITY_TYPE].parts.get(
        str(result.options.entity_types.get(agg.GOVERNMENT, "")), agg.Part(0, 0)
    )
    return [
        Figure(
            "pledges",
            aggregates.pledges,
            ngettext("published pledge", "published pledges", aggregates.pledges),
            everything,
        ),
        Figure("usd", dollars(aggregates.cents), gettext("estimated value (USD)"), everything, usd=True),
        Figure(
            "entities",
            aggregates.entities,
            ngettext(
                "pledging entity (lead or co-pledger)", "pledging entities (leads and co-pledgers)", aggregates.entities
            ),
            everything,
        ),
        Figure(
            "governments",
            aggregates.governments,
            ngettext("government among them", "governments among them", aggregates.governments),
            facet_url(result, "entity_type", agg.GOVERNMENT) if government_led.pledges else None,
            sub=ngettext("leading %(count)s pledge", "leading %(count)s pledges", government_led.pledges)
            % {"count": format_number(government_led.pledges)},
        ),
        Figure(
            "countries",
            aggregates.countries,
            ngettext("beneficiary country named", "beneficiary countries named", aggregates.countries),
            "#map-section",
        ),
    ]


GROUPING_LABELS = {
    "ldc": _("target at least one Least Developed Country (LDC)"),
    "lldc": _("target at least one Landlocked Developing Country (LLDC)"),
    "sids": _("target at least one Small Island Developing State (SIDS)"),
}


@dataclass(frozen=True)
class GroupingFigure:
    code: str
    pledges: int
    cents: int
    label: str
    href: str | None

    @property
    def usd(self) -> Decimal:
        return dollars(self.cents)


def grouping_figures(result: FilterResult, aggregates: agg.Aggregates) -> list[GroupingFigure]:
    """Pledges and USD naming at least one LDC, LLDC, SIDS (each pledge once per group, in full)."""
    return [
        GroupingFigure(
            code,
            part.pledges,
            part.cents,
            str(GROUPING_LABELS[code]),
            facet_url(result, "grouping", code) if part.pledges else None,
        )
        for code, part in aggregates.groupings.items()
    ]


def headline_table(result: FilterResult, aggregates: agg.Aggregates) -> DataTable:
    """The headline figures as a table (for the CSV)."""
    rows = [[Cell(f.key), Cell(f.label), Cell("", f.number)] for f in headline(result, aggregates)]
    for g in grouping_figures(result, aggregates):
        rows.append([Cell(f"{g.code}_pledges"), Cell(g.label), Cell("", g.pledges)])
        rows.append([Cell(f"{g.code}_usd"), Cell(g.label), Cell("", g.usd)])
    return DataTable(gettext("Headline figures"), ["figure", "label", "value"], rows)


# --- The CSV downloads -----------------------------------------------------------------------------
def milestones_table(milestones: Sequence[Milestone]) -> DataTable:
    """The milestones marked on the time chart, numbered as there."""
    return milestones_data_table(
        [(m.achieved_on, m.display_title) for m in milestones], caption=gettext("Milestones marked on the chart")
    )


# The "Delivery and reporting" section's CSVs are p2c.reporting.charts.CSV_CHARTS.
CSV_CHARTS = ("headline", "countries", "over-time", "milestones", *DIMENSION_BY_SLUG)


def csv_rows(slug: str, result: FilterResult, aggregates: agg.Aggregates) -> list[list[str]] | None:
    """The rows of the CSV download of chart ``slug`` (``None`` for an unknown chart)."""
    table: DataTable
    if slug in DIMENSION_BY_SLUG:
        table = breakdown_chart(result, aggregates, DIMENSION_BY_SLUG[slug], svg=False).extra["csv"]
    elif slug == "countries":
        table = map_chart(result, aggregates, metric="pledges", svg=False).extra["csv"]
    elif slug == "headline":
        table = headline_table(result, aggregates)
    elif slug == "over-time":
        table = daily_table(aggregates)
    elif slug == "milestones":
        table = milestones_table(milestones_to_mark(aggregates.version)[1])
    elif slug in ("delivery-status", "reporting-rates", "delivery-figures"):
        from p2c.reporting.charts import delivery_csv

        table = delivery_csv(slug, result, agg.accountability_aggregates(result, version=aggregates.version))
    else:
        return None
    return csv_response_rows(table)


# --- The page ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chip:
    """A filter in force, with the dashboard's URL without it."""

    label: str
    value_label: str
    remove_url: str


def chips(result: FilterResult) -> list[Chip]:
    """A "remove this filter" link for every value that applies."""
    pairs = filter_pairs(result)
    found = []
    for item in result.active_filters:
        remaining = [(name, value) for name, value in pairs if not (name == item.param and value == item.value)]
        found.append(Chip(item.label, item.value_label, dashboard_url(remaining)))
    return found


def form_sections(result: FilterResult) -> list[Any]:
    """The explorer's filter form, with the lead entity's home region added to "Who"."""
    from p2c.pledges.views.explorer import Field, Option, OptionGroup
    from p2c.pledges.views.explorer import form_sections as explorer_sections

    sections = explorer_sections(result)
    chosen = result.values.get("home_region", [])
    home = Field(
        name="home_region",
        label=_("Lead entity’s home region"),
        kind="select",
        help=_("Where the lead entity is based."),
        groups=_option_groups(result.options.choices.get("home_region", []), chosen[:1], Option, OptionGroup),
        empty_label=_("Any region"),
        errors=result.errors.get("home_region", []),
        extra_values=chosen[1:],
    )
    for section in sections:
        if any(f.name == "entity_type" for f in section.fields):
            section.fields.append(home)
    return sections


def _option_groups(choices: Sequence[Any], chosen: Sequence[str], option: Any, group: Any) -> list[Any]:
    groups: list[Any] = []
    for choice in choices:
        if not groups or groups[-1].label != choice.group:
            groups.append(group(choice.group, []))
        groups[-1].options.append(option(choice.value, choice.label, choice.value in chosen))
    return groups


def dashboard_context(result: FilterResult, aggregates: agg.Aggregates, *, metric: str) -> dict[str, Any]:
    """Everything the template shows (no queries but the milestones and, once, the countries' codes)."""
    milestones, marked = milestones_to_mark(aggregates.version)
    pairs = filter_pairs(result)
    charts = [breakdown_chart(result, aggregates, dimension, svg=True) for dimension in DIMENSIONS]
    for chart in [*charts]:
        chart.csv_url = dashboard_url(pairs, name="dashboard:csv", args=[chart.slug])
    world = map_chart(result, aggregates, metric=metric, svg=True)
    world.csv_url = dashboard_url(pairs, name="dashboard:csv", args=["countries"])
    over_time = time_chart(result, aggregates, marked, svg=True)
    over_time.csv_url = dashboard_url(pairs, name="dashboard:csv", args=["over-time"])
    other_metric = "usd" if metric == "pledges" else "pledges"
    figures = headline(result, aggregates)
    groupings = grouping_figures(result, aggregates)
    return {
        "result": result,
        "aggregates": aggregates,
        "figures": figures,
        "groupings": groupings,
        "unlinked": any(not f.href for f in figures) or any(not g.href for g in groupings),
        "map": world,
        "map_metric": metric,
        "map_switch_url": dashboard_url([*pairs, *([("map", other_metric)] if other_metric != "pledges" else [])])
        + "#map-section",
        "over_time": over_time,
        "milestones": marked,
        "milestones_table": data_table_html(milestones_table(marked)),
        "milestones_left_out": milestones - len(marked),
        "milestones_csv_url": dashboard_url(pairs, name="dashboard:csv", args=["milestones"]),
        "headline_csv_url": dashboard_url(pairs, name="dashboard:csv", args=["headline"]),
        "charts": charts,
        "sections": form_sections(result),
        "chips": chips(result),
        "clear_url": reverse("dashboard:dashboard"),
        "explorer_url": explorer_url(pairs),
        "error_list": [
            (f"f-{name.replace('_', '-')}", m) for name, messages in result.errors.items() for m in messages
        ],
        "delivery": _delivery(result, aggregates.version),
    }


def _delivery(result: FilterResult, version: str) -> dict[str, Any]:
    """The "Delivery and reporting" section (p2c.reporting.charts), for the same filters and data version."""
    from p2c.reporting.charts import delivery_context

    return delivery_context(result, agg.accountability_aggregates(result, version=version))


# --- The cached body --------------------------------------------------------------------------------
PAGE_CACHE_PREFIX = "p2c:dashboard:page:v1"
PAGE_PARAMS = (*FILTER_PARAMS, "map")  # what the body depends on; "sort" and "page" do not matter here


def _page_params(params: QueryDict) -> list[tuple[str, list[str]]]:
    return [(name, params.getlist(name)[: MAX_VALUES * 2]) for name in sorted(PAGE_PARAMS) if name in params]


def page_state(params: QueryDict) -> str:
    """The digest of what the body depends on in these GET parameters (as given: errors and typed
    values show) and of the URL prefix."""
    return hashlib.sha256(repr([_page_params(params), get_script_prefix()]).encode()).hexdigest()[:32]


def page_query(params: QueryDict) -> str:
    """The parameters the body depends on, as a query string: ``QueryDict(page_query(p))`` has the
    ``page_state`` of ``p``."""
    return urlencode([(name, value) for name, values in _page_params(params) for value in values])


def page_cache_key(params: QueryDict, version: str, language: str, state: str | None = None) -> str:
    """The cache key of the body for these GET parameters (or their ``page_state``, if the caller has
    it), language, URL prefix and data version."""
    return f"{PAGE_CACHE_PREFIX}:{version}:{language}:{state if state is not None else page_state(params)}"


def unfiltered(params: QueryDict) -> bool:
    """Whether these GET parameters ask for the page of every published pledge (what the background task warms)."""
    return not any(name in params for name in PAGE_PARAMS)


def meta_description(aggregates: agg.Aggregates) -> str:
    """The page's description for search engines and link previews."""
    return ngettext(
        "The Partner2Connect dashboard: %(count)s published pledge worth an estimated %(usd)s, by country, region, "
        "focus area, type, pledger, SDG and target group, over time.",
        "The Partner2Connect dashboard: %(count)s published pledges worth an estimated %(usd)s, by country, region, "
        "focus area, type, pledger, SDG and target group, over time.",
        aggregates.pledges,
    ) % {"count": format_number(aggregates.pledges), "usd": usd_text(aggregates.cents)}


def dashboard_body(request: HttpRequest) -> tuple[str, SafeString]:
    """The page's description and body (HTML) for ``request.GET``, from the cache when the data,
    the filters and the language are the same as when it was rendered.

    On a hit this costs one query (the data version) and a decompression. A miss reads the page
    the background task rendered for this version (``p2c.dashboard.warm``: one more query), if it
    has: the unfiltered page always, a filtered one if visitors asked for it lately (a filtered
    miss records that it was asked for: one more statement). Otherwise it filters, reads or
    computes the aggregates (:func:`p2c.dashboard.aggregates.dashboard_aggregates`) and renders.
    The body is kept compressed (about a fifth of its size).
    """
    from p2c.dashboard import warm

    version = data_version()
    language = get_language() or ""
    state = page_state(request.GET)
    key = page_cache_key(request.GET, version, language, state)
    found: tuple[str, bytes] | None = cache.get(key)
    figures: agg.Aggregates | None = None
    if found is None:
        if unfiltered(request.GET):
            found, figures = warm.warmed(version, language)
        else:
            warm.demand_record(state, language, page_query(request.GET))
            found = warm.warmed_page(version, language, state)
        if found is not None:
            cache.set(key, found, agg.CACHE_SECONDS)
    if found is not None:
        description, packed = found
        return description, mark_safe(zlib.decompress(packed).decode())  # noqa: S308 - rendered by us, escaped
    description, html = body_for(request.GET, version, figures)
    cache.set(key, (description, zlib.compress(html.encode(), 1)), agg.CACHE_SECONDS)
    return description, mark_safe(html)  # noqa: S308 - the template escaped everything


def body_for(
    params: QueryDict, version: str, figures: agg.Aggregates | None = None, result: FilterResult | None = None
) -> tuple[str, str]:
    """The description and the body (HTML) of the page for these GET parameters, in the active language.

    ``figures``: the unfiltered aggregates of ``version``, if the caller has them (from the background
    task); ``result``: ``pledge_filter(params)``, if the caller has it.
    """
    result = result if result is not None else pledge_filter(params)
    if figures is not None and not agg.filter_state(result):
        cache.set(agg.cache_key(result, version), figures, agg.CACHE_SECONDS)
        aggregates = figures
    else:
        aggregates = agg.dashboard_aggregates(result, version=version)
    metric = params.get("map", "")
    context = dashboard_context(result, aggregates, metric=metric if metric in MAP_METRICS else "pledges")
    return meta_description(aggregates), render_to_string("dashboard/_content.html", context)
