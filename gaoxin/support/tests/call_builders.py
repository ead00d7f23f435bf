"""An open call at each stage, for the call tests: the zone of builders.zone(), two enterprise
users, three review experts (the first employed by the first applicant's enterprise, so the
registry excludes them from its application), and the call on the competition programme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from gaoxin.accounts import roles
from gaoxin.accounts.services import role_grant
from gaoxin.common.actors import OPERATOR
from gaoxin.registry.choices import BindingMethod
from gaoxin.registry.models import Employment, IdentityBinding
from gaoxin.registry.tests.factories import a_person
from gaoxin.support.choices import CallEligibility
from gaoxin.support.models import CallApplication, OpenCall
from gaoxin.support.services import calls

from .builders import YEAR, Zone, user, zone

CRITERIA = "技术先进性:40\n可行性:30\n团队能力:30"


@dataclass
class CallWorld:
    z: Zone
    rep1: Any  # acts for z.firm
    rep2: Any  # acts for z.firm2
    experts: list[Any]
    call: OpenCall


def enterprise_user(username: str, credit_code: str) -> Any:
    made = user(username, "")
    role_grant(
        actor=OPERATOR,
        user=made,
        role=roles.ENTERPRISE_USER,
        scope_kind="enterprise",
        scope_key=credit_code,
    )
    return made


def expert(username: str, employer: Any = None) -> Any:
    """A review expert bound to a registry person, employed by `employer` if given."""
    made = user(username, roles.SUPPORT_EXPERT)
    person = a_person()
    IdentityBinding.objects.create(
        user=made, person=person, method=BindingMethod.COUNTER, bound_at=timezone.now()
    )
    if employer is not None:
        Employment.objects.create(person=person, enterprise=employer, started_on=date(2020, 1, 1))
    return made


def call_input(**overrides: Any) -> calls.CallInput:
    fields: dict[str, Any] = {
        "title": "高端装备核心部件攻关",
        "problem": "国产化精密轴承寿命不足",
        "outcome": "寿命达到 20,000 小时的样机",
        "programme_code": "competition",
        "reward": "3000000",
        "year": YEAR,
        "eligibility": CallEligibility.ENTERPRISES,
        "deadline": timezone.now() + timedelta(days=10),
        "criteria": CRITERIA,
    }
    fields.update(overrides)
    return calls.CallInput(**fields)


def open_call(n_experts: int = 3) -> CallWorld:
    z = zone()
    rep1 = enterprise_user("rep1", z.firm.credit_code)
    rep2 = enterprise_user("rep2", z.firm2.credit_code)
    experts = [expert("expert1", employer=z.firm)]
    experts += [expert(f"expert{i}") for i in range(2, n_experts + 1)]
    call = calls.call_create(actor=z.admin, data=call_input())
    calls.panel_set(actor=z.admin, pk=call.pk, usernames=[e.username for e in experts])
    calls.call_publish(actor=z.admin, pk=call.pk)
    call.refresh_from_db()
    return CallWorld(z, rep1, rep2, experts, call)


def applied(world: CallWorld) -> list[CallApplication]:
    a1 = calls.application_submit(
        actor=world.rep1, pk=world.call.pk, team="轴承攻关组", proposal="采用新型陶瓷滚动体方案"
    )
    a2 = calls.application_submit(
        actor=world.rep2, pk=world.call.pk, team="精密制造团队", proposal="表面强化与润滑改进方案"
    )
    return [a1, a2]


def deadline_passed(call: OpenCall) -> None:
    """Time passes: the deadline is behind us."""
    OpenCall.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(minutes=1))


def in_review(world: CallWorld) -> list[CallApplication]:
    apps = applied(world)
    deadline_passed(world.call)
    calls.call_close(actor=world.z.admin, pk=world.call.pk)
    calls.review_start(actor=world.z.admin, pk=world.call.pk)
    return apps


def score(expert_user: Any, application: CallApplication, *values: int) -> None:
    criteria = list(application.call.criteria.order_by("seq"))
    calls.scores_submit(
        actor=expert_user,
        application_pk=application.pk,
        values={c.pk: v for c, v in zip(criteria, values, strict=True)},
    )
