"""Request-wide context: the UI language (Chinese unless the user chose English) and the client
IP for the audit log; and a guard that turns away URLs carrying NUL characters."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation

from .audit import current_ip
from .errors import NUL_IN_URL, GaoxinError

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; behind nginx set GAOXIN_TRUSTED_PROXY_HEADER (see docs/deploy.md)."""
    header = getattr(settings, "GAOXIN_TRUSTED_PROXY_HEADER", "")
    if header and header in request.META:
        return str(request.META[header]).split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class LanguageMiddleware:
    """Simplified Chinese for everyone unless they chose otherwise (cookie set by /i18n/setlang/
    or a ?lang= link). Unlike Django's LocaleMiddleware it ignores the browser's
    Accept-Language: a zone office's pages are Chinese by default, whatever the browser says."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.GET.get("lang") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in _SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.headers.get("Vary", "")
        if "Cookie" not in patch:
            response.headers["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        return response


class ClientIPMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class RejectNulMiddleware:
    """A NUL character in a URL's path or query string ends the request with 400 before any
    view runs. PostgreSQL refuses NUL in text, so a lookup with one (`/api/housing/batches/%00`,
    `?action=%00`) would otherwise fail with a 500. Forms already refuse NUL in posted fields
    (Django's ProhibitNullCharactersValidator); the API's JSON fields are checked by the
    services that store them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            error = GaoxinError(NUL_IN_URL)
            if request.path.startswith("/api/"):
                return JsonResponse(error.as_dict(), status=error.status)
            return HttpResponse(
                f"{error.message('zh')}\n{error.message('en')}\n",
                status=error.status,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
