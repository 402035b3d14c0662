"""A pledge's public content as plain values, to record what changed and to show a field-by-field diff.

``pledge_snapshot`` reads everything a pledger edits (fields, relations, targets, partners) into
strings and sorted lists of strings; ``snapshot_diff`` compares two snapshots. The audit trail
stores the changed keys, and the review screen shows the diff against the last published version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from p2c.pledges.models import Pledge

# Every key of a snapshot with its label, in the order the form and the diff show them.
SNAPSHOT_LABELS = {
    "title": _("Title"),
    "summary": _("Summary"),
    "description": _("Description"),
    "language": _("Language of the text"),
    "focus_areas": _("Focus areas"),
    "pillars": _("Pillars"),
    "pledge_types": _("Types of pledge"),
    "sdgs": _("SDGs"),
    "target_groups": _("Target groups"),
    "scope": _("Geographic scope"),
    "regions": _("Regions"),
    "countries": _("Beneficiary countries"),
    "amount": _("Amount"),
    "usd_estimate": _("Estimated value (USD)"),
    "targets": _("Targets"),
    "partners": _("Partners"),
    "pledged_on": _("Pledged on"),
    "start_date": _("Start date"),
    "end_date": _("End date"),
    "additionality": _("New or existing"),
    "seeking_partners": _("Seeking partners"),
    "event": _("Announced at"),
}


def _names(manager: Any, attribute: str = "name") -> list[str]:
    return sorted(str(getattr(item, attribute)) for item in manager.all())


def _number(value: Any) -> str:
    if value is None:
        return ""
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def pledge_snapshot(pledge: Pledge) -> dict[str, Any]:
    """Every editable part of ``pledge`` as strings or sorted lists of strings (see ``SNAPSHOT_LABELS``)."""
    targets = [
        f"{t.indicator}: {_number(t.baseline) or '–'} → {_number(t.target_value)} {t.unit} ({t.target_year})"
        for t in pledge.targets.all()
    ]
    partners = sorted(f"{p.entity.name} ({p.get_role_display()})" for p in pledge.partnerships.select_related("entity"))
    return {
        "title": pledge.title,
        "summary": pledge.summary,
        "description": pledge.description,
        "language": str(pledge.get_language_display()),
        "focus_areas": _names(pledge.focus_areas),
        "pillars": _names(pledge.pillars),
        "pledge_types": _names(pledge.pledge_types),
        "sdgs": [str(sdg) for sdg in sorted(pledge.sdgs.all(), key=lambda sdg: sdg.number)],
        "target_groups": _names(pledge.target_groups),
        "scope": str(pledge.get_scope_display()),
        "regions": _names(pledge.regions),
        "countries": _names(pledge.countries),
        "amount": f"{_number(pledge.amount)} {pledge.currency}".strip(),
        "usd_estimate": _number(pledge.usd_estimate),
        "targets": targets,
        "partners": partners,
        "pledged_on": pledge.pledged_on.isoformat() if pledge.pledged_on else "",
        "start_date": pledge.start_date.isoformat() if pledge.start_date else "",
        "end_date": pledge.end_date.isoformat() if pledge.end_date else "",
        "additionality": str(pledge.get_additionality_display()),
        "seeking_partners": str(_("Yes") if pledge.seeking_partners else _("No")),
        "event": str(pledge.event) if pledge.event_id else "",
    }


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two snapshots, with both values for display."""

    key: str
    label: str
    before: Any
    after: Any

    @property
    def is_list(self) -> bool:
        return isinstance(self.after, list) or isinstance(self.before, list)

    @property
    def removed(self) -> list[str]:
        """For list fields: the items only in ``before``."""
        return [item for item in (self.before or []) if item not in (self.after or [])]

    @property
    def added(self) -> list[str]:
        """For list fields: the items only in ``after``."""
        return [item for item in (self.after or []) if item not in (self.before or [])]


def snapshot_diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldChange]:
    """The fields that differ, in form order; with no ``before``, every field that has a value."""
    changes = []
    for key, label in SNAPSHOT_LABELS.items():
        old = before.get(key) if before is not None else ([] if isinstance(after.get(key), list) else "")
        new = after.get(key)
        if old != new:
            changes.append(FieldChange(key=key, label=str(label), before=old, after=new))
    return changes


def changed_keys(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{key: [before, after]}`` for the audit trail."""
    return {c.key: [c.before, c.after] for c in snapshot_diff(before, after)}
