"""API authentication: a bearer token (system-to-system) or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from . import access
from .services import api_token_authenticate


class TokenAuth(HttpBearer):
    openapi_description = "Bearer token issued by a zone administrator (`gx_…`)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None or not access.can_use_api(user):
            return None
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not access.can_use_api(user):
            return None
        return user


api_auth = [TokenAuth(), ActiveSessionAuth()]
