"""The process template, edited by the zone administrator: a new draft version copied from the
published one, edits on the draft only, and publishing it (projects already running keep the
version they started with)."""

from __future__ import annotations

from django.db import transaction

from gaoxin.common import audit
from gaoxin.common.actors import Actor
from gaoxin.common.errors import GaoxinError, ensure

from .. import access, errors
from ..choices import VersionStatus
from ..models import Department, DocumentDef, ItemDef, ProcessTemplate, StageDef, TemplateVersion

# The national four stages and the page's three lead departments; items with their limits.
DEPARTMENTS = [
    ("fgw", "发展和改革局"),
    ("zrzy", "自然资源和规划局"),
    ("zjj", "住房和城乡建设局"),
    ("sthj", "生态环境局"),
    ("xf", "消防救援支队"),
    ("rf", "人防办"),
]
DOCUMENTS = [
    ("D01", "项目申请报告"),
    ("D02", "营业执照"),
    ("D03", "土地出让合同"),
    ("D04", "建设工程设计方案"),
    ("D05", "施工图审查合格书"),
    ("D06", "环境影响报告表"),
    ("D07", "施工合同"),
    ("D08", "竣工验收报告"),
]
# stage order, name, lead, issues permit, items:
#   (code, name, department, limit, commitment, prereviewable, waits_for, [(doc, 容缺)])
ItemRow = tuple[str, str, str, int, bool, bool, list[str], list[tuple[str, bool]]]
STAGES: list[tuple[int, str, str, bool, list[ItemRow]]] = [
    (
        1,
        "立项用地规划许可",
        "fgw",
        False,
        [
            (
                "S1-01",
                "企业投资项目备案",
                "fgw",
                3,
                False,
                False,
                [],
                [("D01", False), ("D02", False)],
            ),
            (
                "S1-02",
                "建设项目用地预审与选址意见书",
                "zrzy",
                10,
                False,
                False,
                [],
                [("D01", False)],
            ),
            ("S1-03", "环境影响评价审批", "sthj", 15, True, False, [], [("D06", True)]),
        ],
    ),
    (
        2,
        "工程建设许可",
        "zrzy",
        False,
        [
            ("S2-01", "建设用地规划许可证", "zrzy", 10, False, True, [], [("D03", True)]),
            ("S2-02", "建设工程规划许可证", "zrzy", 15, False, True, ["S2-01"], [("D04", False)]),
            ("S2-03", "人防工程设计审查", "rf", 10, True, True, [], [("D04", False)]),
        ],
    ),
    (
        3,
        "施工许可",
        "zjj",
        True,
        [
            ("S3-01", "消防设计审查", "xf", 15, False, True, [], [("D05", False)]),
            (
                "S3-02",
                "建筑工程施工许可证",
                "zjj",
                7,
                False,
                True,
                [],
                [("D05", False), ("D07", True)],
            ),
        ],
    ),
    (
        4,
        "竣工验收",
        "zjj",
        False,
        [
            ("S4-01", "消防验收", "xf", 15, False, False, [], [("D08", False)]),
            ("S4-02", "联合竣工验收", "zjj", 12, False, False, [], [("D08", False)]),
        ],
    ),
]


def _ensure_admin(actor: Actor) -> None:
    if not access.can_edit_template(actor):
        raise GaoxinError(errors.NOT_ALLOWED, what_zh="流程模板", what_en="the process template")


@transaction.atomic
def template_default(*, actor: Actor) -> TemplateVersion:
    """The default template (published v1) with the national four stages; once."""
    depts = {
        code: Department.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in DEPARTMENTS
    }
    template, created = ProcessTemplate.objects.get_or_create(
        code="default", defaults={"name": "占地类产业项目审批流程"}
    )
    if not created and template.versions.exists():
        return template.versions.order_by("-number")[0]
    version = TemplateVersion.objects.create(
        template=template, number=1, status=VersionStatus.PUBLISHED
    )
    names = dict(DOCUMENTS)
    DocumentDef.objects.bulk_create(
        [DocumentDef(version=version, code=c, name=n) for c, n in DOCUMENTS]
    )
    for order, name, lead, permit, items in STAGES:
        stage = StageDef.objects.create(
            version=version,
            order=order,
            name=name,
            lead_department=depts[lead],
            issues_permit=permit,
        )
        ItemDef.objects.bulk_create(
            [
                ItemDef(
                    stage=stage,
                    code=code,
                    name=iname,
                    department=depts[dept],
                    limit_days=limit,
                    commitment=commit,
                    prereviewable=pre,
                    waits_for=waits,
                    documents=[[d, names[d], deferrable] for d, deferrable in docs],
                )
                for code, iname, dept, limit, commit, pre, waits, docs in items
            ]
        )
    audit.record(
        actor=actor, action="approvals.template.published", obj=version, after={"number": 1}
    )
    return version


@transaction.atomic
def version_new_draft(*, actor: Actor, template_code: str = "default") -> TemplateVersion:
    """A draft copied from the newest version; the running projects are not touched."""
    _ensure_admin(actor)
    template = ProcessTemplate.objects.select_for_update().get(code=template_code)
    latest = template.versions.order_by("-number").first()
    if latest is None:
        raise GaoxinError(errors.NO_TEMPLATE, code=template_code)
    draft = TemplateVersion.objects.create(
        template=template, number=latest.number + 1, quick_start_days=latest.quick_start_days
    )
    DocumentDef.objects.bulk_create(
        [DocumentDef(version=draft, code=d.code, name=d.name) for d in latest.documents.all()]
    )
    for s in latest.stages.prefetch_related("items"):
        copy = StageDef.objects.create(
            version=draft,
            order=s.order,
            name=s.name,
            lead_department_id=s.lead_department_id,
            issues_permit=s.issues_permit,
        )
        ItemDef.objects.bulk_create(
            [
                ItemDef(
                    stage=copy,
                    code=i.code,
                    name=i.name,
                    department_id=i.department_id,
                    limit_days=i.limit_days,
                    commitment=i.commitment,
                    prereviewable=i.prereviewable,
                    waits_for=i.waits_for,
                    documents=i.documents,
                )
                for i in s.items.all()
            ]
        )
    audit.record(
        actor=actor, action="approvals.template.drafted", obj=draft, after={"number": draft.number}
    )
    return draft


@transaction.atomic
def item_def_edit(
    *,
    actor: Actor,
    item_def_pk: int,
    limit_days: int | None = None,
    department: str | None = None,
    commitment: bool | None = None,
    prereviewable: bool | None = None,
) -> ItemDef:
    _ensure_admin(actor)
    item = (
        ItemDef.objects.select_related("stage__version")
        .select_for_update(of=("self",))
        .get(pk=item_def_pk)
    )
    version = item.stage.version
    ensure(version.status == VersionStatus.DRAFT, errors.VERSION_NOT_DRAFT, number=version.number)
    before = {"limit_days": item.limit_days, "department": item.department_id}
    if limit_days is not None:
        ensure(
            0 < limit_days <= 365,
            errors.VALUE_INVALID,
            field_zh="法定时限",
            field_en="statutory limit",
            value=limit_days,
            reason_zh="应为 1 至 365 个工作日",
            reason_en="1 to 365 working days",
        )
        item.limit_days = limit_days
    if department is not None:
        dept = Department.objects.filter(code=department).first()
        ensure(
            dept is not None, errors.NOT_FOUND, what_zh="部门", what_en="department", key=department
        )
        item.department = dept  # type: ignore[assignment]
    if commitment is not None:
        item.commitment = commitment
    if prereviewable is not None:
        item.prereviewable = prereviewable
    item.save()
    audit.record(
        actor=actor,
        action="approvals.template.item_edited",
        obj=item,
        before=before,
        after={"limit_days": item.limit_days, "department": item.department_id},
    )
    return item


@transaction.atomic
def version_publish(*, actor: Actor, version_pk: int) -> TemplateVersion:
    _ensure_admin(actor)
    version = TemplateVersion.objects.select_for_update().get(pk=version_pk)
    ensure(version.status == VersionStatus.DRAFT, errors.VERSION_NOT_DRAFT, number=version.number)
    TemplateVersion.objects.filter(
        template_id=version.template_id, status=VersionStatus.PUBLISHED
    ).update(status=VersionStatus.RETIRED)
    version.status = VersionStatus.PUBLISHED
    version.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="approvals.template.published",
        obj=version,
        after={"number": version.number},
    )
    return version
