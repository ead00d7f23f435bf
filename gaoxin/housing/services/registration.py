"""Registration: households register online or by a sales office's sheet or API;
confirmation; withdrawal; the close of registration.

Who registers (issue #13): online, an applicant account bound to a verified registry person
(registry.IdentityBinding) registers that person as the principal applicant, under the
registry's name, with members who are that person's spouse and minor children in the registry.
A sales office's entry (sheet or API) waits, unconfirmed, until the applicant confirms it from
that bound account before registration closes (the same rules are checked then); until then it
blocks nobody and counts for nothing, and at the close it lapses. No refusal names another
person or another account's registration."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gaoxin import fairdraw
from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.common.exports import printable
from gaoxin.common.storagefaults import reports_storage_faults
from gaoxin.registry import identifiers
from gaoxin.registry import selectors as registry

from .. import access, errors
from ..choices import (
    ApplicationStatus,
    BatchStatus,
    Channel,
    Pool,
    Relation,
)
from ..locks import lock_batch, transition
from ..models import (
    Application,
    ApplicationMember,
    SaleBatch,
)
from ..registration import (
    SHEET_MAX_ROWS,
    WHO,
    CleanMember,
    MemberIn,
    clean_household,
    clean_phone,
    identity_string,
    parse_registrations,
)
from ..spreadsheet import read_table
from ..states import APPLICATION

logger = logging.getLogger(__name__)


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
    actor: Actor,
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
    if channel == Channel.WEB:
        ensure_own_household(actor, cleaned)
    existing = _registered_already(actor=actor, batch=batch, cleaned=cleaned, channel=channel)
    if existing is not None:
        return existing
    arguments: dict[str, Any] = {
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


def _ensure_may_register(actor: Actor, batch: SaleBatch, channel: str) -> None:
    if channel == Channel.WEB:
        ensure(access.can_register(actor), NOT_ALLOWED)
    else:
        ensure(access.can_manage_project(actor, batch.project), NOT_ALLOWED)


def ensure_own_household(actor: Actor, cleaned: Sequence[CleanMember]) -> None:
    """The household is the actor's own: the account is bound to a registry person, who is the
    principal applicant; then check_household. Raises otherwise."""
    person = registry.bound_person(actor)
    if person is None:
        raise GaoxinError(errors.IDENTITY_NOT_BOUND)
    principal = next(m for m in cleaned if m.relation == Relation.APPLICANT)
    ensure(
        principal.id_number == person.id_number,
        errors.APPLICANT_NOT_SELF,
        masked=identifiers.mask_id_number(person.id_number),
    )
    check_household(cleaned)


def check_household(cleaned: Sequence[CleanMember]) -> None:
    """Every member is a registry person under the registry's name; the spouse is the principal
    applicant's spouse today and each child a minor child of the principal or the spouse today
    (clean_household checked they are minors on the closing date)."""
    people = registry.people_by_id_number([m.id_number for m in cleaned])
    for member in cleaned:
        who_zh, who_en = WHO[Relation(member.relation)]
        masked = identifiers.mask_id_number(member.id_number)
        person = people.get(member.id_number)
        if person is None:
            raise GaoxinError(
                errors.MEMBER_NOT_IN_REGISTRY, who=who_zh, who_en=who_en, masked=masked
            )
        ensure(
            identifiers.same_name(member.name, person.name),
            errors.MEMBER_NAME_MISMATCH,
            who=who_zh,
            who_en=who_en,
            masked=masked,
            name=printable(member.name)[:50],
        )
    principal = people[next(m.id_number for m in cleaned if m.relation == Relation.APPLICANT)]
    household = registry.registry_household(person=principal, on=timezone.localdate())
    for member in cleaned:
        pk = people[member.id_number].pk
        masked = identifiers.mask_id_number(member.id_number)
        if member.relation == Relation.SPOUSE:
            ensure(pk in household.spouse_ids, errors.MEMBER_NOT_SPOUSE, masked=masked)
        elif member.relation == Relation.CHILD:
            ensure(pk in household.minor_child_ids, errors.MEMBER_NOT_CHILD, masked=masked)


def _registered_already(
    *, actor: Actor, batch: SaleBatch, cleaned: list[Any], channel: str
) -> Registered | None:
    """None when the registration may go ahead; the existing application when the same sender
    sends the same household again; otherwise a refusal that names nobody.

    Online, only confirmed registrations (live members) stand in the way: the applicant's own
    (named to them) or one that holds someone of this household (named to nobody: which one
    and by whom is another account's business). A sales office's entry is never refused for
    someone else's registration: it waits for the applicant's confirmation, which decides."""
    if channel != Channel.WEB:
        return _entered_already(batch=batch, cleaned=cleaned, channel=channel)
    numbers = [m.id_number for m in cleaned]
    taken = list(
        ApplicationMember.objects.filter(batch=batch, live=True, id_number__in=numbers)
        .select_related("application")
        .order_by("application_id")
    )
    if not taken:
        return None
    existing = taken[0].application
    # The same household again from the same account is a retry (a double click): it gets the
    # existing application, never a second one.
    if existing.user_id is not None and existing.user_id == actor.pk:
        if sorted(existing.members.values_list("id_number", flat=True)) == sorted(numbers):
            return Registered(existing, existing.salt, created=False)
        raise GaoxinError(errors.OWN_REGISTRATION_EXISTS, number=existing.number)
    raise GaoxinError(errors.PERSON_ALREADY_REGISTERED)


def _entered_already(*, batch: SaleBatch, cleaned: list[Any], channel: str) -> Registered | None:
    """A sales office's retry (a sales system that lost the answer, a sheet sent twice): the
    same household with the same principal applicant by the same channel, not withdrawn, is the
    application it entered before."""
    numbers = sorted(m.id_number for m in cleaned)
    principal = next(m.id_number for m in cleaned if m.relation == Relation.APPLICANT)
    candidates = Application.objects.filter(
        batch=batch,
        channel=channel,
        status__in=[ApplicationStatus.UNCONFIRMED, ApplicationStatus.SUBMITTED],
        members__relation=Relation.APPLICANT,
        members__id_number=principal,
    ).order_by("pk")
    for existing in candidates:
        if sorted(existing.members.values_list("id_number", flat=True)) == numbers:
            return Registered(existing, existing.salt, created=False)
    return None


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
        opens=errors.local_time(batch.registration_opens_at),
        closes=errors.local_time(batch.registration_closes_at),
    )
    return f"{batch.code}-{int(row[0]):06d}"


def _register_locked(
    *,
    actor: Actor,
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
        batch = lock_batch(batch)
        _ensure_may_register(actor, batch, channel)
        now = timezone.now()
        ensure(
            batch.status == BatchStatus.REGISTRATION
            and batch.registration_opens_at <= now < batch.registration_closes_at,
            errors.REGISTRATION_CLOSED,
            opens=errors.local_time(batch.registration_opens_at),
            closes=errors.local_time(batch.registration_closes_at),
        )
        existing = _registered_already(actor=actor, batch=batch, cleaned=cleaned, channel=channel)
        if existing is not None:
            return existing
    number = _take_number(batch)
    salt = fairdraw.new_salt()
    online = channel == Channel.WEB  # confirmed as it is made, from the bound account
    application = Application.objects.create(
        batch=batch,
        number=number,
        channel=channel,
        status=ApplicationStatus.SUBMITTED if online else ApplicationStatus.UNCONFIRMED,
        confirmed_at=timezone.now() if online else None,
        claims_first_home=Pool.FIRST_HOME in pools,
        claims_key_industry=Pool.KEY_INDUSTRY in pools,
        phone=phone.strip(),
        user=user_of(actor) if online else None,
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
            live=online,
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
            "confirmed": online,
            "members": [
                {"relation": m.relation, "id": identifiers.mask_id_number(m.id_number)}
                for m in cleaned
            ],
        },
    )
    return Registered(application, salt, created=True)


@reports_storage_faults
@transaction.atomic
def applications_import(*, actor: Actor, batch: SaleBatch, data: bytes, filename: str) -> int:
    """Register every household of a sales office's spreadsheet, or none: each row is checked
    first (ID numbers, duplicates inside the file, people already registered), and the error
    names the row and column."""
    batch = lock_batch(batch)
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


@transaction.atomic
def application_withdraw(*, actor: Actor, application: Application) -> Application:
    batch = lock_batch(application.batch)
    application = Application.objects.select_for_update().get(pk=application.pk)
    ensure(access.can_withdraw_application(actor, application), NOT_ALLOWED)
    before = application.status
    ensure(
        application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNCONFIRMED)
        and batch.status == BatchStatus.REGISTRATION
        and timezone.now() < batch.registration_closes_at,
        errors.NOT_WITHDRAWABLE,
    )
    APPLICATION.ensure(application.status, ApplicationStatus.WITHDRAWN)
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    application.members.update(live=False)
    audit.record(
        actor=actor,
        action="housing.application.withdrawn",
        obj=application,
        before={"status": before},
        after={"status": ApplicationStatus.WITHDRAWN},
    )
    return application


@transaction.atomic
def application_confirm(*, actor: Actor, application: Application) -> Application:
    """The applicant confirms a sales office's entry from the account bound to its principal
    applicant, before registration closes. The household rules of an online registration are
    checked now; the entry then counts (its members become live) and is the applicant's own.
    Someone of the household already in a confirmed registration refuses it, naming only the
    applicant's own."""
    batch = lock_batch(application.batch)
    application = (
        Application.objects.select_for_update().prefetch_related("members").get(pk=application.pk)
    )
    ensure(access.can_confirm_application(actor, application), NOT_ALLOWED)
    ensure(
        application.status == ApplicationStatus.UNCONFIRMED
        and batch.status == BatchStatus.REGISTRATION
        and timezone.now() < batch.registration_closes_at,
        errors.NOT_CONFIRMABLE,
    )
    members = list(application.members.all())
    cleaned = [
        CleanMember(m.relation, m.name, m.id_number, identifiers.id_birth_date(m.id_number))
        for m in members
    ]
    ensure_own_household(actor, cleaned)
    taken = (
        ApplicationMember.objects.filter(
            batch=batch, live=True, id_number__in=[m.id_number for m in members]
        )
        .select_related("application")
        .first()
    )
    if taken is not None:
        if taken.application.user_id == actor.pk:
            raise GaoxinError(errors.OWN_REGISTRATION_EXISTS, number=taken.application.number)
        raise GaoxinError(errors.PERSON_ALREADY_REGISTERED)
    application.user = user_of(actor)
    application.confirmed_at = timezone.now()
    APPLICATION.apply(
        actor=actor,
        obj=application,
        target=ApplicationStatus.SUBMITTED,
        after={"number": application.number},
        update_fields=["user", "confirmed_at"],
    )
    application.members.update(live=True)
    return application


@reports_storage_faults
@transaction.atomic
def application_viewed(*, actor: Actor, application: Application) -> None:
    """Record that the household's own account is shown its members' full names and its
    secret salt (the page shows them only once this is recorded)."""
    ensure(access.can_view_household_unmasked(actor, application), NOT_ALLOWED)
    audit.record(
        actor=actor,
        action="housing.application.viewed",
        obj=application,
        after={"number": application.number, "unmasked": True},
    )


@transaction.atomic
def batch_close_registration(*, actor: Actor, batch: SaleBatch) -> SaleBatch:
    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_set_up_sales(actor), NOT_ALLOWED)
    # Closing before the announced time is possible (e.g. a court order) and is recorded.
    live = batch.applications.filter(status=ApplicationStatus.SUBMITTED).count()
    # A sales office's entry the applicant did not confirm lapses: it never counts.
    unconfirmed = batch.applications.filter(status=ApplicationStatus.UNCONFIRMED)
    lapsed = sorted(unconfirmed.values_list("number", flat=True))
    if lapsed:
        APPLICATION.ensure(ApplicationStatus.UNCONFIRMED, ApplicationStatus.LAPSED)
        unconfirmed.update(status=ApplicationStatus.LAPSED, updated_at=timezone.now())
        audit.record(
            actor=actor,
            action="housing.application.lapsed",
            obj=batch,
            after={"count": len(lapsed), "numbers": lapsed[:1000]},
        )
    return transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.REVIEW,
        applications=live,
        lapsed=len(lapsed),
        early=timezone.now() < batch.registration_closes_at,
    )
