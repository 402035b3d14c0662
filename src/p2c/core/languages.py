"""Interface languages: the URL prefix decides, the browser's preference fills in, a switch on every page.

English pages have no prefix (``/pledges/``); the five others do (``/fr/pledges/``, ``/ar/…``).
A visitor who arrives on an unprefixed page with a language cookie (set by the switch) or, failing
that, a browser preference for another of the six languages is redirected to that language's page.
The switch (``/language/<code>/?next=…``) keeps the current page and its query. See docs/i18n.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import is_valid_path, reverse, translate_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import (
    get_language,
    get_language_from_path,
    get_language_from_request,
    get_language_info,
    override,
)


def path_prefix(code: str | None = None) -> str:
    """The path prefix of pages in ``code`` (the active language by default): ``""`` in English, else ``/fr``."""
    code = code or get_language() or settings.LANGUAGE_CODE
    return "" if code == settings.LANGUAGE_CODE else f"/{code}"


@dataclass(frozen=True)
class LanguageChoice:
    """One entry of the language switch: the language's own name and where choosing it leads."""

    code: str
    name_local: str
    bidi: bool
    url: str
    current: bool


def language_choices(request: HttpRequest) -> list[LanguageChoice]:
    """The six languages, each named in itself, linking to this page in that language."""
    here = request.get_full_path()
    current = get_language()
    choices = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        url = f"{reverse('language_switch', kwargs={'code': code})}?{urlencode({'next': here})}"
        choices.append(LanguageChoice(code, info["name_local"], info["bidi"], url, code == current))
    return choices


def language_switch(request: HttpRequest, code: str) -> HttpResponse:
    """Remember ``code`` (cookie, and the account's preferred language) and show ``next`` in it."""
    if code not in dict(settings.LANGUAGES):
        return HttpResponseRedirect("/")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = "/"
    # translate_url resolves ``target`` in the active language: make that the language ``target`` is in.
    with override(get_language_from_path(urlsplit(target).path) or settings.LANGUAGE_CODE):
        response = HttpResponseRedirect(translate_url(target, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # "Lax" (settings.py)
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return response


class PreferredLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, plus: an unprefixed page goes to the visitor's preferred language.

    Only GET and HEAD are redirected, and only when the prefixed page exists; the API, the admin,
    downloads and static files have no language prefix and are never redirected.
    """

    def process_request(self, request: HttpRequest) -> HttpResponseBase | None:  # type: ignore[override]
        super().process_request(request)
        if request.method not in ("GET", "HEAD"):
            return None
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        patterns_used, _prefixed_default = is_language_prefix_patterns_used(urlconf)
        if not patterns_used or get_language_from_path(request.path_info):
            return None
        preferred = get_language_from_request(request, check_path=False)
        if preferred == settings.LANGUAGE_CODE:
            return None
        prefixed = f"/{preferred}{request.path_info}"
        with override(preferred):  # the prefix pattern only matches the active language's prefix
            if not is_valid_path(prefixed, urlconf):
                return None
        query = request.META.get("QUERY_STRING", "")
        response = HttpResponseRedirect(
            f"{request.META.get('SCRIPT_NAME', '')}{prefixed}{'?' + query if query else ''}"
        )
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        if not get_language_from_path(request.path_info):
            # The same unprefixed address answers differently by preference: caches must know.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
