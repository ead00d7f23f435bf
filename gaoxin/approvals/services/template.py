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
    if latest.status == VersionStatus.DRAFT:
        return latest  # one draft at a time: the editor goes on with it
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


def _draft(version_pk: int) -> TemplateVersion:
    """The version, locked first (before its stages and items), that must be a draft."""
    version = TemplateVersion.objects.select_for_update().filter(pk=version_pk).first()
    if version is None:
        raise GaoxinError(
            errors.NOT_FOUND, what_zh="模板版本", what_en="template version", key=version_pk
        )
    ensure(version.status == VersionStatus.DRAFT, errors.VERSION_NOT_DRAFT, number=version.number)
    return version


def _department(code: str) -> Department:
    dept = Department.objects.filter(code=code).first()
    if dept is None:
        raise GaoxinError(errors.NOT_FOUND, what_zh="部门", what_en="department", key=code)
    return dept


def _limit(value: int, item_code: str) -> int:
    ensure(
        0 < value <= 365,
        errors.VALUE_INVALID,
        field_zh=f"{item_code} 法定时限",
        field_en=f"{item_code} statutory limit",
        value=value,
        reason_zh="应为 1 至 365 个工作日",
        reason_en="1 to 365 working days",
    )
    return value


def _text(value: str, *, field_zh: str, field_en: str, max_length: int) -> str:
    value = (value or "").strip()
    ensure(bool(value), errors.FIELD_REQUIRED, field_zh=field_zh, field_en=field_en)
    ensure(
        len(value) <= max_length,
        errors.VALUE_INVALID,
        field_zh=field_zh,
        field_en=field_en,
        value=value[:40],
        reason_zh=f"不超过 {max_length} 个字",
        reason_en=f"at most {max_length} characters",
    )
    return value


def _cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle of waits-for among the version's items (codes, first repeated at the end)."""
    done: set[str] = set()

    def walk(code: str, path: list[str]) -> list[str] | None:
        if code in path:
            return [*path[path.index(code) :], code]
        if code in done:
            return None
        for other in graph.get(code, []):
            found = walk(other, [*path, code])
            if found:
                return found
        done.add(code)
        return None

    for start in sorted(graph):
        found = walk(start, [])
        if found:
            return found
    return None


def _check_waits(item: ItemDef, waits_for: list[str], items: list[ItemDef]) -> list[str]:
    """Each waited-for item exists in the version, in the same or an earlier stage (an item
    cannot wait for a stage that opens only after its own closes), and no cycle forms."""
    by_code = {i.code: i for i in items}
    out: list[str] = []
    for code in waits_for:
        code = code.strip()
        if not code or code in out:
            continue
        other = by_code.get(code)
        if other is None or code == item.code:
            raise GaoxinError(
                errors.VALUE_INVALID,
                field_zh=f"{item.code} 须等待",
                field_en=f"{item.code} waits for",
                value=code,
                reason_zh="不是本版本的其他审批事项",
                reason_en="not another approval item of this version",
            )
        ensure(
            other.stage.order <= item.stage.order,
            errors.VALUE_INVALID,
            field_zh=f"{item.code} 须等待",
            field_en=f"{item.code} waits for",
            value=code,
            reason_zh=f"属于后面的第 {other.stage.order} 阶段，本事项的阶段办结前它不会开始",
            reason_en=(
                f"it belongs to the later stage {other.stage.order}, which opens only after "
                "this item's stage closes"
            ),
        )
        out.append(code)
    graph = {i.code: list(i.waits_for) for i in items}
    graph[item.code] = out
    cycle = _cycle(graph)
    ensure(
        cycle is None,
        errors.VALUE_INVALID,
        field_zh=f"{item.code} 须等待",
        field_en=f"{item.code} waits for",
        value=", ".join(out),
        reason_zh="形成循环等待：" + " → ".join(cycle or []),
        reason_en="the items would wait for each other: " + " → ".join(cycle or []),
    )
    return out


def _check_documents(
    item_code: str, documents: list[tuple[str, bool]], version: TemplateVersion
) -> list[list[object]]:
    names = dict(version.documents.values_list("code", "name"))
    out: list[list[object]] = []
    seen: set[str] = set()
    for code, deferrable in documents:
        ensure(
            code in names,
            errors.VALUE_INVALID,
            field_zh=f"{item_code} 申请材料",
            field_en=f"{item_code} documents",
            value=code,
            reason_zh="不是本版本的材料，请先添加材料定义",
            reason_en="not a document of this version; add its definition first",
        )
        if code not in seen:
            seen.add(code)
            out.append([code, names[code], bool(deferrable)])
    return out


@transaction.atomic
def item_def_edit(
    *,
    actor: Actor,
    item_def_pk: int,
    limit_days: int | None = None,
    department: str | None = None,
    commitment: bool | None = None,
    prereviewable: bool | None = None,
    waits_for: list[str] | None = None,
    documents: list[tuple[str, bool]] | None = None,
) -> ItemDef:
    """Edit an item of a draft; `documents` are (code, may follow later 容缺) pairs."""
    _ensure_admin(actor)
    found = ItemDef.objects.filter(pk=item_def_pk).values_list("stage__version_id", flat=True)
    if not found:
        raise GaoxinError(errors.NOT_FOUND, what_zh="审批事项", what_en="item", key=item_def_pk)
    version = _draft(found[0])
    items = list(
        ItemDef.objects.select_related("stage")
        .select_for_update(of=("self",))
        .filter(stage__version=version)
    )
    item = next(i for i in items if i.pk == item_def_pk)
    fields = ("limit_days", "department_id", "commitment", "prereviewable", "waits_for")
    before = {f: getattr(item, f) for f in fields} | {"documents": item.documents}
    if limit_days is not None:
        item.limit_days = _limit(limit_days, item.code)
    if department is not None:
        item.department = _department(department)
    if commitment is not None:
        item.commitment = commitment
    if prereviewable is not None:
        item.prereviewable = prereviewable
    if waits_for is not None:
        item.waits_for = _check_waits(item, waits_for, items)
    if documents is not None:
        item.documents = _check_documents(item.code, documents, version)
    item.save()
    after = {f: getattr(item, f) for f in fields} | {"documents": item.documents}
    audit.record(
        actor=actor,
        action="approvals.template.item_edited",
        obj=item,
        before=before,
        after=after,
    )
    return item


@transaction.atomic
def item_def_add(
    *,
    actor: Actor,
    stage_def_pk: int,
    code: str,
    name: str,
    department: str,
    limit_days: int,
) -> ItemDef:
    """A new item in a draft's stage (no documents yet; edit it to add them)."""
    _ensure_admin(actor)
    found = StageDef.objects.filter(pk=stage_def_pk).values_list("version_id", flat=True)
    if not found:
        raise GaoxinError(errors.NOT_FOUND, what_zh="阶段", what_en="stage", key=stage_def_pk)
    version = _draft(found[0])
    stage = StageDef.objects.select_for_update().get(pk=stage_def_pk)
    code = _text(code, field_zh="事项编码", field_en="item code", max_length=32)
    name = _text(name, field_zh="事项名称", field_en="item name", max_length=200)
    taken = ItemDef.objects.filter(stage__version=version, code=code).exists()
    ensure(
        not taken,
        errors.VALUE_INVALID,
        field_zh="事项编码",
        field_en="item code",
        value=code,
        reason_zh="本版本已有此编码的事项",
        reason_en="this version already has an item with this code",
    )
    item = ItemDef.objects.create(
        stage=stage,
        code=code,
        name=name,
        department=_department(department),
        limit_days=_limit(limit_days, code),
    )
    audit.record(
        actor=actor,
        action="approvals.template.item_added",
        obj=item,
        after={"stage": stage.order, "code": code, "name": name, "limit_days": limit_days},
    )
    return item


@transaction.atomic
def item_def_remove(*, actor: Actor, item_def_pk: int) -> TemplateVersion:
    """Remove an item from a draft; never the last of its stage, never one others wait for."""
    _ensure_admin(actor)
    found = ItemDef.objects.filter(pk=item_def_pk).values_list("stage__version_id", flat=True)
    if not found:
        raise GaoxinError(errors.NOT_FOUND, what_zh="审批事项", what_en="item", key=item_def_pk)
    version = _draft(found[0])
    items = list(
        ItemDef.objects.select_related("stage")
        .select_for_update(of=("self",))
        .filter(stage__version=version)
    )
    item = next(i for i in items if i.pk == item_def_pk)
    siblings = [i for i in items if i.stage_id == item.stage_id]
    ensure(len(siblings) > 1, errors.STAGE_LEFT_EMPTY, stage=item.stage.name, item=item.code)
    waiting = sorted(i.code for i in items if item.code in i.waits_for)
    ensure(not waiting, errors.ITEM_WAITED_FOR, item=item.code, others="、".join(waiting))
    audit.record(
        actor=actor,
        action="approvals.template.item_removed",
        obj=version,
        before={"code": item.code, "name": item.name, "stage": item.stage.order},
    )
    item.delete()
    return version


@transaction.atomic
def stage_def_edit(*, actor: Actor, stage_def_pk: int, name: str, lead_department: str) -> StageDef:
    _ensure_admin(actor)
    found = StageDef.objects.filter(pk=stage_def_pk).values_list("version_id", flat=True)
    if not found:
        raise GaoxinError(errors.NOT_FOUND, what_zh="阶段", what_en="stage", key=stage_def_pk)
    _draft(found[0])
    stage = StageDef.objects.select_for_update().get(pk=stage_def_pk)
    before = {"name": stage.name, "lead_department": stage.lead_department_id}
    stage.name = _text(name, field_zh="阶段名称", field_en="stage name", max_length=100)
    stage.lead_department = _department(lead_department)
    stage.save(update_fields=["name", "lead_department"])
    audit.record(
        actor=actor,
        action="approvals.template.stage_edited",
        obj=stage,
        before=before,
        after={"name": stage.name, "lead_department": stage.lead_department_id},
    )
    return stage


@transaction.atomic
def document_def_add(*, actor: Actor, version_pk: int, code: str, name: str) -> DocumentDef:
    _ensure_admin(actor)
    version = _draft(version_pk)
    code = _text(code, field_zh="材料编码", field_en="document code", max_length=32)
    name = _text(name, field_zh="材料名称", field_en="document name", max_length=200)
    ensure(
        not version.documents.filter(code=code).exists(),
        errors.VALUE_INVALID,
        field_zh="材料编码",
        field_en="document code",
        value=code,
        reason_zh="本版本已有此编码的材料",
        reason_en="this version already has a document with this code",
    )
    doc = DocumentDef.objects.create(version=version, code=code, name=name)
    audit.record(
        actor=actor,
        action="approvals.template.document_added",
        obj=version,
        after={"code": code, "name": name},
    )
    return doc


@transaction.atomic
def version_publish(*, actor: Actor, version_pk: int) -> TemplateVersion:
    """The draft becomes the version new projects start on; the published one retires.
    Running projects keep the version they started with."""
    _ensure_admin(actor)
    template_pk = TemplateVersion.objects.filter(pk=version_pk).values_list(
        "template_id", flat=True
    )
    ProcessTemplate.objects.select_for_update().filter(pk__in=list(template_pk)).first()
    version = _draft(version_pk)
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
