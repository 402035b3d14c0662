"""Public pledge references: ``P2C-<year>-<number>``, numbered per year, never reused."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from p2c.pledges.models import ReferenceCounter

PREFIX = "P2C"


def reference_format(year: int, number: int) -> str:
    """``reference_format(2026, 42)`` → ``"P2C-2026-0042"`` (at least four digits)."""
    return f"{PREFIX}-{year}-{number:04d}"


@transaction.atomic
def reference_reserve(*, year: int, count: int = 1) -> list[str]:
    """Reserve ``count`` consecutive references for ``year``; safe under concurrent callers."""
    ReferenceCounter.objects.get_or_create(year=year)
    ReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + count)
    last = ReferenceCounter.objects.get(year=year).last_number
    return [reference_format(year, n) for n in range(last - count + 1, last + 1)]
