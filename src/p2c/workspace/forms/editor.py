"""The whole pledge form as the views use it: fields, target rows, partner rows and the country shortcut.

``PledgeEditor`` validates everything at once, turns it into the arguments of
``pledge_draft_create`` / ``pledge_update``, and puts any refusal of the services back next to
the field it is about, so that the page can be shown again with everything the person typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from p2c.entities.models import Entity
from p2c.pledges.models import Pledge
from p2c.pledges.snapshots import SNAPSHOT_LABELS
from p2c.workspace.forms.choices import ChoiceGroup, choice_groups
from p2c.workspace.forms.geography import CountryShortcutForm
from p2c.workspace.forms.pledge import PledgeForm
from p2c.workspace.forms.rows import (
    PartnerFormSet,
    PartnerRowForm,
    RowFormSet,
    TargetFormSet,
    TargetRowForm,
    plain_number,
)
from p2c.workspace.selectors import FormChoices, shortcut_countries

# How many names the "Added 33 countries: …" note lists before "and N more".
NOTE_NAMES = 12


@dataclass(frozen=True)
class ErrorLink:
    """One line of the error summary, linking to the input (or section) it is about."""

    href: str
    label: str
    message: str


class PledgeEditor:
    """The pledge form's parts, bound to what was posted or filled from a saved pledge."""

    def __init__(
        self,
        choices: FormChoices,
        *,
        data: QueryDict | None = None,
        pledge: Pledge | None = None,
        lead: Entity | None = None,
        lead_entities: QuerySet[Entity] | None = None,
    ) -> None:
        """For a saved ``pledge``; or a new one, whose lead entity is ``lead`` or chosen among ``lead_entities``."""
        self.choices = choices
        self.pledge = pledge
        self.lead = pledge.lead_entity if pledge is not None else lead
        self.lead_entities = lead_entities
        initial, targets, partners = (
            _initial(pledge) if pledge is not None and data is None else ({"language": get_language()}, [], [])
        )
        self.form = PledgeForm(data, initial=initial, lead_entities=lead_entities if self.lead is None else None)
        self.targets = cast(RowFormSet, TargetFormSet(data, initial=targets, prefix="targets"))
        self.partners = cast(RowFormSet, PartnerFormSet(data, initial=partners, prefix="partners"))
        self.shortcut = CountryShortcutForm(data, regions=choices.regions)
        self.note = ""  # what the country shortcut did
        self.submission_failed = False  # saved as a draft, but a submission was refused as incomplete
        self.conflict = False  # someone else saved the pledge meanwhile

    # --- Validation ------------------------------------------------------------------------------

    @property
    def lead_entity(self) -> Entity | None:
        """The pledge's lead entity: fixed, or as chosen in the form (once validated)."""
        if self.lead is not None:
            return self.lead
        return (getattr(self.form, "cleaned_data", None) or {}).get("lead_entity")

    def is_valid(self) -> bool:
        """Validate every part (all of them, so that every error shows at once)."""
        valid = [self.form.is_valid(), self.targets.is_valid(), self.partners.is_valid()]
        self._check_partners()
        return all(valid) and not self.has_errors()

    def _check_partners(self) -> None:
        lead, seen = self.lead_entity, set()
        for row in self.partners.forms:
            entity = (getattr(row, "cleaned_data", None) or {}).get("entity")
            if entity is None:
                continue
            if lead is not None and entity.pk == lead.pk:
                row.add_error(
                    "organisation",
                    _("%(entity)s leads this pledge, so it cannot also be a partner.") % {"entity": entity.name},
                )
            elif entity.pk in seen:
                row.add_error("organisation", _("%(entity)s is already listed above.") % {"entity": entity.name})
            seen.add(entity.pk)

    def has_errors(self) -> bool:
        return bool(
            self.form.errors
            or any(row.errors for row in self.targets.forms)
            or any(row.errors for row in self.partners.forms)
            or self.targets.non_form_errors()
            or self.partners.non_form_errors()
        )

    # --- What the services take --------------------------------------------------------------

    def changes(self) -> dict[str, Any]:
        """Every value of the form as ``pledge_update`` takes them (after ``is_valid()``)."""
        targets = [cast(TargetRowForm, row).spec() for row in self.targets.forms]
        partners = [cast(PartnerRowForm, row).spec() for row in self.partners.forms]
        return {
            **self.form.changes(),
            "targets": [spec for spec in targets if spec is not None],
            "partners": [spec for spec in partners if spec is not None],
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service's refusal next to the fields it names (the rest at the top of the form)."""
        if not hasattr(exc, "error_dict"):
            self.form.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            if key in self.form.fields:
                self.form.add_error(key, messages)
            elif key == "targets":
                self.targets.add_non_form_errors(messages)
            elif key == "partners":
                self.partners.add_non_form_errors(messages)
            elif key == NON_FIELD_ERRORS:
                self.form.add_error(None, messages)
            else:
                label = SNAPSHOT_LABELS.get(key) or key.replace("_", " ").capitalize()
                if key == "lead_entity":
                    label = _("Lead entity")
                self.form.add_error(None, [f"{label}: {message}" for message in messages])

    def rebound(self, pledge: Pledge) -> PledgeEditor:
        """The same posted values, for ``pledge`` as just saved (its new ``version``), validated."""
        data = cast(QueryDict, self.form.data).copy()
        data["version"] = str(pledge.version)
        editor = PledgeEditor(self.choices, data=data, pledge=pledge)
        editor.is_valid()
        return editor

    # --- The country shortcut ----------------------------------------------------------------

    def with_countries_added(self) -> PledgeEditor:
        """The form with the shortcut's countries (e.g. all LDCs in Africa) ticked, and a note saying which.

        Nothing is saved.
        """
        data, note = self._shortcut_applied()
        editor = PledgeEditor(
            self.choices, data=data, pledge=self.pledge, lead=self.lead, lead_entities=self.lead_entities
        )
        editor.note = note
        return editor

    def _shortcut_applied(self) -> tuple[QueryDict, str]:
        data = cast(QueryDict, self.form.data).copy()
        if not self.shortcut.is_valid():
            return data, _("Choose a grouping and a region from the lists.")
        found = shortcut_countries(
            grouping=self.shortcut.cleaned_data["shortcut_grouping"],
            m49_region=self.shortcut.cleaned_data["shortcut_region"],
        )
        ticked = [code.upper() for code in data.getlist("countries")]
        added = [c for c in found if c.iso2 not in ticked]
        what = self.shortcut.label_of()
        if not found:
            return data, _("No country matches “%(what)s”.") % {"what": what}
        if not added:
            return data, _("All the countries of “%(what)s” were already ticked.") % {"what": what}
        data.setlist("countries", ticked + [c.iso2 for c in added])
        data["scope"] = Pledge.Scope.COUNTRIES
        names = ", ".join(c.local_name for c in added[:NOTE_NAMES])
        if len(added) > NOTE_NAMES:
            more = len(added) - NOTE_NAMES
            names += " " + ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
        note = ngettext(
            "Added %(count)s country (%(what)s): %(names)s.",
            "Added %(count)s countries (%(what)s): %(names)s.",
            len(added),
        ) % {"count": number_format(len(added)), "what": what, "names": names}
        return data, note

    # --- What the template shows -------------------------------------------------------------

    def prepare(self) -> None:
        """Find warnings and tie every input to its help, errors and warnings (just before rendering)."""
        for row in self.targets.forms:
            row.find_warnings()
        self.form.describe()
        self.targets.describe()
        self.partners.describe()

    @property
    def groups(self) -> dict[str, ChoiceGroup]:
        return choice_groups(self.form, self.choices)

    def error_links(self) -> list[ErrorLink]:
        """Every error, in page order, each linking to its input: the error summary at the top."""
        links: list[ErrorLink] = []
        if not self.form.is_bound:
            return links
        for name in self.form.fields:
            for message in self.form.errors.get(name, []):
                links.append(ErrorLink(f"#id_{name}", str(self.form.fields[name].label), str(message)))
        for section, formset, title in (
            ("targets", self.targets, _("Target")),
            ("partners", self.partners, _("Partner")),
        ):
            for message in formset.non_form_errors():
                links.append(ErrorLink(f"#{section}", str(title), str(message)))
            for number, row in enumerate(formset.forms, start=1):
                for name, messages in row.errors.items():
                    for message in messages:
                        label = f"{title} {number}, {str(row.fields[name].label).lower()}"
                        links.append(ErrorLink(f"#{row[name].auto_id}", label, str(message)))
        return links


def _initial(pledge: Pledge) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The form's initial values from a saved pledge (its relations prefetched)."""
    initial = {
        "version": pledge.version,
        "title": pledge.title,
        "summary": pledge.summary,
        "description": pledge.description,
        "language": pledge.language,
        "scope": pledge.scope,
        "pledged_on": pledge.pledged_on,
        "start_date": pledge.start_date,
        "end_date": pledge.end_date,
        "amount": plain_number(pledge.amount),
        "currency": pledge.currency,
        "usd_estimate": plain_number(pledge.usd_estimate) if pledge.usd_source == Pledge.UsdSource.PLEDGER else "",
        "event": pledge.event_id,
        "additionality": pledge.additionality,
        "seeking_partners": pledge.seeking_partners,
        "regions": [r.pk for r in pledge.regions.all()],
        "countries": [c.iso2 for c in pledge.countries.all()],
        **{
            name: [item.pk for item in getattr(pledge, name).all()]
            for name in ("focus_areas", "pillars", "pledge_types", "sdgs", "target_groups")
        },
    }
    targets = [TargetRowForm.initial_of(t) for t in pledge.targets.all()]
    partners = [PartnerRowForm.initial_of(p) for p in pledge.partnerships.all()]
    return initial, targets, partners
