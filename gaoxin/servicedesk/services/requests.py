"""A request's life: accepted (受理) → assigned (派单) → in progress → resolved with a reply (办结)
→ rated by the enterprise (评价) → closed; an unsatisfied rating reopens it once (重办); waiting
for the enterprise (挂起) stops the clock. Every write locks the request, checks the version the
actor was shown, moves it along states.REQUEST (audited) and adds to its history."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gaoxin.common import audit, workdays
from gaoxin.common.actors import Actor, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.common.uploads import stored_name
from gaoxin.registry.models import Enterprise

from .. import access, clock, errors, figurestore, selectors
from ..choices import Channel, EntryKind, Level
from ..choices import RequestStatus as R
from ..models import Category, Department, RequestAttachment, RequestStep, ServiceRequest
from ._common import (
    enterprise_users,
    entry,
    event,
    holders,
    level_label,
    locked,
    move,
    notify,
    text_field,
)
from ._field import attachment_kind

UNSATISFIED = 2  # a rating of 1 or 2 stars is unsatisfied and reopens the request once
SATISFIED = 4  # 4 or 5 stars count as satisfied (docs/servicedesk.md, 满意率)
HOTLINE_CASE = re.compile(r"^[A-Za-z0-9-]{1,40}$")


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        raise GaoxinError(errors.UNKNOWN_CATEGORY, code=str(code)[:40])
    return category


def _enterprise(credit_code: str) -> Enterprise:
    code = (credit_code or "").strip().upper()
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    if enterprise is None:
        raise GaoxinError(errors.UNKNOWN_ENTERPRISE, code=code[:18])
    return enterprise


def _open(
    *,
    actor: Actor,
    enterprise: Enterprise,
    category: Category,
    channel: str,
    title: str,
    description: str,
    contact: str = "",
    hotline_case: str | None = None,
    on: date | None = None,
) -> ServiceRequest:
    title = text_field(title, zh="诉求标题", en="Subject", limit=200)
    description = text_field(description, zh="诉求内容", en="Description", limit=5000)
    contact = text_field(contact, zh="联系方式", en="Contact", limit=100, required=False)
    grid = selectors.grid_of(enterprise, on or clock.today())
    if grid is None:
        raise GaoxinError(errors.NOT_IN_A_GRID, name=enterprise.name, code=enterprise.credit_code)
    accepted = on or clock.today()
    due = clock.step_deadline(workdays.calendar(), category, Level.OFFICER, accepted)
    officer = selectors.core_officer(grid, accepted)
    request = ServiceRequest.objects.create(
        number=f"new-{uuid.uuid4().hex[:16]}",  # renamed from its id below
        enterprise=enterprise,
        grid=grid,
        category=category,
        channel=channel,
        hotline_case=hotline_case,
        title=title,
        description=description,
        contact=contact,
        status=R.ACCEPTED,
        level=Level.OFFICER,
        accepted_on=accepted,
        step_started_on=accepted,
        step_due=due.due,
        due_provisional=due.provisional,
        last_change="accepted",
        last_changed_by=str(actor.get_username()),
    )
    request.number = f"{accepted.year}-{request.pk:07d}"
    request.save(update_fields=["number"])
    figurestore.changed([accepted])
    RequestStep.objects.create(
        request=request, level=Level.OFFICER, started_on=accepted, due_on=due.due, how="accepted"
    )
    audit.record(
        actor=actor,
        action="servicedesk.request.accepted",
        obj=request,
        after={
            "number": request.number,
            "enterprise": enterprise.credit_code,
            "grid": grid.code,
            "category": category.code,
            "channel": channel,
            "hotline_case": hotline_case,
            "due": due.due,
            "due_provisional": due.provisional,
        },
    )
    event(
        request,
        actor,
        _("Accepted through the channel: %(channel)s.") % {"channel": Channel(channel).label},
    )
    if officer is not None:
        request.handler = officer
        move(
            request,
            actor=actor,
            target=R.ASSIGNED,
            change="assigned",
            fields=["handler"],
            after={"handler": officer.get_username()},
        )
        RequestStep.objects.filter(request=request).update(handler=officer)
        event(
            request,
            actor,
            _("Assigned to grid officer %(name)s.") % {"name": officer.get_username()},
        )
        notify([officer], request, _("New request assigned to you"))
    else:
        notify(holders(request, Level.OFFICER), request, _("New request in your grid"))
    return request


@transaction.atomic
def submit(
    *,
    actor: Actor,
    credit_code: str,
    category: str,
    title: str,
    description: str,
    contact: str = "",
) -> ServiceRequest:
    """An enterprise's own account submits a request for its enterprise."""
    enterprise = _enterprise(credit_code)
    ensure(access.can_submit_for(actor, enterprise.credit_code), NOT_ALLOWED)
    return _open(
        actor=actor,
        enterprise=enterprise,
        category=_category(category),
        channel=Channel.ENTERPRISE,
        title=title,
        description=description,
        contact=contact,
    )


@transaction.atomic
def record(
    *,
    actor: Actor,
    credit_code: str,
    category: str,
    channel: str,
    title: str,
    description: str,
    contact: str = "",
) -> ServiceRequest:
    """An officer records a phone call or a visit finding for an enterprise of their grid."""
    enterprise = _enterprise(credit_code)
    grid = selectors.grid_of(enterprise, clock.today())
    if grid is None:
        raise GaoxinError(errors.NOT_IN_A_GRID, name=enterprise.name, code=enterprise.credit_code)
    ensure(access.can_record_in(actor, grid), NOT_ALLOWED)
    ensure(channel in (Channel.PHONE, Channel.VISIT), NOT_ALLOWED)
    return _open(
        actor=actor,
        enterprise=enterprise,
        category=_category(category),
        channel=channel,
        title=title,
        description=description,
        contact=contact,
    )


def transfer_from_hotline(
    *,
    actor: Actor,
    case_number: str,
    credit_code: str,
    category: str,
    title: str,
    description: str,
    contact: str = "",
) -> tuple[ServiceRequest, bool]:
    """A transfer from the 12345 hotline's system. Idempotent by the hotline's case number: a
    resent transfer returns the request made the first time (created False)."""
    ensure(access.can_transfer_from_hotline(actor), NOT_ALLOWED)
    case = (case_number or "").strip()
    ensure(bool(HOTLINE_CASE.match(case)), errors.HOTLINE_CASE_INVALID, value=case[:40])
    existing = ServiceRequest.objects.filter(hotline_case=case).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            request = _open(
                actor=actor,
                enterprise=_enterprise(credit_code),
                category=_category(category),
                channel=Channel.HOTLINE,
                title=title,
                description=description,
                contact=contact,
                hotline_case=case,
            )
    except IntegrityError:
        # The same case sent twice at the same moment: the other transfer made it.
        existing = ServiceRequest.objects.filter(hotline_case=case).first()
        if existing is None:
            raise
        return existing, False
    return request, True


def _require_actor(actor: Actor, request: ServiceRequest) -> None:
    if not access.can_act(actor, request):
        if access.can_view_request(actor, request):
            raise GaoxinError(
                errors.NOT_HANDLER, number=request.number, level=level_label(request.level)
            )
        raise GaoxinError(NOT_ALLOWED)


@transaction.atomic
def take(*, actor: Actor, pk: int, version: int | None) -> ServiceRequest:
    """The handler of the current step takes the request in hand."""
    request = locked(pk, version, actor)
    _require_actor(actor, request)
    request.handler = user_of(actor)
    move(request, actor=actor, target=R.IN_PROGRESS, change="taken", fields=["handler"])
    RequestStep.objects.filter(request=request, ended_on__isnull=True).update(
        handler=user_of(actor)
    )
    event(request, actor, _("Taken in hand."))
    return request


@transaction.atomic
def wait(*, actor: Actor, pk: int, version: int | None, reason: str) -> ServiceRequest:
    """Waiting for the enterprise (a document, a visit): the clock stops; the reason is sent to
    the enterprise as a reply."""
    request = locked(pk, version, actor)
    _require_actor(actor, request)
    reason = text_field(reason, zh="挂起原因", en="Reason for waiting", limit=1000)
    request.waiting_since = clock.today()
    request.step_due = None
    move(
        request,
        actor=actor,
        target=R.WAITING,
        change="waiting",
        fields=["waiting_since", "step_due"],
        after={"reason": reason},
    )
    entry(request, actor=actor, kind=EntryKind.REPLY, text=reason)
    notify(enterprise_users(request), request, _("The service desk is waiting for you"), reason)
    return request


@transaction.atomic
def resume(*, actor: Actor, pk: int, version: int | None) -> ServiceRequest:
    """The wait is over: the clock runs again, the waiting days left out of the deadline."""
    request = locked(pk, version, actor)
    _require_actor(actor, request)
    now = clock.today()
    span = clock.pause_span(request.waiting_since or now, now)
    if span is not None:
        request.pauses = [*request.pauses, [span[0].isoformat(), span[1].isoformat()]]
    due = clock.step_deadline(
        workdays.calendar(),
        request.category,
        request.level,
        request.step_started_on,
        clock.pauses_of(request),
    )
    request.step_due, request.due_provisional, request.waiting_since = (
        due.due,
        due.provisional,
        None,
    )
    move(
        request,
        actor=actor,
        target=R.IN_PROGRESS,
        change="resumed",
        fields=["pauses", "step_due", "due_provisional", "waiting_since"],
        after={"due": due.due, "due_provisional": due.provisional},
    )
    RequestStep.objects.filter(request=request, ended_on__isnull=True).update(due_on=due.due)
    event(request, actor, _("Resumed; the new deadline is %(due)s.") % {"due": due.due})
    return request


@transaction.atomic
def resolve(*, actor: Actor, pk: int, version: int | None, reply: str) -> ServiceRequest:
    """办结: the handler resolves the request with a reply the enterprise reads and rates."""
    request = locked(pk, version, actor)
    _require_actor(actor, request)
    reply = text_field(reply, zh="答复内容", en="Reply", limit=5000)
    now = clock.today()
    late = request.step_due is not None and now > request.step_due
    cal = workdays.calendar()
    request.reply = reply
    request.resolved_on = now
    request.resolved_level = request.level
    request.overdue_steps += 1 if late else 0
    request.resolved_on_time = request.overdue_steps == 0
    request.working_days = clock.working_days(cal, request, now).days
    request.handler = user_of(actor) or request.handler
    move(
        request,
        actor=actor,
        target=R.RESOLVED,
        change="resolved",
        fields=[
            "reply",
            "resolved_on",
            "resolved_level",
            "overdue_steps",
            "resolved_on_time",
            "working_days",
            "handler",
        ],
        after={"level": request.level, "on_time": request.resolved_on_time, "late_step": late},
    )
    RequestStep.objects.filter(request=request, ended_on__isnull=True).update(ended_on=now)
    entry(request, actor=actor, kind=EntryKind.REPLY, text=reply)
    notify(
        enterprise_users(request), request, _("Your request was resolved: please rate it"), reply
    )
    return request


@transaction.atomic
def rate(
    *, actor: Actor, pk: int, version: int | None, stars: Any, comment: str = ""
) -> ServiceRequest:
    """评价: the enterprise confirms and rates 1–5. An unsatisfied rating (1–2) reopens the
    request once (重办) with its step's full limit; any other rating closes it."""
    request = locked(pk, version, actor)
    ensure(access.can_rate(actor, request), NOT_ALLOWED)
    try:
        value = int(str(stars).strip())
    except ValueError:
        value = 0
    ensure(1 <= value <= 5, errors.RATING_INVALID, value=str(stars)[:10])
    comment = text_field(comment, zh="评价意见", en="Comment", limit=500, required=False)
    if value <= UNSATISFIED and not request.redone:
        return _redo(request, actor, value, comment)
    request.rating, request.rating_comment, request.closed_on = value, comment, clock.today()
    move(
        request,
        actor=actor,
        target=R.CLOSED,
        change="rated",
        fields=["rating", "rating_comment", "closed_on"],
        after={"rating": value},
    )
    event(request, actor, _("Rated %(stars)s of 5 and closed.") % {"stars": value})
    return request


def _redo(request: ServiceRequest, actor: Actor, value: int, comment: str) -> ServiceRequest:
    now = clock.today()
    due = clock.step_deadline(workdays.calendar(), request.category, request.level, now)
    request.redone = True
    request.step_started_on, request.step_due, request.due_provisional = (
        now,
        due.due,
        due.provisional,
    )
    request.resolved_on = request.resolved_level = request.resolved_on_time = None
    request.working_days = None
    move(
        request,
        actor=actor,
        target=R.IN_PROGRESS,
        change="redo",
        fields=[
            "redone",
            "step_started_on",
            "step_due",
            "due_provisional",
            "resolved_on",
            "resolved_level",
            "resolved_on_time",
            "working_days",
        ],
        after={"rating": value, "comment": comment, "due": due.due},
    )
    RequestStep.objects.create(
        request=request,
        level=request.level,
        handler=request.handler,
        department=request.department,
        started_on=now,
        due_on=due.due,
        how="redo",
        reason=comment,
    )
    event(
        request,
        actor,
        _("Rated %(stars)s of 5, unsatisfied: the request is redone (重办).") % {"stars": value}
        + (f" {comment}" if comment else ""),
    )
    notify(
        [request.handler] if request.handler else holders(request, request.level),
        request,
        _("Unsatisfied rating: the request is to be redone"),
        comment,
    )
    return request


@transaction.atomic
def add_note(*, actor: Actor, pk: int, text: str, internal: bool) -> ServiceRequest:
    """An internal note (staff only) or a reply the enterprise sees."""
    request = locked(pk, None, actor)
    if internal:
        ensure(access.can_note(actor, request), NOT_ALLOWED)
    else:
        ensure(access.can_act(actor, request) or access.can_rate(actor, request), NOT_ALLOWED)
    text = text_field(text, zh="内容", en="Text", limit=5000)
    kind = EntryKind.NOTE if internal else EntryKind.REPLY
    made = entry(request, actor=actor, kind=kind, text=text)
    audit.record(
        actor=actor,
        action="servicedesk.request.note" if internal else "servicedesk.request.message",
        obj=request,
        after={"entry": made.pk, "length": len(text)},
    )
    return request


MAX_ATTACHMENTS = 10  # at a time


@transaction.atomic
def attach(
    *, actor: Actor, pk: int, files: list[UploadedFile], internal: bool
) -> list[RequestAttachment]:
    """Photos and files on an open request, checked (type by their first bytes, the registry's
    size limit) before any is stored: all attached, or none and the error names the file. An
    internal attachment is seen by the desk's staff only; the enterprise never attaches one."""
    request = locked(pk, None, actor)
    ensure(access.can_attach(actor, request, internal=internal), NOT_ALLOWED)
    ensure(0 < len(files) <= MAX_ATTACHMENTS, errors.ATTACHMENTS_NONE, limit=MAX_ATTACHMENTS)
    checked = [(upload, *attachment_kind(upload)) for upload in files]
    made = []
    for upload, kind, name, size in checked:
        row = RequestAttachment(
            request=request,
            original_name=name,
            size=size,
            content_type=kind,
            internal=internal,
            uploaded_by=user_of(actor),
        )
        row.file.save(stored_name("request"), upload, save=False)
        row.save()
        made.append(row)
    audit.record(
        actor=actor,
        action="servicedesk.request.attached",
        obj=request,
        after={"files": [row.original_name for row in made], "internal": internal},
    )
    return made


@transaction.atomic
def merge(*, actor: Actor, pk: int, version: int | None, into: str) -> ServiceRequest:
    """Merge a new request into an open one of the same enterprise and category."""
    request = locked(pk, version, actor)
    _require_actor(actor, request)
    target = ServiceRequest.objects.filter(number=into).first()
    if (
        target is None
        or target.pk == request.pk
        or target.enterprise_id != request.enterprise_id
        or target.category_id != request.category_id
        or not target.is_open
    ):
        raise GaoxinError(errors.MERGE_TARGET)
    request.merged_into, request.closed_on = target, clock.today()
    move(
        request,
        actor=actor,
        target=R.CLOSED,
        change="merged",
        fields=["merged_into", "closed_on"],
        after={"into": target.number},
    )
    event(request, actor, _("Merged into %(number)s.") % {"number": target.number})
    event(
        target,
        actor,
        _("Request %(number)s was merged into this one.") % {"number": request.number},
    )
    return request


def department_for(request: ServiceRequest, code: str | None) -> Department | None:
    if code:
        return Department.objects.filter(code=code).first()
    return request.category.department
