"""The texts and targets of a demo pledge: Markdown description, measurable targets, word lists.

Generated content is English demo data, not interface text, so it is not marked for translation.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from p2c.demo import vocabulary as v
from p2c.demo.distributions import Weighted, round_amount

_TARGET_COUNT = Weighted(v.TARGET_COUNT_WEIGHTS)


def join_words(items: list[str]) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def pledge_targets(rng: random.Random, areas: list[str], created_year: int) -> list[dict[str, object]]:
    """0–3 measurable targets drawn from the indicators of the pledge's focus areas."""
    targets: list[dict[str, object]] = []
    used: set[str] = set()
    for order in range(_TARGET_COUNT.pick(rng)):
        indicator, unit, low, high, decreasing = rng.choice(v.INDICATORS[rng.choice(areas)])
        if indicator in used:
            continue
        used.add(indicator)
        if decreasing:
            baseline = Decimal(str(round(rng.uniform(low, high), 1)))
            target = (baseline * Decimal(str(round(rng.uniform(0.3, 0.8), 2)))).quantize(Decimal("0.1"))
        else:
            target_value = round_amount(math.exp(rng.uniform(math.log(low), math.log(high))))
            target = Decimal(target_value)
            baseline = (
                Decimal(0) if rng.random() < 0.5 else Decimal(round_amount(target_value * rng.uniform(0.05, 0.6)))
            )
        if baseline == target:
            baseline = Decimal(0) if not decreasing else target * 2
        targets.append(
            {
                "indicator": indicator,
                "unit": unit,
                "baseline": baseline,
                "target_value": target,
                "target_year": rng.randint(max(2024, min(created_year + 1, 2030)), 2030),
                "order": order,
            }
        )
    return targets


def pledge_description(
    rng: random.Random, lead: str, action: str, place: str, areas: list[str], targets: int, seeking: bool
) -> str:
    """The Markdown description: what the lead will do, a list of activities, how it reports."""
    pool = [activity for area in areas for activity in v.ACTIVITIES[area]]
    activities = rng.sample(pool, min(len(pool), rng.randint(3, 4)))
    lines = [f"{lead} will {action} in {place}.", "", "**Planned activities**", ""]
    lines += [f"- {activity}" for activity in activities]
    lines.append("")
    if targets:
        lines.append(f"Progress will be reported every year against {targets} measurable target{'s' * (targets > 1)}.")
    else:
        lines.append("Progress will be reported every year.")
    if seeking:
        lines.append("We are looking for partners to take this further.")
    lines += ["", "*Fictitious pledge generated as demo data.*"]
    return "\n".join(lines)
