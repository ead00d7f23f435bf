"""Who may do what in the registry. One function per rule; views and the API only call these.

Zone administrators run imports and keep the catalogue; reviewers read (and see unmasked
personal data, since they match applicants to records); auditors read with personal data
masked. Every unmasked view is audited (services.person_reveal)."""

from __future__ import annotations

from typing import Any


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_view_registry(user: Any) -> bool:
    if not _active(user):
        return False
    return bool(user.has_perm("registry.view_registry"))


def can_view_personal_data(user: Any) -> bool:
    """Unmasked ID numbers, names and phone numbers."""
    if not can_view_registry(user):
        return False
    return bool(user.has_perm("registry.view_personal_data"))


def can_run_import(user: Any) -> bool:
    if not _active(user):
        return False
    return bool(user.has_perm("registry.run_import"))


def can_view_imports(user: Any) -> bool:
    """The import history: who imported which file when, with what result."""
    if not _active(user):
        return False
    return can_run_import(user) or can_view_registry(user)


def can_view_import_errors(user: Any) -> bool:
    """Error reports and the rejected values, which hold unmasked personal data."""
    if not _active(user):
        return False
    return can_run_import(user) or can_view_personal_data(user)


def can_manage_catalogue(user: Any) -> bool:
    """Edit the key-industry catalogue and enterprises' classifications."""
    if not _active(user):
        return False
    return bool(user.has_perm("registry.manage_catalogue"))
