"""Creating and editing draft pledges: references, money, validation, audit, concurrent edits."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from p2c.core.models import AuditEvent
from p2c.pledges.models import Pledge, PledgeType
from p2c.pledges.references import reference_reserve
from p2c.pledges.services import ConcurrentEditError, pledge_draft_create, pledge_update
from p2c.pledges.transitions import submission_errors
from tests.factories import amina

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft() -> Pledge:
    user = amina()
    entity = user.memberships.get().entity
    return pledge_draft_create(
        acting_user=user, lead_entity=entity, title="Connect 200 rural schools", pledged_on=dt.date(2024, 3, 15)
    )


def test_a_draft_gets_a_public_reference_and_an_audit_event(draft: Pledge) -> None:
    assert re.fullmatch(r"P2C-\d{4}-\d{4}", draft.reference)
    assert draft.state == Pledge.State.DRAFT
    assert draft.version == 1
    event = AuditEvent.objects.get(object_id=str(draft.pk))
    assert (event.action, event.to_state, event.actor) == ("created", "draft", draft.created_by)


def test_references_are_numbered_per_year_without_gaps_or_reuse() -> None:
    first = reference_reserve(year=2031)
    more = reference_reserve(year=2031, count=3)
    assert first == ["P2C-2031-0001"]
    assert more == ["P2C-2031-0002", "P2C-2031-0003", "P2C-2031-0004"]
    assert reference_reserve(year=2032) == ["P2C-2032-0001"]


def test_a_title_of_300_characters_is_refused() -> None:
    user = amina()
    with pytest.raises(ValidationError) as caught:
        pledge_draft_create(acting_user=user, lead_entity=user.memberships.get().entity, title="x" * 300)
    assert "title" in caught.value.message_dict


def test_money_in_euro_is_stored_with_its_usd_estimate_rate_and_date(draft: Pledge) -> None:
    updated = pledge_update(
        pledge=draft, acting_user=draft.created_by, expected_version=1, amount="2,000,000", currency="eur"
    )
    updated.refresh_from_db()
    assert (updated.amount, updated.currency, updated.usd_source) == (Decimal("2000000.00"), "EUR", "ecb")
    assert updated.usd_rate_date == dt.date(2024, 3, 15)
    assert updated.usd_estimate == (Decimal("2000000") * updated.usd_rate).quantize(Decimal("0.01"))
    assert updated.version == 2
    event = AuditEvent.objects.filter(action="updated").get()
    assert event.changed_fields["amount"] == ["", "2,000,000 EUR"]


def test_a_currency_without_an_ecb_rate_needs_the_pledgers_usd_estimate(draft: Pledge) -> None:
    with pytest.raises(ValidationError) as caught:
        pledge_update(pledge=draft, acting_user=draft.created_by, expected_version=1, amount="5000000", currency="XOF")
    assert "usd_estimate" in caught.value.message_dict
    assert "XOF" in caught.value.message_dict["usd_estimate"][0]
    updated = pledge_update(
        pledge=draft,
        acting_user=draft.created_by,
        expected_version=1,
        amount="5000000",
        currency="XOF",
        pledger_usd="8200",
    )
    assert (updated.usd_estimate, updated.usd_source) == (Decimal("8200.00"), "pledger")


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [("-1", "USD", "amount"), ("lots", "USD", "amount"), ("10", "ABC", "currency"), ("2e12", "USD", "amount")],
)
def test_bad_money_is_refused_and_nothing_is_saved(draft: Pledge, amount: str, currency: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        pledge_update(pledge=draft, acting_user=draft.created_by, expected_version=1, amount=amount, currency=currency)
    assert field in caught.value.message_dict
    draft.refresh_from_db()
    assert (draft.amount, draft.version) == (None, 1)
    assert not AuditEvent.objects.filter(action="updated").exists()


def test_a_financial_draft_may_lack_its_amount_but_cannot_be_submitted_without_it(draft: Pledge) -> None:
    financial = PledgeType.objects.get(code="financial")
    saved = pledge_update(
        pledge=draft,
        acting_user=draft.created_by,
        expected_version=1,
        pledge_types=[financial],
        amount="0",
        currency="USD",
    )
    assert "greater than zero" in submission_errors(saved)["amount"][0]


def test_end_before_start_is_refused(draft: Pledge) -> None:
    with pytest.raises(ValidationError) as caught:
        pledge_update(
            pledge=draft,
            acting_user=draft.created_by,
            expected_version=1,
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2024, 1, 1),
        )
    assert "end_date" in caught.value.message_dict


def test_an_edit_from_a_stale_version_never_overwrites_a_newer_one(draft: Pledge) -> None:
    pledge_update(pledge=draft, acting_user=draft.created_by, expected_version=1, title="First editor's title")
    with pytest.raises(ConcurrentEditError, match="changed by someone else"):
        pledge_update(pledge=draft, acting_user=draft.created_by, expected_version=1, title="Second editor's title")
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("First editor's title", 2)
