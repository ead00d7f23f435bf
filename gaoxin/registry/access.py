"""Who may do what in the registry. One function per rule; views and the API only call these.

Zone administrators run imports and keep the catalogue; reviewers read (and see unmasked
personal data, since they match applicants to records); auditors read with personal data
masked. Every unmasked view is audited (services.person_reveal). Roles are read as every app
reads them (accounts.roles); a role held in any scope counts here, the registry being the
zone's."""

from __future__ import annotations

from typing import Any

from gaoxin.accounts import roles

READERS = (roles.ZONE_ADMIN, roles.REVIEWER, roles.AUDITOR)
PERSONAL_DATA = (roles.ZONE_ADMIN, roles.REVIEWER)


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_view_registry(user: Any) -> bool:
    if not _active(user):
        return False
    return any(roles.has_role(user, code) for code in READERS)


def can_view_personal_data(user: Any) -> bool:
    """Unmasked ID numbers, names and phone numbers."""
    if not can_view_registry(user):
        return False
    return any(roles.has_role(user, code) for code in PERSONAL_DATA)


def can_run_import(user: Any) -> bool:
    if not _active(user):
        return False
    return roles.has_role(user, roles.ZONE_ADMIN)


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
    return roles.has_role(user, roles.ZONE_ADMIN)


def can_bind_identity(user: Any) -> bool:
    """Bind (or unbind) an applicant's account to a registry person at the service counter,
    after checking the ID card in person: counter officers only (issue #13)."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.COUNTER_OFFICER)
