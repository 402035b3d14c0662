"""The explorer: search and filter every published pledge.

The whole state is in the URL (a GET form). A request with the header ``X-P2C-Fragment: results``
(sent by ``static/js/explorer.js``) gets only the results fragment, rendered from the same template.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from p2c.pledges.filters import (
    CHOICE_FILTERS,
    STATE_PARAMS,
    ActiveFilter,
    Choice,
    FilterResult,
    ResultsPage,
    pledge_filter,
    pledge_results_page,
)

FRAGMENT_HEADER = "X-P2C-Fragment"


def pledge_explorer(request: HttpRequest) -> HttpResponse:
    """Which pledges match what I care about — and how much do they add up to?"""
    result = pledge_filter(request.GET)
    page = pledge_results_page(result, request.GET.get("page"))
    context = {
        "result": result,
        "page": page,
        "sections": form_sections(result),
        "chips": chips(request.GET, result.active_filters),
        "clear_url": reverse("pledges:explorer"),
        "pagination": pagination(request.GET, page),
        "error_list": [(field_id(name), m) for name, messages in result.errors.items() for m in messages],
    }
    fragment = request.headers.get(FRAGMENT_HEADER) == "results"
    response = render(request, "pledges/explorer.html#results" if fragment else "pledges/explorer.html", context)
    patch_vary_headers(response, [FRAGMENT_HEADER])
    return response


# --- URLs ----------------------------------------------------------------------------------------
def _state(params: QueryDict) -> list[tuple[str, str]]:
    """The known parameters of ``params`` in a stable order, empty values dropped."""
    return [(name, value) for name in STATE_PARAMS for value in params.getlist(name) if value.strip()]


def state_url(params: QueryDict, *, page: int | None = None) -> str:
    """The explorer's URL for ``params`` on ``page`` (page 1 leaves ``page`` out)."""
    pairs = [(k, v) for k, v in _state(params) if k != "page"]
    if page and page > 1:
        pairs.append(("page", str(page)))
    base = reverse("pledges:explorer")
    return f"{base}?{urlencode(pairs)}" if pairs else base


def field_id(name: str) -> str:
    """The id of the form control for parameter ``name``."""
    return f"f-{name.replace('_', '-')}"


def pagination(params: QueryDict, page: ResultsPage) -> dict[str, Any]:
    """Links to the previous, next and nearby pages (``None`` marks numbers left out)."""
    return {
        "previous": state_url(params, page=page.number - 1) if page.has_previous else "",
        "next": state_url(params, page=page.number + 1) if page.has_next else "",
        "pages": [
            {"number": n, "url": state_url(params, page=n), "current": n == page.number} if n else None
            for n in page.page_numbers
        ],
    }


@dataclass(frozen=True)
class Chip:
    """An active filter with the URL of the same results without it."""

    filter: ActiveFilter
    remove_url: str


def chips(params: QueryDict, active: list[ActiveFilter]) -> list[Chip]:
    """A "remove this filter" link for every active filter value (back to page 1)."""
    normalise = {spec.param: spec.normalise for spec in CHOICE_FILTERS}
    found = []
    for item in active:
        norm = normalise.get(item.param)
        remaining = QueryDict(mutable=True)
        for name, value in _state(params):
            if name == "page" or (
                name == item.param and (norm is None or norm(value.strip()) == item.value or not item.value)
            ):
                continue
            remaining.appendlist(name, value)
        found.append(Chip(item, state_url(remaining)))
    return found


# --- The form, described for the template ------------------------------------------------------------
@dataclass
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class OptionGroup:
    label: str
    options: list[Option]


@dataclass
class Field:
    """One labelled control of the filter form (its id is ``f-<name>``)."""

    name: str
    label: str | Promise
    kind: str  # search | text | select | checkboxes | checkbox
    help: str | Promise = ""
    value: str = ""
    groups: list[OptionGroup] = field(default_factory=list)
    empty_label: str | Promise = ""
    errors: list[str] = field(default_factory=list)
    extra_values: list[str] = field(default_factory=list)  # repeated values a single <select> cannot show
    inputmode: str = ""

    @property
    def id(self) -> str:
        return field_id(self.name)

    @property
    def options(self) -> list[Option]:
        return [option for group in self.groups for option in group.options]

    def options_html(self) -> SafeString:
        """The ``<option>``s (in ``<optgroup>``s) of a select, escaped; built here rather than in a
        template loop, since the country list alone has 250 of them, and kept by each process for
        the same options and choice (most pages show the same lists with nothing chosen)."""
        groups = tuple(
            (str(group.label), tuple((o.value, str(o.label), o.selected) for o in group.options))
            for group in self.groups
        )
        return _options_markup(str(self.empty_label), groups)


OptionGroups = tuple[tuple[str, tuple[tuple[str, str, bool], ...]], ...]  # (label, ((value, label, selected), …))


@functools.lru_cache(maxsize=256)
def _options_markup(empty_label: str, groups: OptionGroups) -> SafeString:
    """The markup of a select's options: a first empty option, then each group (in an ``<optgroup>``
    if it has a label). The labels are already in the page's language, so they key the cache with it."""

    def option(value: str, label: str, selected: bool) -> SafeString:
        if selected:
            return format_html('<option value="{}" selected>{}</option>', value, label)
        return format_html('<option value="{}">{}</option>', value, label)

    parts = [format_html('<option value="">{}</option>', empty_label)]
    for label, options in groups:
        markup = format_html_join("", "{}", ((option(*o),) for o in options))
        parts.append(format_html('<optgroup label="{}">{}</optgroup>', label, markup) if label else markup)
    return format_html_join("", "{}", ((part,) for part in parts))


@dataclass
class Section:
    title: str | Promise
    fields: list[Field]
    open: bool = True


LABELS = {spec.param: spec.label for spec in CHOICE_FILTERS}
EMPTY = {
    "pillar": _("Any pillar"),
    "sdg": _("Any goal"),
    "target_group": _("Any target group"),
    "entity_type": _("Any type"),
    "entity": _("Any entity"),
    "country": _("Any country"),
    "m49_region": _("Any UN region"),
    "home_region": _("Any UN region"),
    "itu_region": _("Any ITU region"),
    "year": _("Any year"),
    "event": _("Any event or campaign"),
    "delivery_status": _("Any status"),
}
HELP = {
    "country": _("Pledges that name the country."),
    "m49_region": _("Pledges naming a country in the region, or the region itself."),
    "itu_region": _("Pledges naming a country in the region, or the region itself."),
    "grouping": _("Pledges naming at least one such country."),
    "entity": _("As lead entity or partner."),
    "home_region": _("Where the lead entity is based."),
}


def _grouped(choices: list[Choice], chosen: list[str]) -> list[OptionGroup]:
    groups: list[OptionGroup] = []
    for choice in choices:
        if not groups or groups[-1].label != choice.group:
            groups.append(OptionGroup(choice.group, []))
        groups[-1].options.append(Option(choice.value, choice.label, choice.value in chosen))
    return groups


def form_sections(result: FilterResult) -> list[Section]:
    """The filter form: every parameter as a labelled control, filled from the current values."""
    values, errors, choices = result.values, result.errors, result.options.choices

    def choice_field(name: str, kind: str = "select") -> Field:
        chosen = values.get(name, [])
        offered = list(choices.get(name, []))
        if name == "entity":
            offered = [Choice(slug, entity.name) for slug, entity in result.entities.items()]
        elif name == "year":
            offered += [Choice(v, v) for v in chosen if v not in {c.value for c in offered}]
        first = chosen[:1] if kind == "select" else chosen
        return Field(
            name=name,
            label=LABELS[name],
            kind=kind,
            help=HELP.get(name, ""),
            groups=_grouped(offered, first),
            empty_label=EMPTY.get(name, ""),
            errors=errors.get(name, []),
            extra_values=chosen[1:] if kind == "select" else [],
        )

    def amount(name: str, label: Promise) -> Field:
        given = values.get(name, []) or [result.typed.get(name, "")]
        return Field(name, label, "text", value=given[0], errors=errors.get(name, []), inputmode="decimal")

    seeking = Field(
        "seeking_partners",
        _("Only pledges seeking partners"),
        "checkbox",
        value="1",
        errors=errors.get("seeking_partners", []),
        groups=[OptionGroup("", [Option("1", "", "seeking_partners" in values)])],
    )
    return [
        Section(
            _("What"),
            [
                choice_field("focus_area", "checkboxes"),
                choice_field("pillar"),
                choice_field("type", "checkboxes"),
                choice_field("sdg"),
                choice_field("target_group"),
            ],
        ),
        Section(
            _("Where"),
            [
                choice_field("country"),
                choice_field("m49_region"),
                choice_field("itu_region"),
                choice_field("grouping", "checkboxes"),
            ],
        ),
        Section(
            _("Who"),
            [
                choice_field("entity_type"),
                choice_field("home_region"),
                *([choice_field("entity")] if result.entities else []),
            ],
        ),
        Section(
            _("Estimated value (USD)"),
            [amount("usd_min", _("At least")), amount("usd_max", _("At most"))],
        ),
        Section(
            _("When and how it is going"),
            [
                choice_field("year"),
                choice_field("event"),
                choice_field("delivery_status"),
                choice_field("freshness", "checkboxes"),
                seeking,
            ],
        ),
    ]
