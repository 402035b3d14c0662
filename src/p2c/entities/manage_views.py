"""Pages where people register, join and manage their organisations, under ``/my/entities/``.

Who may do what (docs/accounts.md has the whole matrix):
- anonymous → the sign-in page; signed in with an unconfirmed email → 403 with what to do;
- any verified person: their list, register an organisation, search and ask to join one;
- an active member: the organisation's page (read-only), leave it or withdraw their request;
- an active focal point: edit the profile, accept/decline requests, promote/demote, remove.
Anyone else asking for an organisation's management page gets a 404 (we do not say whether it
exists); a member trying a focal point's action gets a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from p2c.accounts.decorators import verified_email_required
from p2c.accounts.models import User
from p2c.entities.forms import DeclineForm, EntityCreateForm, EntityEditForm, JoinRequestForm
from p2c.entities.manage_selectors import active_membership, members_of, memberships_of, pending_requests_for
from p2c.entities.matching import entity_search
from p2c.entities.models import Entity, Membership
from p2c.entities.services import (
    ConcurrentEditError,
    LikelyDuplicatesError,
    entity_create,
    entity_update,
    membership_accept,
    membership_decline,
    membership_demote,
    membership_promote,
    membership_remove,
    membership_request,
)

GET_POST = ["GET", "POST"]


def _me(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind ``verified_email_required``)."""
    return cast(User, request.user)


@verified_email_required
@require_http_methods(["GET"])
def my_entities(request: HttpRequest) -> HttpResponse:
    """The organisations I belong to or asked to join, and requests waiting for my answer."""
    context = {"memberships": memberships_of(request.user), "requests": pending_requests_for(request.user)}
    return render(request, "entities/manage/mine.html", context)


@verified_email_required
@require_http_methods(GET_POST)
def entity_new(request: HttpRequest) -> HttpResponse:
    """Register an organisation; likely duplicates are shown first, and the person confirms or joins one."""
    form = EntityCreateForm(request.POST or None)
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            entity = entity_create(
                acting_user=request.user,
                confirmed_not_duplicate=form.cleaned_data["confirmed_not_duplicate"],
                **form.profile(),
            )
        except LikelyDuplicatesError as exc:
            matches = exc.matches
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(entity)s is registered, and you are its focal point.") % {"entity": entity})
            return redirect("entities_manage:manage", slug=entity.slug)
    return render(request, "entities/manage/new.html", {"form": form, "matches": matches})


@verified_email_required
@require_http_methods(["GET"])
def entity_join(request: HttpRequest) -> HttpResponse:
    """Find an organisation to join, by name or acronym."""
    query = request.GET.get("q", "").strip()[:100]
    results = entity_search(query) if query else []
    statuses = dict(Membership.objects.filter(user=_me(request), entity__in=results).values_list("entity_id", "status"))
    rows = [(entity, statuses.get(entity.pk)) for entity in results]
    return render(request, "entities/manage/join.html", {"query": query, "rows": rows})


@verified_email_required
@require_http_methods(GET_POST)
def entity_join_request(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask to join one organisation, with a note for its focal point."""
    entity = get_object_or_404(Entity.objects.select_related("entity_type", "home_country"), slug=slug)
    existing = Membership.objects.filter(user=_me(request), entity=entity).first()
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership_request(acting_user=request.user, entity=entity, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Your request to join %(entity)s was sent to its focal point.") % {"entity": entity.name}
            )
        return redirect("entities_manage:mine")
    return render(request, "entities/manage/join_request.html", {"entity": entity, "existing": existing, "form": form})


@verified_email_required
@require_http_methods(GET_POST)
def entity_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's profile and members: editable by its focal points, visible to its members."""
    mine = active_membership(request.user, slug)
    if mine is None:
        raise Http404
    entity, is_focal = mine.entity, mine.role == Membership.Role.FOCAL_POINT
    form, conflict, status = EntityEditForm.for_entity(entity), None, 200
    if request.method == "POST":
        if not is_focal:
            raise PermissionDenied(_("Only a focal point of this organisation can do this."))
        form = EntityEditForm(request.POST)
        if form.is_valid():
            values = form.profile()
            try:
                entity_update(
                    entity=entity, acting_user=request.user, expected_updated_at=form.cleaned_data["version"], **values
                )
            except ConcurrentEditError as exc:
                conflict, status = _conflict(request, entity, str(exc)), 409
                form = EntityEditForm({**request.POST.dict(), "version": EntityEditForm.version_of(conflict)})
                form.is_valid()
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The profile is saved."))
                return redirect("entities_manage:manage", slug=entity.slug)
    members = list(members_of(entity))
    active = [m for m in members if m.status == Membership.Status.ACTIVE]
    context = {
        "entity": entity,
        "is_focal": is_focal,
        "form": form,
        "conflict": conflict,
        "active": active,
        "pending": [m for m in members if m.status == Membership.Status.REQUESTED],
        "focal_count": sum(1 for m in active if m.role == Membership.Role.FOCAL_POINT),
        "decline_form": DeclineForm(),
    }
    return render(request, "entities/manage/manage.html", context, status=status)


def _conflict(request: HttpRequest, entity: Entity, message: str) -> Entity:
    """The profile as someone else just saved it, to show beside what this person typed."""
    messages.error(request, message)
    return Entity.objects.select_related("entity_type", "home_country").get(pk=entity.pk)


def _member_action(
    request: HttpRequest, slug: str, pk: int, act: Callable[..., Any], done: str, **extra: Any
) -> HttpResponse:
    mine = active_membership(request.user, slug)
    target = get_object_or_404(Membership.objects.select_related("user", "entity"), pk=pk, entity__slug=slug)
    if mine is None and target.user_id != request.user.pk:
        raise Http404
    try:
        act(acting_user=request.user, membership=target, **extra)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"person": target.user, "entity": target.entity.name})
        if target.user_id == request.user.pk and act is membership_remove:
            return redirect("entities_manage:mine")
    return redirect("entities_manage:manage", slug=slug)


@verified_email_required
@require_POST
def member_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _member_action(request, slug, pk, membership_accept, _("%(person)s is now a member."))


@verified_email_required
@require_POST
def member_decline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _member_action(request, slug, pk, membership_decline, _("%(person)s's request was declined."), reason=reason)


@verified_email_required
@require_POST
def member_promote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _member_action(request, slug, pk, membership_promote, _("%(person)s is now a focal point."))


@verified_email_required
@require_POST
def member_demote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _member_action(request, slug, pk, membership_demote, _("%(person)s is now a member (not a focal point)."))


@verified_email_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    own = Membership.objects.filter(pk=pk, user=_me(request)).exists()
    done = _("You are no longer linked to %(entity)s.") if own else _("%(person)s was removed.")
    return _member_action(request, slug, pk, membership_remove, done)
