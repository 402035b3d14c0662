"""Reads of editorial content."""

from __future__ import annotations

from django.db.models import QuerySet

from p2c.content.models import Milestone, Page


def about_page() -> Page | None:
    """The page served at /about/, if one was chosen."""
    return Page.objects.filter(is_about=True).first()


def timeline_milestones() -> QuerySet[Milestone]:
    """Every milestone, oldest first: curated moments and thresholds crossed."""
    return Milestone.objects.order_by("achieved_on", "kind", "threshold", "id")
