"""Sample figures for the chart tests and the rendered sample page (no database needed)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from p2c.dashboard.map import Value
from p2c.dashboard.svg import Row

ISO3166 = Path(__file__).resolve().parents[2] / "src" / "p2c" / "geo" / "data" / "iso3166.csv"


def iso_countries() -> list[dict[str, str]]:
    """The rows of the project's ISO 3166-1 file (iso2, iso3, numeric, name)."""
    with ISO3166.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def names() -> dict[str, str]:
    return {row["numeric"]: row["name"] for row in iso_countries()}


def map_values(count: int = 200, seed: int = 7) -> dict[str, Value]:
    """``count`` countries with a skewed number of pledges each, linking to the explorer."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not security
    rows = [r for r in iso_countries() if r["numeric"] != "010"]
    rng.shuffle(rows)
    values = {}
    for row in rows[:count]:
        pledges = max(1, int(rng.paretovariate(1.1) * 3))
        values[row["numeric"]] = Value(
            pledges,
            f"{pledges:,} pledges" if pledges != 1 else "1 pledge",
            f"/pledges/?country={row['iso2']}",
            row["name"],
        )
    return values


FOCUS_AREAS = [
    Row("Access", 412, "/pledges/?focus_area=access", "412", "fa-access"),
    Row("Adoption", 298, "/pledges/?focus_area=adoption", "298", "fa-adoption"),
    Row("Value creation", 187, "/pledges/?focus_area=value-creation", "187", "fa-value-creation"),
    Row("Accelerate", 96, "/pledges/?focus_area=accelerate", "96", "fa-accelerate"),
]

USD_BY_TYPE = [
    Row("Financial", Decimal("61200000000"), "/pledges/?type=financial", "USD 61.2 bn"),
    Row("Programmatic", Decimal("17400000000"), "/pledges/?type=programmatic", "USD 17.4 bn"),
    Row("Policy", Decimal("2100000000"), "/pledges/?type=policy", "USD 2.1 bn"),
    Row("Advocacy", Decimal("350000000"), "/pledges/?type=advocacy", "USD 350 m"),
]


def cumulative_points(seed: int = 3) -> list[tuple[dt.date, int, Decimal]]:
    """About a thousand pledges published between June 2022 and March 2026, one point per pledge."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not security
    day = dt.date(2022, 6, 9)
    end = dt.date(2026, 3, 1)
    count, usd = 0, Decimal(0)
    points = []
    while day < end:
        count += 1
        usd += Decimal(int(rng.paretovariate(1.3) * 20_000_000))
        points.append((day, count, usd))
        day += dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3]))
    return points


MILESTONES = [
    (dt.date(2022, 6, 9), "Partner2Connect launched at WTDC-22 in Kigali"),
    (dt.date(2022, 9, 26), "Pledges pass USD 25 billion at PP-22"),
    (dt.date(2023, 9, 18), "500 pledges"),
    (dt.date(2025, 1, 20), "1,000 pledges"),
]
