"""``{% load review %}``: how long a pledge has been waiting, in whole days (what a queue is sorted by)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def waiting(since: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """``submitted_at`` as "3 days ago", "1 day ago" or "today"; ``""`` when unknown."""
    if not isinstance(since, dt.datetime):
        return ""
    days = ((now or timezone.now()) - since).days
    if days < 1:
        return gettext("today")
    number = formats.number_format(days, use_l10n=True, force_grouping=True)
    return ngettext("%(days)s day ago", "%(days)s days ago", days) % {"days": number}
