"""From a JSON pledge to the arguments of ``pledge_draft_create`` / ``pledge_update``, validated as the web form does.

The JSON is turned into the form's data and checked by the web form's own classes
(``p2c.workspace.forms``: ``PledgeForm`` with its geography, ``TargetRowForm``), so that the API
accepts and refuses exactly what the form does, with the same messages. Only the way values are
named differs: taxonomy terms by code, regions by code, the event and partners by slug (the form
offers checkboxes and names). Every error is keyed by the JSON field it is about:
``title``, ``targets.0.unit``, ``partners.1.entity``; errors about no field are ``non_field_errors``.

For an update, the form is filled with the pledge as saved, the fields sent replace theirs, the
whole is validated (so that, say, a new end date is checked against the saved start date), and
only what was sent is given to ``pledge_update``.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from p2c.api.schemas import PledgeIn
from p2c.entities.models import Entity
from p2c.pledges.models import Pledge, PledgePartner
from p2c.pledges.services import PartnerSpec, TargetSpec
from p2c.workspace.forms.pledge import PledgeForm
from p2c.workspace.forms.rows import MAX_ROWS, TargetRowForm, plain_number

NON_FIELD = "non_field_errors"
# The JSON fields, and the keys of the services' changes each one gives.
SERVICE_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "summary": ("summary",),
    "description": ("description",),
    "focus_areas": ("focus_areas",),
    "pillars": ("pillars",),
    "pledge_types": ("pledge_types",),
    "sdgs": ("sdgs",),
    "target_groups": ("target_groups",),
    "scope": ("scope", "regions", "countries"),
    "regions": ("scope", "regions", "countries"),
    "countries": ("scope", "regions", "countries"),
    "pledged_on": ("pledged_on",),
    "start_date": ("start_date",),
    "end_date": ("end_date",),
    "amount": ("amount", "currency", "pledger_usd"),
    "currency": ("amount", "currency", "pledger_usd"),
    "usd_estimate": ("amount", "currency", "pledger_usd"),
    "event": ("event",),
    "additionality": ("additionality",),
    "seeking_partners": ("seeking_partners",),
    "targets": ("targets",),
    "partners": ("partners",),
}
LIST_FIELDS = ("focus_areas", "pillars", "pledge_types", "sdgs", "target_groups", "regions", "countries")


class InputErrors(Exception):
    """What is wrong with a pledge sent to the API, by JSON field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _unknown(what: str) -> Any:
    return gettext_lazy("There is no %(what)s “%%(value)s”: see /api/v1/taxonomy for the codes.") % {"what": what}


class ApiPledgeForm(PledgeForm):
    """The web form's pledge fields, taking codes and slugs instead of the checkboxes' ids."""

    CODES = {
        "focus_areas": ("code", gettext_lazy("focus area")),
        "pillars": ("code", gettext_lazy("pillar")),
        "pledge_types": ("code", gettext_lazy("pledge type")),
        "target_groups": ("code", gettext_lazy("target group")),
        "regions": ("code", gettext_lazy("region")),
        "sdgs": ("pk", gettext_lazy("SDG")),
        "event": ("slug", gettext_lazy("event")),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (to_field, what) in self.CODES.items():
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.to_field_name = None if to_field == "pk" else to_field
            message = str(_unknown(str(what)))
            field.error_messages = {**field.error_messages, "invalid_choice": message, "invalid_pk_value": message}
        self.fields["countries"].error_messages["invalid_choice"] = _(
            "“%(value)s” is not a country code we know: use ISO 3166 alpha-2 codes such as KE."
        )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def pledge_values(pledge: Pledge) -> dict[str, Any]:
    """The saved pledge as the API's JSON fields (its relations prefetched): the base of an update."""
    return {
        "title": pledge.title,
        "summary": pledge.summary,
        "description": pledge.description,
        "focus_areas": [a.code for a in pledge.focus_areas.all()],
        "pillars": [p.code for p in pledge.pillars.all()],
        "pledge_types": [t.code for t in pledge.pledge_types.all()],
        "sdgs": [s.number for s in pledge.sdgs.all()],
        "target_groups": [g.code for g in pledge.target_groups.all()],
        "scope": pledge.scope,
        "regions": [r.code for r in pledge.regions.all()],
        "countries": [c.iso2 for c in pledge.countries.all()],
        "pledged_on": pledge.pledged_on.isoformat() if pledge.pledged_on else None,
        "start_date": pledge.start_date.isoformat() if pledge.start_date else None,
        "end_date": pledge.end_date.isoformat() if pledge.end_date else None,
        "amount": None if pledge.amount is None else str(pledge.amount),
        "currency": pledge.currency,
        "usd_estimate": str(pledge.usd_estimate) if pledge.usd_source == Pledge.UsdSource.PLEDGER else None,
        "event": pledge.event.slug if pledge.event else None,
        "additionality": pledge.additionality,
        "seeking_partners": pledge.seeking_partners,
        "targets": [
            {
                "indicator": t.indicator,
                "unit": t.unit,
                "baseline": plain_number(t.baseline) or None,
                "target_value": plain_number(t.target_value),
                "target_year": t.target_year,
            }
            for t in pledge.targets.all()
        ],
        "partners": [{"entity": p.entity.slug, "role": p.role} for p in pledge.partnerships.all()],
    }


def _form_data(values: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name in LIST_FIELDS:
        data.setlist(name, [_text(v).strip() for v in values.get(name) or []])
    for name in (
        "title",
        "summary",
        "description",
        "scope",
        "pledged_on",
        "start_date",
        "end_date",
        "amount",
        "currency",
        "usd_estimate",
        "event",
        "additionality",
    ):
        data[name] = _text(values.get(name))
    if values.get("seeking_partners"):
        data["seeking_partners"] = "on"
    return data


def _targets(rows: list[Any], errors: dict[str, list[str]]) -> list[TargetSpec]:
    if len(rows) > MAX_ROWS:
        errors.setdefault("targets", []).append(_("At most %(max)d targets.") % {"max": MAX_ROWS})
        return []
    specs = []
    for number, row in enumerate(rows):
        data = row if isinstance(row, dict) else row.model_dump()
        form = TargetRowForm({name: _text(data.get(name)) for name in TargetRowForm.base_fields})
        if form.is_blank():
            errors.setdefault(f"targets.{number}", []).append(_("This target is empty: fill it in or leave it out."))
            continue
        if not form.is_valid():
            for name, messages in form.errors.items():
                errors.setdefault(f"targets.{number}.{name}", []).extend(str(m) for m in messages)
            continue
        spec = form.spec()
        if spec is not None:
            specs.append(spec)
    return specs


def _partners(rows: list[Any], lead: Entity, errors: dict[str, list[str]]) -> list[PartnerSpec]:
    if len(rows) > MAX_ROWS:
        errors.setdefault("partners", []).append(_("At most %(max)d partners.") % {"max": MAX_ROWS})
        return []
    items = [row if isinstance(row, dict) else row.model_dump() for row in rows]
    slugs = [str(item.get("entity") or "").strip().lower() for item in items]
    found = {e.slug: e for e in Entity.objects.filter(slug__in=[s for s in slugs if s])}
    specs, seen = [], set()
    for number, (item, slug) in enumerate(zip(items, slugs, strict=True)):
        key = f"partners.{number}.entity"
        entity = found.get(slug)
        role = str(item.get("role") or PledgePartner.Role.CO_PLEDGER)
        if entity is None:
            errors.setdefault(key, []).append(
                _("No registered organisation has the slug “%(slug)s”.") % {"slug": item.get("entity")}
            )
        elif entity.pk == lead.pk:
            errors.setdefault(key, []).append(
                _("%(entity)s leads this pledge, so it cannot also be a partner.") % {"entity": entity.name}
            )
        elif entity.pk in seen:
            errors.setdefault(key, []).append(_("%(entity)s is already listed above.") % {"entity": entity.name})
        elif role not in PledgePartner.Role.values:
            errors.setdefault(f"partners.{number}.role", []).append(_("Choose co_pledger, implementer or funder."))
        else:
            seen.add(entity.pk)
            specs.append(PartnerSpec(entity=entity, role=role))
    return specs


def pledge_changes(payload: PledgeIn, *, lead: Entity, pledge: Pledge | None = None) -> dict[str, Any]:
    """The keyword arguments for ``pledge_draft_create`` (no ``pledge``) or ``pledge_update``; or ``InputErrors``."""
    given = [name for name in SERVICE_KEYS if name in payload.model_fields_set]
    values = pledge_values(pledge) if pledge is not None else {}
    values.update({name: getattr(payload, name) for name in given})
    form = ApiPledgeForm(_form_data(values))
    errors: dict[str, list[str]] = {}
    if not form.is_valid():
        for name, messages in form.errors.items():
            errors.setdefault(NON_FIELD if name == NON_FIELD_ERRORS else name, []).extend(str(m) for m in messages)
    targets = _targets(values.get("targets") or [], errors)
    partners = _partners(values.get("partners") or [], lead, errors)
    if errors:
        raise InputErrors(errors)
    changes = {**form.changes(), "targets": targets, "partners": partners}
    if pledge is None:
        return changes
    wanted = {key for name in given for key in SERVICE_KEYS[name]}
    return {key: value for key, value in changes.items() if key in wanted}


def service_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A service's refusal keyed by JSON field (``usd_estimate``, ``targets``, …; ``non_field_errors``)."""
    if not hasattr(exc, "error_dict"):
        return {NON_FIELD: [str(m) for m in exc.messages]}
    return {
        (NON_FIELD if key == NON_FIELD_ERRORS else key): [str(m) for m in messages]
        for key, messages in exc.message_dict.items()
    }
