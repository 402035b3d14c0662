"""Server-rendered SVG charts: pure functions from numbers to small, accessible SVG markup.

Every chart is one ``<svg>`` that

- carries a ``<title>`` and a ``<desc>`` (the text alternative: what is counted, and a summary of
  the data), referenced by ``aria-labelledby`` (``role="img"``) — or, when the chart holds links,
  ``role="group"`` with ``aria-labelledby`` (title) and ``aria-describedby`` (desc), because the
  children of ``role="img"`` are hidden from assistive technology and may not be focusable;
- prints every value as text (colour never carries meaning alone);
- is coloured by the site's stylesheet (``dashboard/charts.css``: classes, ``currentColor`` and
  CSS variables), so it has no inline colours;
- escapes every label, value, title and URL with :func:`html.escape`, and keeps only relative,
  ``http`` and ``https`` links;
- is drawn for a 360 px phone first: 420 units wide, 14-unit text, shown at its own size on wider
  screens (``max-inline-size: 100%`` shrinks it on narrow ones);
- mirrors for right-to-left languages with ``rtl=True``: text is anchored at the right, bars grow
  leftwards, time runs from right to left. The root sets ``direction`` explicitly, so a chart
  renders the same whatever the page's direction.

The data tables and CSV rows that go beside each chart are in :mod:`p2c.dashboard.tables`; the
world map is in :mod:`p2c.dashboard.map`.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils import dateformat, formats, numberformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

Number = int | float | Decimal

WIDTH = 420  # viewBox width of a chart; its natural display width in CSS pixels
FONT = 14  # text size in viewBox units
SMALL = 12
CHAR = 0.56  # average advance of a character, in ems, for the system sans-serif fonts

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class Row(NamedTuple):
    """One bar: its label, its value, where it links to (the explorer), and the value as text."""

    label: str
    value: Number
    href: str | None = None
    formatted: str | None = None  # shown next to the bar; default: the value with digit grouping
    css_class: str = ""  # an extra class for the bar, e.g. "fa-access" for a focus area's colour


class Point(NamedTuple):
    """Cumulative totals on a date (the cumulative chart takes plain 3-tuples too)."""

    date: dt.date
    pledges: Number
    usd: Number


class Milestone(NamedTuple):
    """A dated moment to mark on the time chart; ``when`` overrides the date as shown ("June 2022")."""

    date: dt.date
    label: str
    when: str | None = None


class PairedRow(NamedTuple):
    """One category of a paired bar chart: a count and an amount, each with its text."""

    label: str
    value: Number  # the count: the solid bar
    amount: Number
    href: str | None = None
    value_text: str | None = None  # default: the count with digit grouping
    amount_text: str | None = None  # default: the compact amount (USD 3.1 bn)
    css_class: str = ""  # an extra class for the row, e.g. "fa-access" or "bucket"


# --- text, numbers, escaping --------------------------------------------------------------------
def esc(value: object) -> str:
    """Escape text for SVG/HTML content and attribute values (``& < > " '``)."""
    return html.escape(str(value), quote=True)


def check_id(chart_id: str) -> str:
    """The chart's element id, checked (it is used to build other ids and must be unique on the page)."""
    if not _ID.fullmatch(chart_id):
        raise ValueError(f"chart id must match {_ID.pattern}: {chart_id!r}")
    return chart_id


def safe_href(href: str | None) -> str | None:
    """The link, or ``None`` when it is empty or uses a scheme other than http(s) (``javascript:`` …)."""
    if not href:
        return None
    href = str(href).strip()
    if _SCHEME.match(href) and not href.lower().startswith(("http://", "https://")):
        return None
    return href


def n(x: float) -> str:
    """A coordinate with at most one decimal and no trailing zero: 12.0 -> '12', 3.25 -> '3.2'."""
    s = f"{x:.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    return "0" if s == "-0" else s


def format_number(value: Number, decimal_pos: int = 0) -> str:
    """A number with the locale's digit grouping: ``1,204``.

    The same as ``django.utils.formats.number_format``, with the language's separators looked up
    once per language rather than on every call (a dashboard formats a thousand numbers).
    """
    decimal_sep, grouping, thousand_sep = _separators(get_language() or "")
    if type(value) is int and decimal_pos == 0 and grouping == 3:  # noqa: E721 - not bool; numberformat's result, faster
        return f"{value:,}".replace(",", thousand_sep)
    return numberformat.format(
        Decimal(str(value)),
        decimal_sep,
        decimal_pos,
        grouping,
        thousand_sep,
        force_grouping=True,
        use_l10n=True,
    )


@functools.lru_cache(maxsize=32)
def _separators(language: str) -> tuple[str, Any, str]:
    return (
        str(formats.get_format("DECIMAL_SEPARATOR", use_l10n=True)),
        formats.get_format("NUMBER_GROUPING", use_l10n=True),
        str(formats.get_format("THOUSAND_SEPARATOR", use_l10n=True)),
    )


_COMPACT: list[tuple[Decimal, str]] = [
    (Decimal(10) ** 12, "USD %(amount)s tn"),
    (Decimal(10) ** 9, "USD %(amount)s bn"),
    (Decimal(10) ** 6, "USD %(amount)s m"),
    (Decimal(10) ** 3, "USD %(amount)s k"),
]


def format_usd_compact(value: Number) -> str:
    """A short amount for axis ticks and chart labels: ``USD 80 bn``, ``USD 2.5 m``, ``USD 0``.

    One decimal at most, cut rather than rounded (like ``usd_short``), so a label never claims
    more than the data.
    """
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    patterns = _compact_patterns(get_language() or "")
    for (threshold, _pattern), pattern in zip(_COMPACT, patterns[:-1], strict=True):
        if abs(number) >= threshold:
            if number > 0 and number < _EXACT:  # tenths in whole numbers: the same digits, much faster
                tenths = int(number * 10 / threshold)  # cut, not rounded
                whole, tenth = divmod(tenths, 10)
                amount = format_number(whole) + (_separators(get_language() or "")[0] + str(tenth) if tenth else "")
                return pattern % {"amount": amount}
            scaled = (number / threshold).quantize(Decimal("0.1"), rounding="ROUND_DOWN")
            digits = 0 if scaled == scaled.to_integral_value() else 1
            return pattern % {"amount": format_number(scaled, digits)}
    return patterns[-1] % {"amount": format_number(number.quantize(Decimal(1)), 0)}


_EXACT = Decimal(10) ** 20  # below this, tenths of the amount fit Decimal's 28 digits exactly


@functools.lru_cache(maxsize=32)
def _compact_patterns(language: str) -> tuple[str, ...]:
    """The compact patterns in ``language`` (the active one), then the pattern of amounts below a thousand."""
    return (*(gettext(pattern) for _threshold, pattern in _COMPACT), gettext("USD %(amount)s"))


def format_date(value: dt.date) -> str:
    """An unambiguous date in words, as the language writes it: ``9 June 2022``, ``9 июня 2022``."""
    return formats.date_format(value, "DATE_FORMAT")


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of the rendered width of ``text`` (no font metrics on the server)."""
    return len(text) * size * CHAR


def truncate(text: str, width: float, size: float = FONT) -> str:
    """``text`` cut with an ellipsis to fit about ``width`` units."""
    limit = max(1, int(width / (size * CHAR)))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def nice_step(span: float, ticks: int = 4) -> float:
    """A 1-2-5 step that cuts ``span`` into about ``ticks`` intervals."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def nice_ticks(maximum: float, ticks: int = 4) -> list[float]:
    """Ticks from 0 to at least ``maximum`` on a 1-2-5 step (whole numbers)."""
    step = max(1.0, nice_step(float(maximum), ticks))
    top = math.ceil(float(maximum) / step) * step if maximum > 0 else step
    return [i * step for i in range(int(round(top / step)) + 1)]


def svg_open(
    chart_id: str,
    kind: str,
    width: float,
    height: float,
    title: str,
    description: str,
    *,
    rtl: bool,
    interactive: bool,
) -> str:
    """The root element with its title and text alternative (see the module docstring)."""
    chart_id = check_id(chart_id)
    if interactive:
        aria = f'role="group" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc"'
    else:
        aria = f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart chart-{kind}" '
        f'viewBox="0 0 {n(width)} {n(height)}" width="{n(width)}" height="{n(height)}" '
        f'font-size="{FONT}" direction="{"rtl" if rtl else "ltr"}" {aria}>'
        f'<title id="{chart_id}-title">{esc(title)}</title>'
        f'<desc id="{chart_id}-desc">{esc(description)}</desc>'
    )


def link_open(href: str | None, label: str | None = None) -> str:
    """``<a href>`` for a link (with an optional accessible name), or ``<g>`` when there is none."""
    href = safe_href(href)
    if href is None:
        return "<g>"
    name = f' aria-label="{esc(label)}"' if label else ""
    return f'<a href="{esc(href)}"{name}>'


def link_close(href: str | None) -> str:
    return "</g>" if safe_href(href) is None else "</a>"


def finish(parts: Iterable[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every label, value and URL above went through esc()


def join_sentences(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


# --- bar chart ----------------------------------------------------------------------------------
BAR_ROW = 40  # label line + bar
BAR_HEIGHT = 14


def bar_chart(
    id: str,
    title: str,
    description: str,
    rows: Sequence[Row],
    *,
    rtl: bool = False,
    width: float = WIDTH,
    summarise: bool = True,
) -> SafeString:
    """Horizontal bars, one per row, each with its label above and its value printed after it.

    Each row (label, bar and value) is one link to ``row.href``, named "label: value" for
    assistive technology. Rows are drawn in the order given (sort them first). A negative value
    is drawn as zero. ``description`` says what is counted; with ``summarise`` a sentence naming
    the largest rows is added to the text alternative.
    """
    rows = [r if isinstance(r, Row) else Row(*r) for r in rows]
    texts = [r.formatted if r.formatted is not None else format_number(r.value) for r in rows]
    top = max((float(r.value) for r in rows), default=0.0)
    reserve = max((text_width(t) for t in texts), default=0.0) + 8
    span = max(width - reserve, width / 3)
    height = max(len(rows), 1) * BAR_ROW + 4
    interactive = any(safe_href(r.href) for r in rows)

    desc = join_sentences(description, _bar_summary(rows, texts) if summarise else "")
    out = [svg_open(id, "bar", width, height, title, desc, rtl=rtl, interactive=interactive)]
    edge = width if rtl else 0.0
    out.append(f'<path class="axis" d="M{n(edge)} 4V{n(height)}"/>')
    if not rows:
        out.append(f'<text x="{n(width - 4 if rtl else 4)}" y="24" class="empty">{esc(gettext("No data"))}</text>')
    for i, (row, text) in enumerate(zip(rows, texts, strict=True)):
        y = 4 + i * BAR_ROW
        value = max(float(row.value), 0.0)
        length = span * value / top if top > 0 else 0.0
        if value > 0:
            length = max(length, 1.5)
        bar_x = width - length if rtl else 0.0
        label = truncate(row.label, width - 4)
        label_x = width - 2 if rtl else 2.0
        value_x = width - length - 6 if rtl else length + 6
        klass = "bar" + (f" {esc(row.css_class)}" if row.css_class else "")
        out.append(link_open(row.href, f"{row.label}: {text}"))
        if label != row.label:
            out.append(f"<title>{esc(row.label)}</title>")
        out.append(f'<text x="{n(label_x)}" y="{n(y + 13)}" class="label">{esc(label)}</text>')
        out.append(f'<rect class="{klass}" x="{n(bar_x)}" y="{n(y + 19)}" width="{n(length)}" height="{BAR_HEIGHT}"/>')
        out.append(f'<text x="{n(value_x)}" y="{n(y + 31)}" class="value">{esc(text)}</text>')
        out.append(link_close(row.href))
    out.append("</svg>")
    return finish(out)


def _bar_summary(rows: Sequence[Row], texts: Sequence[str], shown: int = 3) -> str:
    if not rows:
        return gettext("There is no data to show.")
    ranked = sorted(zip(rows, texts, strict=True), key=lambda rt: -float(rt[0].value))[:shown]
    listed = "; ".join(f"{row.label}: {text}" for row, text in ranked)
    return ngettext("%(count)s bar. Largest: %(list)s.", "%(count)s bars. Largest: %(list)s.", len(rows)) % {
        "count": format_number(len(rows)),
        "list": listed,
    }


# --- paired bar chart --------------------------------------------------------------------------
PAIR_ROW = 50  # label line + two bars
PAIR_BAR = 11
LEGEND = 24


def paired_bar_chart(
    id: str,
    title: str,
    description: str,
    rows: Sequence[PairedRow],
    *,
    count_legend: str,
    amount_legend: str,
    rtl: bool = False,
    width: float = WIDTH,
    summarise: bool = True,
) -> SafeString:
    """Two bars per category: a count (solid) and an amount (light), each with its value printed.

    Used where a category has both a number of pledges and the money attributed to it. Each
    measure has its own scale (its largest value spans the chart); a key at the top names the two
    bars, and every value is printed as text, so neither colour nor length carries meaning alone.
    Each row (label, bars, values) is one link to ``row.href`` named "label: count, amount"; rows
    without a link (such as "not attributed") are drawn the same, unlinked. Rows are drawn in the
    order given.
    """
    rows = [r if isinstance(r, PairedRow) else PairedRow(*r) for r in rows]
    counts = [r.value_text if r.value_text is not None else format_number(r.value) for r in rows]
    amounts = [r.amount_text if r.amount_text is not None else format_usd_compact(r.amount) for r in rows]
    top_count = max((float(r.value) for r in rows), default=0.0)
    top_amount = max((float(r.amount) for r in rows), default=0.0)
    reserve = max((text_width(t, SMALL) for t in (*counts, *amounts)), default=0.0) + 8
    span = max(width - reserve, width / 3)
    height = LEGEND + max(len(rows), 1) * PAIR_ROW + 2
    interactive = any(safe_href(r.href) for r in rows)

    summary = _paired_summary(rows, counts, amounts) if summarise else ""
    out = [
        svg_open(
            id, "pair", width, height, title, join_sentences(description, summary), rtl=rtl, interactive=interactive
        )
    ]
    # The key: a swatch and a name for each bar.
    x0 = width - 2 if rtl else 2.0
    key_x = x0
    for klass, text in (("bar", count_legend), ("bar bar-amount", amount_legend)):
        swatch_x = key_x - 10 if rtl else key_x
        out.append(f'<rect class="{klass}" x="{n(swatch_x)}" y="5" width="10" height="10"/>')
        text_x = key_x - 14 if rtl else key_x + 14
        out.append(f'<text x="{n(text_x)}" y="14" class="key" font-size="{SMALL}">{esc(text)}</text>')
        advance = 14 + text_width(text, SMALL) + 14
        key_x = key_x - advance if rtl else key_x + advance
    edge = width if rtl else 0.0
    out.append(f'<path class="axis" d="M{n(edge)} {LEGEND}V{n(height)}"/>')
    if not rows:
        out.append(
            f'<text x="{n(width - 4 if rtl else 4)}" y="{LEGEND + 20}" class="empty">{esc(gettext("No data"))}</text>'
        )
    for i, (row, count_text, amount_text) in enumerate(zip(rows, counts, amounts, strict=True)):
        y = LEGEND + i * PAIR_ROW
        klass = f' class="{esc(row.css_class)}"' if row.css_class else ""
        out.append(link_open(row.href, f"{row.label}: {count_text}, {amount_text}"))
        out.append(f"<g{klass}>")
        label = truncate(row.label, width - 4)
        if label != row.label:
            out.append(f"<title>{esc(row.label)}</title>")
        out.append(f'<text x="{n(x0)}" y="{n(y + 13)}" class="label">{esc(label)}</text>')
        for offset, value, top, text, bar_class in (
            (18, row.value, top_count, count_text, "bar"),
            (18 + PAIR_BAR + 3, row.amount, top_amount, amount_text, "bar bar-amount"),
        ):
            v = max(float(value), 0.0)
            length = span * v / top if top > 0 else 0.0
            if v > 0:
                length = max(length, 1.5)
            bar_x = width - length if rtl else 0.0
            value_x = width - length - 5 if rtl else length + 5
            top_y = n(y + offset)
            out.append(
                f'<rect class="{bar_class}" x="{n(bar_x)}" y="{top_y}" width="{n(length)}" height="{PAIR_BAR}"/>'
            )
            out.append(
                f'<text x="{n(value_x)}" y="{n(y + offset + 9.5)}" class="value" font-size="{SMALL}">{esc(text)}</text>'
            )
        out.append("</g>")
        out.append(link_close(row.href))
    out.append("</svg>")
    return finish(out)


def _paired_summary(rows: Sequence[PairedRow], counts: Sequence[str], amounts: Sequence[str], shown: int = 3) -> str:
    if not rows:
        return gettext("There is no data to show.")
    ranked = sorted(zip(rows, counts, amounts, strict=True), key=lambda r: -float(r[0].value))[:shown]
    listed = "; ".join(f"{row.label}: {count}, {amount}" for row, count, amount in ranked)
    return ngettext(
        "%(count)s category. Most pledges: %(list)s.", "%(count)s categories. Most pledges: %(list)s.", len(rows)
    ) % {"count": format_number(len(rows)), "list": listed}


# --- cumulative chart over time -----------------------------------------------------------------
PANEL = 96  # height of each panel's plot area
BADGE_ROW = 18  # vertical room per row of milestone badges
KEY_LINE = 20  # one line of the milestone key


def cumulative_chart(
    id: str,
    title: str,
    description: str,
    points: Sequence[tuple[dt.date, Number, Number]],
    milestones: Sequence[Milestone | tuple[dt.date, str]] = (),
    *,
    rtl: bool = False,
    width: float = WIDTH,
    start: dt.date | None = None,
    end: dt.date | None = None,
    count_label: str | None = None,
    usd_label: str | None = None,
    count_format: Callable[[Number], str] = format_number,
    usd_format: Callable[[Number], str] = format_usd_compact,
) -> SafeString:
    """Two small panels over one time axis: cumulative pledges (top) and cumulative USD (bottom).

    ``points`` are ``(date, cumulative_count, cumulative_usd)``; each total holds from its date
    until the next point (a step line), up to ``end`` (default: the last date). Milestones are
    numbered markers on both panels, explained in a key under the axis (each key line is the
    date and the label). Year ticks (month ticks under two years), a few value ticks per panel,
    and the latest totals printed at the end of each line.
    """
    pts = sorted((Point(*p) for p in points), key=lambda p: p.date)
    marks = sorted((Milestone(*m) for m in milestones), key=lambda m: m.date)
    count_label = count_label or gettext("Published pledges")
    usd_label = usd_label or gettext("Estimated USD")
    dates = [p.date for p in pts] + [m.date for m in marks]
    first = start or (min(dates) if dates else timezone.localdate())
    last = end or (max(dates) if dates else first)
    if last <= first:
        last = first + dt.timedelta(days=1)
    days = (last - first).days

    pad = 10.0  # keeps a milestone badge on the first or last day inside the chart

    origin, per_day = first.toordinal(), (width - 2 * pad) / days

    def x(d: dt.date) -> float:
        pos = pad + min(max(d.toordinal() - origin, 0), days) * per_day
        return width - pos if rtl else pos

    # Milestone badges, staggered into rows where they would overlap.
    badge_rows: list[float] = []
    badges: list[tuple[float, int]] = []
    for mark in marks:
        bx = x(mark.date)
        row = 0
        while row < len(badge_rows) and abs(badge_rows[row] - bx) < 20:
            row += 1
        if row == len(badge_rows):
            badge_rows.append(bx)
        else:
            badge_rows[row] = bx
        badges.append((bx, row))
    point_xs = [x(p.date) for p in pts]
    top = 4 + (len(badge_rows) * BADGE_ROW if marks else 0)
    panel1 = top + 34  # room for the panel's caption above the top tick's label
    panel2 = panel1 + PANEL + 46
    axis_y = panel2 + PANEL
    key_top = axis_y + 34
    height = key_top + len(marks) * KEY_LINE + (4 if marks else -12)

    desc = join_sentences(description, _cumulative_summary(pts, marks, count_format, usd_format))
    out = [svg_open(id, "time", width, height, title, desc, rtl=rtl, interactive=False)]
    label_x = width - 2 if rtl else 2.0

    for panel_top, caption, values, fmt, klass in (
        (panel1, count_label, [p.pledges for p in pts], count_format, "count"),
        (panel2, usd_label, [p.usd for p in pts], usd_format, "usd"),
    ):
        out.append(f'<text x="{n(label_x)}" y="{n(panel_top - 19)}" class="caption">{esc(caption)}</text>')
        top_value = max((float(v) for v in values), default=0.0)
        ticks = nice_ticks(top_value, 3)
        scale_top = ticks[-1]

        def y(v: Number, panel_top: float = panel_top, scale_top: float = scale_top) -> float:
            return panel_top + PANEL - PANEL * float(v) / scale_top

        for tick in ticks:
            ty = y(tick)
            out.append(f'<path class="grid{" base" if tick == 0 else ""}" d="M0 {n(ty)}H{n(width)}"/>')
            if tick > 0:
                out.append(
                    f'<text x="{n(label_x)}" y="{n(ty - 3)}" class="tick" font-size="{SMALL}">{esc(fmt(tick))}</text>'
                )
        if pts:
            line = _step_path(point_xs, [y(v) for v in values], x(last))
            base = n(y(0))
            out.append(f'<path class="area {klass}" d="{line}V{base}H{n(x(pts[0].date))}Z"/>')
            out.append(f'<path class="line {klass}" d="{line}"/>')
            end_text = fmt(values[-1])
            end_x = x(last)
            last_y = y(values[-1])
            # Above the line's end, or below it when the line runs along the top of the panel.
            end_y = last_y - 6 if last_y - 6 >= panel_top + 12 else last_y + 16
            # The latest total, anchored at the line's end so that it stays inside the chart.
            out.append(
                f'<text x="{n(end_x)}" y="{n(end_y)}" text-anchor="end" class="value total">{esc(end_text)}</text>'
            )

    # Time axis: years (or quarters over a short span).
    for tick_date, text in _time_ticks(first, last):
        tx = x(tick_date)
        out.append(f'<path class="tick-mark" d="M{n(tx)} {n(axis_y)}v5"/>')
        out.append(
            f'<text x="{n(tx)}" y="{n(axis_y + 19)}" text-anchor="middle" class="tick" '
            f'font-size="{SMALL}">{esc(text)}</text>'
        )

    # Milestones: a dotted rule through both panels, a numbered badge, a line in the key.
    for number, (mark, (bx, row)) in enumerate(zip(marks, badges, strict=True), start=1):
        by = 4 + row * BADGE_ROW + 8
        when = mark.when or format_date(mark.date)
        out.append(f'<g class="milestone"><title>{esc(when)}: {esc(mark.label)}</title>')
        out.append(f'<path class="rule" d="M{n(bx)} {n(by + 8)}V{n(axis_y)}"/>')
        out.append(_badge(bx, by, number))
        out.append("</g>")
    # The key: each milestone's badge again, then its date and label.
    badge_x = width - 9 if rtl else 9.0
    text_x = width - 22 if rtl else 22.0
    for number, mark in enumerate(marks, start=1):
        ky = key_top + (number - 1) * KEY_LINE
        line_text = f"{mark.when or format_date(mark.date)} · {mark.label}"
        shown = truncate(line_text, width - 24, SMALL)
        title = f"<title>{esc(mark.label)}</title>" if shown != line_text else ""
        out.append(
            f'<g class="milestone">{_badge(badge_x, ky - 4, number)}'
            f'<text x="{n(text_x)}" y="{n(ky)}" class="key" font-size="{SMALL}">{title}{esc(shown)}</text></g>'
        )
    out.append("</svg>")
    return finish(out)


def _badge(cx: float, cy: float, number: int) -> str:
    """A milestone's numbered circle."""
    size = 10 if number < 10 else 8
    return (
        f'<circle cx="{n(cx)}" cy="{n(cy)}" r="8"/>'
        f'<text x="{n(cx)}" y="{n(cy + size * 0.35)}" text-anchor="middle" class="badge" '
        f'font-size="{n(size)}">{number}</text>'
    )


def _step_path(xs: Sequence[float], ys: Sequence[float], end_x: float, column: float = 2.0) -> str:
    """A step-after line through the points, in relative moves, with at most one step per
    ``column`` units: a cumulative total drawn 420 units wide needs no finer detail, and a
    thousand dates then cost a couple of hundred steps."""
    steps: list[list[int]] = []  # in tenths of a unit, so that relative moves add up exactly
    limit = column * 10
    for px_float, py_float in zip(xs, ys, strict=True):
        px, py = round(px_float * 10), round(py_float * 10)
        if steps and abs(steps[-1][0] - px) < limit:
            steps[-1][1] = py
        else:
            steps.append([px, py])
    (cx, cy), rest = steps[0], steps[1:]
    d = [f"M{n(cx / 10)} {n(cy / 10)}"]
    for px, py in rest:
        d.append(f"h{n((px - cx) / 10)}")
        if py != cy:
            d.append(f"v{n((py - cy) / 10)}")
        cx, cy = px, py
    last = round(end_x * 10)
    if last != cx:
        d.append(f"h{n((last - cx) / 10)}")
    return "".join(d)


def _time_ticks(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    years = [dt.date(year, 1, 1) for year in range(first.year + 1, last.year + 1)]
    if len(years) >= 2:
        step = 1 if len(years) <= 6 else math.ceil(len(years) / 6)
        return [(d, str(d.year)) for d in years[::step]]
    ticks = []
    month = dt.date(first.year, first.month, 1)
    while month <= last:
        if month > first and month.month in (1, 4, 7, 10):
            ticks.append((month, dateformat.format(month, "M Y")))
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return ticks


def _cumulative_summary(
    pts: Sequence[Point],
    marks: Sequence[Milestone],
    count_format: Callable[[Number], str],
    usd_format: Callable[[Number], str],
) -> str:
    if not pts:
        return gettext("There is no data to show.")
    text = gettext("From %(start)s to %(end)s the total grew to %(count)s pledges and %(usd)s.") % {
        "start": format_date(pts[0].date),
        "end": format_date(pts[-1].date),
        "count": count_format(pts[-1].pledges),
        "usd": usd_format(pts[-1].usd),
    }
    if marks:
        listed = "; ".join(f"{m.when or format_date(m.date)}: {m.label}" for m in marks)
        text += " " + gettext("Milestones: %(list)s.") % {"list": listed}
    return text
