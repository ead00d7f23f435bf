"""Sale batches at each stage of a sale, built the way people take a batch there: every status
change is made by the service that makes it in production, never written directly.

Three things are set directly, each said so where it is done: the eligibility two reviewers
would decide (`everyone_eligible`: the households of the stage builders are not in the
registry), the end of the public notice (`end_notice`: time passes), and a registration window
moved into a past June (`registration_in_june`: dated registry facts).

The stage builders, each the one before it plus one or more steps (`make_user` is conftest's
fixture; the default batch is code DR26 with 10 units, 30 households registered by one applicant,
half of them claiming the first-home pool, and the notary's commitment to `SECRET`):

    draft_batch()                  a draft with units and the declared entropy
    published_batch()              open for registration, no household yet
    registration_batch(make_user)  open for registration, `households` registered
    review_batch(make_user)        registration closed, the automatic review done, all eligible
    notice_batch(make_user)        the public notice running (ends in a day)
    frozen_batch(make_user)        the notice over, the roster frozen and confirmed by a notary
    revealed_batch(make_user)      the notary's secret revealed
    drawn_batch(make_user)         drawn by a zone administrator
    unit_choice_batch(make_user)   unit choice opened
    closed_batch(make_user)        closed (the first `sold` households bought a unit)

Every household registers from its own applicant account bound to its registry person
(`bound_applicant`: the person is made in the registry when missing, and bound as a counter
officer would bind them); a sales office's entry counts once that account confirms it
(`confirm_entry`).

The steps (`publish`, `register`, `review`, `start_notice`, `end_notice`, `freeze`, `confirm`,
`to_frozen`, `reveal`, `draw`, `start_unit_choice`, `take`, `close`) take a batch from one stage
to the next, for tests that stop in between or act at a step themselves. `Household` and
`household_reviewed` are a household the registry knows, reviewed in a batch of its own."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.test import TestCase
from django.utils import timezone

from gaoxin.accounts import roles
from gaoxin.accounts.services import user_create
from gaoxin.common.actors import OPERATOR
from gaoxin.fairdraw import notary_commitment
from gaoxin.housing import selectors, services
from gaoxin.housing.choices import Relation, UnitStatus
from gaoxin.housing.models import ChoiceTurn, DrawValues, Eligibility, Roster, SaleBatch, Unit
from gaoxin.housing.registration import MemberIn
from gaoxin.registry import selectors as registry
from gaoxin.registry import services as registry_services
from gaoxin.registry.choices import (
    DegreeLevel,
    PropertyUse,
    QualificationStatus,
    VerificationStatus,
)
from gaoxin.registry.imports.loaders import new_person
from gaoxin.registry.models import (
    Degree,
    Employment,
    IdentityBinding,
    InsuranceContribution,
    Person,
    Property,
    PropertyOwner,
    PurchaseQualification,
)
from gaoxin.registry.tests.factories import a_classification, person_born

from .factories import _admin, person_id, units_csv

# What the system does itself (closing registration, starting the review and the notice,
# freezing the roster), in one place for when the system gets an actor of its own.
SYSTEM = OPERATOR
SECRET = "公证处-2026-秘密-7c1d"  # the notary's secret of the stage builders' batches
VALUES = ["338712", "4 0 7"]  # the public random values the draws are run with
ENTROPY = [("上证综指收盘点位×100", "上海证券交易所 2026-12-08 收盘")]
DRAW_ENTROPY = [("上证综指收盘点位×100", "登记截止后首个交易日"), ("福彩3D", "登记截止后首期")]

MakeUser = Callable[..., Any]
Outcome = Literal["chosen", "declined", "no_show"]


# -- the steps ---------------------------------------------------------------------------------


def draft_batch(
    *,
    code: str = "T2026",
    units: int = 40,
    developer: Any = None,
    entropy: Sequence[tuple[str, str]] = ENTROPY,
    secret: str | None = None,
) -> SaleBatch:
    """A draft batch of a project of its own sales office (with `developer` as a member), with
    `units` units and the declared entropy (and the notary's commitment to `secret`)."""
    office = services.sales_office_create(
        actor=SYSTEM, name=f"合肥某置业有限公司 {code}", members=[developer] if developer else []
    )
    project = services.project_create(
        actor=SYSTEM,
        name=f"高新雅苑 {code}",
        address="合肥市高新区创新大道 1 号",
        sales_office=office,
    )
    now = timezone.now()
    batch = services.batch_create(
        actor=SYSTEM,
        project=project,
        name="第一批次",
        code=code,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=6),
    )
    if units:
        services.units_import(actor=_admin(), batch=batch, data=units_csv(units), filename="u.csv")
    services.batch_declare_entropy(
        actor=SYSTEM,
        batch=batch,
        sources=list(entropy),
        **({"notary_commitment": notary_commitment(secret)} if secret is not None else {}),
    )
    batch.refresh_from_db()
    return batch


def publish(batch: SaleBatch) -> SaleBatch:
    services.batch_publish(actor=SYSTEM, batch=batch)
    batch.refresh_from_db()
    return batch


def published_batch(
    *,
    code: str = "T2026",
    units: int = 40,
    developer: Any = None,
    entropy: Sequence[tuple[str, str]] = ENTROPY,
    secret: str | None = None,
) -> SaleBatch:
    """Open for registration (it opened yesterday and closes in six days), nobody registered."""
    return publish(
        draft_batch(code=code, units=units, developer=developer, entropy=entropy, secret=secret)
    )


_accounts = itertools.count(1)


def bound_applicant(
    person: Person | None = None, *, id_number: str = "", name: str = "测试"
) -> Any:
    """The applicant account bound to `person` (or to the registry person with `id_number`,
    made under `name` when the registry lacks them): the account already bound to them, else a
    new one bound as a counter officer binds it after checking the ID card."""
    if person is None:
        person = Person.objects.filter(id_number=id_number).first()
        if person is None:
            person = new_person(id_number, name)
            person.save()
    binding = IdentityBinding.objects.select_related("user").filter(person=person).first()
    if binding is not None:
        return binding.user
    user = user_create(
        actor=OPERATOR,
        username=f"applicant-bound-{next(_accounts)}",
        password=None,
        role_codes=[roles.APPLICANT],
    )
    registry_services.identity_bind_at_counter(
        actor=OPERATOR,
        username=user.username,
        id_number=person.id_number,
        name=person.name,
        card_checked=True,
    )
    return user


def bind(user: Any, id_number: str, name: str = "测试") -> Any:
    """Bind an existing applicant account to the registry person with `id_number` (made under
    `name` when the registry lacks them), as a counter officer would."""
    if not Person.objects.filter(id_number=id_number).exists():
        new_person(id_number, name).save()
    registry_services.identity_bind_at_counter(
        actor=OPERATOR,
        username=user.username,
        id_number=id_number,
        name=Person.objects.get(id_number=id_number).name,
        card_checked=True,
    )
    return user


def confirm_entry(application: Any) -> Any:
    """The principal applicant confirms a sales office's entry from their bound account."""
    principal = application.members.get(relation=Relation.APPLICANT)
    return services.application_confirm(
        actor=bound_applicant(id_number=principal.id_number, name=principal.name),
        application=application,
    )


def register(batch: SaleBatch, households: int, *, first: int = 600) -> SaleBatch:
    """`households` one-person households registered online, each from its own bound applicant
    account, every other one claiming the first-home pool; their ID numbers are
    `person_id(first + n)`."""
    for n in range(households):
        number = person_id(first + n)
        services.application_register(
            actor=bound_applicant(id_number=number),
            batch=batch,
            pools=["first_home"] if n % 2 else [],
            members=[MemberIn(Relation.APPLICANT, "测试", number)],
        )
    return batch


def review(batch: SaleBatch, *, actor: Any = SYSTEM) -> SaleBatch:
    """Registration closed and the automatic review started; its task runs after the commit."""
    services.batch_close_registration(actor=SYSTEM, batch=batch)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.review_start(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def everyone_eligible(batch: SaleBatch) -> SaleBatch:
    """Nobody of the stage builders is in the registry: every household is made eligible for
    the general and first-home pools, as two reviewers would (written directly)."""
    Eligibility.objects.filter(application__batch=batch).update(general=True, first_home=True)
    return batch


def start_notice(batch: SaleBatch, *, ends_in: timedelta = timedelta(days=1)) -> SaleBatch:
    services.notice_start(actor=SYSTEM, batch=batch, ends_at=timezone.now() + ends_in)
    batch.refresh_from_db()
    return batch


def end_notice(batch: SaleBatch) -> SaleBatch:
    """Time passes: the notice ends now (written directly, the one date a test cannot wait
    for)."""
    SaleBatch.objects.filter(pk=batch.pk).update(notice_ends_at=timezone.now())
    batch.refresh_from_db()
    return batch


def freeze(batch: SaleBatch) -> Roster:
    roster = services.roster_freeze(actor=SYSTEM, batch=batch)
    batch.refresh_from_db()
    return roster


def confirm(batch: SaleBatch, notary: Any) -> SaleBatch:
    """The notary confirms the size and root of the frozen roster, as they checked them."""
    roster = Roster.objects.get(batch=batch)
    services.roster_confirm(actor=notary, batch=batch, size=roster.size, root=roster.root)
    batch.refresh_from_db()
    return batch


def to_frozen(batch: SaleBatch, make_user: MakeUser) -> SaleBatch:
    """From review (the review done) to a frozen roster a notary confirmed: the notice starts,
    ends, and the roster is frozen."""
    start_notice(batch)
    end_notice(batch)
    freeze(batch)
    return confirm(batch, make_user("notary"))


def enter_values(
    batch: SaleBatch, actor: Any = None, *, values: Sequence[str] = VALUES
) -> SaleBatch:
    """The zone administrator enters the public values (before the notary's reveal)."""
    services.draw_enter_values(actor=actor or _admin(), batch=batch, values=list(values))
    return batch


def reveal(
    batch: SaleBatch, notary: Any, *, secret: str = SECRET, values: Sequence[str] = VALUES
) -> SaleBatch:
    """The public values entered by a zone administrator (unless they are already), then the
    notary's reveal: the order the draw requires."""
    if not DrawValues.objects.filter(batch=batch).exists():
        enter_values(batch, values=values)
    services.draw_reveal(actor=notary, batch=batch, secret=secret)
    return batch


def draw(batch: SaleBatch, actor: Any, *, values: Sequence[str] = VALUES) -> SaleBatch:
    services.draw_execute(actor=actor, batch=batch, values=list(values))
    batch.refresh_from_db()
    return batch


def start_unit_choice(batch: SaleBatch, actor: Any) -> SaleBatch:
    services.unit_choice_start(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def free_unit(batch: SaleBatch) -> Unit:
    """The first available unit, by building and room."""
    unit = batch.units.filter(status=UnitStatus.AVAILABLE).order_by("building", "room").first()
    assert unit is not None, "no unit is available"
    return unit


def take(batch: SaleBatch, actor: Any, outcome: Outcome, unit: Unit | None = None) -> ChoiceTurn:
    """The household whose turn it is: `chosen` (with `unit`), `declined` or `no_show`."""
    turn = selectors.current_turn(batch)
    assert turn is not None
    return services.turn_record(
        actor=actor, batch=batch, number=turn.application.number, outcome=outcome, unit=unit
    )


def close(batch: SaleBatch, actor: Any) -> SaleBatch:
    services.batch_close(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


# -- the stages --------------------------------------------------------------------------------


def registration_batch(
    make_user: MakeUser, *, households: int = 30, code: str = "DR26", units: int = 10
) -> SaleBatch:
    """Open for registration with `households` households; two public entropy sources and the
    notary's commitment to `SECRET` declared."""
    batch = published_batch(code=code, units=units, entropy=DRAW_ENTROPY, secret=SECRET)
    return register(batch, households)


def review_batch(make_user: MakeUser, **batch: Any) -> SaleBatch:
    """The automatic review done and every household eligible."""
    return everyone_eligible(review(registration_batch(make_user, **batch)))


def notice_batch(make_user: MakeUser, **batch: Any) -> SaleBatch:
    return start_notice(review_batch(make_user, **batch))


def frozen_batch(make_user: MakeUser, **batch: Any) -> SaleBatch:
    """The roster frozen and confirmed: ready for the notary's reveal and the draw."""
    frozen = end_notice(notice_batch(make_user, **batch))
    freeze(frozen)
    return confirm(frozen, make_user("notary"))


def revealed_batch(make_user: MakeUser, **batch: Any) -> SaleBatch:
    return reveal(frozen_batch(make_user, **batch), make_user("notary"))


def drawn_batch(make_user: MakeUser, **batch: Any) -> SaleBatch:
    return draw(revealed_batch(make_user, **batch), make_user("zone_admin"))


def unit_choice_batch(make_user: MakeUser, **batch: Any) -> SaleBatch:
    return start_unit_choice(drawn_batch(make_user, **batch), make_user("zone_admin"))


def closed_batch(make_user: MakeUser, *, sold: int = 0, **batch: Any) -> SaleBatch:
    """Closed; the first `sold` households in the queue each chose a unit and signed."""
    admin = make_user("zone_admin")
    sale = start_unit_choice(drawn_batch(make_user, **batch), admin)
    for n in range(1, sold + 1):
        turn = take(sale, admin, "chosen", free_unit(sale))
        services.contract_record(
            actor=admin,
            batch=sale,
            number=turn.application.number,
            contract_number=f"HT-{n}",
            signed_on=date(2026, 12, 1),
        )
    return close(sale, admin)


# -- a household the registry knows, reviewed in a batch of its own ------------------------------

CLOSES = datetime(2026, 6, 30, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_seq = itertools.count(1)


def next_seq() -> int:
    """A number no other household, batch or certificate of this test run has."""
    return next(_seq)


def months_back(count: int, ending: int = 202606) -> list[int]:
    return [registry.add_months(ending, -k) for k in range(count)]


class Household:
    """A key-industry applicant who meets every condition unless a test changes one."""

    def __init__(self) -> None:
        self.person = person_born(date(1990, 4, 1), next_seq())
        self.employer = a_classification().enterprise
        Employment.objects.create(
            person=self.person, enterprise=self.employer, started_on=date(2020, 1, 1)
        )
        self.pay(months_back(12))
        Degree.objects.create(
            person=self.person,
            level=DegreeLevel.BACHELOR,
            institution="中国科学技术大学",
            verification_ref=f"XL{next_seq()}",
            verification_status=VerificationStatus.VERIFIED,
        )
        PurchaseQualification.objects.create(
            person=self.person, status=QualificationStatus.QUALIFIED, valid_from=date(2026, 1, 1)
        )
        self.members = [MemberIn(Relation.APPLICANT, self.person.name, self.person.id_number)]

    def pay(self, months: list[int], *, makeup: bool = False, employer: Any = None) -> None:
        InsuranceContribution.objects.bulk_create(
            InsuranceContribution(
                person=self.person,
                employer=employer or self.employer,
                month=m,
                in_zone=True,
                is_makeup=makeup,
            )
            for m in months
        )

    def own(
        self,
        owner: Any,
        *,
        in_zone: bool = True,
        disposed_on: date | None = None,
        use: str = PropertyUse.RESIDENTIAL,
    ) -> None:
        home = Property.objects.create(
            certificate_no=f"皖(2020)合肥市不动产权第{next_seq():07d}号",
            address="合肥市高新区某路",
            district="高新区" if in_zone else "蜀山区",
            in_zone=in_zone,
            use=use,
            registered_on=date(2020, 5, 1),
            disposed_on=disposed_on,
        )
        PropertyOwner.objects.create(property=home, person=owner)


def household_reviewed(
    make_user: MakeUser,
    household: Household,
    *,
    pools: Sequence[str] = ("key_industry", "first_home"),
    rules: dict[str, Any] | None = None,
    dropped: bool = False,
) -> Eligibility:
    """`household` registered in a batch of its own (with `rules`), registration closed on
    `CLOSES` (a fixed past June, so the dated facts are exact) and the automatic review done:
    its decision. The applicant registers from the account bound to the household's first
    member. `dropped`: after registering, the registry's record of that member changes to
    another ID number (an agency's correction, written directly), so the review no longer
    finds them."""
    batch = draft_batch(code=f"E{next_seq():04d}")
    if rules:
        services.batch_set_rules(actor=SYSTEM, batch=batch, rules=services.Rules(**rules))
    publish(batch)
    principal = household.members[0]
    services.application_register(
        actor=bound_applicant(id_number=principal.id_number, name=principal.name),
        batch=batch,
        members=household.members,
        pools=list(pools),
    )
    if dropped:
        Person.objects.filter(id_number=principal.id_number).update(
            id_number=person_id(next_seq(), born=date(1950, 1, 1))
        )
    registration_in_june(batch)
    review(batch)
    return Eligibility.objects.get(application__batch=batch)


def registration_in_june(batch: SaleBatch) -> SaleBatch:
    """Registration happened; its window moves to June 2026 (closing on `CLOSES`) so that the
    review's dates are exact (written directly: the window of a published batch is fixed)."""
    SaleBatch.objects.filter(pk=batch.pk).update(
        registration_opens_at=CLOSES.replace(day=1), registration_closes_at=CLOSES
    )
    batch.refresh_from_db()
    return batch
