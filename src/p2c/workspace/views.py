"""The pledger's workspace under ``/my/``: my organisations' pledges, the pledge form, submitting, withdrawing.

Who may do what: every page needs a signed-in person with a confirmed email address (anonymous →
sign-in page; unconfirmed → 403 saying what to do). A pledge's pages are for the active members of
its lead entity only; anyone else, reviewers included, gets a 404. Only POST changes anything,
and each POST names the ``version`` the person saw, so that nobody overwrites a colleague's work.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from p2c.accounts.decorators import verified_email_required
from p2c.accounts.models import User
from p2c.entities.models import Entity
from p2c.pledges.models import Pledge
from p2c.pledges.revisions import OPEN_STATES, pledge_revision_open
from p2c.pledges.services import EDITABLE_STATES, ConcurrentEditError, pledge_draft_create, pledge_update
from p2c.pledges.transitions import TRANSITIONS, pledge_submit, pledge_withdraw
from p2c.workspace.forms import PledgeEditor, WithdrawForm
from p2c.workspace.forms.pledge import COMMON_CURRENCIES
from p2c.workspace.selectors import (
    active_entities,
    form_choices,
    latest_review_comment,
    member_pledge,
    missing_for_submission,
    pledge_history,
    review_comments,
    workspace_for,
)

GET_POST = ["GET", "POST"]
WITHDRAWABLE = TRANSITIONS["withdraw"][0]


def _me(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind ``verified_email_required``)."""
    return cast(User, request.user)


def _pledge_or_404(request: HttpRequest, reference: str, *, full: bool = False) -> Pledge:
    pledge = member_pledge(request.user, reference, full=full)
    if pledge is None:
        raise Http404
    return pledge


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@verified_email_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """What do I (my organisations) need to do next? Every pledge of my organisations, with its next step."""
    return render(request, "workspace/home.html", {"workspace": workspace_for(request.user)})


@verified_email_required
@require_http_methods(GET_POST)
def pledge_new(request: HttpRequest) -> HttpResponse:
    """How do I make a pledge? The pledge form, for an organisation I belong to."""
    entities = active_entities(request.user)
    count = len(entities)
    if count == 0:
        return render(request, "workspace/no_entity.html")
    lead = entities[0] if count == 1 else None
    choices = form_choices()
    if request.method == "GET":
        editor = PledgeEditor(choices, lead=lead, lead_entities=None if lead else entities)
        editor.form.initial["lead_entity"] = request.GET.get("entity", "")
        return _form_page(request, editor)
    editor = PledgeEditor(choices, data=request.POST, lead=lead, lead_entities=None if lead else entities)
    return _form_post(request, editor)


@verified_email_required
@require_http_methods(GET_POST)
def pledge_edit(request: HttpRequest, reference: str) -> HttpResponse:
    """What does my draft say, and how do I complete it? The pledge form, for a draft or a pledge sent back."""
    pledge = _pledge_or_404(request, reference, full=True)
    if request.method == "POST":
        # Even if the pledge left the editable states meanwhile: the service refuses the change, and
        # the form comes back with what was typed and the reason.
        return _form_post(request, PledgeEditor(form_choices(), data=request.POST, pledge=pledge))
    if pledge.state == Pledge.State.PUBLISHED:
        messages.info(
            request, _("This pledge is published. To change it, propose changes: the secretariat reviews them first.")
        )
        return redirect("workspace:pledge", reference=pledge.reference)
    if pledge.state not in EDITABLE_STATES:
        return render(request, "workspace/not_editable.html", {"pledge": pledge})
    return _form_page(request, PledgeEditor(form_choices(), pledge=pledge))


def _form_page(request: HttpRequest, editor: PledgeEditor, *, status: int = 200) -> HttpResponse:
    editor.prepare()
    pledge = editor.pledge
    action = reverse("workspace:pledge_edit", args=[pledge.reference]) if pledge else reverse("workspace:pledge_new")
    asked = pledge is not None and pledge.state == Pledge.State.CHANGES_REQUESTED
    review_comment = review_comments([pledge.pk]).get(pledge.pk) if pledge is not None and asked else None
    context = {
        "editor": editor,
        "form": editor.form,
        "groups": editor.groups,
        "pledge": pledge,
        "action": action,
        "currencies": COMMON_CURRENCIES,
        "review_comment": review_comment,
    }
    return render(request, "workspace/pledge_form.html", context, status=status)


def _form_post(request: HttpRequest, editor: PledgeEditor) -> HttpResponse:
    """Save (and submit) what was posted; or show it again with every error next to its field."""
    action = request.POST.get("action", "save")
    if action == "add_countries":
        return _form_page(request, editor.with_countries_added())
    if not editor.is_valid():
        return _form_page(request, editor)
    try:
        saved = _save(request, editor)
    except ConcurrentEditError:
        # Show what was typed again, now based on the version saved meanwhile: saving replaces it.
        editor = editor.rebound(cast(Pledge, editor.pledge))
        editor.conflict = True
        return _form_page(request, editor, status=409)
    except ValidationError as exc:
        editor.add_service_errors(exc)
        return _form_page(request, editor)
    if action != "submit":
        messages.success(
            request, _("Draft saved. Only members of %(entity)s can see it.") % {"entity": saved.lead_entity.name}
        )
        return redirect("workspace:pledge_edit", reference=saved.reference)
    try:
        pledge_submit(pledge=saved, acting_user=_me(request), expected_version=saved.version)
    except ValidationError as exc:
        editor = editor.rebound(saved)
        editor.submission_failed = True
        editor.add_service_errors(exc)
        return _form_page(request, editor)
    except (PermissionDenied, ConcurrentEditError) as exc:
        messages.error(request, _("Your changes are saved, but the pledge was not submitted: %(why)s") % {"why": exc})
        return redirect("workspace:pledge_edit", reference=saved.reference)
    messages.success(request, _("Submitted for review. You will get an email when the secretariat has looked at it."))
    return redirect("workspace:pledge", reference=saved.reference)


def _save(request: HttpRequest, editor: PledgeEditor) -> Pledge:
    changes = editor.changes()
    if editor.pledge is None:
        lead = cast(Entity, editor.lead_entity)  # is_valid() checked it
        return pledge_draft_create(acting_user=request.user, lead_entity=lead, **changes)
    version = editor.form.cleaned_data.get("version")
    if version is None:
        raise ValidationError(_("The form is incomplete: reload the page and try again."))
    return pledge_update(pledge=editor.pledge, acting_user=request.user, expected_version=version, **changes)


@verified_email_required
@require_http_methods(["GET"])
def pledge_page(request: HttpRequest, reference: str) -> HttpResponse:
    """Where is my pledge in the review, what did the secretariat say, and what can I do now?"""
    pledge = _pledge_or_404(request, reference, full=True)
    history = pledge_history(pledge)
    context = {
        "pledge": pledge,
        "history": history,
        "review_comment": latest_review_comment(history),
        "missing": missing_for_submission(pledge) if pledge.state in EDITABLE_STATES else [],
        "open_revision": next((r for r in pledge.all_revisions if r.state in OPEN_STATES), None),  # type: ignore[attr-defined]
        "can_withdraw": pledge.state in WITHDRAWABLE,
    }
    return render(request, "workspace/pledge.html", context)


@verified_email_required
@require_POST
def pledge_submit_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Is my pledge ready for the secretariat? Submits it for review from its page, or says why not."""
    pledge = _pledge_or_404(request, reference)
    try:
        pledge_submit(pledge=pledge, acting_user=_me(request), expected_version=_version(request) or 0)
    except ValidationError as exc:
        messages.error(request, _("The pledge was not submitted: %(why)s") % {"why": " ".join(exc.messages)})
    except (PermissionDenied, ConcurrentEditError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Submitted for review. You will get an email when the secretariat has looked at it.")
        )
    return redirect("workspace:pledge", reference=pledge.reference)


@verified_email_required
@require_http_methods(GET_POST)
def pledge_withdraw_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Do I really want to withdraw this pledge, and why? Asks once (GET), then withdraws it (POST)."""
    pledge = _pledge_or_404(request, reference)
    form = WithdrawForm(request.POST or None, initial={"version": pledge.version})
    if request.method == "POST" and form.is_valid():
        try:
            pledge_withdraw(
                pledge=pledge,
                acting_user=_me(request),
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, ConcurrentEditError, PermissionDenied) as exc:
            why = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, _("The pledge was not withdrawn: %(why)s") % {"why": why})
        else:
            messages.success(request, _("The pledge %(reference)s is withdrawn.") % {"reference": pledge.reference})
        return redirect("workspace:pledge", reference=pledge.reference)
    return render(
        request,
        "workspace/withdraw.html",
        {"pledge": pledge, "form": form, "can_withdraw": pledge.state in WITHDRAWABLE},
    )


@verified_email_required
@require_POST
def pledge_revise(request: HttpRequest, reference: str) -> HttpResponse:
    """How do I change a published pledge? Opens (or reopens) its revision and goes to its form."""
    pledge = _pledge_or_404(request, reference)
    version = _version(request)
    try:
        if version is None:
            raise ConcurrentEditError(_("Look at the pledge again before proposing changes."))
        revision = pledge_revision_open(pledge=pledge, acting_user=request.user, expected_version=version)
    except (ValidationError, ConcurrentEditError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("workspace:pledge", reference=pledge.reference)
    messages.success(
        request,
        _(
            "Your changes go into %(revision)s. "
            "%(reference)s stays public as it is until the secretariat publishes them."
        )
        % {"revision": revision.reference, "reference": pledge.reference},
    )
    return redirect("workspace:pledge_edit", reference=revision.reference)
