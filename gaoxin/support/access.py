"""Who may do what in enterprise support. One function per rule.

zone administrator   proposes awards, sets milestones, pays them
leadership           approves or refuses awards (the ceiling check happens then)
auditor              reads everything, exports the ledger for the finance bureau"""

from __future__ import annotations

from typing import Any

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _zone_wide(user: Any, *codes: str) -> bool:
    held = roles.grants(user)
    return any((code, "", "") in held for code in codes)


def can_view_awards(user: Any) -> bool:
    if not _active(user):
        return False
    return _zone_wide(user, roles.ZONE_ADMIN, roles.LEADERSHIP, roles.AUDITOR)


def can_propose_award(user: Any) -> bool:
    if not _active(user):
        return False
    return _zone_wide(user, roles.ZONE_ADMIN)


def can_decide_award(user: Any) -> bool:
    if not _active(user):
        return False
    return _zone_wide(user, roles.LEADERSHIP, roles.ZONE_ADMIN)


def can_pay_milestone(user: Any) -> bool:
    if not _active(user):
        return False
    return _zone_wide(user, roles.ZONE_ADMIN)


def can_export_ledger(user: Any) -> bool:
    return can_view_awards(user)


def can_run_tiers(user: Any) -> bool:
    if not _active(user):
        return False
    return _zone_wide(user, roles.ZONE_ADMIN)


def can_publish_tiers(user: Any) -> bool:
    if not _active(user):
        return False
    return _zone_wide(user, roles.LEADERSHIP)


def can_view_tiers(user: Any) -> bool:
    """The zone's tier list: its administrators, leadership and auditors."""
    return can_view_awards(user)


def own_enterprises(user: Any) -> frozenset[str]:
    """Credit codes of the enterprises the user acts for (enterprise user, scoped)."""
    if not _active(user):
        return frozenset()
    return roles.scopes(user, roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE)


def can_view_enterprise_tier(user: Any, credit_code: str) -> bool:
    if can_view_tiers(user):
        return True
    return credit_code in own_enterprises(user)


def can_view_indicators(user: Any) -> bool:
    return can_view_awards(user)


def can_edit_indicator_sources(user: Any) -> bool:
    """Land sales and value added, the indicators' own sources: the zone administrator."""
    if not _active(user):
        return False
    return _zone_wide(user, roles.ZONE_ADMIN)


# -- open calls (揭榜挂帅) ------------------------------------------------------------------------
# zone administrator   posts calls, sets the panel, moves the call along, answers objections
# leadership, auditor  read the zone's call pages and the ranking
# review expert        scores the applications of the calls whose panel they sit on
# enterprise user      applies for its enterprise (calls open to enterprises)
# a bound person       applies as a team's lead (calls open to teams)
# anyone logged in     reads published calls and objects during the notice


def can_manage_calls(user: Any) -> bool:
    if not _active(user):
        return False
    return _zone_wide(user, roles.ZONE_ADMIN)


def can_view_calls_zone(user: Any) -> bool:
    """The zone's call pages, with every application and the ranking."""
    return can_view_awards(user)


def is_expert(user: Any) -> bool:
    if not _active(user):
        return False
    return _zone_wide(user, roles.SUPPORT_EXPERT)


def can_read_calls(user: Any) -> bool:
    """The public list of calls (and a published call's page, its notice and objections)."""
    return _active(user)


def can_object_call(user: Any) -> bool:
    return _active(user)
