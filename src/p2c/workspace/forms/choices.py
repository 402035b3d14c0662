"""Checkbox and radio groups of the pledge form, laid out for the template ``workspace/form/_choices.html``.

Django's own rendering of ``CheckboxSelectMultiple`` cannot group options (pillars under their
focus area, countries under their region) nor open a ``<details>`` when something inside it is
ticked; these small objects carry what the template needs, read from lists fetched once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.forms.utils import ErrorList
from django.utils.translation import gettext as _

from p2c.geo.models import Region
from p2c.workspace.selectors import FormChoices


@dataclass(frozen=True)
class Option:
    """One checkbox or radio button."""

    value: str
    label: str
    checked: bool
    id: str
    hint: str = ""


@dataclass
class SubGroup:
    """Options under a heading (a focus area's pillars, a region's countries)."""

    title: str
    options: list[Option]
    folded: bool = False  # shown in a <details>, open when something in it is ticked

    @property
    def checked_count(self) -> int:
        return sum(o.checked for o in self.options)


@dataclass
class ChoiceGroup:
    """A whole field: its fieldset, legend, help, errors and options (flat or in sub-groups)."""

    name: str
    legend: str
    help: str
    errors: ErrorList
    input_type: str  # "checkbox" or "radio"
    options: list[Option] = field(default_factory=list)
    subgroups: list[SubGroup] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"id_{self.name}"

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}_helptext"] if self.help else []
        if self.errors:
            ids.append(f"{self.id}_error")
        return " ".join(ids)


def _selected(bound: forms.BoundField) -> set[str]:
    value = bound.value()
    if value is None:
        return set()
    if isinstance(value, str | int):
        return {str(value)}
    return {str(getattr(v, "pk", v)) for v in value}


def _options(
    bound: forms.BoundField, items: Iterable[tuple[Any, str]], hint: Callable[[Any], str] | None = None
) -> list[Option]:
    selected = _selected(bound)
    return [
        Option(str(value), label, str(value) in selected, f"{bound.auto_id}_{value}", hint(value) if hint else "")
        for value, label in items
    ]


def _group(form: forms.Form, name: str, input_type: str = "checkbox") -> ChoiceGroup:
    bound = form[name]
    return ChoiceGroup(name, str(bound.label), str(bound.help_text or ""), bound.errors, input_type)


def choice_groups(form: forms.Form, choices: FormChoices) -> dict[str, ChoiceGroup]:
    """Every checkbox and radio group of the pledge form, keyed by field name."""
    groups: dict[str, ChoiceGroup] = {}
    for name, input_type in (("scope", "radio"), ("additionality", "radio")):
        group = _group(form, name, input_type)
        field_choices = form.fields[name].choices  # type: ignore[attr-defined]
        group.options = _options(form[name], [(v, str(label)) for v, label in field_choices])
        groups[name] = group

    taglines = {a.pk: _(a.tagline) if a.tagline else "" for a in choices.focus_areas}
    groups["focus_areas"] = _group(form, "focus_areas")
    groups["focus_areas"].options = _options(
        form["focus_areas"], [(a.pk, _(a.name)) for a in choices.focus_areas], hint=lambda pk: taglines.get(pk, "")
    )

    pillars = _group(form, "pillars")
    for area in choices.focus_areas:
        items = [(p.pk, _(p.name)) for p in choices.pillars if p.focus_area_id == area.pk]
        if items:
            pillars.subgroups.append(SubGroup(_(area.name), _options(form["pillars"], items)))
    groups["pillars"] = pillars

    groups["pledge_types"] = _group(form, "pledge_types")
    groups["pledge_types"].options = _options(form["pledge_types"], [(t.pk, _(t.name)) for t in choices.pledge_types])
    groups["sdgs"] = _group(form, "sdgs")
    groups["sdgs"].options = _options(
        form["sdgs"],
        [
            (s.number, _("SDG %(number)d: %(title)s") % {"number": s.number, "title": _(s.short_title)})
            for s in choices.sdgs
        ],
    )
    groups["target_groups"] = _group(form, "target_groups")
    groups["target_groups"].options = _options(
        form["target_groups"], [(t.pk, _(t.name)) for t in choices.target_groups]
    )

    regions = _group(form, "regions")
    for kind in Region.Kind:
        items = [(r.pk, r.local_name) for r in choices.regions if r.kind == kind]
        if items:
            regions.subgroups.append(SubGroup(str(kind.label), _options(form["regions"], items), folded=True))
    groups["regions"] = regions

    countries = _group(form, "countries")
    by_region: dict[str, list[tuple[str, str]]] = {}
    for country in choices.countries:
        region = country.m49_region.local_name if country.m49_region else _("Other territories")
        by_region.setdefault(region, []).append((country.iso2, country.local_name))
    for region_name in sorted(by_region, key=lambda n: (n == _("Other territories"), n)):
        countries.subgroups.append(
            SubGroup(
                region_name,
                _options(form["countries"], sorted(by_region[region_name], key=lambda item: item[1].casefold())),
                folded=True,
            )
        )
    groups["countries"] = countries
    return groups
