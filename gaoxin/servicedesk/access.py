"""Who may do what at the grid service desk. One function per rule, each condition on its own
line. Scopes (accounts/roles.py): a grid by its code, a department by its code, an enterprise
by its unified social credit code.

    grid officer   the requests, enterprises and visits of their grid, and what they handle
    grid leader    their grid
    department     what was escalated to it
    leadership     everything; acts on what reaches the leadership (督办)
    auditor        everything, read-only
    enterprise     its own requests only"""

from __future__ import annotations

from typing import Any

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind

from .choices import HazardLevel, Level
from .models import Grid, Hazard, NoticeRecipient, ServiceRequest


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _zone_wide_reader(user: Any) -> bool:
    held = roles.grants(user)
    return any(
        (code, "", "") in held for code in (roles.LEADERSHIP, roles.AUDITOR, roles.ZONE_ADMIN)
    )


def officer_grids(user: Any) -> frozenset[str]:
    """Codes of the grids in which the user is an officer or the leader."""
    return roles.scopes(user, roles.GRID_OFFICER, ScopeKind.GRID) | roles.scopes(
        user, roles.GRID_LEADER, ScopeKind.GRID
    )


def leader_grids(user: Any) -> frozenset[str]:
    return roles.scopes(user, roles.GRID_LEADER, ScopeKind.GRID)


def departments(user: Any) -> frozenset[str]:
    return roles.scopes(user, roles.DEPARTMENT_OFFICER, ScopeKind.DEPARTMENT)


def enterprises(user: Any) -> frozenset[str]:
    return roles.scopes(user, roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE)


def sees_everything(user: Any) -> bool:
    """Leadership, auditors and zone administrators read the whole desk."""
    if not _active(user):
        return False
    return _zone_wide_reader(user)


def is_staff_member(user: Any) -> bool:
    """Anyone of the desk's staff (not an enterprise): officers, leaders, departments,
    leadership, auditors, zone administrators."""
    if not _active(user):
        return False
    if sees_everything(user):
        return True
    return bool(officer_grids(user) or departments(user))


def can_use_desk(user: Any) -> bool:
    if not _active(user):
        return False
    return is_staff_member(user) or bool(enterprises(user))


def can_view_request(user: Any, request: ServiceRequest) -> bool:
    if not _active(user):
        return False
    if sees_everything(user):
        return True
    if request.handler_id == user.pk:
        return True
    if request.grid.code in officer_grids(user):
        return True
    if request.department is not None and request.department.code in departments(user):
        return True
    return request.enterprise.credit_code in enterprises(user)


def can_view_internal(user: Any, request: ServiceRequest) -> bool:
    """Internal notes and internal attachments: the desk's staff who see the request."""
    if not can_view_request(user, request):
        return False
    return is_staff_member(user)


def can_act(user: Any, request: ServiceRequest) -> bool:
    """Take, pause, resume, resolve, escalate by hand: whoever holds the request's current step
    (auditors never act)."""
    if not _active(user):
        return False
    if request.level == Level.OFFICER:
        return request.grid.code in officer_grids(user)
    if request.level == Level.LEADER:
        return request.grid.code in leader_grids(user)
    if request.level == Level.DEPARTMENT:
        return request.department is not None and request.department.code in departments(user)
    return roles.has_role(user, roles.LEADERSHIP)


def can_note(user: Any, request: ServiceRequest) -> bool:
    """Internal notes: the desk's staff who see the request, except read-only auditors."""
    if not can_view_internal(user, request):
        return False
    return not _read_only(user)


def _read_only(user: Any) -> bool:
    acting = (roles.GRID_OFFICER, roles.GRID_LEADER, roles.DEPARTMENT_OFFICER, roles.LEADERSHIP)
    return not any(roles.has_role(user, code) for code in acting)


def can_submit_for(user: Any, credit_code: str) -> bool:
    """An enterprise user submits requests for its own enterprise only."""
    if not _active(user):
        return False
    return credit_code in enterprises(user)


def can_record_in(user: Any, grid: Grid) -> bool:
    """Record a phone call or a visit finding: the grid's officers and leader."""
    if not _active(user):
        return False
    return grid.code in officer_grids(user)


def can_attach(user: Any, request: ServiceRequest, *, internal: bool) -> bool:
    """Attach a photo or file while the request is open: the enterprise to its own request (never
    internally), the desk's staff who may write notes on it (internally or for the enterprise)."""
    if not _active(user) or not request.is_open:
        return False
    if internal:
        return can_note(user, request)
    return can_note(user, request) or request.enterprise.credit_code in enterprises(user)


def can_rate(user: Any, request: ServiceRequest) -> bool:
    """Confirm and rate the resolution: the enterprise itself."""
    if not _active(user):
        return False
    return request.enterprise.credit_code in enterprises(user)


def can_configure(user: Any) -> bool:
    """Categories, limits, duties, grids and bulk assignments: zone administrators."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.ZONE_ADMIN)


def can_transfer_from_hotline(user: Any) -> bool:
    """The 12345 hotline's system, through an API token of a leadership or zone account."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.ZONE_ADMIN) or roles.has_role(user, roles.LEADERSHIP)


def can_view_dashboard(user: Any, grid: Grid | None = None) -> bool:
    """The whole zone's figures: leadership, auditors, zone administrators. One grid's: also
    its officers and leader."""
    if not _active(user):
        return False
    if sees_everything(user):
        return True
    return grid is not None and grid.code in officer_grids(user)


# -- visits, work safety and notices ------------------------------------------------------------

EMERGENCY_DEPARTMENT = "emergency"  # 应急: takes hazards past the grid leader


def can_work_in(user: Any, grid: Grid) -> bool:
    """Record visits and inspections, find hazards, turn a finding into a request: the grid's
    officers and leader."""
    if not _active(user):
        return False
    return grid.code in officer_grids(user)


def can_view_field(user: Any, grid: Grid) -> bool:
    """A grid's visits, inspections and hazards: its officers and leader, and the zone-wide
    readers."""
    if not _active(user):
        return False
    if sees_everything(user):
        return True
    return grid.code in officer_grids(user)


def can_view_hazard(user: Any, hazard: Hazard) -> bool:
    if not _active(user):
        return False
    if can_view_field(user, hazard.grid):
        return True
    if hazard.level == HazardLevel.DEPARTMENT and EMERGENCY_DEPARTMENT in departments(user):
        return True
    return hazard.enterprise.credit_code in enterprises(user)


def can_report_rectified(user: Any, hazard: Hazard) -> bool:
    """Report a hazard rectified (with photos): the enterprise itself or the grid's officers."""
    if not _active(user):
        return False
    if hazard.enterprise.credit_code in enterprises(user):
        return True
    return hazard.grid.code in officer_grids(user)


def can_reinspect(user: Any, hazard: Hazard) -> bool:
    """Re-inspect (close or reopen): the grid's officers and leader; the emergency department
    once the hazard has reached it."""
    if not _active(user):
        return False
    if hazard.grid.code in officer_grids(user):
        return True
    return hazard.level == HazardLevel.DEPARTMENT and EMERGENCY_DEPARTMENT in departments(user)


def can_edit_field_settings(user: Any) -> bool:
    """Visits per quarter, rectification limits and checklist templates: zone administrators."""
    return can_configure(user)


def can_send_notice(user: Any) -> bool:
    """Notices go out from the zone: its leadership and zone administrators."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.ZONE_ADMIN) or roles.has_role(user, roles.LEADERSHIP)


def can_view_notices(user: Any) -> bool:
    """The list of notices: the desk's staff, and enterprises (theirs)."""
    return can_use_desk(user)


def notice_grids(user: Any) -> frozenset[str] | None:
    """The grids whose recipients the user may see of any notice; None for all of them."""
    if sees_everything(user):
        return None
    return officer_grids(user)


def can_acknowledge(user: Any, recipient: NoticeRecipient) -> bool:
    """An enterprise acknowledges the notices sent to it."""
    if not _active(user):
        return False
    return recipient.enterprise.credit_code in enterprises(user)


# -- statistics collection (数据统计) ------------------------------------------------------------

STATISTICS_DUTY = "statistics"  # the duty whose holder answers for a grid's statistics


def statistics_officer_grids(user: Any) -> frozenset[str]:
    """The grids whose statistics the user answers for: as the statistics duty's current holder
    (and an officer of the grid), or as the grid's leader."""
    from .models import DutyHolder

    if not _active(user):
        return frozenset()
    grids = officer_grids(user)
    if not grids:
        return frozenset()
    held = DutyHolder.objects.filter(
        officer_id=user.pk,
        duty__code=STATISTICS_DUTY,
        valid_to__isnull=True,
        grid__code__in=grids,
    ).values_list("grid__code", flat=True)
    return frozenset(held) | leader_grids(user)


def can_fill_report(user: Any, credit_code: str, grid: Grid) -> bool:
    """Fill (save, submit) a statistics report: the enterprise itself, or the statistics
    officer (or the leader) of the grid serving it."""
    if not _active(user):
        return False
    if credit_code in enterprises(user):
        return True
    return grid.code in statistics_officer_grids(user)


def can_review_report(user: Any, grid: Grid) -> bool:
    """Accept a submitted report or return it for correction: the grid's statistics officer or
    leader."""
    if not _active(user):
        return False
    return grid.code in statistics_officer_grids(user)


def can_view_report(user: Any, credit_code: str, grid: Grid) -> bool:
    """A report: its enterprise, the grid's officers and leader, and the zone-wide readers."""
    if not _active(user):
        return False
    if sees_everything(user):
        return True
    if grid.code in officer_grids(user):
        return True
    return credit_code in enterprises(user)


def can_view_statistics(user: Any) -> bool:
    """The zone's completeness and the export for the statistics bureau: leadership, auditors
    and zone administrators."""
    return sees_everything(user)


def can_edit_statistics_forms(user: Any) -> bool:
    """Report forms and their fields: zone administrators."""
    return can_configure(user)
