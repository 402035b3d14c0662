"""The workspace tests' people, pledges, form data and a small HTML reader.

Personas: Amina (focal point) and Mo (member) of Kijiji Telecom; Sara of Savannah Broadband;
Rui, a secretariat reviewer; Olga, who belongs to nothing; Uma, a member whose email is unconfirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from p2c.accounts.models import User
from p2c.core.setup import reviewers_group_ensure
from p2c.entities.models import Entity, Membership
from p2c.geo.models import Country
from p2c.pledges.models import FocusArea, Pledge, PledgeType
from tests.accounts.helpers import kijiji, verified_user
from tests.factories import EntityFactory, MembershipFactory, PledgeFactory, UserFactory


@dataclass
class World:
    kijiji: Entity
    savannah: Entity
    amina: User
    mo: User
    sara: User
    rui: User
    olga: User
    uma: User


def world() -> World:
    entity, amina = kijiji()
    mo = verified_user(email="mo@kijiji.example", full_name="Mo")
    MembershipFactory(user=mo, entity=entity, role=Membership.Role.MEMBER)
    uma = UserFactory(email="uma@kijiji.example", full_name="Uma")
    MembershipFactory(user=uma, entity=entity, role=Membership.Role.MEMBER)
    savannah = EntityFactory(name="Savannah Broadband", slug="savannah-broadband", acronym="SAVB")
    sara = verified_user(email="sara@savannah.example", full_name="Sara")
    MembershipFactory(user=sara, entity=savannah)
    rui = verified_user(email="rui@secretariat.example", full_name="Rui")
    rui.groups.add(reviewers_group_ensure())
    olga = verified_user(email="olga@example.org", full_name="Olga")
    return World(entity, savannah, amina, mo, sara, User.objects.get(pk=rui.pk), olga, uma)


def complete_pledge(entity: Entity, *, state: str = Pledge.State.DRAFT, **fields: Any) -> Pledge:
    """A pledge of ``entity`` with everything a submission needs."""
    values: dict[str, Any] = {
        "title": "Connect 200 rural schools in Kenya",
        "summary": "Fibre and Wi-Fi for 200 schools.",
        "description": "Kijiji Telecom connects **200 schools** by 2027.",
        "start_date": dt.date(2026, 4, 1),
        "end_date": dt.date(2027, 12, 31),
        "countries": [Country.objects.get(iso2="KE")],
        "focus_areas": ["access"],
        **fields,
    }
    if state in (Pledge.State.SUBMITTED, Pledge.State.PUBLISHED):
        values.setdefault("submitted_at", dt.datetime(2026, 3, 20, tzinfo=dt.UTC))
    pledge = PledgeFactory(lead_entity=entity, state=state, **values)
    pledge.pledge_types.set([PledgeType.objects.get(code="financial")])
    return pledge


def rows(prefix: str, count: int = 2, initial: int = 0) -> dict[str, str]:
    """A formset's management form."""
    return {
        f"{prefix}-TOTAL_FORMS": str(count),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }


def form_data(**values: Any) -> dict[str, Any]:
    """What the pledge form posts when nothing is filled in, plus ``values`` (lists for checkboxes)."""
    data: dict[str, Any] = {
        **rows("targets"),
        **rows("partners"),
        "partners-0-role": "co_pledger",
        "partners-1-role": "co_pledger",
        "action": "save",
    }
    data.update(values)
    return data


def complete_form(**values: Any) -> dict[str, Any]:
    """The pledge form filled in completely (a financial pledge of EUR 2,000,000 to Kenya)."""
    complete = {
        "title": "Connect 200 rural schools in Kenya",
        "summary": "Fibre and Wi-Fi for 200 schools.",
        "description": "We connect **200 schools**.",
        "focus_areas": [str(FocusArea.objects.get(code="access").pk)],
        "pledge_types": [str(PledgeType.objects.get(code="financial").pk)],
        "scope": "countries",
        "countries": ["KE"],
        "amount": "2,000,000",
        "currency": "EUR",
        "pledged_on": "2026-03-16",
        "start_date": "2026-04-01",
        "end_date": "2027-12-31",
        "additionality": "new",
    }
    return form_data(**{**complete, **values})


# --- Reading HTML ------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    """An element of a parsed page."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def all(self) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                found.append(child)
                found.extend(child.all())
        return found

    def find(self, tag: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.all()
            if (tag is None or n.tag == tag) and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def by_id(self, element_id: str) -> Node:
        (found,) = self.find(id=element_id)
        return found

    def box(self) -> Node:
        """The nearest ``.field`` (or fieldset) around this element: where its messages belong."""
        node = self.parent
        while node is not None and not ({"field"} & node.classes() or node.tag == "fieldset"):
            node = node.parent
        assert node is not None
        return node


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def page(response: Any) -> Node:
    tree = _Tree()
    tree.feed(response.content.decode())
    return tree.root


def value_of(root: Node, name: str) -> str:
    """What an input or textarea named ``name`` holds."""
    (node,) = [n for n in root.all() if n.attrs.get("name") == name and n.tag in ("input", "textarea", "select")]
    if node.tag == "textarea":
        return "".join(c for c in node.children if isinstance(c, str)).lstrip("\n")
    if node.tag == "select":
        return next((o.attrs.get("value") or "" for o in node.find("option") if "selected" in o.attrs), "")
    return node.attrs.get("value") or ""


def ticked(root: Node, name: str) -> set[str]:
    """The values of the ticked checkboxes (or radio button) named ``name``."""
    return {
        n.attrs.get("value") or "" for n in root.find("input") if n.attrs.get("name") == name and "checked" in n.attrs
    }


def message_next_to(root: Node, input_id: str) -> str:
    """The text of the error list tied to an input (``<id>_error``), checking it sits in the input's box."""
    field = root.by_id(input_id)
    error = root.by_id(f"{input_id}_error")
    box = field.box()
    assert error in box.all(), f"the error of {input_id} is not next to it"
    if field.tag != "fieldset":
        assert field.attrs.get("aria-invalid") == "true"
        assert f"{input_id}_error" in (field.attrs.get("aria-describedby") or "").split()
    return error.text()
