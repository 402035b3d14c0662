"""Progress reporting screens: the pledger's ``/my/reports/`` and report form, the secretariat's
``/review/reports/`` (queue, one report, decisions) and ``/review/cycles/`` (open, close).

Who may see them: the pledger's pages need a signed-in person with a confirmed email address, and
a pledge's report form is for the active members of its lead entity only (404 for anyone else,
reviewers included, as in the workspace). The secretariat's pages are for reviewers
(``reviewer_required`` from ``p2c.review.views``: anonymous people sign in, others get a 403); a
reviewer who is a member of the pledge's lead entity sees the report but may not decide on it.
Only POST changes anything, and each POST names the ``version`` the person saw.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from p2c.accounts.decorators import verified_email_required
from p2c.accounts.models import User
from p2c.core.html import format_html_message
from p2c.pledges.models import Pledge
from p2c.pledges.transitions import review_conflict
from p2c.reporting.forms import DECISION_FORMS, CycleForm, ReportForm, VersionForm
from p2c.reporting.models import ProgressReport, ReportingCycle
from p2c.reporting.selectors import (
    DEFAULT_QUEUE_STATE,
    QUEUE_STATES,
    clarification_asked,
    current_report,
    cycle_rows,
    latest_accepted,
    my_reports,
    report_for_review,
    report_history,
    report_queue,
)
from p2c.reporting.services import (
    EDITABLE_STATES,
    ConcurrentEditError,
    cycle_close,
    cycle_open,
    open_cycle,
    report_draft_save,
    reportable,
)
from p2c.reporting.transitions import (
    TransitionError,
    report_accept,
    report_request_clarification,
    report_submit,
    report_withdraw,
)
from p2c.review.views import reviewer_required
from p2c.workspace.selectors import member_pledge

GET_POST = ["GET", "POST"]
PER_PAGE = 25
DECISIONS = {"accept": report_accept, "request_clarification": report_request_clarification}


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "review/forbidden.html", {"reason": reason}, status=403)


# --- The pledger's pages -------------------------------------------------------------------------


@verified_email_required
@require_GET
def reports_mine(request: HttpRequest) -> HttpResponse:
    """What do my organisations have to report this cycle? Every published pledge they lead, with its report."""
    return render(request, "reporting/my_reports.html", {"mine": my_reports(request.user)})


def _member_pledge_or_404(request: HttpRequest, reference: str) -> Pledge:
    pledge = member_pledge(request.user, reference)
    if pledge is None:
        raise Http404
    return pledge


@verified_email_required
@require_http_methods(GET_POST)
def report_form(request: HttpRequest, reference: str) -> HttpResponse:
    """How has my pledge been delivered this year? The report form for the open cycle (save a draft, or submit)."""
    pledge = _member_pledge_or_404(request, reference)
    cycle = open_cycle()
    why = reportable(pledge, cycle)
    report = current_report(pledge, cycle) if cycle is not None else None
    if report is not None and (why or report.state not in EDITABLE_STATES):
        return _report_page(request, pledge, report, why)
    if why or cycle is None:
        return render(request, "reporting/report_page.html", {"pledge": pledge, "cycle": cycle, "why": why})
    targets = list(pledge.targets.all())
    if request.method == "GET":
        initial = ReportForm.initial_of(report) if report is not None else {}
        return _form_page(request, pledge, cycle, report, ReportForm(initial=initial, pledge=pledge, targets=targets))
    form = ReportForm(request.POST, pledge=pledge, targets=targets)
    return _form_post(request, pledge, cycle, report, form)


def _report_page(request: HttpRequest, pledge: Pledge, report: ProgressReport, why: str = "") -> HttpResponse:
    history = report_history(report)
    context = {
        "pledge": pledge,
        "cycle": report.cycle,
        "report": report,
        "why": why,
        "history": history,
        "can_withdraw": report.state == ProgressReport.State.SUBMITTED,
    }
    return render(request, "reporting/report_page.html", context)


def _form_page(
    request: HttpRequest,
    pledge: Pledge,
    cycle: ReportingCycle,
    report: ProgressReport | None,
    form: ReportForm,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    form.describe()
    history = report_history(report) if report is not None else []
    context = {
        "pledge": pledge,
        "cycle": cycle,
        "report": report,
        "form": form,
        "previous": latest_accepted(pledge, before_year=cycle.year),
        "question": clarification_asked(history, report) if report is not None else None,
        "action": reverse("reporting:report_form", args=[pledge.reference]),
        **extra,
    }
    return render(request, "reporting/report_form.html", context, status=status)


def _form_post(
    request: HttpRequest, pledge: Pledge, cycle: ReportingCycle, report: ProgressReport | None, form: ReportForm
) -> HttpResponse:
    """Save (and submit) what was posted; or show it again with every error next to its field."""
    submit = request.POST.get("action") == "submit"
    if not form.is_valid():
        return _form_page(request, pledge, cycle, report, form)
    try:
        saved = report_draft_save(
            pledge=pledge,
            cycle=cycle,
            acting_user=_me(request),
            report=report,
            expected_version=form.cleaned_data.get("version"),
            actuals=form.actuals(),
            **form.values(),
        )
    except ConcurrentEditError:
        # What was typed stays in the form, now based on the version saved meanwhile.
        current = current_report(pledge, cycle)
        data = request.POST.copy()
        data["version"] = str(current.version) if current is not None else ""
        again = ReportForm(data, pledge=pledge, targets=form.targets)
        again.is_valid()
        return _form_page(request, pledge, cycle, current, again, status=409, conflict=True)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _form_page(request, pledge, cycle, report, form)
    if not submit:
        messages.success(
            request,
            _("Draft saved. Only members of %(entity)s can see it until the secretariat accepts it.")
            % {"entity": pledge.lead_entity.name},
        )
        return redirect("reporting:report_form", reference=pledge.reference)
    try:
        report_submit(report=saved, acting_user=_me(request), expected_version=saved.version)
    except ValidationError as exc:
        data = request.POST.copy()
        data["version"] = str(saved.version)
        again = ReportForm(data, pledge=pledge, targets=form.targets)
        again.is_valid()
        again.add_service_errors(exc)
        return _form_page(request, pledge, cycle, saved, again, submission_failed=True)
    except (PermissionDenied, ConcurrentEditError) as exc:
        messages.error(request, _("Your report is saved, but it was not submitted: %(why)s") % {"why": exc})
        return redirect("reporting:report_form", reference=pledge.reference)
    messages.success(
        request,
        _(
            "Report submitted. The secretariat reviews it; you will get an email when it is published on the "
            "pledge's page."
        ),
    )
    return redirect("reporting:my_reports")


@verified_email_required
@require_POST
def report_discard(request: HttpRequest, reference: str) -> HttpResponse:
    """Discard my report of the open cycle (not yet accepted), to start again or leave it."""
    pledge = _member_pledge_or_404(request, reference)
    cycle = open_cycle()
    report = current_report(pledge, cycle) if cycle is not None else None
    form = VersionForm(request.POST)
    if report is None or not form.is_valid():
        messages.error(request, _("There is no report to discard, or the page was out of date: look again."))
        return redirect("reporting:report_form", reference=pledge.reference)
    try:
        report_withdraw(report=report, acting_user=_me(request), expected_version=form.cleaned_data["version"])
    except (ValidationError, ConcurrentEditError, PermissionDenied) as exc:
        why = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, _("The report was not discarded: %(why)s") % {"why": why})
    else:
        messages.success(request, _("The report is discarded. You can start a new one."))
    return redirect("reporting:report_form", reference=pledge.reference)


# --- The secretariat's pages ----------------------------------------------------------------------


@reviewer_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Which progress reports are waiting for review, oldest first?"""
    state = request.GET.get("state", DEFAULT_QUEUE_STATE)
    state = state if state in QUEUE_STATES else DEFAULT_QUEUE_STATE
    page = Paginator(report_queue(state), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "state": state,
        "states": [(value, label) for value, (label, _states) in QUEUE_STATES.items()],
        "page": page,
        "query": f"state={state}",
    }
    return render(request, "reporting/review_queue.html", context)


def _report_or_404(report_id: int) -> ProgressReport:
    report = report_for_review(report_id)
    if report is None:
        raise Http404
    return report


def _review_page(
    request: HttpRequest,
    report: ProgressReport,
    *,
    bound: Any = None,
    error: str = "",
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    forms = {
        action: form_class(initial={"version": report.version}, action=action)
        for action, form_class in DECISION_FORMS.items()
    }
    if bound is not None:
        forms[bound.action] = bound
    context = {
        "report": report,
        "pledge": report.pledge,
        "cycle": report.cycle,
        "previous": latest_accepted(report.pledge, before_year=report.cycle.year),
        "history": report_history(report),
        "conflict_of_interest": review_conflict(_me(request), report.pledge),
        "can_decide": report.state == ProgressReport.State.SUBMITTED,
        "forms": forms,
        "bound": bound,
        "error": error,
        "conflict": conflict,
    }
    return render(request, "reporting/review_report.html", context, status=status)


@reviewer_required
@require_GET
def review_report(request: HttpRequest, report_id: int) -> HttpResponse:
    """Should this progress report be published? The report beside the pledge's promise and its last report."""
    return _review_page(request, _report_or_404(report_id))


def _decide(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    """Take ``action`` on the version the reviewer saw; on any refusal show the page again, keeping the text."""
    report = _report_or_404(report_id)
    reason = review_conflict(_me(request), report.pledge)
    if reason:
        return _forbidden(request, reason)
    form = DECISION_FORMS[action](request.POST, action=action)
    if not form.is_valid():
        return _review_page(
            request, report, bound=form, error=_("The form was incomplete. Reload the page and try again."), status=400
        )
    try:
        DECISIONS[action](
            report=report,
            acting_user=_me(request),
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except ConcurrentEditError:
        current = _report_or_404(report_id)
        again = DECISION_FORMS[action]({**request.POST.dict(), "version": current.version}, action=action)
        again.is_valid()
        return _review_page(request, current, bound=again, conflict=True, status=409)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except TransitionError as exc:
        return _review_page(request, _report_or_404(report_id), bound=form, error=" ".join(exc.messages), status=409)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and set(exc.error_dict) <= {"comment"}:
            form.add_error(None, exc)
            return _review_page(request, report, bound=form, status=400)
        return _review_page(request, report, bound=form, error=" ".join(exc.messages), status=400)
    pledge = report.pledge
    done: str
    if action == "accept":
        link = reverse("pledges:detail", args=[pledge.reference]) + "#delivery"
        done = format_html_message(
            _(
                "The %(cycle)s report on %(reference)s is published. "
                '<a href="%(link)s">See it on the pledge\'s page</a>.'
            ),
            cycle=report.cycle.year,
            reference=pledge.reference,
            link=link,
        )
    else:
        done = _("Clarification requested on the %(cycle)s report on %(reference)s: its organisation was emailed.") % {
            "cycle": report.cycle.year,
            "reference": pledge.reference,
        }
    messages.success(request, done)
    return redirect("reporting:review_queue")


@reviewer_required
@require_POST
def review_accept(request: HttpRequest, report_id: int) -> HttpResponse:
    """Accept the version shown (optional comment): it becomes public on the pledge's page."""
    return _decide(request, report_id, "accept")


@reviewer_required
@require_POST
def review_request_clarification(request: HttpRequest, report_id: int) -> HttpResponse:
    """Send the version shown back to the pledger with a (required) question."""
    return _decide(request, report_id, "request_clarification")


@reviewer_required
@require_http_methods(GET_POST)
def cycles(request: HttpRequest) -> HttpResponse:
    """Which reporting cycles are there, how far along is the open one, and how do I open the next?"""
    rows = cycle_rows()
    opened = next((row.cycle for row in rows if row.cycle.is_open), None)
    form = CycleForm(request.POST or None, initial=_next_cycle_initial(rows))
    if request.method == "POST" and opened is None and form.is_valid():
        try:
            cycle = cycle_open(acting_user=_me(request), **form.cleaned_data)
        except ValidationError as exc:
            for key, messages_ in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, messages_)
        else:
            messages.success(
                request,
                _("The %(cycle)s cycle is open. Pledgers are emailed by the next reminder run.")
                % {"cycle": cycle.name},
            )
            return redirect("reporting:cycles")
    form.describe()
    return render(request, "reporting/cycles.html", {"rows": rows, "opened": opened, "form": form})


def _next_cycle_initial(rows: list[Any]) -> dict[str, Any]:
    """The next year's cycle as a suggestion: the calendar year, open in January, due by the end of March."""
    import datetime as dt

    from django.utils import timezone

    year = max((row.cycle.year for row in rows), default=timezone.localdate().year - 1) + 1
    return {
        "year": year,
        "period_start": dt.date(year, 1, 1),
        "period_end": dt.date(year, 12, 31),
        "opens_on": dt.date(year + 1, 1, 15),
        "closes_on": dt.date(year + 1, 3, 31),
    }


@reviewer_required
@require_POST
def cycle_close_view(request: HttpRequest, year: int) -> HttpResponse:
    """Close the open cycle: no more reports are written in it."""
    cycle = ReportingCycle.objects.filter(year=year).first()
    if cycle is None:
        raise Http404
    try:
        cycle_close(acting_user=_me(request), cycle=cycle)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The %(cycle)s cycle is closed.") % {"cycle": cycle.name})
    return redirect("reporting:cycles")
