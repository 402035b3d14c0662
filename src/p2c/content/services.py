"""Writes of editorial content: importing pages and recording milestones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from p2c.content.models import Milestone, Page, milestone_title
from p2c.content.wordpress import ImportedPage
from p2c.core.services import audit_event_record


@transaction.atomic
def page_import(*, imported: ImportedPage, as_about: bool = False, acting_user: Any = None) -> tuple[Page, bool]:
    """Create or update the page with the imported one's slug; its timeline becomes curated milestones.

    Returns the page and whether it was created. Importing the same document again updates the
    page and its milestones instead of adding new ones.
    """
    values = {
        "title": imported.title,
        "content_html": imported.content_html,
        "source_url": imported.source_url,
        "source_id": imported.source_id,
        "source_published_at": imported.published_at,
        "source_modified_at": imported.modified_at,
    }
    page = Page.objects.filter(slug=imported.slug).first()
    created = page is None
    if page is None:
        page = Page(slug=imported.slug, **values)
    else:
        for name, value in values.items():
            setattr(page, name, value)
    if as_about:
        Page.objects.filter(is_about=True).exclude(pk=page.pk).update(is_about=False)
        page.is_about = True
    page.full_clean()
    page.save()
    for position, entry in enumerate(imported.timeline, start=1):
        Milestone.objects.update_or_create(
            source_page=page,
            source_position=position,
            defaults={
                "kind": Milestone.Kind.CURATED,
                "achieved_on": entry.date,
                "precision": Milestone.Precision.MONTH,
                "title": entry.text[:300],
            },
        )
    page.milestones.filter(source_position__gt=len(imported.timeline)).delete()
    audit_event_record(
        target=page,
        action="imported" if created else "reimported",
        actor=acting_user,
        comment=imported.source_url,
    )
    return page, created


@transaction.atomic
def milestones_record() -> list[Milestone]:
    """Record every threshold of published pledges and estimated USD crossed and not yet recorded.

    A threshold is crossed on the day its pledge was published; once recorded it stays, even if a
    pledge is later withdrawn (it marks when the coalition first got there). Steps come from the
    settings ``P2C_MILESTONE_PLEDGES_STEP`` and ``P2C_MILESTONE_USD_STEP``.
    """
    from p2c.pledges.selectors import published_pledges

    pledge_step: int = settings.P2C_MILESTONE_PLEDGES_STEP
    usd_step = Decimal(settings.P2C_MILESTONE_USD_STEP)
    recorded = {
        (m.metric, m.threshold)
        for m in Milestone.objects.filter(kind=Milestone.Kind.AUTOMATIC).only("metric", "threshold")
    }
    new: list[Milestone] = []

    def add(metric: str, threshold: Decimal, day: dt.date) -> None:
        if (metric, threshold) not in recorded:
            recorded.add((metric, threshold))
            with translation.override(settings.LANGUAGE_CODE):  # stored in English; pages show display_title
                title = milestone_title(metric, threshold)
            new.append(
                Milestone(
                    kind=Milestone.Kind.AUTOMATIC, metric=metric, threshold=threshold, achieved_on=day, title=title
                )
            )

    usd = Decimal(0)
    next_pledges, next_usd = pledge_step, usd_step
    rows = published_pledges().order_by("published_at", "id").values_list("published_at", "usd_estimate")
    for count, (published_at, estimate) in enumerate(rows.iterator(chunk_size=5000), start=1):
        usd += estimate or 0
        day = published_at.date() if published_at else timezone.localdate()  # published ⇒ dated (a DB constraint)
        while pledge_step and count >= next_pledges:
            add(Milestone.Metric.PLEDGES, Decimal(next_pledges), day)
            next_pledges += pledge_step
        while usd_step and usd >= next_usd:
            add(Milestone.Metric.USD, next_usd, day)
            next_usd += usd_step
    Milestone.objects.bulk_create(new)
    return new
