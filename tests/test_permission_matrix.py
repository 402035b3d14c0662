"""Who may do what, for every view and action of the pledge lifecycle, proven person by person.

Eight people: anonymous; Uma, a member of Kijiji Telecom whose email is unconfirmed; Olga, who
belongs to nothing; Sara, focal point of another organisation; Mo, a member, and Amina, the focal
point, of Kijiji Telecom; Rui, a secretariat reviewer; Ada, a superuser (administrator). Each case
runs one request as one person against a fresh database and checks both the response and whether
the action really happened, so a refusal that still changes something fails, and so does an
allowed action that quietly does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from p2c.accounts.models import User
from p2c.entities.forms import EntityEditForm
from p2c.entities.models import Entity, Membership
from p2c.pledges.models import Pledge
from tests.accounts.helpers import verified_user
from tests.factories import MembershipFactory
from tests.workspace.helpers import World, complete_pledge, form_data, world

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "unverified", "outsider", "other_entity", "member", "focal_point", "reviewer", "admin")
LOGIN, ADMIN_LOGIN, OK, DONE, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "login", "admin-login", 200, 302, 403, 404, 405
State = Pledge.State


@dataclass
class Scene:
    """The people, Kijiji Telecom, a pledge in the state the case needs and a pending join request."""

    w: World
    ada: User
    pledge: Pledge
    request: Membership

    def person(self, who: str) -> User | None:
        return {
            "anonymous": None,
            "unverified": self.w.uma,
            "outsider": self.w.olga,
            "other_entity": self.w.sara,
            "member": self.w.mo,
            "focal_point": self.w.amina,
            "reviewer": self.w.rui,
            "admin": self.ada,
        }[who]


def _signed_in(expected: dict[str, Any]) -> dict[str, Any]:
    """Anonymous people go to sign in; signed-in people with an unconfirmed email get a 403."""
    return {"anonymous": LOGIN, "unverified": FORBIDDEN, **expected}


def _everyone(result: Any) -> dict[str, Any]:
    return _signed_in(dict.fromkeys(PEOPLE[2:], result))


def _kijiji(result: Any, others: Any = NOT_FOUND) -> dict[str, Any]:
    """Members of Kijiji get ``result``; every other signed-in person ``others``."""
    return _signed_in({**dict.fromkeys(PEOPLE[2:], others), "member": result, "focal_point": result})


def _reviewers(result: Any) -> dict[str, Any]:
    return _signed_in({**dict.fromkeys(PEOPLE[2:], FORBIDDEN), "reviewer": result, "admin": result})


def _public(result: Any) -> dict[str, Any]:
    return dict.fromkeys(PEOPLE, result)


@dataclass(frozen=True)
class Case:
    """One request: its method, path and data, the pledge's state, the outcome per person, the effect."""

    method: str
    path: Callable[[Scene], str]
    expected: dict[str, Any]
    state: str = State.DRAFT
    data: Callable[[Scene], dict[str, Any]] = lambda s: {}
    effect: Callable[[Scene], bool] | None = None
    allowed: tuple[str, ...] = ()  # whose request must have the effect (default: those expected DONE)
    prepare: Callable[[Scene], None] | None = None  # more of the scene (a reporting cycle, a report)


def _ref(s: Scene) -> str:
    return s.pledge.reference


def _state(s: Scene) -> str:
    return Pledge.objects.get(pk=s.pledge.pk).state


def _entity_edit(s: Scene) -> dict[str, Any]:
    data = dict(EntityEditForm.for_entity(s.w.kijiji).initial)
    return {**{k: "" if v is None else v for k, v in data.items()}, "description": "Edited by the matrix."}


# --- Progress reporting (p2c.reporting) ---------------------------------------------------------


def _cycle(s: Scene) -> None:
    """An open reporting cycle taking reports today, whose period covers the pledge's publication."""
    import datetime as dt

    from django.utils import timezone

    from p2c.reporting.models import ReportingCycle

    today = timezone.localdate()
    ReportingCycle.objects.create(
        year=today.year,
        period_start=today - dt.timedelta(days=300),
        period_end=today + dt.timedelta(days=30),
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=40),
    )


def _report(state: str) -> Callable[[Scene], None]:
    def prepare(s: Scene) -> None:
        from django.utils import timezone

        from p2c.reporting.models import ProgressReport, ReportingCycle

        _cycle(s)
        s.report = ProgressReport.objects.create(  # type: ignore[attr-defined]
            pledge=s.pledge, cycle=ReportingCycle.objects.get(), state=state, delivery_status="on_track",
            percent_complete=40, usd_disbursed=1000, narrative="Done.",
            submitted_at=None if state == "draft" else timezone.now(),
        )  # fmt: skip

    return prepare


def _this_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def _report_state(s: Scene) -> str:
    return s.report.__class__.objects.get(pk=s.report.pk).state  # type: ignore[attr-defined]


def _report_id(s: Scene) -> int:
    return s.report.pk  # type: ignore[attr-defined]


def _reports_of(s: Scene) -> bool:
    from p2c.reporting.models import ProgressReport

    return ProgressReport.objects.filter(pledge=s.pledge).exists()


def _cycle_state(s: Scene) -> str | None:
    from p2c.reporting.models import ReportingCycle

    return ReportingCycle.objects.values_list("state", flat=True).first()


CASES: dict[str, Case] = {
    # The pledger's workspace.
    "workspace": Case("GET", lambda s: "/my/", _everyone(OK)),
    "new pledge form": Case("GET", lambda s: "/my/pledges/new/", _everyone(OK)),
    "create a pledge": Case(
        "POST",
        lambda s: "/my/pledges/new/",
        # People without an organisation get the page saying to register one; Sara's pledge is her own.
        {**_everyone(OK), "other_entity": DONE, "member": DONE, "focal_point": DONE},
        data=lambda s: form_data(title="A pledge from the matrix"),
        effect=lambda s: Pledge.objects.filter(lead_entity=s.w.kijiji, title="A pledge from the matrix").exists(),
        allowed=("member", "focal_point"),
    ),
    "pledge in the workspace": Case("GET", lambda s: f"/my/pledges/{_ref(s)}/", _kijiji(OK)),
    "lower-case reference": Case("GET", lambda s: f"/my/pledges/{_ref(s).lower()}/", _kijiji(OK)),
    "unknown pledge": Case("GET", lambda s: "/my/pledges/P2C-1999-0001/", _everyone(NOT_FOUND)),
    "withdraw form": Case("GET", lambda s: f"/my/pledges/{_ref(s)}/withdraw/", _kijiji(OK)),
    "submit by GET": Case("GET", lambda s: f"/my/pledges/{_ref(s)}/submit/", _everyone(NOT_ALLOWED)),
    "propose changes by GET": Case(
        "GET", lambda s: f"/my/pledges/{_ref(s)}/revise/", _everyone(NOT_ALLOWED), state=State.PUBLISHED
    ),
    "edit form": Case("GET", lambda s: f"/my/pledges/{_ref(s)}/edit/", _kijiji(OK)),
    "edit": Case(
        "POST",
        lambda s: f"/my/pledges/{_ref(s)}/edit/",
        _kijiji(DONE),
        data=lambda s: form_data(version=str(s.pledge.version), title="Changed by the matrix"),
        effect=lambda s: Pledge.objects.get(pk=s.pledge.pk).title == "Changed by the matrix",
    ),
    "submit": Case(
        "POST",
        lambda s: f"/my/pledges/{_ref(s)}/submit/",
        _kijiji(DONE),
        data=lambda s: {"version": str(s.pledge.version)},
        effect=lambda s: _state(s) == State.SUBMITTED,
    ),
    "withdraw": Case(
        "POST",
        lambda s: f"/my/pledges/{_ref(s)}/withdraw/",
        _kijiji(DONE),
        data=lambda s: {"version": str(s.pledge.version), "reason": "Merged into another pledge."},
        effect=lambda s: _state(s) == State.WITHDRAWN,
    ),
    "propose changes to a published pledge": Case(
        "POST",
        lambda s: f"/my/pledges/{_ref(s)}/revise/",
        _kijiji(DONE),
        state=State.PUBLISHED,
        data=lambda s: {"version": str(s.pledge.version)},
        effect=lambda s: s.pledge.revisions.exists(),
    ),
    # The secretariat's review.
    "review queue": Case("GET", lambda s: "/review/", _reviewers(OK)),
    "review page": Case("GET", lambda s: f"/review/{_ref(s)}/", _reviewers(OK), state=State.SUBMITTED),
    "review page of a draft": Case("GET", lambda s: f"/review/{_ref(s)}/", _reviewers(NOT_FOUND)),
    "publish": Case(
        "POST",
        lambda s: f"/review/{_ref(s)}/publish/",
        _reviewers(DONE),
        state=State.SUBMITTED,
        data=lambda s: {"version": str(s.pledge.version)},
        effect=lambda s: _state(s) == State.PUBLISHED,
    ),
    "request changes": Case(
        "POST",
        lambda s: f"/review/{_ref(s)}/request-changes/",
        _reviewers(DONE),
        state=State.SUBMITTED,
        data=lambda s: {"version": str(s.pledge.version), "comment": "Name the schools."},
        effect=lambda s: _state(s) == State.CHANGES_REQUESTED,
    ),
    "reject": Case(
        "POST",
        lambda s: f"/review/{_ref(s)}/reject/",
        _reviewers(DONE),
        state=State.SUBMITTED,
        data=lambda s: {"version": str(s.pledge.version), "reason": "Out of scope."},
        effect=lambda s: _state(s) == State.REJECTED,
    ),
    # The public pages: a pledge is public once published, and for nobody before.
    "public page of a draft": Case("GET", lambda s: f"/pledges/{_ref(s)}/", _public(NOT_FOUND)),
    "public page of a submitted pledge": Case(
        "GET", lambda s: f"/pledges/{_ref(s)}/", _public(NOT_FOUND), state=State.SUBMITTED
    ),
    "JSON of a submitted pledge": Case(
        "GET", lambda s: f"/pledges/{_ref(s)}.json", _public(NOT_FOUND), state=State.SUBMITTED
    ),
    "public page of a published pledge": Case(
        "GET", lambda s: f"/pledges/{_ref(s)}/", _public(OK), state=State.PUBLISHED
    ),
    # Organisations.
    "my organisations": Case("GET", lambda s: "/my/entities/", _everyone(OK)),
    "register an organisation form": Case("GET", lambda s: "/my/entities/new/", _everyone(OK)),
    "organisation management page": Case("GET", lambda s: "/my/entities/kijiji-telecom/", _kijiji(OK)),
    "edit the organisation's profile": Case(
        "POST",
        lambda s: "/my/entities/kijiji-telecom/",
        {**_kijiji(FORBIDDEN), "focal_point": DONE},
        data=_entity_edit,
        effect=lambda s: Entity.objects.get(pk=s.w.kijiji.pk).description == "Edited by the matrix.",
        allowed=("focal_point",),
    ),
    "accept a request to join": Case(
        "POST",
        lambda s: f"/my/entities/kijiji-telecom/members/{s.request.pk}/accept/",
        {**_kijiji(FORBIDDEN), "focal_point": DONE},
        effect=lambda s: Membership.objects.get(pk=s.request.pk).status == Membership.Status.ACTIVE,
        allowed=("focal_point",),
    ),
    # Progress reporting: the pledger's reports, the secretariat's review and cycles.
    "progress reports": Case("GET", lambda s: "/my/reports/", _everyone(OK), state=State.PUBLISHED, prepare=_cycle),
    "report form": Case(
        "GET", lambda s: f"/my/pledges/{_ref(s)}/report/", _kijiji(OK), state=State.PUBLISHED, prepare=_cycle
    ),
    "save a report": Case(
        "POST",
        lambda s: f"/my/pledges/{_ref(s)}/report/",
        _kijiji(DONE),
        state=State.PUBLISHED,
        prepare=_cycle,
        data=lambda s: {"version": "", "percent_complete": "10", "action": "save"},
        effect=_reports_of,
    ),
    "discard a report": Case(
        "POST",
        lambda s: f"/my/pledges/{_ref(s)}/report/discard/",
        _kijiji(DONE),
        state=State.PUBLISHED,
        prepare=_report("draft"),
        data=lambda s: {"version": "1"},
        effect=lambda s: _report_state(s) == "withdrawn",
    ),
    "report review queue": Case("GET", lambda s: "/review/reports/", _reviewers(OK)),
    "report review page": Case(
        "GET",
        lambda s: f"/review/reports/{_report_id(s)}/",
        _reviewers(OK),
        state=State.PUBLISHED,
        prepare=_report("submitted"),
    ),  # fmt: skip
    "report review page of a draft": Case(
        "GET",
        lambda s: f"/review/reports/{_report_id(s)}/",
        _reviewers(NOT_FOUND),
        state=State.PUBLISHED,
        prepare=_report("draft"),
    ),  # fmt: skip
    "accept a report": Case(
        "POST",
        lambda s: f"/review/reports/{_report_id(s)}/accept/",
        _reviewers(DONE),
        state=State.PUBLISHED,
        prepare=_report("submitted"),
        data=lambda s: {"version": "1"},
        effect=lambda s: _report_state(s) == "accepted",
    ),
    "ask for clarification on a report": Case(
        "POST",
        lambda s: f"/review/reports/{_report_id(s)}/request-clarification/",
        _reviewers(DONE),
        state=State.PUBLISHED,
        prepare=_report("submitted"),
        data=lambda s: {"version": "1", "comment": "Which schools?"},
        effect=lambda s: _report_state(s) == "clarification_requested",
    ),
    "reporting cycles": Case("GET", lambda s: "/review/cycles/", _reviewers(OK)),
    "open a cycle": Case(
        "POST",
        lambda s: "/review/cycles/",
        _reviewers(DONE),
        data=lambda s: {
            "year": "2030",
            "period_start": "2030-01-01",
            "period_end": "2030-12-31",
            "opens_on": "2031-01-15",
            "closes_on": "2031-03-31",
        },  # fmt: skip
        effect=lambda s: _cycle_state(s) == "open",
    ),
    "close a cycle": Case(
        "POST",
        lambda s: f"/review/cycles/{_this_year()}/close/",
        _reviewers(DONE),
        prepare=_cycle,
        effect=lambda s: _cycle_state(s) == "closed",
    ),
    # The admin: administrators only.
    "admin": Case("GET", lambda s: "/admin/pledges/pledge/", {**_public(ADMIN_LOGIN), "admin": OK}),
}


def _scene(state: str) -> Scene:
    w = world()
    ada = verified_user(email="ada@secretariat.example", full_name="Ada", is_superuser=True, is_staff=True)
    pledge = complete_pledge(w.kijiji, state=state)
    joiner = verified_user(email="joiner@example.org", full_name="Jo")
    request = MembershipFactory(
        user=joiner, entity=w.kijiji, role=Membership.Role.MEMBER, status=Membership.Status.REQUESTED
    )
    return Scene(w, ada, pledge, request)


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("case_name", list(CASES))
def test_permission_matrix(client: Client, case_name: str, who: str, settings: Any) -> None:
    settings.P2C_REQUIRE_MFA_FOR_STAFF = False  # the MFA rule has its own tests (tests/accounts/test_mfa.py)
    case = CASES[case_name]
    scene = _scene(case.state)
    if case.prepare is not None:
        case.prepare(scene)
    person = scene.person(who)
    if person is not None:
        client.force_login(person)
    expected = case.expected[who]

    path = case.path(scene)
    response = client.post(path, case.data(scene)) if case.method == "POST" else client.get(path)

    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), who
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), who
    else:
        assert response.status_code == expected, (who, response.content[:400])
    if case.effect is not None:
        allowed = case.allowed or tuple(p for p, result in case.expected.items() if result == DONE)
        assert case.effect(scene) is (who in allowed), f"{case_name} by {who}"
