"""The world choropleth: one value per country, drawn on Natural Earth geometry, as light SVG.

The geometry is ``data/world.json``, built once by ``scripts/build_world_map.py`` (source, licence
and decisions in docs/data-sources.md, "World map"): an Equal Earth projection, 1000 units wide,
keyed by ISO 3166-1 numeric code (``Country.numeric``, three digits, zero-padded). Countries too
small to see at that scale — most small island states — have no outline but a centroid, and are
drawn as a circle so that they stay visible and can be clicked.

:func:`world_map` returns the map's ``<svg>`` followed by its legend as an HTML list (text
ranges, readable at any width, in the page's direction), inside one ``<div class="chart-map">``.
Each country with a value is a link (``<a href>``) named "country: value"; every country shows its
name and value as a tooltip (``<title>``); countries without data are drawn in a neutral fill.
Classes are light-to-dark steps of one hue, so they read in greyscale too, and the data table
beside the map (:func:`p2c.dashboard.tables.map_data_table`) carries every number.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from p2c.dashboard.svg import (
    Number,
    check_id,
    esc,
    finish,
    format_number,
    join_sentences,
    link_close,
    link_open,
    safe_href,
)

WORLD_JSON = Path(__file__).resolve().parent / "data" / "world.json"
MARKER_RADIUS = 3.5  # a small country with a value
MARKER_RADIUS_EMPTY = 2.0  # a small country without


class Value(NamedTuple):
    """A country's value on the map: the number, the text shown, the explorer link, the name."""

    value: Number
    formatted: str
    href: str | None = None
    name: str = ""


@cache
def world() -> dict[str, Any]:
    """The map geometry (read once per process)."""
    data: dict[str, Any] = json.loads(WORLD_JSON.read_text(encoding="utf-8"))
    return data


@cache
def _shapes() -> tuple[str, tuple[tuple[str, str | None, str], ...]]:
    """What the drawing takes from the geometry, escaped once per process: the outlines that are no
    country's (one string), and for each country its code and either its outline (``d``) or, for a
    small one, its centre (``cx="…" cy="…"``)."""
    geometry = world()
    other = "".join(f'<path class="c0" d="{esc(shape)}"/>' for shape in geometry.get("other", {}).values())
    countries = tuple(
        (code, esc(country["d"]), "") if "d" in country else (code, None, f'cx="{country["cx"]}" cy="{country["cy"]}"')
        for code, country in geometry["countries"].items()
    )
    return other, countries


def _nice_up(value: float) -> float:
    """The smallest number of the 1-2-5 series (1, 2, 5, 10, 20, 50, …) not below ``value``."""
    if value <= 0:
        return 0.0
    magnitude = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 5, 10):
        candidate = factor * magnitude
        if candidate >= value * (1 - 1e-12):
            return float(candidate)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


def class_breaks(values: Sequence[Number], classes: int = 5) -> list[float]:
    """Upper bounds of up to ``classes`` classes: quantiles rounded up to 1-2-5 numbers.

    Quantiles give each class a similar number of countries (pledge counts are very skewed);
    rounding makes the legend readable ("3–5", "6–10"). Classes that rounding merges disappear.
    The last bound is the largest value. Zero and negative values are "no data".
    """
    ordered = sorted(float(v) for v in values if float(v) > 0)
    if not ordered:
        return []
    breaks: list[float] = []
    for k in range(1, classes):
        quantile = ordered[max(math.ceil(k * len(ordered) / classes) - 1, 0)]
        bound = _nice_up(quantile)
        if bound >= ordered[-1]:
            break
        if not breaks or bound > breaks[-1]:
            breaks.append(bound)
    breaks.append(ordered[-1])
    return breaks


def class_of(value: Number, breaks: Sequence[float]) -> int:
    """1-based class of a value (0: no data)."""
    v = float(value)
    if v <= 0 or not breaks:
        return 0
    for index, bound in enumerate(breaks, start=1):
        if v <= bound:
            return index
    return len(breaks)


def legend_ranges(
    values: Sequence[Number], breaks: Sequence[float], fmt: Callable[[Number], str] | None = None
) -> list[str]:
    """The text of each class: "1–2", "3–5", …, "51–1,204" (whole numbers) or "USD 1 m – USD 5 m"."""
    positive = [float(v) for v in values if float(v) > 0]
    if not positive or not breaks:
        return []
    integral = all(v == int(v) for v in positive)
    show = fmt or (format_number if integral else (lambda v: format_number(v, 1)))
    texts = []
    low = min(positive)
    for bound in breaks:
        lo = show(int(low) if integral else low)
        hi = show(int(bound) if integral else bound)
        if lo == hi:
            texts.append(lo)
        else:
            texts.append(f"{lo}–{hi}" if integral and fmt is None else f"{lo} – {hi}")
        low = bound + 1 if integral else bound
    return texts


def world_map(
    id: str,
    title: str,
    description: str,
    values: Mapping[str, Value],
    classes: int = 5,
    *,
    names: Mapping[str, str] | None = None,
    rtl: bool = False,
    legend_format: Callable[[Number], str] | None = None,
    legend_label: str | None = None,
    no_data_label: str | None = None,
    summarise: bool = True,
) -> SafeString:
    """A choropleth of ``values`` (ISO numeric code -> :class:`Value`), with its legend.

    ``names`` (ISO numeric -> name) gives countries without a value a tooltip too. Values whose
    code has no geometry (for example United States Minor Outlying Islands) are left out of the
    drawing but counted in the summary; list them in the data table.
    """
    chart_id = check_id(id)
    geometry = world()
    names = names or {}
    numbers = [v.value for v in values.values()]
    breaks = class_breaks(numbers, classes)
    ranges = legend_ranges(numbers, breaks, legend_format)
    interactive = any(safe_href(v.href) and float(v.value) > 0 for v in values.values())

    def name_of(code: str) -> str:
        value = values.get(code)
        return (value.name if value and value.name else "") or names.get(code, "") or code

    summary = _summary(values, name_of, breaks, ranges) if summarise else ""
    desc = join_sentences(description, summary)
    view_box = geometry["viewBox"]
    aria = (
        f'role="group" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc"'
        if interactive
        else f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
    )
    out = [
        f'<div class="chart-map" dir="{"rtl" if rtl else "ltr"}">'
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart chart-world" '
        f'viewBox="{esc(view_box)}" {aria}>'
        f'<title id="{chart_id}-title">{esc(title)}</title>'
        f'<desc id="{chart_id}-desc">{esc(desc)}</desc><g class="land">'
    ]
    markers: list[tuple[int, str]] = []
    other, shapes = _shapes()
    out.append(other)
    for code, outline, centre in shapes:
        value = values.get(code)
        klass = class_of(value.value, breaks) if value else 0
        href = value.href if value and klass else None
        text = f"{name_of(code)}: {value.formatted}" if value else name_of(code)
        # A country without a value, and without a name to show, needs no tooltip.
        tip = f"<title>{esc(text)}</title>" if value or code in names else ""
        if outline is not None:
            tag, attributes = "path", f'class="c{klass}" d="{outline}"'
        else:
            radius = MARKER_RADIUS if klass else MARKER_RADIUS_EMPTY
            tag = "circle"
            attributes = f'class="c{klass} marker" {centre} r="{radius}"'
        if safe_href(href):
            item = f"{link_open(href, text)}{tip}<{tag} {attributes}/>{link_close(href)}"
        elif tip:
            item = f"<{tag} {attributes}>{tip}</{tag}>"
        else:
            item = f"<{tag} {attributes}/>"
        if outline is not None:
            out.append(item)
        else:
            markers.append((klass, item))
    # Markers over the land, those with a value last (on top).
    out.extend(item for _klass, item in sorted(markers, key=lambda m: m[0] > 0))
    out.append("</g></svg>")

    legend_label = legend_label or gettext("Legend")
    out.append(f'<ul class="chart-legend" aria-label="{esc(legend_label)}">')
    for index, text in enumerate(ranges, start=1):
        out.append(f'<li><span class="swatch c{index}"></span>{esc(text)}</li>')
    out.append(f'<li><span class="swatch c0"></span>{esc(no_data_label or gettext("No data"))}</li>')
    out.append("</ul></div>")
    return finish(out)


def _summary(
    values: Mapping[str, Value],
    name_of: Callable[[str], str],
    breaks: Sequence[float],
    ranges: Sequence[str],
    shown: int = 5,
) -> str:
    with_data = [(code, v) for code, v in values.items() if float(v.value) > 0]
    if not with_data:
        return gettext("No country has data to show.")
    ranked = sorted(with_data, key=lambda cv: -float(cv[1].value))[:shown]
    counts = [0] * len(breaks)
    for _code, v in with_data:
        counts[class_of(v.value, breaks) - 1] += 1
    head = ngettext(
        "%(count)s country has data. Highest: %(list)s.",
        "%(count)s countries have data. Highest: %(list)s.",
        len(with_data),
    ) % {
        "count": format_number(len(with_data)),
        "list": "; ".join(f"{name_of(code)}: {v.formatted}" for code, v in ranked),
    }
    legend = gettext("Shading, lightest to darkest: %(list)s.") % {
        "list": "; ".join(
            ngettext("%(range)s (%(count)s country)", "%(range)s (%(count)s countries)", count)
            % {"range": text, "count": format_number(count)}
            for text, count in zip(ranges, counts, strict=True)
        )
    }
    return f"{head} {legend}"
