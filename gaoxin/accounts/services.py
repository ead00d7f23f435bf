"""Writes to accounts. Each service: keyword-only arguments, one transaction, one audit event."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password as check_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation

from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure

from . import access, errors, roles
from .choices import ScopeKind
from .models import ApiToken, RoleGrant, User


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
def api_token_issue(*, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns the stored record and the raw token (shown once)."""
    ensure(is_system(actor) or access.can_manage_api_tokens(actor), NOT_ALLOWED)
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
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    ensure(is_system(actor) or access.can_manage_api_tokens(actor), NOT_ALLOWED)
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
    actor: Actor,
    username: str,
    password: str | None,
    role_codes: list[str],
    display_name: str = "",
    validate_password: bool = True,
) -> User:
    """Create a user with roles. The actor is a zone administrator, or the system (demo data,
    first install)."""
    ensure(is_system(actor) or access.can_manage_users(actor), NOT_ALLOWED)
    user = User(username=username, display_name=display_name)
    if password is None:
        user.set_unusable_password()
    else:
        if validate_password:
            check_password(password, user)
        user.set_password(password)
    for code in role_codes:
        ensure(code in roles.ROLES_BY_CODE, errors.ROLE_UNKNOWN, role=code)
    user.is_staff = roles.ZONE_ADMIN in role_codes
    user.save()
    RoleGrant.objects.bulk_create(
        RoleGrant(user=user, role=code, granted_by=user_of(actor))
        for code in sorted(set(role_codes))
    )
    roles.forget(user)
    audit.record(
        actor=actor,
        action="user.created",
        obj=user,
        after={"username": username, "roles": sorted(role_codes)},
    )
    return user


def _in_both(label: Any) -> tuple[str, str]:
    """A lazy label in Chinese and in English, for an error message that carries both."""
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    en = en[:1].lower() + en[1:] if en[1:2].islower() else en  # "a sales office"
    return zh, en


@transaction.atomic
def role_grant(
    *,
    actor: Actor,
    user: User,
    role: str,
    scope_kind: str = "",
    scope_key: str = "",
) -> RoleGrant:
    """Give `user` a role, zone-wide (no scope) or within one scope the role accepts
    (`Role.scope_kinds`; keys an app lists must be one of them). The actor is a zone
    administrator or the system (`manage.py grant_role` as OPERATOR, demo data). Never
    touches is_superuser; gives is_staff with the zone administrator's role, as user_create
    does."""
    given, user = user, User.objects.select_for_update().get(pk=user.pk)  # one at a time
    ensure(is_system(actor) or access.can_change_roles_of(actor, user), NOT_ALLOWED)
    definition = roles.ROLES_BY_CODE.get(role)
    if definition is None:
        raise GaoxinError(errors.ROLE_UNKNOWN, role=role)
    ensure(user.is_active, errors.ROLE_USER_INACTIVE, username=user.username)
    scope_kind, scope_key = (scope_kind or "").strip(), (scope_key or "").strip()
    role_zh, role_en = _in_both(definition.name)
    if scope_kind or scope_key:
        kind = ScopeKind(scope_kind) if scope_kind in ScopeKind.values else None
        kind_zh, kind_en = _in_both(kind.label) if kind else (scope_kind, scope_kind)
        ensure(
            kind is not None and kind in definition.scope_kinds,
            errors.ROLE_SCOPE_NOT_ALLOWED,
            role_zh=role_zh,
            role_en=role_en,
            kind_zh=kind_zh,
            kind_en=kind_en,
        )
        listed = roles.scope_choices(scope_kind)
        ensure(
            bool(scope_key) and (listed is None or scope_key in dict(listed)),
            errors.ROLE_SCOPE_UNKNOWN,
            scope_key=scope_key,
            kind_zh=kind_zh,
            kind_en=kind_en,
        )
    live = RoleGrant.objects.filter(
        user=user, role=role, scope_kind=scope_kind, scope_key=scope_key, revoked_at__isnull=True
    )
    ensure(
        not live.exists(),
        errors.ROLE_ALREADY_HELD,
        username=user.username,
        role_zh=role_zh,
        role_en=role_en,
    )
    grant = RoleGrant.objects.create(
        user=user, role=role, scope_kind=scope_kind, scope_key=scope_key, granted_by=user_of(actor)
    )
    if role == roles.ZONE_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    audit.record(actor=actor, action="role.granted", obj=grant, after=_grant_facts(grant))
    roles.forget(given)
    return grant


@transaction.atomic
def role_revoke(*, actor: Actor, grant: RoleGrant) -> RoleGrant:
    """End a grant (it stays, revoked, as the record). Revoking a revoked grant changes
    nothing. The last zone administrator's grant of a user takes their staff flag with it."""
    user = User.objects.select_for_update().get(pk=grant.user_id)
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    grant.user = user
    ensure(is_system(actor) or access.can_change_roles_of(actor, user), NOT_ALLOWED)
    if grant.revoked_at is not None:
        return grant
    grant.revoked_at = timezone.now()
    grant.revoked_by = user_of(actor)
    grant.save(update_fields=["revoked_at", "revoked_by"])
    still_admin = RoleGrant.objects.filter(
        user=user, role=roles.ZONE_ADMIN, revoked_at__isnull=True
    ).exists()
    if grant.role == roles.ZONE_ADMIN and not still_admin and user.is_staff:
        user.is_staff = user.is_superuser
        user.save(update_fields=["is_staff"])
    audit.record(actor=actor, action="role.revoked", obj=grant, before=_grant_facts(grant))
    return grant


def _grant_facts(grant: RoleGrant) -> dict[str, Any]:
    return {
        "user": grant.user.username,
        "role": grant.role,
        "scope_kind": grant.scope_kind,
        "scope_key": grant.scope_key,
    }
