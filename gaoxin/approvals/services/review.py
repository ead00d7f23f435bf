"""The departments' side: decisions (on the page or pushed by their systems), pre-review
before land, 告知承诺 compliance checks, and the certificate's courier delivery."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from gaoxin.common import audit, notifications, workdays
from gaoxin.common.actors import Actor
from gaoxin.common.errors import GaoxinError, ensure

from .. import access, clock, errors
from ..choices import ENDED, CheckStatus, Decision, ItemStatus
from ..models import (
    Certificate,
    ComplianceCheck,
    Department,
    ExternalDecision,
    Project,
    ProjectItem,
)
from ..states import ITEM
from ._common import (
    actor_name,
    advance,
    certificate_issue,
    item_pauses,
    lock_items,
    lock_project,
    lock_stages,
    received_codes,
    recipients,
)

TARGET = {
    Decision.APPROVE: ItemStatus.APPROVED,
    Decision.CONDITIONAL: ItemStatus.CONDITIONAL,
    Decision.CORRECTION: ItemStatus.CORRECTION,
    Decision.REFUSE: ItemStatus.REFUSED,
}


def _item_project(item_pk: int) -> Project:
    row = ProjectItem.objects.filter(pk=item_pk).values_list("project_id", flat=True).first()
    if row is None:
        raise GaoxinError(errors.NOT_FOUND, what_zh="事项", what_en="item", key=item_pk)
    return lock_project(row)


def _conflict(item: ProjectItem) -> GaoxinError:
    return GaoxinError(
        errors.CONFLICT,
        item=f"{item.project.number}/{item.code}",
        who=item.decided_by or "—",
        what=str(ItemStatus(item.status).label),
    )


@transaction.atomic
def item_decide(
    *,
    actor: Actor,
    item_pk: int,
    decision: str,
    version: int | None,
    text: str = "",
) -> ProjectItem:
    """A department's decision on an item in review. `version`: the item's version the reviewer
    was shown (None from a department's system: the state alone is checked). Two reviewers at
    the same moment: the project row is locked first, so the second sees the first's decision
    and is told who made it; nothing of theirs is written."""
    try:
        chosen = Decision(decision)
    except ValueError:
        raise GaoxinError(
            errors.VALUE_INVALID,
            field_zh="决定",
            field_en="decision",
            value=str(decision)[:20],
            reason_zh="应为 approve、conditional、correction 或 refuse",
            reason_en="one of approve, conditional, correction, refuse",
        ) from None
    project = _item_project(item_pk)
    stages = lock_stages(project)
    items = lock_items(project)
    item = next(i for i in items if i.pk == item_pk)
    item.project = project
    if not access.can_decide(actor, item):
        raise GaoxinError(errors.NOT_ALLOWED, what_zh="该事项", what_en="this item")
    if item.status != ItemStatus.IN_REVIEW or (version is not None and version != item.version):
        raise _conflict(item)
    text = (text or "").strip()
    if chosen != Decision.APPROVE:
        ensure(bool(text), errors.REASON_REQUIRED, decision=str(chosen.label))
    today = clock.today()
    if chosen != Decision.CORRECTION:
        for other in item.waits_for:
            before = next((i for i in items if i.code == other), None)
            if before is not None and before.status not in ENDED:
                raise GaoxinError(
                    errors.WAITING_FOR, item=item.code, other=f"{before.code} {before.name}"
                )
    item.version += 1
    item.decided_by = actor_name(actor)
    fields = ["version", "decided_by"]
    if chosen == Decision.CORRECTION:
        item.paused_since = today
        item.correction_request = text[:2000]
        fields += ["paused_since", "correction_request"]
    else:
        cal = workdays.calendar()
        item.decided_on = today
        item.working_days = cal.count(
            item.dispatched_on or today, today, pauses=item_pauses(item)
        ).days
        fields += ["decided_on", "working_days"]
        if chosen == Decision.CONDITIONAL:
            item.conditions = text[:2000]
            fields.append("conditions")
        if chosen == Decision.REFUSE:
            item.reasons = text[:2000]
            fields.append("reasons")
        if chosen in (Decision.APPROVE, Decision.CONDITIONAL):
            received = received_codes(project)
            item.certificate_held = any(d[0] not in received for d in item.documents)
            fields.append("certificate_held")
    ITEM.apply(
        actor=actor,
        obj=item,
        target=TARGET[chosen],
        after={"text": text[:500], "decided_on": str(item.decided_on or "")},
        update_fields=fields,
    )
    if chosen in (Decision.APPROVE, Decision.CONDITIONAL):
        if item.commitment:
            due = workdays.calendar().add(today, item.limit_days).due
            check = ComplianceCheck.objects.create(item=item, due_on=due)
            audit.record(
                actor=actor,
                action="approvals.check.opened",
                obj=check,
                after={"item": item.code, "due_on": str(due)},
            )
        if not item.certificate_held:
            certificate_issue(item, project, today)
    if chosen != Decision.CORRECTION:
        advance(
            actor=actor,
            project=project,
            stages=stages,
            items=items,
            cal=workdays.calendar(),
            day=today,
        )
    return item


@transaction.atomic
def item_prereview(*, actor: Actor, item_pk: int, note: str = "") -> ProjectItem:
    """容缺预审 before land: a pre-reviewable item reviewed on draft documents; it becomes a
    formal approval on the land contract date (process.land_contract_enter)."""
    project = _item_project(item_pk)
    lock_stages(project)
    item = next(i for i in lock_items(project) if i.pk == item_pk)
    item.project = project
    if not access.can_decide(actor, item):
        raise GaoxinError(errors.NOT_ALLOWED, what_zh="该事项", what_en="this item")
    ensure(
        item.prereviewable and project.land_contract_on is None,
        errors.NOT_PREREVIEWABLE,
        item=item.code,
    )
    if item.status not in (ItemStatus.PENDING, ItemStatus.IN_REVIEW):
        raise _conflict(item)
    item.prereviewed_on = clock.today()
    item.decided_by = actor_name(actor)
    item.version += 1
    ITEM.apply(
        actor=actor,
        obj=item,
        target=ItemStatus.PREREVIEWED,
        after={"note": note[:500]},
        update_fields=["prereviewed_on", "decided_by", "version"],
    )
    return item


@transaction.atomic
def compliance_check_record(
    *, actor: Actor, item_pk: int, passed: bool, finding: str = ""
) -> ComplianceCheck:
    """The 告知承诺 check: passed, or failed — the approval is revoked and its certificate
    marked revoked, visibly, and the applicant told."""
    project = _item_project(item_pk)
    item = next(i for i in lock_items(project) if i.pk == item_pk)
    item.project = project
    if not access.can_check_compliance(actor, item):
        raise GaoxinError(errors.NOT_ALLOWED, what_zh="该事项", what_en="this item")
    check = ComplianceCheck.objects.select_for_update().filter(item=item).first()
    if check is None:
        raise GaoxinError(
            errors.NOT_FOUND, what_zh="核查", what_en="compliance check", key=item.code
        )
    if check.status != CheckStatus.OPEN:
        raise _conflict(item)
    finding = finding.strip()
    ensure(passed or bool(finding), errors.REASON_REQUIRED, decision="核查不通过 / check failed")
    check.status = CheckStatus.PASSED if passed else CheckStatus.FAILED
    check.finding = finding[:2000]
    check.checked_on = clock.today()
    check.save()
    audit.record(
        actor=actor,
        action="approvals.check.recorded",
        obj=check,
        after={"item": item.code, "passed": passed, "finding": finding[:500]},
    )
    if not passed:
        item.reasons = f"告知承诺核查不通过：{finding}"[:2000]
        item.version += 1
        ITEM.apply(
            actor=actor,
            obj=item,
            target=ItemStatus.REVOKED,
            after={"finding": finding[:500]},
            update_fields=["reasons", "version"],
        )
        Certificate.objects.filter(item=item).update(revoked=True)
        people = [project.agent] if project.agent else []
        notifications.notify(
            recipients=people + recipients([item.department.code]),
            subject=f"审批已撤销 Approval revoked: {project.number} {item.name}",
            body=item.reasons,
            link=f"/approvals/projects/{project.pk}/",
        )
    return check


@transaction.atomic
def _storable(value: str, zh: str, en: str) -> None:
    """A text from another system that the database can hold: no NUL (PostgreSQL refuses it
    in text) and no lone surrogate (not UTF-8)."""
    text = value or ""
    try:
        text.encode("utf-8")
        bad = "\x00" in text
    except UnicodeEncodeError:
        bad = True
    if bad:
        shown = "".join(
            ch if ch.isprintable() and not "\ud800" <= ch <= "\udfff" else f"\\u{ord(ch):04x}"
            for ch in text[:20]
        )
        raise GaoxinError(
            errors.VALUE_INVALID,
            field_zh=zh,
            field_en=en,
            value=shown,
            reason_zh="含有不允许的字符（NUL 或无效的 Unicode 字符）",
            reason_en="it contains a character that is not allowed (NUL or invalid Unicode)",
        )


def decision_push(
    *,
    actor: Actor,
    department: str,
    case_number: str,
    project_number: str,
    item_code: str,
    decision: str,
    text: str = "",
) -> tuple[ProjectItem, bool]:
    """A decision from a department's own system, once per its case number: the same case sent
    again changes nothing (returns the item, False); the case number reused for another decision
    is refused."""
    for value, zh, en in (
        (department, "部门", "department"),
        (case_number, "案件号", "case number"),
        (project_number, "项目编号", "project"),
        (item_code, "事项", "item"),
        (decision, "决定", "decision"),
        (text, "说明", "text"),
    ):
        _storable(value, zh, en)
    case_number = (case_number or "").strip()
    ensure(bool(case_number), errors.FIELD_REQUIRED, field_zh="案件号", field_en="case number")
    dept = Department.objects.filter(code=department).first()
    if dept is None:
        raise GaoxinError(errors.NOT_FOUND, what_zh="部门", what_en="department", key=department)
    payload: dict[str, Any] = {
        "project": project_number,
        "item": item_code,
        "decision": decision,
        "text": text.strip(),
    }
    item = (
        ProjectItem.objects.filter(project__number=project_number, code=item_code)
        .select_related("department")
        .first()
    )
    if item is None:
        raise GaoxinError(
            errors.NOT_FOUND, what_zh="事项", what_en="item", key=f"{project_number}/{item_code}"
        )
    if item.department_id != dept.pk or not access.can_decide(actor, item):
        raise GaoxinError(errors.NOT_ALLOWED, what_zh="该事项", what_en="this item")
    lock_project(item.project_id)
    seen = (
        ExternalDecision.objects.select_for_update()
        .filter(department=dept, case_number=case_number)
        .first()
    )
    if seen is not None:
        if seen.payload != payload:
            raise GaoxinError(errors.CASE_REUSED, case=case_number, item=seen.payload.get("item"))
        item.refresh_from_db()
        return item, False
    decided = item_decide(actor=actor, item_pk=item.pk, decision=decision, version=None, text=text)
    ExternalDecision.objects.create(
        department=dept, case_number=case_number, item=decided, payload=payload
    )
    return decided, True


@transaction.atomic
def delivery_record(
    *, actor: Actor, code: str, carrier: str, tracking_number: str, delivered: bool = False
) -> Certificate:
    """Free courier delivery of the paper certificate: shipped with carrier and tracking
    number, then marked delivered."""
    if not access.can_record_delivery(actor):
        raise GaoxinError(errors.NOT_ALLOWED, what_zh="证照寄递", what_en="certificate delivery")
    cert = Certificate.objects.select_for_update().filter(code=code).first()
    if cert is None:
        raise GaoxinError(errors.NOT_FOUND, what_zh="证照", what_en="certificate", key=code)
    today = clock.today()
    if delivered:
        ensure(
            bool(cert.tracking_number),
            errors.FIELD_REQUIRED,
            field_zh="快递单号",
            field_en="tracking number",
        )
        cert.delivered_on = today
    else:
        carrier, tracking_number = carrier.strip(), tracking_number.strip()
        ensure(bool(carrier), errors.FIELD_REQUIRED, field_zh="快递公司", field_en="carrier")
        ensure(
            bool(tracking_number),
            errors.FIELD_REQUIRED,
            field_zh="快递单号",
            field_en="tracking number",
        )
        cert.carrier, cert.tracking_number, cert.shipped_on = (
            carrier[:50],
            tracking_number[:64],
            today,
        )
    cert.save()
    audit.record(
        actor=actor,
        action="approvals.certificate.delivered" if delivered else "approvals.certificate.shipped",
        obj=cert,
        after={"carrier": cert.carrier, "tracking_number": cert.tracking_number},
    )
    return cert
