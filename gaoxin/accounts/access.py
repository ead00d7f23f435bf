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
    if not _active(user):
        return False
    return bool(user.has_perm("accounts.manage_users"))


def can_manage_api_tokens(user: Any) -> bool:
    if not _active(user):
        return False
    return bool(user.has_perm("accounts.manage_api_tokens"))


def can_use_api(user: Any) -> bool:
    """Any active account may call the API; each endpoint then applies its own rule."""
    return _active(user)


def can_view_own_account(user: Any) -> bool:
    return _active(user)
