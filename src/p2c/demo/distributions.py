"""Small, fast random helpers for the demo generator: weighted picks, growth over time, round amounts.

All take an explicit ``random.Random`` so that a seed always gives the same data. The generator is
not security-sensitive: ``random`` is the right tool here (hence the S311 exemptions in this app).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A fixed set of choices with weights; ``pick`` is O(log n) through cumulative weights."""

    __slots__ = ("choices", "cumulative", "total")

    def __init__(self, weights: dict[T, float] | Sequence[tuple[T, float]]) -> None:
        pairs = list(weights.items()) if isinstance(weights, dict) else list(weights)
        pairs = [(choice, weight) for choice, weight in pairs if weight > 0]
        if not pairs:
            raise ValueError("Weighted needs at least one choice with a positive weight.")
        self.choices: list[T] = [choice for choice, _weight in pairs]
        self.cumulative: list[float] = list(itertools.accumulate(weight for _choice, weight in pairs))
        self.total = self.cumulative[-1]

    def __len__(self) -> int:
        return len(self.choices)

    def pick(self, rng: random.Random) -> T:
        """One choice, with probability proportional to its weight."""
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.choices[min(index, len(self.choices) - 1)]

    def sample(self, rng: random.Random, count: int) -> list[T]:
        """Up to ``count`` distinct choices, heavier ones more likely, in the order drawn."""
        count = min(count, len(self.choices))
        picked: list[T] = []
        seen: set[int] = set()
        attempts = 0
        while len(picked) < count and attempts < count * 20:
            attempts += 1
            index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
            index = min(index, len(self.choices) - 1)
            if index not in seen:
                seen.add(index)
                picked.append(self.choices[index])
        return picked


def zipf_weights(count: int, exponent: float = 0.8) -> list[float]:
    """Weights 1/rank^exponent: a few entities pledge often, most pledge once or twice."""
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


class GrowthCurve:
    """Maps an evenly spread fraction ``u`` in [0, 1) to a moment, following a cumulative curve.

    ``points`` are (date, cumulative share) pairs, increasing in both; between points the curve is
    linear, so ``moment(u)`` is monotonic: pledge *i* of *n* drawn at ``(i + random()) / n`` is never
    earlier than pledge *i - 1*, and references can be numbered in creation order as they stream out.
    """

    def __init__(self, points: Sequence[tuple[dt.date, float]]) -> None:
        self.shares = [share for _date, share in points]
        self.seconds = [_epoch_seconds(day) for day, _share in points]

    def moment(self, u: float) -> dt.datetime:
        """The UTC moment at cumulative share ``u``."""
        index = max(1, min(bisect.bisect_right(self.shares, u), len(self.shares) - 1))
        s0, s1 = self.shares[index - 1], self.shares[index]
        t0, t1 = self.seconds[index - 1], self.seconds[index]
        fraction = (u - s0) / (s1 - s0) if s1 > s0 else 0.0
        seconds = t0 + fraction * (t1 - t0)
        return _EPOCH + dt.timedelta(seconds=int(seconds))


_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _epoch_seconds(day: dt.date) -> float:
    return (dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) - _EPOCH).total_seconds()


def lognormal_amount(rng: random.Random, median: float, sigma: float, low: float, high: float) -> int:
    """A heavy-tailed amount: log-normal around ``median``, redrawn above ``high``, at least ``low``, rounded."""
    value = median * math.exp(rng.gauss(0.0, sigma))
    for _attempt in range(20):
        if value <= high:
            break
        value = median * math.exp(rng.gauss(0.0, sigma))
    return round_amount(min(max(value, low), high))


def round_amount(value: float) -> int:
    """Round to two significant figures, as people announce amounts (USD 2.5 million, not 2,513,774)."""
    if value < 100:
        return max(1, round(value))
    magnitude = 10 ** (int(math.log10(value)) - 1)
    return int(round(value / magnitude) * magnitude)


def exponential_delay(rng: random.Random, mean_days: float, min_minutes: int = 10) -> dt.timedelta:
    """A waiting time (review, submission) with an exponential distribution of ``mean_days``."""
    seconds = rng.expovariate(1.0 / (mean_days * 86400))
    return dt.timedelta(seconds=max(int(seconds), min_minutes * 60))
