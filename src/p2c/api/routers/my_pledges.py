"""``/api/v1/my/pledges``: a token's organisation's pledges — list, read, create drafts, update them, submit them.

Every write goes through the services the web form uses (``pledge_draft_create``, ``pledge_update``,
``pledge_submit``), acting as the person who created the token; they validate, lock, audit and notify.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from p2c.api.auth import TokenAuth, acting_user, token_of
from p2c.api.pagination import PageParamError, cursor_decode, cursor_encode, next_url, page_limit, page_params_schema
from p2c.api.schemas import (
    Conflict,
    Detail,
    MyPledge,
    MyPledgeList,
    PledgeIn,
    PledgeUpdateIn,
    SubmitIn,
    ValidationErrors,
)
from p2c.api.selectors import entity_pledge, entity_pledges, own_document, pledges_in_order
from p2c.api.writes import InputErrors, pledge_changes, service_errors
from p2c.pledges.models import Pledge
from p2c.pledges.services import ConcurrentEditError, NotEditableError, pledge_draft_create, pledge_update
from p2c.pledges.transitions import TransitionError, pledge_submit

REFERENCE = "The pledge's reference, e.g. `P2C-2026-0042` (any letter case)."
router = Router(tags=["My organisation's pledges (token)"], auth=TokenAuth())

REFUSALS: dict[int | str, Any] = {
    401: Detail,
    403: Detail,
    429: Detail,
}
WRITE_REFUSALS: dict[int | str, Any] = {**REFUSALS, 400: Detail, 404: Detail, 409: Conflict, 422: ValidationErrors}


def _pledge_or_404(request: HttpRequest, reference: str) -> Pledge:
    pledge = entity_pledge(token_of(request).entity, reference)
    if pledge is None:
        raise Http404(_("Your organisation leads no pledge with this reference."))
    return pledge


def _saved(request: HttpRequest, pledge: Pledge) -> dict[str, Any]:
    return own_document(request, _pledge_or_404(request, pledge.reference))


def _conflict(pledge: Pledge, message: str) -> Status:
    current = Pledge.objects.filter(pk=pledge.pk).values_list("version", flat=True).first()
    return Status(409, {"detail": message, "version": current})


@router.get(
    "/my/pledges",
    response={200: MyPledgeList, 422: ValidationErrors, **REFUSALS},
    summary="My organisation's pledges, in every state",
    description="Every pledge the token's organisation leads (drafts, submitted, published, …), newest first.",
    openapi_extra={
        "parameters": [
            {
                "name": "state",
                "in": "query",
                "required": False,
                "description": "Only pledges in this review state (repeatable).",
                "schema": {"type": "array", "items": {"type": "string", "enum": list(Pledge.State.values)}},
                "style": "form",
                "explode": True,
            },
            *page_params_schema(),
        ]
    },
)
def my_pledge_list(request: HttpRequest) -> dict[str, Any]:
    """What has my organisation pledged, and where is each pledge in the review?"""
    limit = page_limit(request)
    pledges = entity_pledges(token_of(request).entity)
    states = [s for s in request.GET.getlist("state") if s]
    unknown = [s for s in states if s not in Pledge.State.values]
    if unknown:
        raise PageParamError({"state": [_("There is no state “%(value)s”.") % {"value": v} for v in unknown]})
    if states:
        pledges = pledges.filter(state__in=states)
    cursor = request.GET.get("cursor") or None
    if cursor:
        last_id = cursor_decode(cursor, "id", length=1)[0]
        if not isinstance(last_id, int):
            raise PageParamError({"cursor": [_("This cursor is not one the API made.")]})
        pledges = pledges.filter(id__lt=last_id)
    ids = list(pledges.values_list("id", flat=True)[: limit + 1])
    following = cursor_encode("id", [ids[limit - 1]]) if len(ids) > limit else None
    rows = pledges_in_order(Pledge.objects.select_related("revision_of"), ids[:limit])
    return {"next": next_url(request, following), "results": [own_document(request, p, missing=False) for p in rows]}


@router.get(
    "/my/pledges/{reference}",
    response={200: MyPledge, 404: Detail, **REFUSALS},
    summary="One of my organisation's pledges",
)
def my_pledge(request: HttpRequest, reference: str = Path(..., description=REFERENCE)) -> dict[str, Any]:
    """One pledge of my organisation, in any state, with its version and what it still needs before submission."""
    return own_document(request, _pledge_or_404(request, reference))


@router.post(
    "/my/pledges",
    response={201: MyPledge, **WRITE_REFUSALS},
    summary="Create a draft pledge",
    description="A new draft led by the token's organisation. Nothing is required yet; what is given must be valid.",
)
def my_pledge_create(request: HttpRequest, payload: PledgeIn) -> Status:
    """Create a draft for my organisation, as the form's “Save draft” does."""
    token = token_of(request)
    try:
        changes = pledge_changes(payload, lead=token.entity)
        pledge = pledge_draft_create(acting_user=acting_user(token), lead_entity=token.entity, **changes)
    except InputErrors as exc:
        return Status(422, {"errors": exc.errors})
    except ValidationError as exc:
        return Status(422, {"errors": service_errors(exc)})
    return Status(201, _saved(request, pledge))


@router.patch(
    "/my/pledges/{reference}",
    response={200: MyPledge, **WRITE_REFUSALS},
    summary="Change a draft",
    description="Only the fields sent change. `version` must be the pledge's current version (409 otherwise). "
    "Drafts and pledges sent back for changes can be changed; others answer 409.",
)
def my_pledge_update(
    request: HttpRequest, payload: PledgeUpdateIn, reference: str = Path(..., description=REFERENCE)
) -> Status:
    """Change some fields of a draft, as the form's “Save draft” does."""
    token = token_of(request)
    pledge = _pledge_or_404(request, reference)
    try:
        changes = pledge_changes(payload, lead=token.entity, pledge=pledge)
        saved = pledge_update(
            pledge=pledge, acting_user=acting_user(token), expected_version=payload.version, **changes
        )
    except InputErrors as exc:
        return Status(422, {"errors": exc.errors})
    except ConcurrentEditError as exc:
        return _conflict(pledge, str(exc))
    except NotEditableError as exc:
        return _conflict(pledge, " ".join(exc.messages))
    except ValidationError as exc:
        return Status(422, {"errors": service_errors(exc)})
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(200, _saved(request, saved))


@router.post(
    "/my/pledges/{reference}/submit",
    response={200: MyPledge, **WRITE_REFUSALS},
    summary="Submit a draft for review",
    description="The pledge must be complete: every missing field is named (422). The secretariat is emailed.",
)
def my_pledge_submit(
    request: HttpRequest, payload: SubmitIn, reference: str = Path(..., description=REFERENCE)
) -> Status:
    """Send a complete draft to the secretariat, as the form's “Submit for review” does."""
    token = token_of(request)
    pledge = _pledge_or_404(request, reference)
    try:
        submitted = pledge_submit(pledge=pledge, acting_user=acting_user(token), expected_version=payload.version)
    except ConcurrentEditError as exc:
        return _conflict(pledge, str(exc))
    except TransitionError as exc:
        return _conflict(pledge, " ".join(exc.messages))
    except ValidationError as exc:
        return Status(422, {"errors": service_errors(exc)})
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(200, _saved(request, submitted))
