"""``/secretariat/import/``: the secretariat uploads a file of pledges, reads the preview, then imports it.

Reviewers only (``user.is_reviewer``): anonymous people go to the sign-in page, anyone else signed
in gets a 403 page. When the platform requires two-factor authentication for staff
(``P2C_REQUIRE_MFA_FOR_STAFF``), reviewers without an authenticator app are sent to set one up,
as on the review pages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from p2c.accounts.middleware import has_totp, is_staff_like
from p2c.opendata.columns import LIST_SEPARATOR
from p2c.opendata.forms import ImportUploadForm
from p2c.opendata.imports import IMPORT_COLUMNS, import_batch_create, import_batch_start
from p2c.opendata.models import ImportBatch
from p2c.opendata.tables import MAX_ROWS, REQUIRED_COLUMNS

ROWS_PER_PAGE = 100
SHOW = {"all": None, "errors": {"error"}, "changes": {"create", "update"}}
ViewFunc = Callable[..., HttpResponse]


def secretariat_required(view: ViewFunc) -> ViewFunc:
    """Anonymous: to the sign-in page. Not a reviewer: 403. Staff without TOTP when required: to its set-up."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not getattr(user, "is_reviewer", False):
            return render(request, "opendata/forbidden.html", status=403)
        if settings.P2C_REQUIRE_MFA_FOR_STAFF and is_staff_like(user) and not has_totp(user):
            messages.warning(
                request,
                _("Reviewers must protect their account with an authenticator app before importing pledges."),
            )
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper


@secretariat_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """The upload form, what the columns mean, and the latest imports."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = import_batch_create(
            acting_user=request.user, upload=form.cleaned_data["file"], mode=form.cleaned_data["mode"]
        )
        return redirect("opendata:import_batch", batch_id=batch.pk)
    recent = ImportBatch.objects.select_related("uploaded_by").defer("content", "rows")[:20]
    return render(
        request,
        "opendata/import_upload.html",
        {
            "form": form,
            "recent": recent,
            "columns": list(IMPORT_COLUMNS.items()),
            "required": [*REQUIRED_COLUMNS, "lead_entity"],
            "max_rows": MAX_ROWS,
            "separator": LIST_SEPARATOR.strip(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@secretariat_required
def import_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    """One upload: being checked, its preview row by row, being imported, or imported."""
    batch = get_object_or_404(
        ImportBatch.objects.select_related("uploaded_by", "imported_by").defer("content"), pk=batch_id
    )
    show = request.GET.get("show", "")
    if show not in SHOW:
        show = "errors" if batch.summary.get("error") else "all"
    wanted = SHOW[show]
    rows = [row for row in batch.rows if wanted is None or row.get("action") in wanted]
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "opendata/import_batch.html",
        {"batch": batch, "page": page, "show": show, "summary": batch.summary, "to_import": _to_import(batch)},
    )


def _to_import(batch: ImportBatch) -> int:
    return int(batch.summary.get("create", 0)) + int(batch.summary.get("update", 0))


@require_POST
@secretariat_required
def import_batch_commit(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Queue the import of a checked file (all rows or none)."""
    batch = get_object_or_404(ImportBatch.objects.defer("content"), pk=batch_id)
    if import_batch_start(batch=batch, acting_user=request.user):
        messages.success(request, _("Importing the pledges. This page shows when it is done."))
    else:
        messages.error(request, _("This file cannot be imported as it is: see why below."))
    return redirect("opendata:import_batch", batch_id=batch.pk)
