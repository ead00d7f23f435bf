"""Reads for the approvals desk's pages, the API and the dashboard; set-based."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, Sum

from .certfacts import facts_digest
from .choices import ItemStatus, ProjectStatus, StageStatus, VersionStatus
from .models import (
    Certificate,
    Department,
    DocumentDef,
    ItemDef,
    Project,
    ProjectItem,
    ProjectStage,
    StageDef,
    TemplateVersion,
)


def department_choices() -> list[tuple[str, str]]:
    return list(Department.objects.order_by("code").values_list("code", "name"))


def queue(
    department_codes: frozenset[str] | set[str], *, limit: int = 100
) -> QuerySet[ProjectItem]:
    """A department's items to work on: in review, in correction, and pending items it may
    pre-review before land; green channel first, then the nearest deadline."""
    return (
        ProjectItem.objects.filter(
            department__code__in=department_codes,
            status__in=[ItemStatus.IN_REVIEW, ItemStatus.CORRECTION, ItemStatus.PENDING],
        )
        # A pending item is the department's only when it may be pre-reviewed before land.
        .exclude(
            Q(status=ItemStatus.PENDING)
            & (Q(prereviewable=False) | Q(project__land_contract_on__isnull=False))
        )
        .select_related("project", "project__enterprise", "department", "stage")
        .order_by("-project__green_channel", F("due_on").asc(nulls_last=True), "pk")[:limit]
    )


def intake_queue(department_codes: frozenset[str] | set[str]) -> QuerySet[ProjectStage]:
    return (
        ProjectStage.objects.filter(
            lead_department__code__in=department_codes, status=StageStatus.SUBMITTED
        )
        .select_related("project", "project__enterprise")
        .order_by("-project__green_channel", "submitted_on", "pk")
    )


def projects_of(*, credit_codes: frozenset[str], agent: Any) -> QuerySet[Project]:
    q = Q(enterprise__credit_code__in=credit_codes)
    if getattr(agent, "pk", None):
        q |= Q(agent_id=agent.pk)
    return Project.objects.filter(q).select_related("enterprise").order_by("-pk")


def projects_of_departments(
    *, reviewing: frozenset[str], intake: frozenset[str]
) -> QuerySet[Project]:
    """The projects a department's staff may open (access.can_view_project): those with an
    item of a department they review, or a stage their window takes in."""
    q = Q(pk__in=[])
    if reviewing:
        q |= Q(pk__in=ProjectItem.objects.filter(department__code__in=reviewing).values("project"))
    if intake:
        q |= Q(
            pk__in=ProjectStage.objects.filter(lead_department__code__in=intake).values("project")
        )
    return Project.objects.filter(q).select_related("enterprise").order_by("-pk")


def projects_all() -> QuerySet[Project]:
    """Every project, newest first: what leadership, auditors and the administrator read."""
    return Project.objects.select_related("enterprise").order_by("-pk")


def applicant_todo(project_pks: list[int]) -> set[int]:
    """Of these projects, those waiting for their applicant: a stage open for its package or
    an item whose correction is asked for (two set-based queries)."""
    open_stage = ProjectStage.objects.filter(
        project_id__in=project_pks, status=StageStatus.OPEN
    ).values_list("project_id", flat=True)
    correction = ProjectItem.objects.filter(
        project_id__in=project_pks, status=ItemStatus.CORRECTION
    ).values_list("project_id", flat=True)
    return set(open_stage) | set(correction)


def project_detail(pk: int) -> Project | None:
    return (
        Project.objects.select_related("enterprise", "version", "agent")
        .prefetch_related("stages__lead_department", "items__department", "documents")
        .filter(pk=pk)
        .first()
    )


def item_actions(
    item: ProjectItem, *, may_decide: bool, land: date | None, may_answer: bool = False
) -> list[str]:
    """What a page offers on this item now: the department's decisions, a pre-review, and the
    applicant's answer to a correction."""
    out: list[str] = []
    if may_answer and item.status == ItemStatus.CORRECTION:
        out.append("answer")
    if may_decide and item.status == ItemStatus.IN_REVIEW:
        out += ["approve", "conditional", "correction", "refuse"]
    if (
        may_decide
        and item.prereviewable
        and land is None
        and item.status in (ItemStatus.PENDING, ItemStatus.IN_REVIEW)
    ):
        out.append("prereview")
    return out


def stage_actions(stage: ProjectStage, *, may_intake: bool, applicant: bool) -> list[str]:
    """What a page offers on this stage now: the applicant submits an open stage's package, the
    lead department dispatches (or returns) a submitted one."""
    out: list[str] = []
    if applicant and stage.status == StageStatus.OPEN:
        out.append("submit")
    if may_intake and stage.status == StageStatus.SUBMITTED:
        out.append("dispatch")
    return out


@dataclass(frozen=True)
class Figures:
    projects: int
    completed_serial: int
    completed_actual: int
    average_saved: float | None
    saved_projects: int
    quick_start: int
    stage_averages: list[tuple[int, str, float | None, int]]
    total_average: float | None
    departments: list[dict[str, Any]]


def dashboard(today: date) -> Figures:
    """The zone's figures, every one from the stored rows (docs/approvals.md, "Formulas")."""
    finished = Project.objects.filter(serial_days__gt=0)
    agg = finished.aggregate(n=Count("pk"), serial=Sum("serial_days"), actual=Sum("actual_days"))
    n = agg["n"] or 0
    serial, actual = agg["serial"] or 0, agg["actual"] or 0
    stages = (
        ProjectStage.objects.filter(status=StageStatus.CLOSED)
        .values("order", "name")
        .annotate(avg=Avg("working_days"), n=Count("pk"))
        .order_by("order")
    )
    per_stage = [(s["order"], s["name"], s["avg"], s["n"]) for s in stages]
    totals = Project.objects.filter(status=ProjectStatus.COMPLETED).aggregate(
        avg=Avg("actual_days")
    )
    depts = (
        ProjectItem.objects.values("department__code", "department__name")
        .annotate(
            queue=Count("pk", filter=Q(status__in=[ItemStatus.IN_REVIEW, ItemStatus.CORRECTION])),
            overdue=Count("pk", filter=Q(status=ItemStatus.IN_REVIEW, due_on__lt=today)),
            decided=Count("pk", filter=Q(decided_on__isnull=False)),
            late=Count("pk", filter=Q(decided_on__isnull=False, decided_on__gt=F("due_on"))),
        )
        .order_by("department__code")
    )
    rows = []
    for d in depts:
        base = d["decided"] + d["overdue"]
        rows.append(
            {
                "code": d["department__code"],
                "name": d["department__name"],
                "queue": d["queue"],
                "overdue": d["overdue"],
                "late": d["late"],
                "overdue_rate": (d["overdue"] + d["late"]) / base if base else None,
            }
        )
    return Figures(
        projects=Project.objects.count(),
        completed_serial=serial,
        completed_actual=actual,
        average_saved=(serial - actual) / n if n else None,
        saved_projects=n,
        quick_start=Project.objects.filter(quick_start=True).count(),
        stage_averages=per_stage,
        total_average=totals["avg"],
        departments=rows,
    )


def certificate_check(code: str) -> tuple[Certificate | None, bool]:
    """The certificate under this code and whether its facts match the stored digest."""
    cert = (
        Certificate.objects.select_related("item")
        .filter(code=(code or "").strip().upper()[:32])
        .first()
    )
    if cert is None:
        return None, False
    return cert, facts_digest(cert.facts) == cert.digest


def item_by_number(project: str, code: str) -> ProjectItem | None:
    return (
        ProjectItem.objects.select_related("project", "project__enterprise", "department")
        .filter(project__number=project, code=code)
        .first()
    )


def certificates_of(project: Project) -> list[Certificate]:
    return list(
        Certificate.objects.filter(item__project=project).select_related("item").order_by("pk")
    )


def queue_count(department_codes: frozenset[str] | set[str]) -> int:
    return ProjectItem.objects.filter(
        department__code__in=department_codes,
        status__in=[ItemStatus.IN_REVIEW, ItemStatus.CORRECTION],
    ).count()


# -- the process template's editor ------------------------------------------------------------


@dataclass
class VersionRow:
    version: TemplateVersion
    running: int  # projects in progress on it
    completed: int


def template_versions(template_code: str = "default") -> list[VersionRow]:
    """The template's versions, newest first, with how many projects run on each."""
    rows = (
        TemplateVersion.objects.filter(template__code=template_code)
        .annotate(
            running=Count("projects", filter=Q(projects__status=ProjectStatus.IN_PROGRESS)),
            completed=Count("projects", filter=Q(projects__status=ProjectStatus.COMPLETED)),
        )
        .order_by("-number")
    )
    return [VersionRow(v, v.running, v.completed) for v in rows]


def template_actions(rows: list[VersionRow]) -> list[str]:
    """What the editor's list offers: a new draft unless one is already being edited."""
    if any(r.version.status == VersionStatus.DRAFT for r in rows):
        return []
    return ["new_draft"] if rows else []


def version_detail(pk: int) -> TemplateVersion | None:
    return (
        TemplateVersion.objects.select_related("template")
        .prefetch_related(
            Prefetch(
                "stages",
                queryset=StageDef.objects.select_related("lead_department").prefetch_related(
                    Prefetch(
                        "items",
                        queryset=ItemDef.objects.select_related("department").order_by("code"),
                    )
                ),
            ),
            Prefetch("documents", queryset=DocumentDef.objects.order_by("code")),
        )
        .filter(pk=pk)
        .first()
    )


def version_actions(version: TemplateVersion) -> list[str]:
    """A draft is edited and published; a published or retired version is only read."""
    if version.status == VersionStatus.DRAFT:
        return ["edit", "publish"]
    return []


def version_running_projects(version: TemplateVersion) -> int:
    return version.projects.filter(status=ProjectStatus.IN_PROGRESS).count()
