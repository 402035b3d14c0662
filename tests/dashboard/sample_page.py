"""A sample page with the map and the charts, styled by the site's stylesheets, for the browser test."""

from __future__ import annotations

from pathlib import Path

from p2c.dashboard import svg, tables
from p2c.dashboard.map import world_map
from p2c.dashboard.svg import Row
from tests.dashboard import samples

SRC = Path(__file__).resolve().parents[2] / "src" / "p2c"
SITE_CSS = SRC / "static" / "css" / "p2c.css"
CHARTS_CSS = SRC / "dashboard" / "static" / "dashboard" / "charts.css"

ARABIC_FOCUS_AREAS = [
    Row("النفاذ", 412, "/ar/pledges/?focus_area=access", "412", "fa-access"),
    Row("التبني", 298, "/ar/pledges/?focus_area=adoption", "298", "fa-adoption"),
    Row("خلق القيمة", 187, "/ar/pledges/?focus_area=value-creation", "187", "fa-value-creation"),
    Row("التسريع", 96, "/ar/pledges/?focus_area=accelerate", "96", "fa-accelerate"),
]


def sample_page() -> str:
    values = samples.map_values()
    names = samples.names()
    points = samples.cumulative_points()
    world = world_map(
        "map-pledges",
        "Published pledges per beneficiary country",
        "Number of published pledges that name each country as a beneficiary; a pledge to several "
        "countries counts once in each.",
        values,
        names=names,
        no_data_label="No published pledges",
    )
    table = tables.data_table_html(
        tables.map_data_table(
            values, caption="Published pledges per beneficiary country", value_header="Pledges", names=names
        )
    )
    bars = svg.bar_chart(
        "chart-focus-areas",
        "Pledges by focus area",
        "Published pledges in each focus area; a pledge in two focus areas counts in both.",
        samples.FOCUS_AREAS,
    )
    usd_bars = svg.bar_chart(
        "chart-usd-type",
        "Estimated USD by pledge type",
        "Estimated USD of published pledges, by pledge type.",
        samples.USD_BY_TYPE,
    )
    time = svg.cumulative_chart(
        "chart-time",
        "Pledges and estimated USD over time",
        "Cumulative published pledges and their estimated USD, by publication date.",
        points,
        samples.MILESTONES,
    )
    rtl_bars = svg.bar_chart(
        "chart-focus-areas-ar", "التعهدات حسب مجال التركيز", "عدد التعهدات المنشورة", ARABIC_FOCUS_AREAS, rtl=True
    )
    rtl_time = svg.cumulative_chart(
        "chart-time-ar",
        "التعهدات عبر الزمن",
        "العدد التراكمي للتعهدات المنشورة",
        points,
        [(d, "معلم " + str(i)) for i, (d, _label) in enumerate(samples.MILESTONES, start=1)],
        rtl=True,
        count_label="التعهدات المنشورة",
        usd_label="الدولارات المقدرة",
    )
    style = SITE_CSS.read_text(encoding="utf-8") + CHARTS_CSS.read_text(encoding="utf-8")
    return f"""<!doctype html>
<html lang="en" dir="ltr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dashboard charts: sample</title><style>{style}
main {{ max-inline-size: 64rem; margin-inline: auto; padding: 1rem; }}
.grid {{ display: grid; gap: 2rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr)); }}
section {{ margin-block-end: 2rem; }}
details {{ margin-block-start: .5rem; }}
</style></head>
<body><main>
<h1>Dashboard charts (sample data)</h1>
<section aria-labelledby="h-map"><h2 id="h-map">Where pledges go</h2>{world}
<p class="muted">Estimated from published pledges only. Boundaries and names shown on this map do not imply
official endorsement or acceptance.</p>
<details><summary>Data table</summary>{table}</details></section>
<div class="grid">
<section aria-labelledby="h-fa"><h2 id="h-fa">Focus areas</h2>{bars}</section>
<section aria-labelledby="h-usd"><h2 id="h-usd">Pledge types</h2>{usd_bars}</section>
</div>
<section aria-labelledby="h-time"><h2 id="h-time">Over time</h2>{time}</section>
<div class="grid" dir="rtl" lang="ar">
<section aria-labelledby="h-fa-ar"><h2 id="h-fa-ar">مجالات التركيز</h2>{rtl_bars}</section>
<section aria-labelledby="h-time-ar"><h2 id="h-time-ar">عبر الزمن</h2>{rtl_time}</section>
</div>
</main></body></html>"""
