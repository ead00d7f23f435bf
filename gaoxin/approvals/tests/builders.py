"""Test data for the approvals desk: the default template, the people of each department,
an enterprise with its own user and an agent, and a project at any point of its life."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.accounts.services import role_grant, user_create
from gaoxin.approvals import services
from gaoxin.approvals.models import Project, ProjectItem, ProjectStage
from gaoxin.approvals.services import Upload
from gaoxin.approvals.services.template import DEPARTMENTS
from gaoxin.common.actors import OPERATOR
from gaoxin.registry.tests.factories import EnterpriseFactory

PASSWORD = "correct-horse-battery-9"
DEPT = ScopeKind.APPROVAL_DEPARTMENT


def person(username: str, role: str, kind: str = "", key: str = "") -> Any:
    user = user_create(actor=OPERATOR, username=username, password=PASSWORD, role_codes=[])
    role_grant(actor=OPERATOR, user=user, role=role, scope_kind=kind, scope_key=key)
    return user


@dataclass
class Zone:
    enterprise: Any
    company: Any
    agent: Any
    admin: Any
    leadership: Any
    reviewers: dict[str, Any] = field(default_factory=dict)
    reviewers2: dict[str, Any] = field(default_factory=dict)
    heads: dict[str, Any] = field(default_factory=dict)
    intake: dict[str, Any] = field(default_factory=dict)


def zone() -> Zone:
    services.template_default(actor=OPERATOR)
    enterprise: Any = EnterpriseFactory()
    z = Zone(
        enterprise=enterprise,
        company=person(
            "company", roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE, enterprise.credit_code
        ),
        agent=person("agent", roles.APPROVAL_AGENT),
        admin=person("admin", roles.ZONE_ADMIN),
        leadership=person("leader", roles.LEADERSHIP),
    )
    for code, _name in DEPARTMENTS:
        z.reviewers[code] = person(f"rev-{code}", roles.APPROVAL_REVIEWER, DEPT, code)
        z.reviewers2[code] = person(f"rev2-{code}", roles.APPROVAL_REVIEWER, DEPT, code)
        z.heads[code] = person(f"head-{code}", roles.APPROVAL_HEAD, DEPT, code)
        z.intake[code] = person(f"win-{code}", roles.APPROVAL_INTAKE, DEPT, code)
    return z


def start(z: Zone, *, by_agent: bool = True, green: bool = False) -> Project:
    return services.project_start(
        actor=z.agent if by_agent else z.company,
        credit_code=z.enterprise.credit_code,
        name="智能装备产业园",
        parcel="GX-2026-07",
        investment="50000",
        green_channel=green,
        agent_authorisation="授权委托书 2026-031" if by_agent else "",
    )


def stage(project: Project, order: int) -> ProjectStage:
    return ProjectStage.objects.select_related("lead_department").get(project=project, order=order)


def item(project: Project, code: str) -> ProjectItem:
    return ProjectItem.objects.select_related("department").get(project=project, code=code)


def file(name: str) -> Upload:
    return Upload(file_name=f"{name}.pdf", content=f"%PDF {name}".encode())


def submit(
    z: Zone,
    project: Project,
    order: int,
    *,
    promises: dict[str, date] | None = None,
    skip: tuple[str, ...] = (),
) -> ProjectStage:
    s = stage(project, order)
    codes = {d[0] for it in s.items.all() for d in it.documents}
    return services.package_submit(
        actor=z.agent if project.agent_id else z.company,
        stage_pk=s.pk,
        uploads={c: file(c) for c in codes if c not in skip},
        promises=promises,
    )


def dispatch(z: Zone, project: Project, order: int) -> ProjectStage:
    s = stage(project, order)
    return services.package_dispatch(actor=z.intake[s.lead_department.code], stage_pk=s.pk)


def decide(
    z: Zone, project: Project, code: str, decision: str = "approve", text: str = ""
) -> ProjectItem:
    it = item(project, code)
    return services.item_decide(
        actor=z.reviewers[it.department.code],
        item_pk=it.pk,
        decision=decision,
        version=it.version,
        text=text,
    )
