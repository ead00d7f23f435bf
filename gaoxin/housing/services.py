"""Writes for housing sales. Keyword-only arguments, one transaction, rows locked batch first,
an audit event for every change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gaoxin import fairdraw
from gaoxin.common import audit
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.fairdraw.results import RESULTS_HEADER
from gaoxin.fairdraw.roster import parse_roster_csv, roster_csv
from gaoxin.registry import identifiers

from . import access, errors, tasks
from .choices import ApplicationStatus, BatchStatus, Channel, Pool, Relation
from .models import (
    Application,
    ApplicationMember,
    Draw,
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
from .registration import MemberIn, clean_household, identity_string, parse_registrations
from .spreadsheet import read_rows
from .states import ensure_transition
from .unitsheet import parse_units


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


@transaction.atomic
def units_import(*, actor: Any, batch: SaleBatch, data: bytes, filename: str) -> int:
    """Replace the draft batch's units with the spreadsheet's; all or nothing."""
    batch = _lock_batch(batch)
    ensure(actor is None or access.can_manage_project(actor, batch.project), NOT_ALLOWED)
    ensure(batch.status == BatchStatus.DRAFT, errors.BATCH_NOT_EDITABLE)
    rows = parse_units(data, filename)
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
        after={"units": len(rows), "file": filename[:100]},
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
    """A second reviewer approves (the decision changes) or rejects a proposed override."""
    override = (
        Override.objects.select_for_update().select_related("application").get(pk=override.pk)
    )
    batch = _lock_batch(override.application.batch)
    ensure(access.can_review(actor, batch), NOT_ALLOWED)
    ensure(override.status == "proposed", errors.OVERRIDE_DECIDED)
    ensure(override.proposed_by_id != actor.pk, errors.SECOND_REVIEWER_REQUIRED)
    ensure(batch.status == BatchStatus.REVIEW, errors.BATCH_NOT_EDITABLE)
    override.status = "approved" if approve else "rejected"
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
    ensure(last is not None and last.status == "done", errors.REVIEW_NOT_DONE)
    pending = Override.objects.filter(application__batch=batch, status="proposed").count()
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


@transaction.atomic
def applications_import(*, actor: Any, batch: SaleBatch, data: bytes, filename: str) -> int:
    """Register every household of a sales office's spreadsheet, or none: each row is checked
    first (ID numbers, duplicates inside the file, people already registered), and the error
    names the row and column."""
    batch = _lock_batch(batch)
    ensure(access.can_manage_project(actor, batch.project), NOT_ALLOWED)
    rows = parse_registrations(read_rows(data, filename, max_rows=20_000))
    closing = timezone.localdate(batch.registration_closes_at)
    problems: list[tuple[int, GaoxinError]] = []
    seen: dict[str, int] = {}
    for row in rows:
        try:
            cleaned = clean_household(row.members, on=closing)
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
                    phone=row.phone,
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
        after={"rows": len(rows), "file": filename[:100]},
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
        ensure(actor is None or access.can_run_draw(actor, batch), NOT_ALLOWED)
        ensure_transition(batch.status, BatchStatus.DRAWN)
        roster = Roster.objects.get(batch=batch)
        ensure(roster.confirmed_at is not None, errors.ROSTER_NOT_CONFIRMED)
        reveal = NotaryReveal.objects.filter(batch=batch).first()
        ensure(reveal is not None, errors.NOT_REVEALED)
        entropy = _entropy_for_draw(batch, values, reveal.secret)  # type: ignore[union-attr]
        entries = parse_roster_csv(bytes(roster.csv).decode("utf-8"), source="roster.csv")
        config = fairdraw.DrawConfig.from_dict(batch.config["draw"])
        result = fairdraw.run_draw(
            entries,
            config,
            entropy,
            publisher={"batch": batch.code, "roster_audit_head": roster.audit_head},
        )
        protocol = result.protocol_json()
        draw = Draw.objects.create(
            batch=batch,
            values=list(values),
            protocol=protocol,
            protocol_digest=result.protocol["protocol_digest"],
            seed=result.seed,
            executed_by=actor,
        )
        ids = dict(batch.applications.values_list("number", "pk"))
        rows = result.rows()
        DrawResult.objects.bulk_create(
            [
                DrawResult(
                    draw=draw,
                    application_id=ids[number],
                    number=number,
                    pools=r.pools,
                    identity_commitment=r.identity_commitment,
                    round=r.round,
                    rank=r.rank,
                    outcome=r.outcome,
                    key=r.key,
                    waitlist=r.waitlist,
                    choice=r.choice,
                )
                for number, r in rows.items()
            ],
            batch_size=2000,
        )
        _transition(
            actor=actor,
            batch=batch,
            target=BatchStatus.DRAWN,
            protocol_digest=draw.protocol_digest,
            seed=draw.seed,
            values=list(values),
            winners=sum(1 for r in rows.values() if r.outcome == "won"),
        )
        return draw


def results_csv(draw: Draw) -> bytes:
    """The results file re-exported from the stored rows (fairdraw's format, byte for byte);
    `fairdraw verify` compares its SHA-256 with the protocol's results digest."""
    rows = sorted(draw.results.iterator(chunk_size=10_000), key=lambda row: row.number)
    lines = [RESULTS_HEADER, *(row.line() for row in rows)]  # bytewise order, as fairdraw's
    return ("\n".join(lines) + "\n").encode("utf-8")
