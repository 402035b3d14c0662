"""The secretariat's review screens under ``/review/``: the queue, one pledge with what changed, the decisions.

Who may see them: reviewers (``user.is_reviewer``). Anonymous people go to the sign-in page; anyone
else signed in gets a 403 page saying the area is for the secretariat's reviewers. A reviewer who
is a member of a pledge's lead entity sees the pledge but is offered no decision (and a decision
they post is refused with a 403): another reviewer must review it.

Every decision is one transition function (``p2c.pledges.transitions``) called with the version the
reviewer saw; if the pledge changed meanwhile, the page comes back (409) showing its current state.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from p2c.accounts.models import User
from p2c.core.html import format_html_message
from p2c.entities.selectors import public_entity
from p2c.pledges.models import Pledge
from p2c.pledges.services import ConcurrentEditError
from p2c.pledges.snapshots import SNAPSHOT_LABELS, pledge_snapshot
from p2c.pledges.transitions import (
    TransitionError,
    pledge_publish,
    pledge_reject,
    pledge_request_changes,
    review_conflict,
)
from p2c.review.changes import display_value, review_changes
from p2c.review.forms import DECISION_FORMS, DecisionForm
from p2c.review.history import history_entries
from p2c.review.selectors import (
    QUEUE_AGES,
    QUEUE_STATES,
    QueueFilters,
    entity_types,
    pledge_history,
    pledge_under_review,
    review_queue,
)

PER_PAGE = 25
ViewFunc = Callable[..., HttpResponse]
DECISIONS: dict[str, Callable[..., Pledge]] = {
    "publish": pledge_publish,
    "request_changes": pledge_request_changes,
    "reject": pledge_reject,
}


def reviewer_required(view: ViewFunc) -> ViewFunc:
    """Anonymous: to the sign-in page. Signed in but not a reviewer: a 403 page saying whose area this is."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "is_reviewer", False):
            return _forbidden(request, _("This area is for the secretariat's reviewers."))
        return view(request, *args, **kwargs)

    return wrapper


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "review/forbidden.html", {"reason": reason}, status=403)


@reviewer_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """What is waiting for review, oldest first? Filtered by state, waiting time and type of entity."""
    types = entity_types()
    filters = QueueFilters.from_query(request.GET, frozenset(t.code for t in types))
    page = Paginator(review_queue(filters), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "states": [(value, label) for value, (label, _states) in QUEUE_STATES.items()],
        "ages": [(value, label) for value, (label, _days) in QUEUE_AGES.items()],
        "entity_types": types,
        "page": page,
        "query": urlencode(filters.as_query()),
        "now": timezone.now(),
    }
    return render(request, "review/queue.html", context)


def _pledge_or_404(reference: str) -> Pledge:
    pledge = pledge_under_review(reference)
    if pledge is None:
        raise Http404
    return pledge


def _detail_page(
    request: HttpRequest,
    pledge: Pledge,
    *,
    bound: DecisionForm | None = None,
    error: str = "",
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The review page of ``pledge``; ``bound`` is a decision form as posted, shown with its errors and text."""
    history = pledge_history(pledge)
    snapshot = pledge_snapshot(pledge)
    forms = {
        action: form_class(initial={"version": pledge.version}, action=action)
        for action, form_class in DECISION_FORMS.items()
    }
    if bound is not None:
        forms[bound.action] = bound
    submissions = [event for event in history if event.action == "submitted"]
    context = {
        "pledge": pledge,
        "entity_is_public": public_entity(pledge.lead_entity.slug) is not None,
        "submission": submissions[-1] if submissions else None,
        "content": [
            (label, display_value(key, snapshot[key]), isinstance(snapshot[key], list))
            for key, label in SNAPSHOT_LABELS.items()
            if key not in {"title", "description"}
        ],
        "changes": review_changes(pledge, history, snapshot),
        "history": history_entries(history),
        "conflict_of_interest": review_conflict(cast(User, request.user), pledge),
        "can_decide": pledge.state == Pledge.State.SUBMITTED,
        "forms": forms,
        "bound": bound,
        "error": error,
        "conflict": conflict,
    }
    return render(request, "review/detail.html", context, status=status)


@reviewer_required
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    """Should this pledge be published? Everything needed to decide: who, what, what changed, the history."""
    return _detail_page(request, _pledge_or_404(reference))


def _done_message(action: str, submitted: Pledge, result: Pledge) -> str:
    if action == "publish":
        link = reverse("pledges:detail", args=[result.reference])
        if submitted.pk != result.pk:
            return format_html_message(
                _(
                    "Revision %(revision)s is published: %(reference)s now shows the changes. "
                    '<a href="%(link)s">See its public page</a>.'
                ),
                revision=submitted.reference,
                reference=result.reference,
                link=link,
            )
        return format_html_message(
            _('%(reference)s “%(title)s” is published. <a href="%(link)s">See its public page</a>.'),
            reference=result.reference,
            title=result.title,
            link=link,
        )
    if action == "request_changes":
        return _("Changes requested to %(reference)s “%(title)s”: its organisation was emailed your comment.") % {
            "reference": result.reference,
            "title": result.title,
        }
    return _("%(reference)s “%(title)s” was rejected: its organisation was emailed the reason.") % {
        "reference": result.reference,
        "title": result.title,
    }


def _decide(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """Take ``action`` on the version the reviewer saw; on any refusal show the page again, keeping the text."""
    pledge = _pledge_or_404(reference)
    reason = review_conflict(cast(User, request.user), pledge)
    if reason:
        return _forbidden(request, reason)
    form = DECISION_FORMS[action](request.POST, action=action)
    if not form.is_valid():
        error = _("The form was incomplete. Reload the page and try again.")
        return _detail_page(request, pledge, bound=form, error=error, status=400)
    field = form.text_field
    try:
        result = DECISIONS[action](
            pledge=pledge,
            acting_user=cast(User, request.user),
            expected_version=form.cleaned_data["version"],
            **{field: form.cleaned_data[field]},
        )
    except ConcurrentEditError:
        current = _pledge_or_404(reference)
        again = DECISION_FORMS[action]({**request.POST.dict(), "version": current.version}, action=action)
        again.is_valid()
        return _detail_page(request, current, bound=again, conflict=True, status=409)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except TransitionError as exc:
        return _detail_page(request, _pledge_or_404(reference), bound=form, error=" ".join(exc.messages), status=409)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and set(exc.error_dict) <= {field}:
            form.add_error(None, exc)
            return _detail_page(request, pledge, bound=form, status=400)
        return _detail_page(request, pledge, bound=form, error=" ".join(exc.messages), status=400)
    messages.success(request, _done_message(action, pledge, result))
    return redirect("review:queue")


@reviewer_required
@require_POST
def publish(request: HttpRequest, reference: str) -> HttpResponse:
    """Publish the version shown (optional comment): it becomes public, or a revision's changes do."""
    return _decide(request, reference, "publish")


@reviewer_required
@require_POST
def request_changes(request: HttpRequest, reference: str) -> HttpResponse:
    """Send the version shown back to the pledger with a (required) comment."""
    return _decide(request, reference, "request_changes")


@reviewer_required
@require_POST
def reject(request: HttpRequest, reference: str) -> HttpResponse:
    """Reject the version shown, with a (required) reason."""
    return _decide(request, reference, "reject")
