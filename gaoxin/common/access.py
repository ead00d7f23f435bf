"""Who may do what with the audit log. One function per rule; views and the API only call
these."""

from __future__ import annotations

from typing import Any


def can_view_audit_log(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.has_perm("common.view_auditevent"))


def can_view_chain_head(user: Any) -> bool:
    """The chain head is what auditors and notaries write down to detect later truncation."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(
        user.has_perm("common.view_auditevent") or user.has_perm("common.view_auditchainhead")
    )


def can_countersign_checkpoint(user: Any) -> bool:
    """Notaries and auditors attest checkpoints; the administration that runs the system
    does not countersign its own log."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.has_perm("common.add_auditcountersignature"))


def can_enter_calendar(user: Any) -> bool:
    """Entering a year's official holidays moves every deadline: the zone administrator's."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.has_perm("common.change_calendaryear"))
