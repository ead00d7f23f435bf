"""Demo sales for `make run`: one batch at each stage, on the demo's synthetic registry, so a new
user can look around (a frozen roster, a public notice, a review queue, open registration and a
draft)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from gaoxin.accounts import roles
from gaoxin.accounts.models import User
from gaoxin.accounts.services import user_create
from gaoxin.common.actors import DEMO, Actor
from gaoxin.fairdraw import notary_commitment
from gaoxin.registry import selectors as registry
from gaoxin.registry import services as registry_services
from gaoxin.registry.identifiers import make_id_number
from gaoxin.registry.imports.loaders import new_person
from gaoxin.registry.models import IdentityBinding, Person, PurchaseQualification

from . import selectors, services
from .choices import Channel, Relation, UnitStatus
from .models import SaleBatch
from .registration import MemberIn
from .review_run import run_review

# The demo notary's secret (public here, a demo only): reveal it on a frozen demo batch.
DEMO_NOTARY_SECRET = "demo-notary-secret-2026"  # noqa: S105  (a demo value, printed)


def _units(count: int) -> bytes:
    lines = ["楼栋,单元,房号,建筑面积,总价"]
    for i in range(count):
        building, floor, room = 1 + i // 24, 2 + (i % 24) // 2, 1 + i % 2
        area = (89, 105, 120)[i % 3]
        lines.append(f"{building}号楼,1,{floor}0{room},{area}.00,{area * 16800}")
    return ("\n".join(lines) + "\n").encode()


def _last_month_end() -> datetime:
    first = timezone.localdate().replace(day=1)
    return timezone.make_aware(datetime.combine(first - timedelta(days=1), time(17, 0)))


def _adults() -> list[Person]:
    """Adults, those holding purchase qualification first (as real applicants mostly do)."""
    cutoff = timezone.localdate().replace(year=timezone.localdate().year - 20)
    adults = Person.objects.filter(birth_date__lte=cutoff).order_by("id")
    qualified = set(
        PurchaseQualification.objects.filter(status="qualified").values_list("person_id", flat=True)
    )
    return sorted(adults, key=lambda p: (p.pk not in qualified, p.pk))


def _sell(batch: SaleBatch, desk: Actor) -> None:
    """Unit choice as it goes on a real day: most winners choose and sign, one declines, one
    does not come, one chooses but does not sign; the waitlist fills those units in order.
    Then the sale closes and its report is computed."""
    services.unit_choice_start(actor=DEMO, batch=batch)
    outcomes: dict[int, services.TurnOutcome] = {3: "declined", 7: "no_show"}
    forfeit_at = 5
    while (turn := selectors.current_turn(batch)) is not None:
        number = turn.application.number
        outcome: services.TurnOutcome = outcomes.get(turn.position, "chosen")
        unit = batch.units.filter(status=UnitStatus.AVAILABLE).order_by("building", "room").first()
        services.turn_record(actor=desk, batch=batch, number=number, outcome=outcome, unit=unit)
        if outcome != "chosen":
            continue
        if turn.position == forfeit_at:
            services.contract_forfeit(actor=desk, batch=batch, number=number)
            continue
        services.contract_record(
            actor=desk,
            batch=batch,
            number=number,
            contract_number=f"{batch.code}-HT-{turn.position:03d}",
            signed_on=timezone.localdate(),
        )
    services.batch_close(actor=DEMO, batch=batch)


def _bound_account(person: Person, username: str = "") -> Any:
    """The applicant account bound to `person`: theirs if bound, else `username` (or a new
    demo account) bound at the counter, as an officer would after checking the ID card."""
    binding = IdentityBinding.objects.select_related("user").filter(person=person).first()
    if binding is not None:
        return binding.user
    user = User.objects.filter(username=username).first() if username else None
    if user is None:
        user = user_create(
            actor=DEMO,
            username=username or f"demo-applicant-{person.pk}",
            password=None,
            role_codes=[roles.APPLICANT],
            display_name=person.masked_name,
        )
    registry_services.identity_bind_at_counter(
        actor=DEMO,
        username=user.username,
        id_number=person.id_number,
        name=person.name,
        card_checked=True,
        note="演示数据",
    )
    return user


@transaction.atomic
def load_demo_sales() -> list[str]:
    if SaleBatch.objects.exists():
        return []
    rng = random.Random(2026)  # noqa: S311  (deterministic demo data, not security)
    developer = User.objects.filter(username="developer").first()
    sales_desk: Actor = developer if developer is not None else DEMO
    office = services.sales_office_create(
        actor=DEMO, name="合肥高新置业有限公司（演示）", members=[developer] if developer else []
    )
    project = services.project_create(
        actor=DEMO,
        name="高新·职住苑（演示）",
        address="合肥市高新区望江西路与创新大道交口",
        sales_office=office,
        presale_permit="合房预售证第 2026-118 号",
    )
    people = _adults()
    # People do not claim at random: key-industry employees claim the key-industry pool.
    key_workers = set(
        registry.employed_by_key_industry(
            person_ids=[p.pk for p in people], on=_last_month_end().date()
        )
    )
    now = timezone.now()
    closed_at = _last_month_end()
    lines = []
    notary = User.objects.filter(username="notary").first()
    stages = (
        ("GX26A", "第一批次", 12, "closed"),
        ("GX26B", "第二批次", 24, "frozen"),
        ("GX26C", "第三批次", 24, "notice"),
        ("GX26D", "第四批次", 36, "review"),
        ("GX26E", "第五批次", 48, "registration"),
        ("GX26F", "第六批次", 24, "draft"),
    )
    for index, (code, name, units, stage) in enumerate(stages):
        batch = services.batch_create(
            actor=DEMO,
            project=project,
            name=name,
            code=code,
            registration_opens_at=now - timedelta(days=2),
            registration_closes_at=now + timedelta(days=12),
        )
        services.units_import(actor=DEMO, batch=batch, data=_units(units), filename="demo.csv")
        services.batch_declare_entropy(
            actor=DEMO,
            batch=batch,
            sources=[
                ("上证综合指数收盘点位×100", "上海证券交易所，登记截止后第一个交易日收盘"),
                ("福彩3D开奖号码", "中国福利彩票，登记截止后第一期"),
            ],
            notary_commitment=notary_commitment(DEMO_NOTARY_SECRET),
        )
        if stage == "draft":
            lines.append(f"{code}: draft / 草稿")
            continue
        services.batch_publish(actor=DEMO, batch=batch)
        # The closed batch is oversubscribed like a real one (qualified people first); the
        # others interleave so every batch gets some qualified people.
        applicants = people[:90] if stage == "closed" else people[index::5][:60]
        for person in applicants:
            key_share = 0.9 if person.pk in key_workers else 0.1
            pools = [
                p
                for p, share in (("first_home", 0.6), ("key_industry", key_share))
                if rng.random() < share
            ]
            entered = services.application_register(
                actor=sales_desk,
                batch=batch,
                pools=pools,
                channel=Channel.IMPORT,
                members=[MemberIn(Relation.APPLICANT, person.name, person.id_number)],
            ).application
            # The sales office's entries count once each applicant confirms them from their
            # bound account; in the open batch every sixth still waits for its applicant.
            if stage != "registration" or person.pk % 6:
                services.application_confirm(actor=_bound_account(person), application=entered)
        if stage != "registration":
            SaleBatch.objects.filter(pk=batch.pk).update(
                registration_opens_at=closed_at - timedelta(days=14),
                registration_closes_at=closed_at,
            )
            batch.refresh_from_db()
            services.batch_close_registration(actor=DEMO, batch=batch)
            review = services.review_start(actor=DEMO, batch=batch, enqueue=False)
            run_review(review.pk)
        if stage in {"notice", "frozen", "closed"}:
            services.notice_start(actor=DEMO, batch=batch, ends_at=now + timedelta(days=5))
        if stage in {"frozen", "closed"}:
            SaleBatch.objects.filter(pk=batch.pk).update(notice_ends_at=now - timedelta(hours=1))
            batch.refresh_from_db()
            roster = services.roster_freeze(actor=DEMO, batch=batch)
        if stage == "closed" and notary is not None:
            services.roster_confirm(actor=notary, batch=batch, size=roster.size, root=roster.root)
            services.draw_enter_values(actor=DEMO, batch=batch, values=["338712", "4 0 7"])
            services.draw_reveal(actor=notary, batch=batch, secret=DEMO_NOTARY_SECRET)
            services.draw_execute(actor=DEMO, batch=batch, values=["338712", "4 0 7"])
            _sell(batch, sales_desk)
        lines.append(f"{code}: {stage}, {units} units, {len(applicants)} applications")
    applicant = User.objects.filter(username="applicant").first()
    if applicant is not None:
        batch = SaleBatch.objects.get(code="GX26E")
        number = make_id_number("340104", date(1992, 8, 8), 17)
        known = Person.objects.filter(id_number=number).first()
        if known is None:
            known = new_person(number, "张晓明")
            known.save()
        person = known
        _bound_account(person, "applicant")  # bound at the counter, as the demo applicant
        services.application_register(
            actor=applicant,
            batch=batch,
            pools=["first_home"],
            members=[MemberIn(Relation.APPLICANT, person.name, person.id_number)],
        )
        lines.append("applicant 张晓明 registered in GX26E / 演示申请人已在 GX26E 登记")
    lines.append(f"notary's secret for GX26B / 公证员秘密值: {DEMO_NOTARY_SECRET}")
    return lines
