"""Request-wide context: the UI language (Chinese unless the user chose English) and the client
IP for the audit log; a guard that turns away URLs carrying NUL characters; and the answer when
the database cannot be reached."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.log import log_response

from .audit import current_ip
from .errors import DATABASE_UNAVAILABLE, NUL_IN_URL, GaoxinError
from .storagefaults import storage_fault

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


class DatabaseUnavailableMiddleware:
    """A view that fails because the database cannot be reached, or because its connection was
    ended under it (PostgreSQL restarting), is answered 503 with what is true: whether the
    request was saved cannot be known here (its COMMIT may have succeeded and the answer been
    lost), so look again, and sending the same again is safe (a registration sent again comes
    back as the one saved: housing.services.application_register). A generic 500 said only
    "try again later". The page is static (no context processors: they would need the
    database), the API's answer the error's JSON; logged once, with its traceback.

    Only connection failures: a full or read-only database is told by the services
    (common/storagefaults.py), and any other database error is a bug (500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if storage_fault(exception) is not None:
            return None
        error = GaoxinError(DATABASE_UNAVAILABLE)
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse(error.as_dict(), status=error.status)
        else:
            page = loader.render_to_string(
                "503.html", {"zh": error.message("zh"), "en": error.message("en")}
            )
            response = HttpResponse(page, status=error.status)
        response["Retry-After"] = "5"
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
