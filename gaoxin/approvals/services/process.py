"""The applicant's and the one window's side: a project, its stage packages, the lead
department's completeness check and dispatch, answers to corrections, promised documents, and
the land contract that turns pre-reviews into decisions (拿地即开工)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction

from gaoxin.common import audit, workdays
from gaoxin.common.actors import Actor, user_of
from gaoxin.common.errors import GaoxinError, ensure
from gaoxin.registry.models import Enterprise

from .. import access, clock, errors
from ..choices import DocumentStatus, ItemStatus, StageStatus, VersionStatus
from ..models import Project, ProjectDocument, ProjectItem, ProjectStage, TemplateVersion
from ..states import ITEM, STAGE
from ._common import (
    actor_name,
    advance,
    certificate_issue,
    item_pauses,
    lock_items,
    lock_project,
    lock_stages,
    received_codes,
)


def _forbidden(what_zh: str, what_en: str) -> GaoxinError:
    return GaoxinError(errors.NOT_ALLOWED, what_zh=what_zh, what_en=what_en)


@transaction.atomic
def project_start(
    *,
    actor: Actor,
    credit_code: str,
    name: str,
    parcel: str,
    investment: str | Decimal,
    template: str = "default",
    green_channel: bool = False,
    agent_authorisation: str = "",
    land_contract_on: date | None = None,
) -> Project:
    """A project on the template's published version, its stages and items copied from it. When
    an agent (帮办代办) files it, the enterprise's authorisation reference is required and kept."""
    credit_code = (credit_code or "").strip().upper()
    enterprise = Enterprise.objects.filter(credit_code=credit_code).first()
    if enterprise is None:
        raise GaoxinError(errors.UNKNOWN_ENTERPRISE, code=credit_code or "—")
    if not access.can_file_for(actor, credit_code):
        raise _forbidden("该企业", "this enterprise")
    name, parcel = (name or "").strip(), (parcel or "").strip()
    ensure(bool(name), errors.FIELD_REQUIRED, field_zh="项目名称", field_en="project name")
    ensure(bool(parcel), errors.FIELD_REQUIRED, field_zh="地块", field_en="land parcel")
    try:
        amount = Decimal(str(investment))
    except InvalidOperation:
        amount = Decimal(-1)
    ensure(
        amount >= 0 and amount < Decimal("1e12"),
        errors.VALUE_INVALID,
        field_zh="投资额",
        field_en="investment",
        value=str(investment)[:20],
        reason_zh="应为不小于 0 的金额（万元）",
        reason_en="a non-negative amount in 10k yuan",
    )
    acting_as_agent = credit_code not in access.enterprises(actor)
    if acting_as_agent:
        ensure(
            bool(agent_authorisation.strip()),
            errors.FIELD_REQUIRED,
            field_zh="企业授权委托书编号",
            field_en="the enterprise's authorisation reference",
        )
    version = (
        TemplateVersion.objects.filter(template__code=template, status=VersionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise GaoxinError(errors.NO_TEMPLATE, code=template)
    today = clock.today()
    number = f"XM{today:%Y}{Project.objects.count() + 1:05d}"
    while Project.objects.filter(number=number).exists():
        number += "A"
    project = Project.objects.create(
        number=number,
        name=name[:200],
        enterprise=enterprise,
        version=version,
        parcel=parcel[:100],
        investment=amount,
        green_channel=green_channel,
        agent=user_of(actor) if acting_as_agent else None,
        agent_authorisation=agent_authorisation.strip()[:200] if acting_as_agent else "",
        agent_authorised_on=today if acting_as_agent else None,
        started_on=today,
        land_contract_on=land_contract_on,
    )
    items: list[ProjectItem] = []
    for sd in version.stages.select_related("lead_department").prefetch_related("items"):
        stage = ProjectStage.objects.create(
            project=project,
            order=sd.order,
            name=sd.name,
            lead_department=sd.lead_department,
            issues_permit=sd.issues_permit,
            status=StageStatus.OPEN if sd.order == 1 else StageStatus.WAITING,
            opened_on=today if sd.order == 1 else None,
        )
        items += [
            ProjectItem(
                project=project,
                stage=stage,
                code=d.code,
                name=d.name,
                department_id=d.department_id,
                limit_days=d.limit_days,
                commitment=d.commitment,
                prereviewable=d.prereviewable,
                waits_for=list(d.waits_for),
                documents=[list(x) for x in d.documents],
            )
            for d in sd.items.all()
        ]
    ProjectItem.objects.bulk_create(items)
    audit.record(
        actor=actor,
        action="approvals.project.started",
        obj=project,
        after={
            "number": number,
            "credit_code": credit_code,
            "version": version.number,
            "agent_authorisation": project.agent_authorisation,
            "green_channel": green_channel,
        },
    )
    return project


@dataclass(frozen=True)
class Upload:
    file_name: str
    content: bytes


@transaction.atomic
def package_submit(
    *,
    actor: Actor,
    stage_pk: int,
    uploads: dict[str, Upload],
    promises: dict[str, date] | None = None,
    drafts: bool = False,
) -> ProjectStage:
    """The stage's package, once: every document its items need, each uploaded once (a document
    already received for an earlier stage is reused). A document missing now is accepted only
    when an item marks it 容缺, with a promise date."""
    promises = promises or {}
    stage = ProjectStage.objects.select_related("project").get(pk=stage_pk)
    project = lock_project(stage.project_id)
    if not access.is_applicant_of(actor, project):
        raise _forbidden("该项目", "this project")
    stages = lock_stages(project)
    stage = next(s for s in stages if s.pk == stage_pk)
    STAGE.ensure(stage.status, StageStatus.SUBMITTED)
    items = [i for i in lock_items(project) if i.stage_id == stage.pk]
    needed: dict[str, tuple[str, bool]] = {}
    for it in items:
        for doc in it.documents:
            code, docname, deferrable = doc[0], doc[1], bool(doc[2])
            was = needed.get(code)
            needed[code] = (docname, deferrable or (was[1] if was else False))
    existing = {
        d.code: d for d in ProjectDocument.objects.select_for_update().filter(project=project)
    }
    today = clock.today()
    reused, added, promised = [], [], []
    for code, (docname, deferrable) in sorted(needed.items()):
        have = existing.get(code)
        upload = uploads.get(code)
        if upload is not None and upload.content:
            digest = hashlib.sha256(upload.content).hexdigest()
            values = {
                "name": docname,
                "status": DocumentStatus.RECEIVED,
                "file_name": upload.file_name[:200],
                "sha256": digest,
                "received_on": today,
                "promised_on": None,
            }
            ProjectDocument.objects.update_or_create(project=project, code=code, defaults=values)
            added.append(code)
        elif have is not None and have.status == DocumentStatus.RECEIVED:
            reused.append(code)
        elif have is not None and have.status == DocumentStatus.PROMISED:
            promised.append(code)
        else:
            ensure(deferrable, errors.DOCUMENT_MISSING, name=docname, code=code)
            due = promises.get(code)
            ensure(
                due is not None and due >= today,
                errors.PROMISE_DATE_REQUIRED,
                name=docname,
                code=code,
            )
            ProjectDocument.objects.update_or_create(
                project=project,
                code=code,
                defaults={"name": docname, "status": DocumentStatus.PROMISED, "promised_on": due},
            )
            promised.append(code)
    stage.submitted_on = today
    STAGE.apply(
        actor=actor,
        obj=stage,
        target=StageStatus.SUBMITTED,
        after={"added": added, "reused": reused, "promised": promised},
        update_fields=["submitted_on"],
    )
    return stage


@transaction.atomic
def package_return(*, actor: Actor, stage_pk: int, note: str) -> ProjectStage:
    """Incomplete: the package goes back to the applicant with what is missing."""
    stage = ProjectStage.objects.select_related("lead_department").get(pk=stage_pk)
    if not access.can_intake(actor, stage):
        raise _forbidden("该阶段", "this stage")
    project = lock_project(stage.project_id)
    stage = next(s for s in lock_stages(project) if s.pk == stage_pk)
    ensure(
        bool(note.strip()), errors.FIELD_REQUIRED, field_zh="退回理由", field_en="what is missing"
    )
    stage.intake_note = note.strip()[:500]
    STAGE.apply(
        actor=actor,
        obj=stage,
        target=StageStatus.OPEN,
        after={"note": stage.intake_note},
        update_fields=["intake_note"],
    )
    return stage


@transaction.atomic
def package_dispatch(*, actor: Actor, stage_pk: int) -> ProjectStage:
    """The lead department accepts the package and sends every item to its department at the
    same moment (并联审批); each item's clock starts today."""
    stage = ProjectStage.objects.select_related("lead_department").get(pk=stage_pk)
    if not access.can_intake(actor, stage):
        raise _forbidden("该阶段", "this stage")
    project = lock_project(stage.project_id)
    stages = lock_stages(project)
    stage = next(s for s in stages if s.pk == stage_pk)
    STAGE.ensure(stage.status, StageStatus.IN_REVIEW)
    items = lock_items(project)
    cal = workdays.calendar()
    today = clock.today()
    for it in items:
        if it.stage_id != stage.pk or it.status != ItemStatus.PENDING:
            continue
        it.dispatched_on = today
        it.due_on = cal.add(today, it.limit_days).due
        it.target_on = (
            cal.add(today, clock.green_target(it.limit_days)).due if project.green_channel else None
        )
        it.version += 1
        ITEM.apply(
            actor=actor,
            obj=it,
            target=ItemStatus.IN_REVIEW,
            after={"due_on": str(it.due_on)},
            update_fields=["dispatched_on", "due_on", "target_on", "version"],
        )
    stage.dispatched_on = today
    STAGE.apply(
        actor=actor, obj=stage, target=StageStatus.IN_REVIEW, update_fields=["dispatched_on"]
    )
    return stage


@transaction.atomic
def correction_answer(*, actor: Actor, item_pk: int, note: str = "") -> ProjectItem:
    """The applicant answers a correction: the days it took leave the item's clock, which runs
    again from today with its deadline moved by them."""
    item = ProjectItem.objects.select_related("project").get(pk=item_pk)
    project = lock_project(item.project_id)
    if not access.is_applicant_of(actor, project):
        raise _forbidden("该项目", "this project")
    item = next(i for i in lock_items(project) if i.pk == item_pk)
    ITEM.ensure(item.status, ItemStatus.IN_REVIEW)
    today = clock.today()
    span = clock.pause_span(item.paused_since or today, today)
    if span is not None:
        item.pauses = [*item.pauses, [str(span[0]), str(span[1])]]
    item.paused_since = None
    cal = workdays.calendar()
    started = item.dispatched_on or today
    item.due_on = cal.add(started, item.limit_days, pauses=item_pauses(item)).due
    if item.target_on is not None:
        item.target_on = cal.add(
            started, clock.green_target(item.limit_days), pauses=item_pauses(item)
        ).due
    item.version += 1
    item.decided_by = actor_name(actor)
    ITEM.apply(
        actor=actor,
        obj=item,
        target=ItemStatus.IN_REVIEW,
        after={"due_on": str(item.due_on), "note": note[:500]},
        update_fields=["pauses", "paused_since", "due_on", "target_on", "version", "decided_by"],
    )
    return item


@transaction.atomic
def document_receive(
    *, actor: Actor, project_pk: int, code: str, upload: Upload
) -> ProjectDocument:
    """A document arrives outside a package: a promised (容缺) one (held certificates are then
    issued, suspended items go back to where they were), or one uploaded ahead of its stage."""
    project = lock_project(project_pk)
    if not access.is_applicant_of(actor, project):
        raise _forbidden("该项目", "this project")
    stages = lock_stages(project)
    items = lock_items(project)
    ensure(bool(upload.content), errors.FIELD_REQUIRED, field_zh="文件", field_en="file")
    doc = ProjectDocument.objects.select_for_update().filter(project=project, code=code).first()
    if doc is None:
        # Uploaded ahead of its stage (e.g. the drafts a pre-review reads): kept for reuse.
        names = {d[0]: d[1] for it in items for d in it.documents}
        ensure(code in names, errors.NOT_FOUND, what_zh="材料", what_en="document", key=code)
        doc = ProjectDocument(project=project, code=code, name=names[code])
    today = clock.today()
    doc.status = DocumentStatus.RECEIVED
    doc.file_name = upload.file_name[:200]
    doc.sha256 = hashlib.sha256(upload.content).hexdigest()
    doc.received_on = today
    doc.save()
    audit.record(
        actor=actor,
        action="approvals.document.received",
        obj=doc,
        after={"code": code, "sha256": doc.sha256},
    )
    received = received_codes(project)
    for it in items:
        if any(d[0] not in received for d in it.documents):
            continue
        if it.status == ItemStatus.SUSPENDED:
            target = it.suspended_from or ItemStatus.IN_REVIEW
            it.suspended_from = ""
            it.version += 1
            ITEM.apply(
                actor=actor, obj=it, target=target, update_fields=["suspended_from", "version"]
            )
        if it.certificate_held and it.status in (ItemStatus.APPROVED, ItemStatus.CONDITIONAL):
            it.certificate_held = False
            it.save(update_fields=["certificate_held"])
            certificate_issue(it, project, today)
    advance(
        actor=actor, project=project, stages=stages, items=items, cal=workdays.calendar(), day=today
    )
    return doc


@transaction.atomic
def land_contract_enter(*, actor: Actor, project_pk: int, signed_on: date) -> Project:
    """The land contract is signed: every pre-reviewed item becomes a formal approval dated that
    day, in one step, and the stages they complete close at once — the construction permit can
    issue the same day (拿地即开工)."""
    project = lock_project(project_pk)
    if not access.can_enter_land_contract(actor, project):
        raise _forbidden("该项目", "this project")
    today = clock.today()
    ensure(
        project.land_contract_on is None and signed_on <= today,
        errors.VALUE_INVALID,
        field_zh="土地出让合同签订日期",
        field_en="land contract date",
        value=str(signed_on),
        reason_zh="合同日期已录入，或晚于今天",
        reason_en="already entered, or later than today",
    )
    stages = lock_stages(project)
    items = lock_items(project)
    project.land_contract_on = signed_on
    project.save(update_fields=["land_contract_on"])
    audit.record(
        actor=actor,
        action="approvals.project.land_contract",
        obj=project,
        after={"signed_on": str(signed_on)},
    )
    cal = workdays.calendar()
    received = received_codes(project)
    for it in items:
        if it.status != ItemStatus.PREREVIEWED:
            continue
        it.decided_on = signed_on
        start = it.dispatched_on or it.prereviewed_on or signed_on
        it.dispatched_on = it.dispatched_on or start
        # From the day after the pre-review to the day before the contract the item waited for
        # the applicant's land: its clock stood still.
        reviewed = it.prereviewed_on or start
        wait = clock.pause_span(reviewed + timedelta(days=1), signed_on)
        if wait is not None:
            it.pauses = [*it.pauses, [str(wait[0]), str(wait[1])]]
        it.working_days = cal.count(start, signed_on, pauses=item_pauses(it)).days
        it.certificate_held = any(d[0] not in received for d in it.documents)
        it.version += 1
        ITEM.apply(
            actor=actor,
            obj=it,
            target=ItemStatus.APPROVED,
            after={"decided_on": str(signed_on), "from_prereview": True},
            update_fields=[
                "decided_on",
                "dispatched_on",
                "pauses",
                "working_days",
                "certificate_held",
                "version",
            ],
        )
        if not it.certificate_held:
            certificate_issue(it, project, signed_on)
    # A stage every item of which is now decided closes on the contract date, and opens the next.
    for s in stages:
        if s.status in (StageStatus.OPEN, StageStatus.WAITING) and s.submitted_on is None:
            own = [i for i in items if i.stage_id == s.pk]
            if own and all(i.decided_on for i in own):
                s.submitted_on = min(i.prereviewed_on or signed_on for i in own)
                s.save(update_fields=["submitted_on"])
    advance(actor=actor, project=project, stages=stages, items=items, cal=cal, day=signed_on)
    return project
