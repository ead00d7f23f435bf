"""Work safety (安全生产): checklist templates kept in versions, inspections against one version,
hazards (隐患) with severity, photo evidence, a rectification deadline in working days by
severity, the re-inspection that closes or reopens them, and the deadline job that escalates an
overdue hazard (grid officer → grid leader → the emergency-management department, 应急).

The job, like the requests' (escalation.py), locks each hazard and checks again that its step is
still overdue before moving it, in one transaction per chunk: run twice, or killed half-way, it
never escalates a hazard twice for the same lapse (the second run finds the new step not due)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.common import audit, notifications, workdays
from gaoxin.common.actors import SCHEDULER, Actor, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure

from .. import access, clock, errors, selectors
from ..choices import HazardLevel, Severity
from ..choices import HazardStatus as H
from ..models import (
    ChecklistTemplate,
    ChecklistVersion,
    Hazard,
    HazardCheck,
    HazardPhoto,
    Inspection,
)
from ..states import HAZARD
from ._common import actor_name, text_field
from ._field import check_photos, field_settings, granted, save_photo
from .requests import _enterprise

CHUNK = 500
CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


# -- checklist templates ------------------------------------------------------------------------


def _items(text: str) -> list[str]:
    lines = [line.strip() for line in (text or "").splitlines()]
    items = [line for line in lines if line]
    ensure(1 <= len(items) <= 100, errors.CHECKLIST_INVALID, row=len(items) + 1)
    seen: set[str] = set()
    for row, item in enumerate(items, start=1):
        ensure(len(item) <= 200 and item not in seen, errors.CHECKLIST_INVALID, row=row)
        seen.add(item)
    return items


@transaction.atomic
def save_checklist(*, actor: Actor, code: str, name: str, items: str) -> ChecklistVersion:
    """Create a checklist template, or edit one: an edit that changes the items makes a new
    version (past inspections keep theirs); the same items again change nothing."""
    ensure(access.can_edit_field_settings(actor), NOT_ALLOWED)
    code = text_field(code, zh="检查表代码", en="Checklist code", limit=32).lower()
    ensure(
        set(code) <= CODE_CHARS,
        errors.CHOICE_INVALID,
        field_zh="检查表代码",
        field_en="Checklist code",
        value=code,
    )
    name = text_field(name, zh="检查表名称", en="Checklist name", limit=100)
    lines = _items(items)
    template = ChecklistTemplate.objects.select_for_update().filter(code=code).first()
    if template is None:
        template = ChecklistTemplate.objects.create(code=code, name=name)
    elif template.name != name:
        template.name = name
        template.save(update_fields=["name"])
    current = template.current()
    if current is not None and list(current.items) == lines:
        return current
    version = ChecklistVersion.objects.create(
        template=template,
        number=(current.number + 1) if current else 1,
        items=lines,
        created_by=user_of(actor),
    )
    audit.record(
        actor=actor,
        action="servicedesk.checklist.version_created",
        obj=version,
        before={"version": current.number if current else None},
        after={"template": code, "version": version.number, "items": lines},
    )
    return version


# -- inspections and hazards --------------------------------------------------------------------


@transaction.atomic
def inspect(
    *,
    actor: Actor,
    credit_code: str,
    template: str,
    results: dict[int, str],
    notes: str = "",
) -> Inspection:
    """An inspection of an enterprise of the officer's grid against the template's current
    version; `results` maps each item's index (0-based) to "pass" or "fail"."""
    enterprise = _enterprise(credit_code)
    today = clock.today()
    grid = selectors.grid_of(enterprise, today)
    if grid is None:
        raise GaoxinError(errors.NOT_IN_A_GRID, name=enterprise.name, code=enterprise.credit_code)
    ensure(access.can_work_in(actor, grid), NOT_ALLOWED)
    row = ChecklistTemplate.objects.filter(code=str(template)[:32], active=True).first()
    version = row.current() if row else None
    if version is None:
        raise GaoxinError(
            errors.UNKNOWN_CODE, field_zh="检查表", field_en="Checklist", value=str(template)[:32]
        )
    answers = []
    for index, item in enumerate(version.items):
        value = results.get(index, "")
        ensure(value in ("pass", "fail"), errors.CHECKLIST_ANSWERS, row=index + 1, item=item)
        answers.append(value == "pass")
    notes = text_field(notes, zh="检查记录", en="Notes", limit=5000, required=False)
    inspection = Inspection.objects.create(
        enterprise=enterprise,
        grid=grid,
        officer=user_of(actor),
        version=version,
        inspected_on=today,
        results=answers,
        notes=notes,
    )
    audit.record(
        actor=actor,
        action="servicedesk.inspection.recorded",
        obj=inspection,
        after={
            "enterprise": enterprise.credit_code,
            "template": row.code if row else "",
            "version": version.number,
            "failed": answers.count(False),
        },
    )
    return inspection


def _deadline(severity: str, start: date) -> workdays.Deadline:
    return workdays.calendar().add(start, field_settings().days(severity))


def _check(hazard: Hazard, actor: Actor, kind: str, text: str, passed: bool | None = None) -> None:
    HazardCheck.objects.create(
        hazard=hazard,
        kind=kind,
        passed=passed,
        text=text,
        author_name=actor_name(actor),
        on=clock.today(),
    )


def _photos(
    hazard: Hazard, actor: Actor, checked: list[tuple[UploadedFile, str, str, int]]
) -> None:
    for upload, kind, name, size in checked:
        row = HazardPhoto(
            hazard=hazard,
            original_name=name,
            size=size,
            content_type=kind,
            uploaded_by=user_of(actor),
        )
        save_photo(row, upload)
        row.save()


def answerable(hazard: Hazard, level: int) -> list[Any]:
    """Who is told about the hazard at `level`: the grid's officers, its leader, or the
    emergency department's officers."""
    if level == HazardLevel.OFFICER:
        return granted(roles.GRID_OFFICER, ScopeKind.GRID, {hazard.grid.code})
    if level == HazardLevel.LEADER:
        return granted(roles.GRID_LEADER, ScopeKind.GRID, {hazard.grid.code})
    return granted(roles.DEPARTMENT_OFFICER, ScopeKind.DEPARTMENT, {access.EMERGENCY_DEPARTMENT})


def _notify(people: list[Any], hazard: Hazard, subject: str, body: str) -> None:
    if people:
        notifications.notify(
            recipients=people,
            subject=f"{hazard.number} {subject}",
            body=body,
            link=f"/servicedesk/field/hazards/{hazard.number}/",
        )


@transaction.atomic
def add_hazard(
    *,
    actor: Actor,
    inspection: int,
    description: str,
    severity: str,
    photos: list[UploadedFile] | None = None,
) -> Hazard:
    """A hazard found at an inspection, due in the severity's working days."""
    row = Inspection.objects.select_related("grid", "enterprise").get(pk=inspection)
    ensure(access.can_work_in(actor, row.grid), NOT_ALLOWED)
    description = text_field(description, zh="隐患描述", en="Description", limit=2000)
    ensure(
        severity in Severity.values,
        errors.CHOICE_INVALID,
        field_zh="隐患等级",
        field_en="Severity",
        value=str(severity)[:20],
    )
    checked = check_photos(list(photos or []))
    today = clock.today()
    due = _deadline(severity, today)
    hazard = Hazard.objects.create(
        number=f"new-{uuid.uuid4().hex[:16]}",
        inspection=row,
        enterprise=row.enterprise,
        grid=row.grid,
        description=description,
        severity=severity,
        found_on=today,
        due_on=due.due,
        due_provisional=due.provisional,
        step_due=due.due,
    )
    hazard.number = f"YH{today.year}-{hazard.pk:06d}"
    hazard.save(update_fields=["number"])
    _photos(hazard, actor, checked)
    _check(hazard, actor, "found", description)
    audit.record(
        actor=actor,
        action="servicedesk.hazard.found",
        obj=hazard,
        after={
            "number": hazard.number,
            "enterprise": row.enterprise.credit_code,
            "severity": severity,
            "due": due.due,
            "due_provisional": due.provisional,
            "photos": len(checked),
        },
    )
    company = granted(roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE, {row.enterprise.credit_code})
    _notify(
        company,
        hazard,
        _("Work-safety hazard to rectify"),
        _("%(text)s — rectify by %(due)s.") % {"text": description, "due": due.due},
    )
    return hazard


def _locked(pk: int, version: int | None) -> Hazard:
    hazard = (
        Hazard.objects.select_for_update(of=("self",))
        .select_related("grid", "enterprise")
        .get(pk=pk)
    )
    if version is not None and version != hazard.version:
        raise GaoxinError(errors.HAZARD_CONFLICT, number=hazard.number)
    return hazard


@transaction.atomic
def report_rectified(
    *,
    actor: Actor,
    pk: int,
    version: int | None,
    text: str,
    photos: list[UploadedFile] | None = None,
) -> Hazard:
    """The enterprise (or its officer) reports the hazard rectified, with photos; the grid's
    officers are asked to re-inspect."""
    hazard = _locked(pk, version)
    ensure(access.can_report_rectified(actor, hazard), NOT_ALLOWED)
    text = text_field(text, zh="整改情况", en="What was done", limit=2000)
    checked = check_photos(list(photos or []))
    hazard.reported_on = clock.today()
    hazard.version += 1
    HAZARD.apply(
        actor=actor,
        obj=hazard,
        target=H.REPORTED,
        after={"reported_on": hazard.reported_on, "photos": len(checked)},
        update_fields=["reported_on", "version"],
    )
    _photos(hazard, actor, checked)
    _check(hazard, actor, "reported", text)
    _notify(
        answerable(hazard, HazardLevel.OFFICER),
        hazard,
        _("Hazard reported rectified: re-inspect it"),
        text,
    )
    return hazard


@transaction.atomic
def reinspect(
    *,
    actor: Actor,
    pk: int,
    version: int | None,
    passed: object,
    text: str,
    photos: list[UploadedFile] | None = None,
) -> Hazard:
    """A re-inspection on site: passed closes the hazard (rectified on the day it was reported,
    or today if nobody reported it); failed reopens it on its original deadline."""
    hazard = _locked(pk, version)
    ensure(access.can_reinspect(actor, hazard), NOT_ALLOWED)
    ensure(
        passed in ("pass", "fail"),
        errors.CHOICE_INVALID,
        field_zh="复查结论",
        field_en="Result of the re-inspection",
        value=str(passed)[:20],
    )
    text = text_field(text, zh="复查意见", en="Findings of the re-inspection", limit=2000)
    checked = check_photos(list(photos or []))
    today = clock.today()
    hazard.version += 1
    if passed == "pass":
        hazard.rectified_on = hazard.reported_on or today
        hazard.rectified_on_time = hazard.rectified_on <= hazard.due_on
        HAZARD.apply(
            actor=actor,
            obj=hazard,
            target=H.CLOSED,
            after={"rectified_on": hazard.rectified_on, "on_time": hazard.rectified_on_time},
            update_fields=["rectified_on", "rectified_on_time", "version"],
        )
    elif hazard.status == H.REPORTED:
        hazard.reported_on = None
        HAZARD.apply(
            actor=actor,
            obj=hazard,
            target=H.OPEN,
            after={"due": hazard.due_on},
            update_fields=["reported_on", "version"],
        )
    else:  # still open and still not rectified: recorded, nothing moves
        ensure(
            hazard.status == H.OPEN,
            errors.HAZARD_TRANSITION,
            current=hazard.get_status_display(),
            target=H.OPEN.label,
        )
        hazard.save(update_fields=["version"])
        audit.record(
            actor=actor,
            action="servicedesk.hazard.reinspected",
            obj=hazard,
            after={"passed": False},
        )
    _photos(hazard, actor, checked)
    _check(hazard, actor, "reinspected", text, passed=passed == "pass")
    if passed != "pass":
        company = granted(
            roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE, {hazard.enterprise.credit_code}
        )
        _notify(company, hazard, _("Re-inspection failed: the hazard is open again"), text)
    return hazard


# -- the deadline job ---------------------------------------------------------------------------


def overdue_ids(on: date) -> list[int]:
    return list(
        Hazard.objects.filter(status=H.OPEN, step_due__lt=on, level__lt=HazardLevel.DEPARTMENT)
        .order_by("step_due", "pk")
        .values_list("pk", flat=True)
    )


def escalate_overdue_hazards(*, actor: Actor = SCHEDULER, on: date | None = None) -> int:
    """Every open hazard whose step is overdue goes one rung up: to the grid leader, then to the
    emergency-management department, each with a new step of the severity's limit. Returns how
    many moved."""
    on = on or clock.today()
    settings_row = field_settings()
    cal = workdays.calendar()
    moved = 0
    ids = overdue_ids(on)
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            rows = list(
                Hazard.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("grid", "enterprise")
                .filter(
                    pk__in=ids[start : start + CHUNK],
                    status=H.OPEN,
                    step_due__lt=on,
                    level__lt=HazardLevel.DEPARTMENT,
                )
                .order_by("pk")
            )
            for hazard in rows:
                before = hazard.level
                hazard.level += 1
                due = cal.add(on, settings_row.days(hazard.severity))
                hazard.step_due = due.due
                hazard.escalations += 1
                hazard.version += 1
                HAZARD.apply(
                    actor=actor,
                    obj=hazard,
                    target=H.OPEN,
                    after={"from_level": before, "to_level": hazard.level, "step_due": due.due},
                    update_fields=["level", "step_due", "escalations", "version"],
                )
                label = str(HazardLevel(hazard.level).label)
                text = _("Not rectified by %(due)s: escalated to the %(to)s.") % {
                    "due": hazard.due_on,
                    "to": label,
                }
                _check(hazard, actor, "escalated", text)
                _notify(answerable(hazard, hazard.level), hazard, _("Overdue hazard"), text)
                moved += 1
    return moved


def recompute_provisional_hazards(year: int) -> int:
    """After `year`'s holidays are entered: open hazards whose deadline was provisional."""
    cal = workdays.calendar()
    settings_row = field_settings()
    changed = 0
    rows = Hazard.objects.filter(due_provisional=True, status__in=[H.OPEN, H.REPORTED])
    for hazard in rows.iterator(chunk_size=CHUNK):
        due = cal.add(hazard.found_on, settings_row.days(hazard.severity))
        if (due.due, due.provisional) == (hazard.due_on, hazard.due_provisional):
            continue
        with transaction.atomic():
            updated = Hazard.objects.filter(pk=hazard.pk, version=hazard.version).update(
                due_on=due.due,
                due_provisional=due.provisional,
                step_due=due.due if hazard.level == HazardLevel.OFFICER else hazard.step_due,
            )
            if not updated:
                continue
            audit.record(
                actor=SCHEDULER,
                action="servicedesk.hazard.deadline_recomputed",
                obj=hazard,
                before={"due": hazard.due_on, "provisional": True},
                after={"due": due.due, "provisional": due.provisional, "year": year},
            )
        changed += 1
    return changed
