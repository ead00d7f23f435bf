"""Who may do what with accounts, roles, tokens and the admin site. One function per rule."""

from __future__ import annotations

from typing import Any

from . import roles


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_use_admin_site(user: Any) -> bool:
    """Django admin is for zone administrators (and the IT superuser) only."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return roles.has_role(user, roles.ZONE_ADMIN)


def can_manage_users(user: Any) -> bool:
    """Create users (in the admin, which the IT superuser also runs)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return roles.has_role(user, roles.ZONE_ADMIN)


def can_manage_api_tokens(user: Any) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return roles.has_role(user, roles.ZONE_ADMIN)


def can_manage_roles(user: Any) -> bool:
    """The roles page: who holds which role in which scope; grant and revoke. Zone
    administrators only (not the IT superuser: roles are the administration's decision; the
    first zone administrator is made with `manage.py grant_role`)."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.ZONE_ADMIN)


def can_change_roles_of(actor: Any, user: Any) -> bool:
    """Grant a role to `user` or revoke one of theirs: a zone administrator, never for their
    own account (nobody widens their own rights or removes the last check on them). No role
    and no request makes anyone a superuser: that flag is the IT superuser's, in the admin."""
    if not can_manage_roles(actor):
        return False
    return bool(actor.pk != user.pk)


def can_use_api(user: Any) -> bool:
    """Any active account may call the API; each endpoint then applies its own rule."""
    return _active(user)


def can_view_own_account(user: Any) -> bool:
    return _active(user)
