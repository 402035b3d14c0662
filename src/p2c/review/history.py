"""A pledge's audit trail in words, for the review page: who did what, when, from which state to which."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from p2c.accounts.models import User
from p2c.core.models import AuditEvent
from p2c.pledges.models import Pledge
from p2c.pledges.snapshots import SNAPSHOT_LABELS

ACTION_LABELS = {
    "created": _("Created"),
    "updated": _("Edited"),
    "submitted": _("Submitted for review"),
    "published": _("Published"),
    "changes_requested": _("Changes requested"),
    "rejected": _("Rejected"),
    "withdrawn": _("Withdrawn"),
    "revision_started": _("Revision started"),
    "revised": _("Revision published"),
}


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history: the action, who, when, the state change, the comment and the fields edited."""

    action: str
    label: str
    actor: User | None
    when: dt.datetime
    from_state: str
    to_state: str
    comment: str
    fields: list[str]


def _state_label(value: str) -> str:
    return str(Pledge.State(value).label) if value in Pledge.State.values else value


def history_entries(events: Iterable[AuditEvent]) -> list[HistoryEntry]:
    """``events`` (oldest first) as the page shows them."""
    entries = []
    for event in events:
        changed = event.changed_fields if isinstance(event.changed_fields, dict) else {}
        fields = (
            [str(label) for key, label in SNAPSHOT_LABELS.items() if key in changed]
            if event.action in {"updated", "revised"}
            else []
        )
        moved = event.from_state and event.to_state and event.from_state != event.to_state
        entries.append(
            HistoryEntry(
                action=event.action,
                label=str(ACTION_LABELS.get(event.action, event.action.replace("_", " ").capitalize())),
                actor=event.actor,
                when=event.created_at,
                from_state=_state_label(event.from_state) if moved else "",
                to_state=_state_label(event.to_state) if moved else "",
                comment=event.comment,
                fields=fields,
            )
        )
    return entries
