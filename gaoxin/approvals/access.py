"""Who may do what on the approvals desk; every rule reads the scoped roles (accounts.roles).

- a reviewer (or the head) acts only on the items of their own department;
- the one-window intake acts only on the packages of stages whose lead department it serves;
- the enterprise (its users, by credit code) and its authorised agent act only on their own
  project;
- leadership, auditors and zone administrators read everything; the zone administrator edits
  the process template."""

from __future__ import annotations

from typing import Any

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind

from .models import Project, ProjectItem, ProjectStage

DEPT = ScopeKind.APPROVAL_DEPARTMENT


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def reviewer_departments(user: Any) -> frozenset[str]:
    """Codes of the departments whose items the user decides (reviewer or head)."""
    return roles.scopes(user, roles.APPROVAL_REVIEWER, DEPT) | roles.scopes(
        user, roles.APPROVAL_HEAD, DEPT
    )


def intake_departments(user: Any) -> frozenset[str]:
    return roles.scopes(user, roles.APPROVAL_INTAKE, DEPT)


def enterprises(user: Any) -> frozenset[str]:
    return roles.scopes(user, roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE)


def sees_everything(user: Any) -> bool:
    if not _active(user):
        return False
    held = roles.grants(user)
    return any(
        (code, "", "") in held for code in (roles.LEADERSHIP, roles.AUDITOR, roles.ZONE_ADMIN)
    )


def can_edit_template(user: Any) -> bool:
    return _active(user) and (roles.ZONE_ADMIN, "", "") in roles.grants(user)


def is_agent(user: Any) -> bool:
    return _active(user) and (roles.APPROVAL_AGENT, "", "") in roles.grants(user)


def can_file_for(user: Any, credit_code: str) -> bool:
    """Start a project for the enterprise: its own user, or a zone agent (帮办代办)."""
    if not _active(user):
        return False
    return credit_code in enterprises(user) or is_agent(user)


def is_applicant_of(user: Any, project: Project) -> bool:
    """The enterprise's own user, or the agent recorded on the project with its authorisation."""
    if not _active(user):
        return False
    if project.enterprise.credit_code in enterprises(user):
        return True
    return bool(project.agent_id == user.pk and project.agent_authorisation and is_agent(user))


def can_view_project(user: Any, project: Project) -> bool:
    if not _active(user):
        return False
    if sees_everything(user) or is_applicant_of(user, project):
        return True
    reviewing = reviewer_departments(user)
    if reviewing and project.items.filter(department__code__in=reviewing).exists():
        return True
    intake = intake_departments(user)
    return bool(intake) and project.stages.filter(lead_department__code__in=intake).exists()


def can_intake(user: Any, stage: ProjectStage) -> bool:
    if not _active(user):
        return False
    return stage.lead_department.code in intake_departments(user)


def can_decide(user: Any, item: ProjectItem) -> bool:
    if not _active(user):
        return False
    return item.department.code in reviewer_departments(user)


def can_enter_land_contract(user: Any, project: Project) -> bool:
    """The applicant enters the signed contract; so may the lead department's intake."""
    if not _active(user):
        return False
    return is_applicant_of(user, project) or bool(intake_departments(user))


def can_check_compliance(user: Any, item: ProjectItem) -> bool:
    return can_decide(user, item)


def can_record_delivery(user: Any) -> bool:
    return _active(user) and bool(intake_departments(user))


def can_use_desk(user: Any) -> bool:
    if not _active(user):
        return False
    return bool(
        sees_everything(user)
        or reviewer_departments(user)
        or intake_departments(user)
        or enterprises(user)
        or is_agent(user)
    )


def can_view_dashboard(user: Any) -> bool:
    return _active(user) and bool(
        sees_everything(user) or reviewer_departments(user) or intake_departments(user)
    )
