"""Writes for housing sales. Keyword-only arguments, one transaction, rows locked batch first,
an audit event for every change."""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gaoxin import fairdraw
from gaoxin.common import audit, checkpoints, worker
from gaoxin.common.errors import INVALID_INPUT, NOT_ALLOWED, NOT_FOUND, GaoxinError, ensure
from gaoxin.common.exports import printable
from gaoxin.common.faults import pause_point
from gaoxin.common.storagefaults import reports_storage_faults
from gaoxin.fairdraw.results import RESULTS_COLUMNS, RESULTS_HEADER
from gaoxin.fairdraw.roster import parse_canonical_roster, roster_csv
from gaoxin.registry import identifiers

from . import access, errors, publication, tasks
from .choices import (
    ApplicationStatus,
    BatchStatus,
    Channel,
    JobStatus,
    OverrideStatus,
    Pool,
    Relation,
    TurnSource,
    TurnStatus,
    UnitStatus,
)
from .models import (
    Application,
    ApplicationMember,
    BenefitUse,
    ChoiceTurn,
    ClosingReport,
    Draw,
    DrawRequest,
    DrawResult,
    Eligibility,
    EligibilityReview,
    HousingProject,
    NotaryReveal,
    Objection,
    Override,
    Roster,
    SaleBatch,
    SalesOffice,
    Unit,
)
from .registration import (
    SHEET_MAX_ROWS,
    MemberIn,
    clean_household,
    clean_phone,
    identity_string,
    parse_registrations,
)
from .spreadsheet import read_table
from .states import JOB, OVERRIDE, ensure_transition
from .unitsheet import parse_units

logger = logging.getLogger(__name__)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _lock_batch(batch: SaleBatch) -> SaleBatch:
    return SaleBatch.objects.select_for_update().select_related("project").get(pk=batch.pk)


def _transition(*, actor: Any, batch: SaleBatch, target: str, **after: Any) -> SaleBatch:
    name = ensure_transition(batch.status, target)
    before = batch.status
    batch.status = target
    batch.save(update_fields=["status", "updated_at", *after.pop("_fields", [])])
    audit.record(
        actor=actor,
        action=f"housing.batch.{name}",
        obj=batch,
        before={"status": before},
        after={"status": target, **after},
    )
    return batch


# -- set-up ------------------------------------------------------------------------------------


@transaction.atomic
def sales_office_create(*, actor: Any, name: str, members: Sequence[Any] = ()) -> SalesOffice:
    ensure(actor is None or access.can_set_up_sales(actor), NOT_ALLOWED)
    office = SalesOffice.objects.create(name=name.strip())
    office.members.set(members)
    audit.record(
        actor=actor,
        action="housing.sales_office.created",
        obj=office,
        after={"name": office.name, "members": [m.get_username() for m in members]},
    )
    return office


@transaction.atomic
def project_create(
    *, actor: Any, name: str, address: str, sales_office: SalesOffice, presale_permit: str = ""
) -> HousingProject:
    ensure(actor is None or access.can_set_up_sales(actor), NOT_ALLOWED)
    project = HousingProject.objects.create(
        name=name.strip(),
        address=address.strip(),
        sales_office=sales_office,
        presale_permit=presale_permit.strip(),
    )
    audit.record(
        actor=actor,
        action="housing.project.created",
        obj=project,
        after={"name": project.name, "sales_office": sales_office.name},
    )
    return project


@dataclass(frozen=True)
class Rules:
    """The officials' choices; become a fairdraw configuration when the batch is published."""

    first_home_percent: str = "30"
    key_industry_percent: str = "30"
    waitlist_length: int | None = None
    insurance_months: int = 12  # key-industry: continuous in-zone months up to closing
    makeup_policy: str = "exclude"  # make-up payments (补缴): "exclude" breaks the run, "count"
    min_degree: int = 2  # registry DegreeLevel: 2 = bachelor (本科)
    key_mode: Literal["per_round", "shared"] = "per_round"
    key_industry_first: bool = False  # precedence: 刚需 first (the pilot's) unless set


def rules_config(rules: Rules, *, units: int) -> dict[str, Any]:
    """The fairdraw configuration for `units` (raises GaoxinError if fairdraw refuses it)."""
    try:
        config = fairdraw.default_config(
            units,
            waitlist_length=rules.waitlist_length,
            key_mode=rules.key_mode,
            first_home_percent=rules.first_home_percent,
            key_industry_percent=rules.key_industry_percent,
        )
        if rules.key_industry_first:
            first, second, *rest = config.rounds
            config = fairdraw.DrawConfig(
                units=config.units,
                rounds=(second, first, *rest),
                key_mode=config.key_mode,
                waitlist_length=config.waitlist_length,
            )
    except fairdraw.FairdrawError as error:
        raise GaoxinError(errors.CONFIG_INVALID, detail=str(error)) from error
    return config.to_dict()


@transaction.atomic
def batch_create(
    *,
    actor: Any,
    project: HousingProject,
    name: str,
    code: str,
    registration_opens_at: datetime,
    registration_closes_at: datetime,
    rules: Rules | None = None,
) -> SaleBatch:
    ensure(actor is None or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure(registration_closes_at > registration_opens_at, errors.WINDOW_INVALID)
    code = code.strip().upper()
    # The code prefixes registration numbers, which the published roster and results CSVs
    # carry verbatim: letters and digits only, so no cell there can start like a formula.
    ensure(
        re.fullmatch(r"[A-Z0-9]{2,12}", code) is not None,
        errors.BATCH_CODE_INVALID,
        code=printable(code)[:20],
    )
    ensure(not SaleBatch.objects.filter(code=code).exists(), errors.BATCH_CODE_TAKEN, code=code)
    batch = SaleBatch.objects.create(
        project=project,
        name=name.strip(),
        code=code,
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
        config={"rules": (rules or Rules()).__dict__},
    )
    audit.record(
        actor=actor,
        action="housing.batch.created",
        obj=batch,
        after={
            "name": batch.name,
            "code": code,
            "project": project.name,
            "opens": registration_opens_at,
            "closes": registration_closes_at,
        },
    )
    return batch


@transaction.atomic
def batch_set_rules(*, actor: Any, batch: SaleBatch, rules: Rules) -> SaleBatch:
    batch = _lock_batch(batch)
    ensure(actor is None or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure(batch.status == BatchStatus.DRAFT, errors.BATCH_NOT_EDITABLE)
    rules_config(rules, units=max(batch.units.count(), 10))  # refuse impossible rules now
    before = batch.config.get("rules")
    batch.config = {"rules": rules.__dict__}
    batch.save(update_fields=["config", "updated_at"])
    audit.record(
        actor=actor,
        action="housing.batch.rules_set",
        obj=batch,
        before={"rules": before},
        after={"rules": rules.__dict__},
    )
    return batch


@transaction.atomic
def batch_declare_entropy(
    *,
    actor: Any,
    batch: SaleBatch,
    sources: Sequence[tuple[str, str]],
    notary_commitment: str | None = None,
) -> SaleBatch:
    """Declare the public future values (name, when/where published) before registration
    opens; the notary's commitment (SHA-256 of a secret) may be added by the notary."""
    batch = _lock_batch(batch)
    ensure(actor is None or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure(batch.status == BatchStatus.DRAFT, errors.BATCH_NOT_EDITABLE)
    try:
        declaration = fairdraw.EntropyDeclaration(
            tuple(
                fairdraw.EntropySource(name.strip(), declared.strip()) for name, declared in sources
            ),
            notary_commitment=notary_commitment or batch.entropy.get("notary_commitment"),
        )
    except fairdraw.FairdrawError as error:
        raise GaoxinError(errors.CONFIG_INVALID, detail=str(error)) from error
    before = batch.entropy
    batch.entropy = declaration.to_dict()
    batch.save(update_fields=["entropy", "updated_at"])
    audit.record(
        actor=actor,
        action="housing.batch.entropy_declared",
        obj=batch,
        before=before,
        after=batch.entropy,
    )
    return batch


@transaction.atomic
def batch_publish(*, actor: Any, batch: SaleBatch) -> SaleBatch:
    """Announce the batch: rules become a fixed fairdraw configuration for the actual units,
    the entropy declaration is fixed, registration opens at its time."""
    batch = _lock_batch(batch)
    ensure(actor is None or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.REGISTRATION)
    units = batch.units.count()
    ensure(units > 0, errors.NO_UNITS)
    ensure(bool(batch.entropy.get("sources")), errors.NO_ENTROPY)
    rules = Rules(**batch.config.get("rules", {}))
    batch.config = {"rules": rules.__dict__, "draw": rules_config(rules, units=units)}
    batch.published_at = timezone.now()
    return _transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.REGISTRATION,
        config=batch.config,
        entropy=batch.entropy,
        _fields=["config", "published_at"],
    )


@transaction.atomic
def batch_close_registration(*, actor: Any, batch: SaleBatch) -> SaleBatch:
    batch = _lock_batch(batch)
    ensure(actor is None or access.can_set_up_sales(actor), NOT_ALLOWED)
    # Closing before the announced time is possible (e.g. a court order) and is recorded.
    live = batch.applications.filter(status=ApplicationStatus.SUBMITTED).count()
    return _transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.REVIEW,
        applications=live,
        early=timezone.now() < batch.registration_closes_at,
    )


# -- registration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    application: Application
    salt: str  # shown on the receipt; needed to check the roster entry later
    created: bool


def _pools(batch: SaleBatch, pools: Sequence[str]) -> list[str]:
    allowed = {r["pool"] for r in batch.config.get("draw", {}).get("rounds", [])} or set(
        Pool.values
    )
    for pool in pools:
        ensure(pool in allowed, errors.UNKNOWN_POOL, pool=pool)
    # Everyone eligible may win in the general round: it is always claimed.
    return sorted({*pools, Pool.GENERAL})


def application_register(
    *,
    actor: Any,
    batch: SaleBatch,
    members: Sequence[MemberIn],
    pools: Sequence[str],
    phone: str = "",
    channel: str = Channel.WEB,
) -> Registered:
    """Register one household. A person may be in only one live application per batch: a
    partial unique index guarantees it, and the batch row is locked while a number is taken, so
    concurrent duplicates give exactly one application and numbers have no gaps. A resubmission
    of the same household by the same sender returns the existing application (a double click,
    a retry after a lost answer).

    The people are looked up before the lock is taken, so that the lock is held only for the
    writes (one statement takes it with the number; docs/reliability.md, "Registration surge").
    Someone registered between that look-up and the insert makes the insert fail; the whole
    registration is then decided again with the lock held first."""
    cleaned = clean_household(list(members), on=timezone.localdate(batch.registration_closes_at))
    phone = clean_phone(phone)
    chosen = _pools(batch, pools)
    _ensure_may_register(actor, batch, channel)
    existing = _registered_already(actor=actor, batch=batch, cleaned=cleaned, channel=channel)
    if existing is not None:
        return existing
    arguments = {
        "actor": actor,
        "batch": batch,
        "cleaned": cleaned,
        "pools": chosen,
        "phone": phone,
        "channel": channel,
    }
    try:
        with transaction.atomic():
            return _register_locked(**arguments, checked=True)
    except IntegrityError:
        with transaction.atomic():
            return _register_locked(**arguments)


def _ensure_may_register(actor: Any, batch: SaleBatch, channel: str) -> None:
    if channel == Channel.WEB:
        ensure(access.can_register(actor), NOT_ALLOWED)
    else:
        ensure(actor is not None and access.can_manage_project(actor, batch.project), NOT_ALLOWED)


def _registered_already(
    *, actor: Any, batch: SaleBatch, cleaned: list[Any], channel: str
) -> Registered | None:
    """None when nobody of the household is in a live application of the batch; the existing
    application when the same sender sends the same household again; otherwise the error that
    names who is registered already."""
    numbers = [m.id_number for m in cleaned]
    taken = list(
        ApplicationMember.objects.filter(batch=batch, live=True, id_number__in=numbers)
        .select_related("application")
        .order_by("application_id")
    )
    if not taken:
        return None
    existing = taken[0].application
    # The same household again from the same sender is a retry (a double click, or a sales
    # system that lost the answer): it gets the existing application, never a second one.
    resent = (
        existing.user_id is not None and actor is not None and existing.user_id == actor.pk
    ) or (existing.channel == Channel.API and channel == Channel.API)  # access checked before
    same = resent and sorted(existing.members.values_list("id_number", flat=True)) == sorted(
        numbers
    )
    if same:
        return Registered(existing, existing.salt, created=False)
    first = taken[0]
    who_zh, who_en = {
        Relation.APPLICANT: ("申请人", "The applicant"),
        Relation.SPOUSE: ("配偶", "The spouse"),
        Relation.CHILD: ("子女", "A child"),
    }[Relation(next(m.relation for m in cleaned if m.id_number == first.id_number))]
    raise GaoxinError(
        errors.PERSON_ALREADY_REGISTERED,
        who=who_zh,
        who_en=who_en,
        masked=identifiers.mask_id_number(first.id_number),
    )


_TAKE_NUMBER_SQL = (
    f"UPDATE {SaleBatch._meta.db_table} SET next_number = next_number + 1 "  # noqa: S608
    "WHERE id = %s AND status = %s AND registration_opens_at <= %s "
    "AND registration_closes_at > %s RETURNING next_number - 1"
)


def _take_number(batch: SaleBatch) -> str:
    """Lock the batch row (until the transaction ends) and take its next registration number,
    in one statement and only while registration is open."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_NUMBER_SQL, [batch.pk, BatchStatus.REGISTRATION, now, now])
        row = cursor.fetchone()
    ensure(
        row is not None,
        errors.REGISTRATION_CLOSED,
        opens=_local(batch.registration_opens_at),
        closes=_local(batch.registration_closes_at),
    )
    return f"{batch.code}-{int(row[0]):06d}"


def _register_locked(
    *,
    actor: Any,
    batch: SaleBatch,
    cleaned: list[Any],
    pools: list[str],
    phone: str,
    channel: str,
    checked: bool = False,
) -> Registered:
    """Write one registration inside the caller's transaction. `checked`: the household was
    looked up just before (application_register), so the number is taken at once and the
    partial unique index catches anyone registered since; otherwise the batch is locked
    first and the household looked up under the lock (a sales office's import, a retry)."""
    if not checked:
        batch = _lock_batch(batch)
        _ensure_may_register(actor, batch, channel)
        now = timezone.now()
        ensure(
            batch.status == BatchStatus.REGISTRATION
            and batch.registration_opens_at <= now < batch.registration_closes_at,
            errors.REGISTRATION_CLOSED,
            opens=_local(batch.registration_opens_at),
            closes=_local(batch.registration_closes_at),
        )
        existing = _registered_already(actor=actor, batch=batch, cleaned=cleaned, channel=channel)
        if existing is not None:
            return existing
    number = _take_number(batch)
    salt = fairdraw.new_salt()
    application = Application.objects.create(
        batch=batch,
        number=number,
        channel=channel,
        claims_first_home=Pool.FIRST_HOME in pools,
        claims_key_industry=Pool.KEY_INDUSTRY in pools,
        phone=phone.strip(),
        user=actor if channel == Channel.WEB else None,
        salt=salt,
        identity_commitment=fairdraw.identity_commitment(identity_string(cleaned), salt),
    )
    ApplicationMember.objects.bulk_create(
        ApplicationMember(
            application=application,
            batch=batch,
            relation=m.relation,
            id_number=m.id_number,
            name=m.name,
        )
        for m in cleaned
    )
    audit.record(
        actor=actor,
        action="housing.application.registered",
        obj=application,
        after={
            "number": number,
            "batch": batch.code,
            "pools": pools,
            "channel": channel,
            "members": [
                {"relation": m.relation, "id": identifiers.mask_id_number(m.id_number)}
                for m in cleaned
            ],
        },
    )
    return Registered(application, salt, created=True)


@transaction.atomic
def application_withdraw(*, actor: Any, application: Application) -> Application:
    batch = _lock_batch(application.batch)
    application = Application.objects.select_for_update().get(pk=application.pk)
    ensure(access.can_withdraw_application(actor, application), NOT_ALLOWED)
    ensure(
        application.status == ApplicationStatus.SUBMITTED
        and batch.status == BatchStatus.REGISTRATION
        and timezone.now() < batch.registration_closes_at,
        errors.NOT_WITHDRAWABLE,
    )
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    application.members.update(live=False)
    audit.record(
        actor=actor,
        action="housing.application.withdrawn",
        obj=application,
        before={"status": ApplicationStatus.SUBMITTED},
        after={"status": ApplicationStatus.WITHDRAWN},
    )
    return application


@reports_storage_faults
@transaction.atomic
def application_viewed(*, actor: Any, application: Application) -> None:
    """Record that the household's own account is shown its members' full names and its
    secret salt (the page shows them only once this is recorded)."""
    ensure(access.can_view_household_unmasked(actor, application), NOT_ALLOWED)
    audit.record(
        actor=actor,
        action="housing.application.viewed",
        obj=application,
        after={"number": application.number, "unmasked": True},
    )


@reports_storage_faults
@transaction.atomic
def units_import(*, actor: Any, batch: SaleBatch, data: bytes, filename: str) -> int:
    """Replace the draft batch's units with the spreadsheet's; all or nothing. `filename` is
    only recorded (truncated) in the audit event."""
    batch = _lock_batch(batch)
    ensure(actor is None or access.can_manage_project(actor, batch.project), NOT_ALLOWED)
    ensure(batch.status == BatchStatus.DRAFT, errors.BATCH_NOT_EDITABLE)
    rows = parse_units(data)
    previous = batch.units.count()
    batch.units.all().delete()
    Unit.objects.bulk_create(
        Unit(
            batch=batch,
            building=r.building,
            entrance=r.entrance,
            room=r.room,
            floor_area=r.floor_area,
            price=r.price,
        )
        for r in rows
    )
    audit.record(
        actor=actor,
        action="housing.units.imported",
        obj=batch,
        before={"units": previous},
        after={"units": len(rows), "file": printable(filename)[:100]},
    )
    return len(rows)


# -- eligibility review ------------------------------------------------------------------------


@transaction.atomic
def review_start(*, actor: Any, batch: SaleBatch, enqueue: bool = True) -> EligibilityReview:
    """Queue the automatic review (a background task); it can be run again until the notice.
    With `enqueue=False` the caller runs it (`review.run_review`), e.g. loading demo data."""
    batch = _lock_batch(batch)
    ensure(actor is None or access.can_run_review(actor, batch), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.NOTICE)  # only while in review
    review = EligibilityReview.objects.create(batch=batch, started_by=actor)
    audit.record(
        actor=actor, action="housing.review.started", obj=batch, after={"review": review.pk}
    )
    if enqueue:
        transaction.on_commit(lambda: tasks.eligibility_review.enqueue(review.pk))
    return review


def _eligibility_for_update(application: Application) -> Eligibility:
    found = Eligibility.objects.select_for_update().filter(application=application).first()
    ensure(found is not None, errors.REVIEW_NOT_DONE)
    return found  # type: ignore[return-value]


@transaction.atomic
def override_propose(
    *, actor: Any, application: Application, pool: str, eligible: bool, reason: str
) -> Override:
    batch = _lock_batch(application.batch)
    ensure(access.can_review(actor, batch), NOT_ALLOWED)
    ensure(batch.status == BatchStatus.REVIEW, errors.BATCH_NOT_EDITABLE)
    ensure(len(reason.strip()) >= 10, errors.OVERRIDE_REASON_REQUIRED)
    ensure(pool in {"general", "first_home", "key_industry"}, errors.UNKNOWN_POOL, pool=pool)
    claimed = pool == "general" or (
        application.claims_first_home if pool == "first_home" else application.claims_key_industry
    )
    ensure(claimed, errors.POOL_NOT_CLAIMED, pool=pool)
    eligibility = _eligibility_for_update(application)
    override = Override.objects.create(
        application=application,
        pool=pool,
        eligible=eligible,
        reason=reason.strip(),
        proposed_by=actor,
    )
    audit.record(
        actor=actor,
        action="housing.override.proposed",
        obj=override,
        before={pool: getattr(eligibility, pool)},
        after={"application": application.number, pool: eligible, "reason": override.reason},
    )
    return override


@transaction.atomic
def override_decide(*, actor: Any, override: Override, approve: bool) -> Override:
    """A second reviewer approves (the decision changes) or rejects a proposed override.
    Locks in the module's order: the batch first, then the override."""
    batch_id = (
        Override.objects.filter(pk=override.pk)
        .values_list("application__batch_id", flat=True)
        .get()
    )
    batch = _lock_batch(SaleBatch(pk=batch_id))
    override = (
        Override.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=override.pk)
    )
    ensure(access.can_review(actor, batch), NOT_ALLOWED)
    target = OverrideStatus.APPROVED if approve else OverrideStatus.REJECTED
    OVERRIDE.ensure(override.status, target)
    ensure(override.proposed_by_id != actor.pk, errors.SECOND_REVIEWER_REQUIRED)
    ensure(batch.status == BatchStatus.REVIEW, errors.BATCH_NOT_EDITABLE)
    override.status = target
    override.approved_by = actor
    override.decided_at = timezone.now()
    override.save(update_fields=["status", "approved_by", "decided_at", "updated_at"])
    before = None
    if approve:
        eligibility = _eligibility_for_update(override.application)
        before = getattr(eligibility, override.pool)
        setattr(eligibility, override.pool, override.eligible)
        eligibility.overridden = True
        eligibility.save(update_fields=[override.pool, "overridden", "updated_at"])
    audit.record(
        actor=actor,
        action=f"housing.override.{override.status}",
        obj=override,
        before={override.pool: before},
        after={override.pool: override.eligible},
    )
    return override


# -- public notice, objections, frozen roster --------------------------------------------------


@transaction.atomic
def notice_start(*, actor: Any, batch: SaleBatch, ends_at: datetime) -> SaleBatch:
    batch = _lock_batch(batch)
    ensure(actor is None or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.NOTICE)
    last = batch.reviews.first()
    ensure(last is not None and last.is_done, errors.REVIEW_NOT_DONE)
    pending = Override.objects.filter(
        application__batch=batch, status=OverrideStatus.PROPOSED
    ).count()
    ensure(pending == 0, errors.OVERRIDES_PENDING, n=pending)
    ensure(ends_at > timezone.now(), errors.NOTICE_END_INVALID)
    batch.notice_ends_at = ends_at
    return _transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.NOTICE,
        notice_ends_at=ends_at,
        _fields=["notice_ends_at"],
    )


@transaction.atomic
def objection_file(*, actor: Any, application: Application, text: str) -> Objection:
    batch = _lock_batch(application.batch)
    ensure(access.can_object(actor, application), NOT_ALLOWED)
    ensure(len(text.strip()) >= 5, errors.TEXT_REQUIRED)
    ensure(
        batch.status == BatchStatus.NOTICE
        and batch.notice_ends_at is not None
        and timezone.now() < batch.notice_ends_at,
        errors.NOTICE_CLOSED,
        ends=_local(batch.notice_ends_at) if batch.notice_ends_at else "—",
    )
    objection = Objection.objects.create(application=application, text=text.strip()[:4000])
    audit.record(
        actor=actor,
        action="housing.objection.filed",
        obj=objection,
        after={"application": application.number},
    )
    return objection


@transaction.atomic
def objection_answer(*, actor: Any, objection: Objection, answer: str) -> Objection:
    objection = (
        Objection.objects.select_for_update()
        .select_related("application__batch")
        .get(pk=objection.pk)
    )
    ensure(access.can_review(actor, objection.application.batch), NOT_ALLOWED)
    ensure(len(answer.strip()) >= 5, errors.TEXT_REQUIRED)
    objection.answer = answer.strip()[:4000]
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
    audit.record(
        actor=actor,
        action="housing.objection.answered",
        obj=objection,
        after={"application": objection.application.number},
    )
    return objection


def roster_entries(batch: SaleBatch) -> list[fairdraw.RosterEntry]:
    """The eligible applications as fairdraw roster entries (registration number, the pools the
    household is eligible for, the identity commitment)."""
    eligible = (
        Eligibility.objects.filter(
            application__batch=batch, general=True, application__status=ApplicationStatus.SUBMITTED
        )
        .select_related("application")
        .order_by("application__number")
    )
    entries = [
        fairdraw.RosterEntry.make(
            e.application.number, e.eligible_pools, e.application.identity_commitment
        )
        for e in eligible
    ]
    return sorted(entries, key=lambda entry: entry.registration_number)  # bytewise, as fairdraw


@transaction.atomic
def roster_freeze(*, actor: Any, batch: SaleBatch) -> Roster:
    batch = _lock_batch(batch)
    ensure(actor is None or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.FROZEN)
    ends = batch.notice_ends_at
    ensure(
        ends is not None and timezone.now() >= ends,
        errors.NOTICE_RUNNING,
        ends=_local(ends) if ends else "—",
    )
    open_objections = Objection.objects.filter(application__batch=batch, answered_at__isnull=True)
    ensure(not open_objections.exists(), errors.OBJECTIONS_OPEN, n=open_objections.count())
    entries = roster_entries(batch)
    root = fairdraw.merkle_root(entries)
    head = str(audit.chain_head())
    roster = Roster.objects.create(
        batch=batch,
        root=root,
        size=len(entries),
        csv=roster_csv(entries).encode("utf-8"),
        audit_head=head,
    )
    _transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.FROZEN,
        roster_root=root,
        roster_size=len(entries),
        audit_head=head,
    )
    return roster


@transaction.atomic
def roster_confirm(*, actor: Any, batch: SaleBatch, size: int, root: str) -> Roster:
    """The notary confirms, in the app, the count and the root they checked themselves."""
    batch = _lock_batch(batch)
    ensure(access.can_confirm_roster(actor, batch), NOT_ALLOWED)
    roster = Roster.objects.select_for_update().get(batch=batch)
    ensure(roster.confirmed_at is None, errors.ROSTER_CONFIRMED)
    given = root.strip().lower()
    ensure(
        size == roster.size and given == roster.root,
        errors.ROSTER_MISMATCH,
        size=roster.size,
        root=roster.root,
        given_size=size,
        given_root=given[:64] or "—",
    )
    roster.confirmed_by = actor
    roster.confirmed_at = timezone.now()
    roster.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    audit.record(
        actor=actor,
        action="housing.roster.confirmed",
        obj=roster,
        after={"root": roster.root, "size": roster.size},
    )
    return roster


@reports_storage_faults
@transaction.atomic
def applications_import(*, actor: Any, batch: SaleBatch, data: bytes, filename: str) -> int:
    """Register every household of a sales office's spreadsheet, or none: each row is checked
    first (ID numbers, duplicates inside the file, people already registered), and the error
    names the row and column."""
    batch = _lock_batch(batch)
    ensure(access.can_manage_project(actor, batch.project), NOT_ALLOWED)
    rows = parse_registrations(read_table(data, max_rows=SHEET_MAX_ROWS))
    closing = timezone.localdate(batch.registration_closes_at)
    problems: list[tuple[int, GaoxinError]] = []
    seen: dict[str, int] = {}
    for row in rows:
        try:
            cleaned = clean_household(row.members, on=closing)
            clean_phone(row.phone)
        except GaoxinError as error:
            problems.append((row.row, error))
            continue
        for member in cleaned:
            if member.id_number in seen:
                problems.append(
                    (
                        row.row,
                        GaoxinError(
                            errors.DUPLICATE_MEMBER,
                            masked=f"{identifiers.mask_id_number(member.id_number)} "
                            f"(第 {seen[member.id_number]} 行 / row {seen[member.id_number]})",
                        ),
                    )
                )
            seen[member.id_number] = row.row
    if not problems:
        for row in rows:
            try:
                _register_locked(
                    actor=actor,
                    batch=batch,
                    cleaned=clean_household(row.members, on=closing),
                    pools=_pools(batch, row.pools),
                    phone=clean_phone(row.phone),
                    channel=Channel.IMPORT,
                )
            except GaoxinError as error:
                problems.append((row.row, error))
                break
    if problems:  # raising inside the atomic block rolls every row back
        shown = problems[:5]
        raise GaoxinError(
            errors.ROWS_INVALID,
            count=len(problems),
            details="；".join(f"第 {n} 行：{e.message('zh')}" for n, e in shown),
            details_en="; ".join(f"row {n}: {e.message('en')}" for n, e in shown),
        )
    audit.record(
        actor=actor,
        action="housing.applications.imported",
        obj=batch,
        after={"rows": len(rows), "file": printable(filename)[:100]},
    )
    return len(rows)


# -- the draw ----------------------------------------------------------------------------------


@transaction.atomic
def draw_reveal(*, actor: Any, batch: SaleBatch, secret: str) -> NotaryReveal:
    """The notary reveals the secret committed before registration (checked against the
    commitment), or co-signs when no commitment was declared."""
    batch = _lock_batch(batch)
    ensure(access.can_reveal_secret(actor, batch), NOT_ALLOWED)
    ensure(
        batch.status == BatchStatus.FROZEN,
        errors.BATCH_BAD_TRANSITION,
        current=BatchStatus(batch.status).label,
        target=BatchStatus.DRAWN.label,
    )
    commitment = batch.entropy.get("notary_commitment")
    secret = secret.strip()
    if commitment:
        ensure(fairdraw.notary_commitment(secret) == commitment, errors.SECRET_MISMATCH)
    reveal, _created = NotaryReveal.objects.update_or_create(
        batch=batch, defaults={"secret": secret if commitment else "", "revealed_by": actor}
    )
    audit.record(
        actor=actor,
        action="housing.draw.revealed",
        obj=batch,
        after={"commitment": commitment, "secret": secret if commitment else None},
    )
    return reveal


def _entropy_for_draw(batch: SaleBatch, values: Sequence[str], secret: str) -> Any:
    declaration = fairdraw.EntropyDeclaration.from_dict(batch.entropy)
    try:
        revealed = declaration.reveal(list(values), secret or None)
        revealed.check()
    except fairdraw.FairdrawError as error:
        raise GaoxinError(errors.VALUES_INVALID, detail=str(error)) from error
    return revealed


def _draw_inputs(*, actor: Any, batch: SaleBatch, values: Sequence[str]) -> tuple[Roster, Any]:
    """What the draw rests on, checked (the batch is locked): the administrator may run it, the
    batch is frozen, the notary confirmed the roster and revealed the secret, the values fit
    the declaration. Returns the roster and the revealed entropy."""
    ensure(actor is None or access.can_run_draw(actor, batch), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.DRAWN)
    roster = Roster.objects.get(batch=batch)
    ensure(roster.confirmed_at is not None, errors.ROSTER_NOT_CONFIRMED)
    reveal = NotaryReveal.objects.filter(batch=batch).first()
    ensure(reveal is not None, errors.NOT_REVEALED)
    return roster, _entropy_for_draw(batch, values, reveal.secret)  # type: ignore[union-attr]


@transaction.atomic
def draw_request(*, actor: Any, batch: SaleBatch, values: Sequence[str]) -> DrawRequest | None:
    """The administrator's "run the draw": checked now (errors show at once), carried out by the
    background worker (task `draw` → `draw_request_run`), as 200,000 entries do not belong in a
    web request. A double click gets the request already queued or running; a drawn batch gets
    its latest request (None if it was drawn without one, e.g. the demo's)."""
    batch = _lock_batch(batch)
    latest = DrawRequest.objects.filter(batch=batch).first()
    if Draw.objects.filter(batch=batch).exists():
        return latest
    if latest is not None and latest.is_active:
        return latest  # a lost worker's task is requeued by common/worker.py
    _draw_inputs(actor=actor, batch=batch, values=values)
    request = DrawRequest.objects.create(batch=batch, values=list(values), requested_by=actor)
    audit.record(
        actor=actor,
        action="housing.draw.requested",
        obj=batch,
        after={"request": request.pk, "values": list(values)},
    )
    # Enqueued inside the transaction: with the database backend the task row commits together
    # with the request, so neither exists without the other (the immediate backend of the tests
    # runs the draw right here).
    tasks.draw.enqueue(request.pk)
    request.refresh_from_db()  # the immediate backend has run it already
    return request


def _draw_request_failed(request: DrawRequest, error: GaoxinError) -> None:
    with transaction.atomic():
        current = DrawRequest.objects.values_list("status", flat=True).get(pk=request.pk)
        JOB.ensure(current, JobStatus.FAILED)
        DrawRequest.objects.filter(pk=request.pk).update(
            status=JobStatus.FAILED,
            error=f"{error.message('zh')} / {error.message('en')}"[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        audit.record(
            actor=request.requested_by,
            action="housing.draw.failed",
            obj=request.batch,
            after={"request": request.pk, "error": error.code},
        )


def draw_request_run(request_id: int, *, attempt: int = 1) -> Draw | None:
    """The worker's half of a draw request. Safe to run again after a lost worker: the draw is
    one transaction (a killed one leaves nothing) and `draw_execute` returns the existing draw,
    so a re-run gives the identical protocol. Gives up once the worker was lost too often."""
    request = DrawRequest.objects.select_related("batch", "requested_by").get(pk=request_id)
    if request.status in JOB.terminal():
        return None
    if worker.gave_up(attempt):
        _draw_request_failed(request, GaoxinError(errors.WORKER_LOST, attempts=attempt - 1))
        return None
    now = timezone.now()
    JOB.ensure(request.status, JobStatus.RUNNING)
    DrawRequest.objects.filter(pk=request.pk).update(
        status=JobStatus.RUNNING, started_at=now, updated_at=now
    )
    try:
        draw = draw_execute(actor=request.requested_by, batch=request.batch, values=request.values)
    except GaoxinError as error:
        _draw_request_failed(request, error)
        return None
    except Exception as error:
        _draw_request_failed(request, GaoxinError(errors.DRAW_CRASHED, detail=type(error).__name__))
        raise
    now = timezone.now()
    JOB.ensure(JobStatus.RUNNING, JobStatus.DONE)
    DrawRequest.objects.filter(pk=request.pk).update(
        status=JobStatus.DONE, finished_at=now, updated_at=now, error=""
    )
    # Published now: build the results index here, so that the first public lookups need not.
    try:
        publication.results_index(draw_id=draw.pk, digest=draw.protocol_digest)
    except (OSError, sqlite3.Error):  # not fatal: the first lookup builds it instead
        logger.exception("results index of draw %s not built", draw.pk)
    return draw


def draw_execute(*, actor: Any, batch: SaleBatch, values: Sequence[str]) -> Draw:
    """Run the batch's draw once. Needs both halves of the two-person rule (the notary's reveal,
    the administrator's public values). A second request — a double click, a retry, another
    administrator — gets the existing draw; a crash before commit leaves nothing, and running
    again gives the identical protocol (everything it depends on is fixed)."""
    with transaction.atomic():
        batch = _lock_batch(batch)
        existing = Draw.objects.filter(batch=batch).first()
        if existing is not None:
            return existing
        roster, entropy = _draw_inputs(actor=actor, batch=batch, values=values)
        config = fairdraw.DrawConfig.from_dict(batch.config["draw"])
        with ResultsSink() as sink:
            try:
                # The app wrote this roster from validated entries when it froze it, so it is
                # split without validating again; the root check below proves every line is
                # byte for byte what the notary confirmed.
                entries = parse_canonical_roster(bytes(roster.csv).decode("utf-8"))
                result = fairdraw.run_draw(
                    entries,
                    config,
                    entropy,
                    publisher={"batch": batch.code, "roster_audit_head": roster.audit_head},
                    results_out=sink,  # type: ignore[arg-type]
                )
            except fairdraw.FairdrawError as error:
                raise GaoxinError(errors.ROSTER_CHANGED, root=roster.root) from error
            sink.finish()
            ensure(
                result.protocol["roster"]["root"] == roster.root,
                errors.ROSTER_CHANGED,
                root=roster.root,
            )
            draw = Draw.objects.create(
                batch=batch,
                values=list(values),
                protocol=result.protocol_json(),
                protocol_digest=result.protocol["protocol_digest"],
                seed=result.seed,
                executed_by=actor,
            )
            sink.store(draw, rows=len(entries))
        pause_point("housing.draw.results_written")
        _transition(
            actor=actor,
            batch=batch,
            target=BatchStatus.DRAWN,
            protocol_digest=draw.protocol_digest,
            seed=draw.seed,
            values=list(values),
            winners=result.allocation.allocated,
        )
        # Every draw is fixed in a signed audit checkpoint, published at once (issue 13).
        checkpoints.checkpoint_create(actor=actor, reason=f"draw:{batch.code}")
        return draw


# fairdraw's results columns, in its order (its registration_number is our number)
RESULT_FIELDS = ("number", *RESULTS_COLUMNS[1:])


class ResultsSink:
    """Where fairdraw writes the results file during the draw, and how its rows become one
    DrawResult each (no parsing into objects, no model instances).

    PostgreSQL: the file streams by COPY into a temporary table while fairdraw is still writing
    it (the server parses on the other core), then one INSERT … SELECT joins the registration
    numbers to their applications and fills housing_drawresult. SQLite: the bytes are kept and
    written with one executemany. Either way the count must equal the roster's."""

    def __enter__(self) -> ResultsSink:
        self.postgres = connection.vendor == "postgresql"
        self.buffer = bytearray()
        self._copy: Any = None
        if self.postgres:
            self._cursor = connection.cursor()
            self._cursor.execute(
                "CREATE TEMPORARY TABLE gaoxin_draw_results (number text, pools text, "
                "identity_commitment text, round text, rank integer, outcome text, key text, "
                "waitlist integer, choice integer)"
            )
            self._copying = self._cursor.cursor.copy(
                "COPY gaoxin_draw_results FROM STDIN (FORMAT csv, HEADER true)"
            )
            self._copy = self._copying.__enter__()
        return self

    def write(self, data: bytes) -> int:
        if self._copy is not None:
            self._copy.write(data)
        else:
            self.buffer += data
        return len(data)

    def __exit__(self, *exc: Any) -> None:
        if self.postgres:
            if self._copy is not None:
                self._copying.__exit__(*exc)
            if exc[0] is None:
                self._cursor.execute("DROP TABLE gaoxin_draw_results")
            self._cursor.close()

    def finish(self) -> None:
        """The results file is complete: end the COPY (the connection is free again)."""
        if self._copy is not None:
            self._copy = None
            self._copying.__exit__(None, None, None)

    def store(self, draw: Draw, *, rows: int) -> None:
        table = DrawResult._meta.db_table
        columns = ", ".join(("draw_id", "application_id", *RESULT_FIELDS))
        if self.postgres:
            fields = ", ".join(f"r.{name}" for name in RESULT_FIELDS)
            self._cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT %s, a.id, {fields} "  # noqa: S608
                f"FROM gaoxin_draw_results r JOIN {Application._meta.db_table} a "
                "ON a.number = r.number AND a.batch_id = %s",
                [draw.pk, draw.batch_id],
            )
            stored = self._cursor.rowcount
        else:
            stored = self._insert_sqlite(draw, table, columns)
        if stored != rows:  # a roster entry without its application: store nothing
            raise GaoxinError(errors.DRAW_CRASHED, detail=f"{stored} of {rows} results")

    def _insert_sqlite(self, draw: Draw, table: str, columns: str) -> int:
        ids = dict(Application.objects.filter(batch_id=draw.batch_id).values_list("number", "pk"))
        lines = self.buffer.decode("utf-8").split("\n")
        rows = []
        for line in lines[1:]:  # after the header
            if not line:
                continue
            f = line.split(",")
            if f[0] not in ids:
                continue  # counted as missing by the caller
            rows.append(
                (
                    draw.pk,
                    ids[f[0]],
                    f[0],
                    f[1],
                    f[2],
                    f[3],
                    int(f[4]),
                    f[5],
                    f[6],
                    int(f[7]) if f[7] else None,
                    int(f[8]) if f[8] else None,
                )
            )
        marks = ", ".join(["%s"] * (2 + len(RESULT_FIELDS)))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (our names)
                rows,
            )
        return len(rows)


def results_csv(draw: Draw) -> bytes:
    """The results file re-exported from the stored rows (fairdraw's format, byte for byte);
    `fairdraw verify` compares its SHA-256 with the protocol's results digest."""
    rows = sorted(draw.results.iterator(chunk_size=10_000), key=lambda row: row.number)
    lines = [RESULTS_HEADER, *(row.line() for row in rows)]  # bytewise order, as fairdraw's
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- unit choice (选房), contracts, closing ----------------------------------------------------


def _round_pools(batch: SaleBatch) -> dict[str, str]:
    """Round name → the pool it draws from (fairdraw configuration)."""
    return {r["name"]: r["pool"] for r in batch.config["draw"]["rounds"]}


@transaction.atomic
def unit_choice_start(*, actor: Any, batch: SaleBatch) -> int:
    """Open unit choice: the queue is the winners in unit-choice order, then the waitlisted
    households in waitlist order. Returns the queue's length."""
    batch = _lock_batch(batch)
    ensure(actor is None or access.can_start_unit_choice(actor, batch), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.UNIT_CHOICE)
    results = DrawResult.objects.filter(draw__batch=batch)
    winners = [
        (r.application_id, r.choice, r.round)
        for r in results.filter(choice__isnull=False).order_by("choice")
    ]
    waitlist = [
        (r.application_id, r.waitlist)
        for r in results.filter(waitlist__isnull=False).order_by("waitlist")
    ]
    turns = [
        ChoiceTurn(
            batch=batch,
            application_id=application_id,
            position=choice,
            source=TurnSource.WINNER,
            round=round_name,
        )
        for application_id, choice, round_name in winners
        if choice is not None
    ]
    turns += [
        ChoiceTurn(
            batch=batch,
            application_id=application_id,
            position=len(winners) + number,
            source=TurnSource.WAITLIST,
        )
        for application_id, number in waitlist
        if number is not None
    ]
    ChoiceTurn.objects.bulk_create(turns, batch_size=2000)
    _transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.UNIT_CHOICE,
        winners=len(winners),
        waitlisted=len(waitlist),
    )
    return len(turns)


def _lock_for_unit_choice(actor: Any, batch: SaleBatch) -> SaleBatch:
    """Lock the batch for a unit-choice write: the desk's principals, while choice is open."""
    batch = _lock_batch(batch)
    ensure(actor is None or access.can_record_unit_choice(actor, batch), NOT_ALLOWED)
    ensure(
        batch.status == BatchStatus.UNIT_CHOICE,
        errors.BATCH_BAD_TRANSITION,
        current=BatchStatus(batch.status).label,
        target=BatchStatus.UNIT_CHOICE.label,
    )
    return batch


def current_turn(batch: SaleBatch) -> ChoiceTurn | None:
    """Whose turn it is: the first waiting place in the queue, while a unit is still available
    (a unit is available when nobody has chosen it or its chooser did not sign)."""
    if not batch.units.filter(status=UnitStatus.AVAILABLE).exists():
        return None
    return (
        ChoiceTurn.objects.filter(batch=batch, status=TurnStatus.WAITING)
        .select_related("application")
        .order_by("position")
        .first()
    )


TurnOutcome = Literal["chosen", "declined", "no_show"]


@transaction.atomic
def turn_record(
    *,
    actor: Any,
    batch: SaleBatch,
    number: str,
    outcome: TurnOutcome,
    unit: Unit | None = None,
) -> ChoiceTurn:
    """Record the current turn: the household chose `unit`, declined, or did not come. Turns
    are taken strictly in queue order; a declined or missed turn leaves its unit to the next
    place in the queue, which is how the waitlist fills it."""
    batch = _lock_for_unit_choice(actor, batch)
    turn = current_turn(batch)
    if turn is None:
        raise GaoxinError(errors.NO_TURN_LEFT)
    ensure(
        turn.application.number == number,
        errors.NOT_YOUR_TURN,
        position=turn.position,
        number=turn.application.number,
        asked=number,
    )
    before = {"status": turn.status}
    if outcome == TurnStatus.CHOSEN:
        if unit is None:
            raise GaoxinError(errors.UNIT_REQUIRED)
        asked = str(unit)
        unit = Unit.objects.select_for_update().filter(pk=unit.pk, batch=batch).first()
        if unit is None or unit.status != UnitStatus.AVAILABLE:
            raise GaoxinError(errors.UNIT_NOT_AVAILABLE, unit=asked)
        unit.status = UnitStatus.CHOSEN
        unit.save(update_fields=["status", "updated_at"])
        turn.unit = unit
    elif outcome not in (TurnStatus.DECLINED, TurnStatus.NO_SHOW):
        raise GaoxinError(INVALID_INPUT, detail=f"outcome={outcome}")
    turn.status = outcome
    turn.recorded_by = actor
    turn.decided_at = timezone.now()
    turn.save()
    audit.record(
        actor=actor,
        action=f"housing.choice.{outcome}",
        obj=turn,
        before=before,
        after={
            "number": number,
            "position": turn.position,
            "status": outcome,
            "unit": str(unit) if unit else None,
        },
    )
    return turn


def _unit_of(turn: ChoiceTurn) -> Unit:
    """A chosen turn always has its unit (turn_record sets both together)."""
    if turn.unit is None:
        raise GaoxinError(errors.UNIT_REQUIRED)
    return turn.unit


def _chosen_turn(batch: SaleBatch, number: str) -> ChoiceTurn:
    turn = (
        # the turn's row only: PostgreSQL cannot lock the nullable side of the join to `unit`
        ChoiceTurn.objects.select_for_update(of=("self",))
        .select_related("application", "unit")
        .filter(batch=batch, application__number=number)
        .first()
    )
    if turn is None:
        raise GaoxinError(NOT_FOUND)
    ensure(
        turn.status == TurnStatus.CHOSEN,
        errors.TURN_NOT_CHOSEN,
        number=number,
        status=TurnStatus(turn.status).label,
    )
    return turn


@transaction.atomic
def contract_record(
    *, actor: Any, batch: SaleBatch, number: str, contract_number: str, signed_on: date
) -> ChoiceTurn:
    """The sales office records the signed purchase contract. A winner of the key-industry
    round enters the once-only ledger (只享受一次), which every later review reads."""
    batch = _lock_for_unit_choice(actor, batch)
    contract_number = contract_number.strip()
    ensure(0 < len(contract_number) <= 64, errors.CONTRACT_NUMBER_REQUIRED)
    ensure(
        not ChoiceTurn.objects.filter(batch=batch, contract_number=contract_number).exists(),
        errors.CONTRACT_NUMBER_TAKEN,
        contract=contract_number,
    )
    turn = _chosen_turn(batch, number)
    unit = _unit_of(turn)
    turn.status = TurnStatus.CONTRACTED
    turn.contract_number = contract_number
    turn.signed_on = signed_on
    turn.save()
    unit.status = UnitStatus.CONTRACTED
    unit.save(update_fields=["status", "updated_at"])
    benefit = None
    if (
        turn.source == TurnSource.WINNER
        and _round_pools(batch).get(turn.round) == Pool.KEY_INDUSTRY
    ):
        applicant = turn.application.members.get(relation=Relation.APPLICANT)
        benefit = BenefitUse.objects.create(
            id_number=applicant.id_number,
            batch=batch,
            application=turn.application,
            used_on=signed_on,
        )
    audit.record(
        actor=actor,
        action="housing.choice.contracted",
        obj=turn,
        before={"status": TurnStatus.CHOSEN.value},
        after={
            "number": number,
            "unit": str(unit),
            "contract_number": contract_number,
            "signed_on": signed_on.isoformat(),
            "benefit_recorded": benefit is not None,
        },
    )
    return turn


@transaction.atomic
def contract_forfeit(*, actor: Any, batch: SaleBatch, number: str) -> ChoiceTurn:
    """The household chose a unit but did not sign: the unit is available again and goes to
    the next place in the queue."""
    batch = _lock_for_unit_choice(actor, batch)
    turn = _chosen_turn(batch, number)
    unit = _unit_of(turn)
    unit.status = UnitStatus.AVAILABLE
    unit.save(update_fields=["status", "updated_at"])
    turn.status = TurnStatus.FORFEITED
    turn.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="housing.choice.forfeited",
        obj=turn,
        before={"status": TurnStatus.CHOSEN.value, "unit": str(unit)},
        after={"status": TurnStatus.FORFEITED.value, "unit": None},
    )
    return turn


@transaction.atomic
def batch_close(*, actor: Any, batch: SaleBatch) -> ClosingReport:
    """End unit choice and close the sale: places never called are marked so, and the closing
    report is computed once, stored with its digest and never changed."""
    from .report import build_report  # report reads selectors and the simulator

    batch = _lock_batch(batch)
    ensure(actor is None or access.can_start_unit_choice(actor, batch), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.CLOSED)
    pending = ChoiceTurn.objects.filter(batch=batch, status=TurnStatus.CHOSEN).count()
    ensure(pending == 0, errors.CONTRACTS_PENDING, count=pending)
    not_called = ChoiceTurn.objects.filter(batch=batch, status=TurnStatus.WAITING).update(
        status=TurnStatus.NOT_CALLED, updated_at=timezone.now()
    )
    data = build_report(batch)
    digest = hashlib.sha256(audit.canonical_json(data).encode("utf-8")).hexdigest()
    report = ClosingReport.objects.create(batch=batch, data=data, digest=digest, closed_by=actor)
    _transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.CLOSED,
        report_digest=digest,
        not_called=not_called,
    )
    return report
