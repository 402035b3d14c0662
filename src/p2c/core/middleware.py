"""Request hygiene shared by every page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, QueryDict

NUL = "\x00"


class NulCharacterMiddleware:
    """Remove NUL characters from query parameters; a path containing one is not found.

    No text we store or look up can contain NUL (PostgreSQL refuses it outright, turning a stray
    ``%00`` in a link into a server error), so it never means anything here: dropping it from query
    values lets the page treat what remains like any other value. Form fields refuse it themselves
    (Django's ``ProhibitNullCharactersValidator``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:
            raise Http404
        if "%00" in request.META.get("QUERY_STRING", "") or any(
            NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace(NUL, ""), [value.replace(NUL, "") for value in values])
            cleaned._mutable = False
            request.GET = cleaned  # type: ignore[assignment]
            request.META["QUERY_STRING"] = cleaned.urlencode()
        return self.get_response(request)
