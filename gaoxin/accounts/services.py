"""Writes to accounts. Each service: keyword-only arguments, one transaction, one audit event."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password as check_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from gaoxin.common import audit
from gaoxin.common.errors import NOT_ALLOWED, ensure

from . import access, errors, roles
from .models import ApiToken, User


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def user_logout_everywhere(*, actor: User, request: HttpRequest | None = None) -> None:
    """End every session of `actor` on every device; the current one (if given) stays valid."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    user.session_epoch += 1
    user.save(update_fields=["session_epoch"])
    if request is not None:
        update_session_auth_hash(request, user)
    audit.record(actor=user, action="auth.logout_everywhere", obj=user)


@transaction.atomic
def api_token_issue(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns the stored record and the raw token (shown once)."""
    ensure(actor is None or access.can_manage_api_tokens(actor), NOT_ALLOWED)
    ensure(bool(name.strip()), errors.TOKEN_NAME_REQUIRED)
    ensure(user.is_active, errors.TOKEN_USER_INACTIVE, username=user.username)
    raw = settings.GAOXIN_API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=raw[:10], token_hash=hash_token(raw)
    )
    audit.record(
        actor=actor,
        action="api_token.issued",
        obj=token,
        after={"user": user.username, "name": token.name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    ensure(actor is None or access.can_manage_api_tokens(actor), NOT_ALLOWED)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, action="api_token.revoked", obj=token)
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user a raw bearer token belongs to, or None (no audit event: reads only)."""
    if not raw.startswith(settings.GAOXIN_API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    role_codes: list[str],
    display_name: str = "",
    validate_password: bool = True,
) -> User:
    """Create a user with roles. `actor=None` is the system (demo data, first install)."""
    ensure(actor is None or access.can_manage_users(actor), NOT_ALLOWED)
    user = User(username=username, display_name=display_name)
    if password is None:
        user.set_unusable_password()
    else:
        if validate_password:
            check_password(password, user)
        user.set_password(password)
    user.is_staff = roles.ZONE_ADMIN in role_codes
    user.save()
    groups = [Group.objects.get_or_create(name=code)[0] for code in role_codes]
    user.groups.set(groups)
    user._gaoxin_role_codes = frozenset(role_codes)  # type: ignore[attr-defined]
    audit.record(
        actor=actor,
        action="user.created",
        obj=user,
        after={"username": username, "roles": sorted(role_codes)},
    )
    return user
