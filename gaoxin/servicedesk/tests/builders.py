"""Test data for the grid service desk: a grid with its team, an enterprise in it, the people
on each rung of the ladder, and a request at any point of its life."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.accounts.services import role_grant, user_create
from gaoxin.common.actors import OPERATOR
from gaoxin.registry.tests.factories import EnterpriseFactory
from gaoxin.servicedesk import reference
from gaoxin.servicedesk.models import (
    Category,
    Department,
    Duty,
    DutyHolder,
    EnterpriseAssignment,
    Grid,
)

PASSWORD = "correct-horse-battery-9"


def person(username: str, role: str, kind: str = "", key: str = "") -> Any:
    user = user_create(actor=OPERATOR, username=username, password=PASSWORD, role_codes=[])
    role_grant(actor=OPERATOR, user=user, role=role, scope_kind=kind, scope_key=key)
    return user


@dataclass
class Desk:
    grid: Grid
    enterprise: Any
    officer: Any
    officer2: Any
    leader: Any
    department: Department
    clerk: Any
    leadership: Any
    company: Any  # the enterprise's own account
    category: Category


def desk(code: str = "G01", since: date = date(2020, 1, 1)) -> Desk:
    reference.seed(Department, Duty, Category)  # a flushed database (transaction tests) lacks it
    grid = Grid.objects.create(code=code, name=f"第{code}网格")
    enterprise: Any = EnterpriseFactory()
    EnterpriseAssignment.objects.create(enterprise=enterprise, grid=grid, valid_from=since)
    officer = person(f"officer-{code}", roles.GRID_OFFICER, ScopeKind.GRID, code)
    officer2 = person(f"officer2-{code}", roles.GRID_OFFICER, ScopeKind.GRID, code)
    leader = person(f"leader-{code}", roles.GRID_LEADER, ScopeKind.GRID, code)
    DutyHolder.objects.create(
        grid=grid, duty=Duty.objects.get(code="service"), officer=officer, valid_from=since
    )
    category = Category.objects.get(code="hiring")
    department = category.department
    assert department is not None
    clerk = person(f"clerk-{code}", roles.DEPARTMENT_OFFICER, ScopeKind.DEPARTMENT, department.code)
    leadership = person(f"leadership-{code}", roles.LEADERSHIP)
    company = person(
        f"company-{code}", roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE, str(enterprise.credit_code)
    )
    return Desk(
        grid,
        enterprise,
        officer,
        officer2,
        leader,
        department,
        clerk,
        leadership,
        company,
        category,
    )
