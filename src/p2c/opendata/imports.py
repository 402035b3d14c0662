"""The secretariat's bulk import: a CSV or XLSX file of pledges, checked row by row, imported all or nothing.

1. ``import_batch_create`` keeps the uploaded file in an ``ImportBatch`` and queues the check.
2. ``import_batch_check`` (a background task) reads the file and applies **every** row, each in
   its own savepoint, inside one transaction that is then rolled back: every row goes through the
   same code as the pledge form (``p2c.pledges.services``: field, money, target and partner
   validation, ``full_clean``, the database constraints, and for pledges sent for review or
   published the completeness rules of ``submission_errors``). Nothing is written; the batch
   records, for each row, whether importing it creates a pledge, updates one, leaves one
   unchanged, or fails, with the messages by column.
3. ``import_batch_start`` + ``import_batch_commit`` (a background task) apply the rows again, in
   ONE transaction: if any row fails now (the data changed since the check), nothing is written.

Which pledge a row is: the pledge of the same lead entity with the same ``external_reference``
(unique per lead entity), so importing a file again updates its pledges instead of duplicating
them; otherwise, with an empty or unknown external reference, the pledge named by ``reference``
(``P2C-2026-0042``: a file downloaded from the platform); otherwise a new pledge. Columns the file
does not have are left as they are; an empty cell in a column it has clears the value.

Updates change content only, never the review state: drafts and pledges sent back for changes
always; published pledges only when importing "published directly" (a migration of a registry the
secretariat has reviewed). A row that would change a pledge in any other state is an error; a row
that changes nothing is reported as unchanged, whatever the state. Every pledge created or changed
gets an ``AuditEvent`` naming the reviewer, the file and the row. No emails are sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from p2c.content.models import Event
from p2c.core.money import parse_amount
from p2c.core.services import audit_event_record
from p2c.entities.models import Entity
from p2c.geo.models import Country, Region
from p2c.opendata.columns import ROLE_NAMES
from p2c.opendata.exports import FORMULA_STARTS
from p2c.opendata.models import ImportBatch
from p2c.opendata.tables import Table, TableError, table_read
from p2c.pledges.models import SDG, FocusArea, Pillar, Pledge, PledgePartner, PledgeType, TargetGroup
from p2c.pledges.references import reference_reserve
from p2c.pledges.services import (
    EDITABLE_STATES,
    PartnerSpec,
    TargetSpec,
    pledge_content_apply,  # the validation and writing behind pledge_draft_create and pledge_update
)
from p2c.pledges.snapshots import SNAPSHOT_LABELS, changed_keys, pledge_snapshot
from p2c.pledges.transitions import submission_errors

logger = logging.getLogger(__name__)

ROW = "row"  # the key of errors about the row as a whole
CHECK_ROWS_PER_TRANSACTION = 200
Mode = ImportBatch.Mode

# What the import reads, column by column (docs/opendata.md describes each; a test checks it does).
# Every other column of the file (those of a download, say) is ignored.
IMPORT_COLUMNS: dict[str, Promise] = {
    "external_reference": gettext_lazy(
        "Required to create a pledge: its identifier in your registry (at most 100 characters). Importing "
        "again updates the pledge of the same lead entity with the same external reference."
    ),
    "reference": gettext_lazy(
        "Optional: the platform's reference (P2C-2026-0042) of a pledge to update, for rows without an "
        "external reference that matches (a file downloaded from the platform). It gives the pledge the "
        "row's external reference if it has none."
    ),
    "lead_entity": gettext_lazy(
        "Required (or lead_entity_slug): the lead entity's exact name (any letter case) or slug. "
        "The entity must exist on the platform; the import does not create entities."
    ),
    "lead_entity_slug": gettext_lazy("The lead entity's slug; when given, it is used instead of lead_entity."),
    "title": gettext_lazy("Required: the title."),
    "summary": gettext_lazy("A short summary (at most 600 characters)."),
    "description": gettext_lazy("The description, in Markdown."),
    "focus_areas": gettext_lazy("Focus areas by name or code, separated by |."),
    "pillars": gettext_lazy("Pillars by name or code, separated by |."),
    "pledge_types": gettext_lazy(
        "Pledge types by name or code (financial, programmatic, policy, advocacy), separated by |."
    ),
    "sdgs": gettext_lazy("Goal numbers 1 to 17, separated by |."),
    "target_groups": gettext_lazy("Target groups by name or code, separated by |."),
    "scope": gettext_lazy(
        "global, regions or countries; when empty, countries if the row names countries, regions if it names regions."
    ),
    "regions": gettext_lazy(
        "Regions by name, separated by |, when region_codes is empty (a name that is both a UN and an "
        "ITU region must be given by code)."
    ),
    "region_codes": gettext_lazy("Regions by code (m49:002, itu:africa), separated by |."),
    "countries": gettext_lazy("Countries by ISO 3166 alpha-2 code or by name, separated by |."),
    "amount": gettext_lazy("The amount, a number (1000000 or 1,000,000)."),
    "currency": gettext_lazy("The ISO 4217 code of the amount (USD, EUR, KES, …)."),
    "usd_estimate": gettext_lazy(
        "Your estimate in US dollars, used only for currencies the ECB publishes no rate for; "
        "otherwise the estimate is computed at the ECB rate of pledged_on."
    ),
    "pledged_on": gettext_lazy("The date of the pledge, YYYY-MM-DD (default: the day of the import)."),
    "start_date": gettext_lazy("YYYY-MM-DD."),
    "end_date": gettext_lazy("YYYY-MM-DD, not before start_date."),
    "additionality": gettext_lazy("new, expanded or existing (default: new)."),
    "seeking_partners": gettext_lazy("yes or no (default: no)."),
    "event": gettext_lazy("The event or campaign, by exact name or slug."),
    "event_slug": gettext_lazy("The event's slug; when given, it is used instead of event."),
    "partners": gettext_lazy(
        "Partner entities, separated by |, each as its exact name or slug followed by its role in "
        "parentheses: Co-pledger (the default), Implementing partner or Funder — e.g. “Acme Foundation (Funder)”."
    ),
    "targets": gettext_lazy(
        "Targets separated by |, each as “indicator: from baseline to target unit by year”, e.g. "
        "“Schools connected: from 0 to 1200 schools by 2028”; “from baseline to” may be left out."
    ),
    "delivery_status": gettext_lazy("not_started, on_track, delayed, completed or discontinued, or empty."),
    "published_at": gettext_lazy(
        "For pledges published directly: when they were first published (YYYY-MM-DD, or an ISO 8601 "
        "instant; UTC when no offset is given). Default: the moment of the import."
    ),
}
DATE_COLUMNS = ("pledged_on", "start_date", "end_date")
TARGET_PATTERN = re.compile(
    r"^(?P<indicator>.+?):\s+(?:from\s+(?P<baseline>-?[\d,]+(?:\.\d+)?)\s+to\s+)?"
    r"(?P<target>-?[\d,]+(?:\.\d+)?)\s+(?P<unit>.+?)\s+by\s+(?P<year>\d{4})$"
)


# --- What the preview shows ------------------------------------------------------------------------
@dataclass
class RowResult:
    """What importing one row does: ``create``, ``update``, ``unchanged`` or ``error``, with the messages by column."""

    row: int
    action: str = "error"
    reference: str = ""
    external_reference: str = ""
    title: str = ""
    lead_entity: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)  # labels of what an update changes

    def add(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)


def summary_of(results: Iterable[RowResult]) -> dict[str, int]:
    """How many rows each action concerns, and how many rows there are."""
    counts = {"rows": 0, "create": 0, "update": 0, "unchanged": 0, "error": 0}
    for result in results:
        counts["rows"] += 1
        counts[result.action] += 1
    return counts


# --- Reading the cells -----------------------------------------------------------------------------
def _text(value: Any) -> str:
    """A cell as text, stripped, with the apostrophe the downloads add before formula characters removed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1:2] in "".join(FORMULA_STARTS):
        return text[1:]
    return text


def _items(value: Any) -> list[str]:
    return [item.strip() for item in _text(value).split("|") if item.strip()]


def _index(model: type[Model], *keys: str) -> dict[str, Any]:
    """``{code or lower-cased name: pk}`` for a reference table."""
    found: dict[str, Any] = {}
    for row in model._default_manager.values_list("pk", *keys):
        for key in row[1:]:
            found.setdefault(str(key).casefold(), row[0])
    return found


class Lookups:
    """The reference data and entities a file's rows name, read once per file."""

    def __init__(self, table: Table) -> None:
        self.focus_areas = _index(FocusArea, "code", "name")
        self.pillars = _index(Pillar, "code", "name")
        self.pledge_types = _index(PledgeType, "code", "name")
        self.target_groups = _index(TargetGroup, "code", "name")
        self.sdgs = set(SDG.objects.values_list("number", flat=True))
        self.countries = _index(Country, "iso2", "name")
        self.events = _index(Event, "slug", "name")
        self.event_objects: dict[int, Event] = {}
        self.region_codes: dict[str, int] = {}
        self.region_names: dict[str, list[int]] = {}
        for pk, kind, code, name in Region.objects.values_list("pk", "kind", "code", "name"):
            prefix = "itu" if kind == Region.Kind.ITU_REGION else "m49"
            self.region_codes[f"{prefix}:{code}".casefold()] = pk
            self.region_names.setdefault(name.casefold(), []).append(pk)
        names: set[str] = set()
        for _number, raw in table.rows:
            for column in ("lead_entity", "lead_entity_slug"):
                if _text(raw.get(column)):
                    names.add(_text(raw.get(column)))
            for item in _items(raw.get("partners")):
                names.add(_partner_parts(item)[0])
                names.add(item)
        self.entities: dict[str, Entity] = {}
        ordered = sorted(names)
        for start in range(0, len(ordered), 400):
            part = ordered[start : start + 400]
            folded = [n.casefold() for n in part]
            for entity in Entity.objects.annotate(lower_name=Lower("name")).filter(
                Q(slug__in=folded) | Q(name__in=part) | Q(lower_name__in=folded)
            ):
                self.entities.setdefault(entity.slug, entity)
                self.entities.setdefault(entity.name.casefold(), entity)

    def event(self, pk: int) -> Event:
        """The event with this id (read once)."""
        if pk not in self.event_objects:
            self.event_objects[pk] = Event.objects.get(pk=pk)
        return self.event_objects[pk]

    def entity(self, text: str) -> Entity | None:
        """The entity with this slug or name (any letter case)."""
        return self.entities.get(text.casefold())


def _partner_parts(item: str) -> tuple[str, str | None]:
    """``"Acme (Funder)"`` → ``("Acme", "funder")``; no (known) role → ``(item, None)``."""
    match = re.match(r"^(?P<name>.*?)\s*\((?P<role>[^()]*)\)$", item)
    if match:
        role = _role(match.group("role"))
        if role:
            return match.group("name").strip(), role
    return item, None


def _role(text: str) -> str | None:
    wanted = text.strip().casefold().replace("-", " ").replace("_", " ")
    for code, name in ROLE_NAMES.items():
        if wanted in {
            code.replace("_", " "),
            name.casefold().replace("-", " "),
            str(PledgePartner.Role(code).label).casefold(),
        }:
            return code
    return None


def _choice(text: str, choices: Any) -> str | None:
    """The code of a ``TextChoices`` member given by code or (English or current language) label."""
    wanted = text.strip().casefold()
    for value, label in choices.choices:
        if wanted in {value.casefold(), str(label).casefold()}:
            return str(value)
    return None


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]) and (len(text) == 10 or text[10] in "T "):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise ValueError(_("Write the date as YYYY-MM-DD, e.g. 2026-03-16."))


def _instant(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    else:
        text = _text(value)
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(_("Write the moment as YYYY-MM-DD or as 2026-03-16T09:30:00Z.")) from exc
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _number(value: Any) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return parse_amount(_text(value))


@dataclass
class ParsedRow:
    """A row read into what the pledge services take, or the errors that kept it from being read."""

    result: RowResult
    lead: Entity | None = None
    external_reference: str = ""
    reference: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    delivery_status: str | None = None  # None: not in the file
    published_at: dt.datetime | None = None


def _row_parse(number: int, raw: dict[str, Any], columns: set[str], lookups: Lookups) -> ParsedRow:
    """Read one row's cells; unknown values and malformed cells become errors by column."""
    result = RowResult(row=number)
    parsed = ParsedRow(result=result)
    has = columns.__contains__

    def cell(name: str) -> Any:
        return raw.get(name)

    parsed.external_reference = _text(cell("external_reference"))
    if len(parsed.external_reference) > 100:
        result.add("external_reference", _("Use at most 100 characters."))
    parsed.reference = _text(cell("reference")).upper()
    result.external_reference = parsed.external_reference
    result.title = _text(cell("title"))

    lead_text = _text(cell("lead_entity_slug")) or _text(cell("lead_entity"))
    result.lead_entity = lead_text
    if not lead_text:
        result.add("lead_entity", _("Name the lead entity (its exact name or slug)."))
    else:
        parsed.lead = lookups.entity(lead_text)
        if parsed.lead is None:
            result.add(
                "lead_entity",
                _("There is no entity “%(name)s” on the platform: check the spelling, or create it first.")
                % {"name": lead_text},
            )
        else:
            result.lead_entity = parsed.lead.name

    changes = parsed.changes
    for name in ("title", "summary", "description"):
        if has(name):
            changes[name] = _text(cell(name))
    if not changes.get("title"):
        result.add("title", _("Give the pledge a title."))

    def terms(name: str, index: dict[str, Any], unknown: str) -> None:
        if not has(name):
            return
        found = []
        for item in _items(cell(name)):
            pk = index.get(item.casefold())
            if pk is None:
                result.add(name, unknown % {"value": item})
            elif pk not in found:
                found.append(pk)
        changes[name] = found

    terms("focus_areas", lookups.focus_areas, _("There is no focus area “%(value)s”."))
    terms("pillars", lookups.pillars, _("There is no pillar “%(value)s”."))
    terms("pledge_types", lookups.pledge_types, _("There is no pledge type “%(value)s”."))
    terms("target_groups", lookups.target_groups, _("There is no target group “%(value)s”."))
    terms("countries", lookups.countries, _("There is no country “%(value)s”: use a two-letter ISO code such as KE."))
    if has("sdgs"):
        sdgs = []
        for item in _items(cell("sdgs")):
            digits = re.match(r"^(?:sdg\s*)?(\d{1,2})\b", item, re.IGNORECASE)
            if digits and int(digits.group(1)) in lookups.sdgs:
                sdgs.append(int(digits.group(1)))
            else:
                result.add("sdgs", _("“%(value)s” is not a goal number from 1 to 17.") % {"value": item})
        changes["sdgs"] = sorted(set(sdgs))
    if _items(cell("region_codes")):
        terms("region_codes", lookups.region_codes, _("There is no region with the code “%(value)s”."))
        changes["regions"] = changes.pop("region_codes")
    elif has("regions") or has("region_codes"):
        regions: list[int] = []
        for item in _items(cell("regions")):
            found = lookups.region_names.get(item.casefold(), [])
            if len(found) == 1:
                regions.append(found[0])
            elif found:
                result.add(
                    "regions",
                    _("“%(value)s” is the name of several regions: give it in region_codes (m49:002 or itu:africa).")
                    % {"value": item},
                )
            else:
                result.add("regions", _("There is no region “%(value)s”.") % {"value": item})
        changes["regions"] = regions
    scope_text = _text(cell("scope"))
    if scope_text:
        scope = _choice(scope_text, Pledge.Scope)
        if scope is None:
            result.add("scope", _("Write global, regions or countries."))
        else:
            changes["scope"] = scope
    elif changes.get("countries"):
        changes["scope"] = Pledge.Scope.COUNTRIES
    elif changes.get("regions"):
        changes["scope"] = Pledge.Scope.REGIONS

    for name in DATE_COLUMNS:
        if has(name) and _text(cell(name)):
            try:
                changes[name] = _date(cell(name))
            except ValueError as exc:
                result.add(name, str(exc))
        elif has(name) and name != "pledged_on":
            changes[name] = None
    if has("amount"):
        amount_text = _text(cell("amount"))
        try:
            changes["amount"] = _number(cell("amount")) if amount_text else None
        except ValueError as exc:
            result.add("amount", str(exc))
        changes["currency"] = _text(cell("currency")).upper()
    elif has("currency"):
        changes["currency"] = _text(cell("currency")).upper()
    if has("usd_estimate") and _text(cell("usd_estimate")):
        try:
            changes["pledger_usd"] = _number(cell("usd_estimate"))
        except ValueError as exc:
            result.add("usd_estimate", str(exc))
    if has("additionality") and _text(cell("additionality")):
        value = _choice(_text(cell("additionality")), Pledge.Additionality)
        if value is None:
            result.add("additionality", _("Write new, expanded or existing."))
        else:
            changes["additionality"] = value
    if has("seeking_partners"):
        text = _text(cell("seeking_partners")).casefold()
        if text in {"yes", "y", "true", "1", "x", "oui", "sí", "si"}:
            changes["seeking_partners"] = True
        elif text in {"", "no", "n", "false", "0", "non"}:
            changes["seeking_partners"] = False
        else:
            result.add("seeking_partners", _("Write yes or no."))
    event_text = _text(cell("event_slug")) or _text(cell("event"))
    if has("event") or has("event_slug"):
        changes["event"] = None
        if event_text:
            pk = lookups.events.get(event_text.casefold())
            if pk is None:
                result.add("event", _("There is no event “%(value)s”.") % {"value": event_text})
            else:
                changes["event"] = lookups.event(pk)
    if has("partners"):
        partners = []
        for item in _items(cell("partners")):
            entity = lookups.entity(item)
            role = PledgePartner.Role.CO_PLEDGER.value
            if entity is None:
                name, given_role = _partner_parts(item)
                entity = lookups.entity(name)
                role = given_role or role
            if entity is None:
                result.add("partners", _("There is no entity “%(name)s” on the platform.") % {"name": item})
            else:
                partners.append(PartnerSpec(entity=entity, role=role))
        changes["partners"] = partners
    if has("targets"):
        targets = []
        for item in _items(cell("targets")):
            match = TARGET_PATTERN.match(item)
            if match is None:
                result.add(
                    "targets",
                    _("Write “%(value)s” as “indicator: from baseline to target unit by year”.") % {"value": item},
                )
                continue
            baseline = match.group("baseline")
            targets.append(
                TargetSpec(
                    indicator=match.group("indicator").strip(),
                    unit=match.group("unit").strip(),
                    target_value=parse_amount(match.group("target")),
                    target_year=int(match.group("year")),
                    baseline=parse_amount(baseline) if baseline else None,
                )
            )
        changes["targets"] = targets
    if has("delivery_status"):
        text = _text(cell("delivery_status"))
        status = _choice(text, Pledge.DeliveryStatus) if text else ""
        if status is None:
            result.add("delivery_status", _("Write not_started, on_track, delayed, completed or discontinued."))
        else:
            parsed.delivery_status = status
    if has("published_at") and _text(cell("published_at")):
        try:
            parsed.published_at = _instant(cell("published_at"))
        except ValueError as exc:
            result.add("published_at", str(exc))
        else:
            if parsed.published_at > timezone.now():
                result.add("published_at", _("This is in the future."))
    return parsed


# --- Applying the rows -----------------------------------------------------------------------------
class _Unchanged(Exception):
    """Raised inside a row's savepoint to undo an update that changed nothing."""


class _Failed(Exception):
    """Raised inside the import's transaction to undo everything when a row fails."""


def _column_errors(exc: ValidationError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            found.setdefault(ROW if name == NON_FIELD_ERRORS else name, []).extend(messages)
    else:
        found[ROW] = list(exc.messages)
    return found


def _compared(pledge: Pledge) -> dict[str, Any]:
    return {
        **pledge_snapshot(pledge),
        "external_reference": pledge.external_reference,
        "delivery_status": pledge.delivery_status,
    }


def _existing(parsed: ParsedRow) -> Pledge | None:
    """The pledge the row updates, or ``None`` for a new one; ``ValidationError`` when it names one it cannot."""
    lead = parsed.lead
    assert lead is not None  # noqa: S101 - rows without a lead entity never get here
    if parsed.external_reference:
        pledge = Pledge.objects.filter(lead_entity=lead, external_reference=parsed.external_reference).first()
        if pledge is not None:
            return pledge
    if parsed.reference:
        pledge = Pledge.objects.filter(reference=parsed.reference).first()
        if pledge is None:
            if parsed.external_reference:
                return None  # a reference from elsewhere: the external reference identifies the new pledge
            raise ValidationError(
                {"reference": _("There is no pledge %(reference)s.") % {"reference": parsed.reference}}
            )
        if pledge.is_revision:
            raise ValidationError(
                {"reference": _("%(reference)s is a proposed revision; import into the pledge it revises.")
                 % {"reference": pledge.reference}}
            )  # fmt: skip
        if pledge.lead_entity_id != lead.pk:
            raise ValidationError(
                {"lead_entity": _("%(reference)s is led by another entity; the lead entity of a pledge cannot change.")
                 % {"reference": pledge.reference}}
            )  # fmt: skip
        if parsed.external_reference and pledge.external_reference not in ("", parsed.external_reference):
            raise ValidationError(
                {"external_reference": _("%(reference)s already has the external reference “%(external)s”.")
                 % {"reference": pledge.reference, "external": pledge.external_reference}}
            )  # fmt: skip
        return pledge
    if not parsed.external_reference:
        raise ValidationError(
            {
                "external_reference": _(
                    "Give the pledge's identifier in your registry, so that importing again updates it."
                )
            }
        )
    return None


def _comment(batch: ImportBatch, number: int, *, updated: bool) -> str:
    values = {"file": batch.filename, "batch": batch.pk, "row": number}
    if updated:
        return _("Updated by the bulk import of “%(file)s” (import %(batch)s, row %(row)s).") % values
    return _("Imported from “%(file)s” (import %(batch)s, row %(row)s).") % values


def _without_unchanged_money(pledge: Pledge, changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` without the money when it repeats what the pledge has, so that its USD estimate is kept.

    Otherwise importing a downloaded file would convert every amount again, and any estimate made
    with other rates (older data, a newer rate table) would show as a change.
    """
    same_date = changes.get("pledged_on", pledge.pledged_on) == pledge.pledged_on
    same_amount = "amount" not in changes or changes["amount"] == pledge.amount
    same_currency = "currency" not in changes or changes["currency"] == pledge.currency
    pledger = pledge.usd_source == Pledge.UsdSource.PLEDGER
    same_estimate = not pledger or changes.get("pledger_usd", pledge.usd_estimate) == pledge.usd_estimate
    if not (same_date and same_amount and same_currency and same_estimate):
        return changes
    return {
        key: value for key, value in changes.items() if key not in ("amount", "currency", "pledger_usd", "pledged_on")
    }


class _Importer:
    """Applies a file's rows one by one, each in a savepoint; call ``row`` inside a transaction.

    ``commit=False`` is the check: its transaction is rolled back, so it writes no audit events
    and takes no numbers from the reference counter (new pledges get a placeholder reference).
    ``commit=True`` takes new references from ``references`` (reserved beforehand, so that the
    counter's row is not locked while the whole import runs), then from the counter.
    """

    def __init__(
        self,
        table: Table,
        *,
        batch: ImportBatch,
        acting_user: Any,
        commit: bool,
        references: Iterator[str] | None = None,
    ) -> None:
        self.lookups = Lookups(table)
        self.columns = set(table.columns)
        self.batch, self.acting_user, self.commit = batch, acting_user, commit
        self.references = references if references is not None else iter(())
        self.seen: dict[tuple[Any, ...], int] = {}

    def row(self, number: int, raw: dict[str, Any]) -> RowResult:
        """Read, check and (in a savepoint) apply one row; what it does, with its errors by column."""
        parsed = _row_parse(number, raw, self.columns, self.lookups)
        result = parsed.result
        # A pledge is named once per file: a second row for it would silently undo the first.
        keys: list[tuple[Any, ...]] = []
        if parsed.lead is not None and parsed.external_reference:
            keys.append(("external_reference", parsed.lead.pk, parsed.external_reference))
        if parsed.reference:
            keys.append(("reference", parsed.reference))
        for key in keys:
            if key in self.seen:
                result.add(str(key[0]), _("Row %(row)s already names this pledge.") % {"row": self.seen[key]})
            self.seen.setdefault(key, number)
        if result.errors and parsed.lead is None:
            result.action = "error"
            return result
        try:
            with transaction.atomic():
                existing = _existing(parsed)
                if existing is None:
                    pledge = self._create(parsed, number)
                    result.action = "create"
                    result.reference = pledge.reference if self.commit else ""
                else:
                    result.reference = existing.reference
                    result.changed = self._update(existing, parsed, number)
                    result.action = "update"
                if result.errors:  # cells that could not be read: checked with the rest, never written
                    raise _Unchanged
        except _Unchanged:
            result.action = "unchanged"
        except ValidationError as exc:
            for column, messages in _column_errors(exc).items():
                for message in messages:
                    if message not in result.errors.get(column, []):
                        result.add(column, message)
        if result.errors:
            result.action, result.changed = "error", []
        return result

    def _reference(self, number: int) -> str:
        if not self.commit:
            return f"IMPORT-{number}"
        return next(self.references, None) or reference_reserve(year=timezone.now().year)[0]

    def _create(self, parsed: ParsedRow, number: int) -> Pledge:
        now = timezone.now()
        assert parsed.lead is not None  # noqa: S101 - rows without a lead entity never get here
        pledge = Pledge(
            lead_entity=parsed.lead,
            reference=self._reference(number),
            created_by=self.acting_user,
            created_at=now,
            external_reference=parsed.external_reference,
            delivery_status=parsed.delivery_status or "",
        )
        pledge_content_apply(pledge, parsed.changes)
        mode = self.batch.mode
        if mode != Mode.DRAFT:
            missing = submission_errors(pledge)
            if missing:
                generic = _("This is required before you submit the pledge.")
                instead = _("Required for a pledge sent for review or published: fill it in, or import as drafts.")
                raise ValidationError(
                    {key: [instead if m == generic else m for m in messages] for key, messages in missing.items()}
                )
            pledge.state = Pledge.State.SUBMITTED if mode == Mode.SUBMITTED else Pledge.State.PUBLISHED
            pledge.submitted_at = now
            if mode == Mode.PUBLISHED:
                pledge.published_at = parsed.published_at or now
                pledge.submitted_at = min(now, pledge.published_at)
            pledge.save(update_fields=["state", "submitted_at", "published_at", "updated_at"])
        if self.commit:
            audit_event_record(
                target=pledge,
                action="imported",
                actor=self.acting_user,
                to_state=pledge.state,
                comment=_comment(self.batch, number, updated=False),
                changed_fields=changed_keys({}, pledge_snapshot(pledge)),
            )
        return pledge

    def _update(self, pledge: Pledge, parsed: ParsedRow, number: int) -> list[str]:
        """Apply the row to ``pledge``; the labels of what changed. ``_Unchanged`` when nothing did."""
        pledge = Pledge.objects.select_for_update().select_related("lead_entity").get(pk=pledge.pk)
        before = _compared(pledge)
        if parsed.external_reference and not pledge.external_reference:
            pledge.external_reference = parsed.external_reference
        if parsed.delivery_status is not None:
            pledge.delivery_status = parsed.delivery_status
        pledge.version += 1
        pledge_content_apply(pledge, _without_unchanged_money(pledge, parsed.changes))
        after = _compared(pledge)
        changed = {key: [before[key], after[key]] for key in after if before.get(key) != after[key]}
        if not changed:
            raise _Unchanged
        published_directly = pledge.state == Pledge.State.PUBLISHED and self.batch.mode == Mode.PUBLISHED
        if not (pledge.state in EDITABLE_STATES or published_directly):
            state = pledge.get_state_display().lower()
            if pledge.state == Pledge.State.PUBLISHED:
                message = _(
                    "%(reference)s is published: import with “Publish directly” to change published pledges, "
                    "or let its lead entity propose a revision."
                )
            else:
                message = _("%(reference)s is %(state)s, so the import cannot change it.")
            raise ValidationError({ROW: message % {"reference": pledge.reference, "state": state}})
        if self.commit:
            audit_event_record(
                target=pledge,
                action="updated",
                actor=self.acting_user,
                comment=_comment(self.batch, number, updated=True),
                changed_fields=changed,
            )
        labels = {
            **SNAPSHOT_LABELS,
            "external_reference": _("External reference"),
            "delivery_status": _("Delivery status"),
        }
        return [str(labels.get(key, key)) for key in changed]


# --- The services --------------------------------------------------------------------------------
def _require_reviewer(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_reviewer", False)):
        raise PermissionDenied(_("Only the secretariat's reviewers can import pledges."))


@transaction.atomic
def import_batch_create(*, acting_user: Any, upload: UploadedFile, mode: str) -> ImportBatch:
    """Keep an uploaded file as a new ``ImportBatch`` and queue its check (after the commit)."""
    from p2c.opendata.tasks import import_batch_check_task

    _require_reviewer(acting_user)
    content = b"".join(upload.chunks())
    batch = ImportBatch.objects.create(
        filename=(upload.name or "pledges")[-255:],
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        mode=mode,
        uploaded_by=acting_user,
    )
    transaction.on_commit(lambda: import_batch_check_task.enqueue(batch_id=batch.pk))
    return batch


def import_batch_check(*, batch_id: int) -> ImportBatch:
    """Read and check every row of the batch without writing anything; record the preview on the batch.

    The rows are applied ``CHECK_ROWS_PER_TRANSACTION`` at a time, each group in a transaction
    that is rolled back: on SQLite a write transaction locks the whole database, and other people's
    writes wait only for one group, not for the whole file. (Rows do not depend on one another:
    a pledge named twice is caught by the importer itself.)
    """
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        table = table_read(bytes(batch.content), batch.filename)
        importer = _Importer(table, batch=batch, acting_user=batch.uploaded_by, commit=False)
        results: list[RowResult] = []
        for start in range(0, len(table.rows), CHECK_ROWS_PER_TRANSACTION):
            with transaction.atomic():
                results.extend(
                    importer.row(number, raw) for number, raw in table.rows[start : start + CHECK_ROWS_PER_TRANSACTION]
                )
                transaction.set_rollback(True)  # a check: nothing it wrote stays
    except TableError as exc:
        batch.status, batch.message, batch.rows, batch.summary = ImportBatch.Status.INVALID, str(exc), [], {}
    except Exception:
        logger.exception("Checking import batch %s failed", batch.pk)
        batch.status, batch.rows, batch.summary = ImportBatch.Status.INVALID, [], {}
        batch.message = _("The check stopped on an unexpected error, which has been logged. Nothing was imported.")
    else:
        batch.rows = [asdict(result) for result in results]
        batch.summary = summary_of(results)
        batch.status = ImportBatch.Status.HAS_ERRORS if batch.summary["error"] else ImportBatch.Status.CHECKED
        batch.message = ""
    batch.checked_at = timezone.now()
    batch.save(update_fields=["status", "message", "rows", "summary", "checked_at"])
    return batch


def import_batch_start(*, batch: ImportBatch, acting_user: Any) -> bool:
    """Queue the import of a checked batch; ``False`` when it is not (or no longer) ready to import."""
    from p2c.opendata.tasks import import_batch_commit_task

    _require_reviewer(acting_user)
    if not batch.can_import:
        return False
    with transaction.atomic():
        started = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKED).update(
            status=ImportBatch.Status.IMPORTING, imported_by=acting_user
        )
        if started:
            transaction.on_commit(
                lambda: import_batch_commit_task.enqueue(batch_id=batch.pk, acting_user_id=acting_user.pk)
            )
    return bool(started)


def import_batch_commit(*, batch_id: int, acting_user: Any) -> ImportBatch:
    """Import every row of the batch in ONE transaction: all of them, or (when any fails) none."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != ImportBatch.Status.IMPORTING:
        return batch
    results: list[RowResult] = []
    try:
        _require_reviewer(acting_user)
        table = table_read(bytes(batch.content), batch.filename)
        # Numbers for the new pledges, reserved in a short transaction of their own: pledgers creating
        # drafts meanwhile do not wait for the import. If it fails, these numbers are never used.
        expected = int(batch.summary.get("create", 0))
        references = iter(reference_reserve(year=timezone.now().year, count=expected) if expected else [])
        importer = _Importer(table, batch=batch, acting_user=acting_user, commit=True, references=references)
        with transaction.atomic():
            results = [importer.row(number, raw) for number, raw in table.rows]
            if any(result.action == "error" for result in results):
                raise _Failed
            if batch.mode == Mode.PUBLISHED and any(result.action == "create" for result in results):
                from p2c.content.services import milestones_record

                transaction.on_commit(milestones_record, robust=True)
    except _Failed:
        errors = sum(1 for result in results if result.action == "error")
        batch.status = ImportBatch.Status.FAILED
        batch.message = ngettext(
            "Nothing was imported: %(count)d row has errors now (the data changed since the file was "
            "checked). It is listed below; correct the file and upload it again.",
            "Nothing was imported: %(count)d rows have errors now (the data changed since the file was "
            "checked). They are listed below; correct the file and upload it again.",
            errors,
        ) % {"count": errors}
    except PermissionDenied as exc:
        batch.status, batch.message = ImportBatch.Status.FAILED, str(exc)
    except Exception:
        logger.exception("Import batch %s failed", batch.pk)
        batch.status = ImportBatch.Status.FAILED
        batch.message = _("Nothing was imported: the import stopped on an unexpected error, which has been logged.")
    else:
        batch.status = ImportBatch.Status.IMPORTED
        batch.message = ""
        batch.imported_at = timezone.now()
    if results:
        batch.rows = [asdict(result) for result in results]
        batch.summary = summary_of(results)
    batch.imported_by = acting_user
    batch.save(update_fields=["status", "message", "rows", "summary", "imported_at", "imported_by"])
    return batch
