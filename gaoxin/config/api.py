"""The JSON API at /api/: django-ninja, OpenAPI schema at /api/openapi.json, docs at /api/docs.

Every error body is {"code", "message_zh", "message_en"[, "params" | "errors"]}."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from gaoxin.accounts.api import router as accounts_router
from gaoxin.accounts.apiauth import api_auth
from gaoxin.approvals.api import router as approvals_router
from gaoxin.common.api import router as audit_router
from gaoxin.common.errors import (
    BODY_TOO_LARGE,
    BODY_UNREADABLE,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    GaoxinError,
)
from gaoxin.housing.api import router as housing_router
from gaoxin.registry.api import router as registry_router
from gaoxin.servicedesk.api import router as servicedesk_router

api = NinjaAPI(
    title="Gaoxin API",
    version="1.0.0",
    description="高新区管委会数字办公 API · Gaoxin zone administration API",
    auth=api_auth,
    docs=Swagger(settings={"validatorUrl": None}),
    urls_namespace="api-1.0.0",
)
api.add_router("/accounts", accounts_router)
api.add_router("/audit", audit_router)
api.add_router("/registry", registry_router)
api.add_router("/housing", housing_router)
api.add_router("/servicedesk", servicedesk_router)
api.add_router("/approvals", approvals_router)


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _error(request, 404, GaoxinError(NOT_FOUND).as_dict())


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(GaoxinError)
def _gaoxin_error(request: HttpRequest, exc: GaoxinError) -> HttpResponse:
    return _error(request, exc.status, exc.as_dict())


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, GaoxinError(NOT_AUTHENTICATED).as_dict())


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, GaoxinError(NOT_FOUND).as_dict())


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "message": error.get("msg", ""),
        }
        for error in exc.errors
    ]
    fields = ", ".join(e["field"] for e in errors) or "-"
    body = {
        "code": "invalid_input",
        "message_zh": f"输入有误，请检查字段：{fields}",
        "message_en": f"Invalid input; check the fields: {fields}",
        "errors": errors,
    }
    return _error(request, 422, body)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # django-ninja could not parse the body
        return _error(request, 400, GaoxinError(BODY_UNREADABLE).as_dict())
    body = {"code": f"http_{exc.status_code}", "message_zh": str(exc), "message_en": str(exc)}
    return _error(request, exc.status_code, body)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return _error(request, 413, GaoxinError(BODY_TOO_LARGE, limit=limit).as_dict())
