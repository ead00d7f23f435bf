"""Demo open calls (揭榜挂帅) for `make run`: one call open for applications, and one in its
public notice (公示) with scores from three experts, one of them excluded from an application
because the registry shows them employed by its enterprise. Made through the services (the
demo's past is replayed: the second call's deadline is moved behind us before it is closed).

Demo accounts (password demo-<name>-2026): zhuanjia1–3 (review experts), qiye1 and qiye2
(enterprise users of the registry's first two enterprises)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.accounts.demo import demo_user as _user
from gaoxin.accounts.models import User
from gaoxin.common.actors import DEMO
from gaoxin.registry.choices import BindingMethod
from gaoxin.registry.models import Employment, Enterprise, IdentityBinding, Person

from .choices import CallEligibility
from .models import OpenCall
from .services import calls

CRITERIA = "技术先进性:40\n方案可行性:30\n团队能力:30"


def _bind(user: User, person: Person) -> None:
    IdentityBinding.objects.get_or_create(
        user=user,
        defaults={
            "person": person,
            "method": BindingMethod.COUNTER,
            "bound_at": timezone.now(),
            "evidence": "演示数据",
        },
    )


def _input(title: str, problem: str, outcome: str, reward: int, deadline: Any) -> Any:
    return calls.CallInput(
        title=title,
        problem=problem,
        outcome=outcome,
        programme_code="competition",
        reward=reward,
        year=timezone.localdate().year,
        eligibility=CallEligibility.ENTERPRISES,
        deadline=deadline,
        criteria=CRITERIA,
    )


def load_demo_calls(firms: list[Enterprise]) -> list[str]:
    if OpenCall.objects.exists() or len(firms) < 2:
        return []
    free = Person.objects.filter(binding__isnull=True).order_by("id")[:3]
    people = list(free)
    if len(people) < 3:
        return ["support: too few registry people for the demo experts; no open calls loaded"]
    experts = [
        _user(f"zhuanjia{i}", f"评审专家{i}（演示）", roles.SUPPORT_EXPERT) for i in (1, 2, 3)
    ]
    for expert, person in zip(experts, people, strict=True):
        _bind(expert, person)
    # zhuanjia1 works for the first enterprise: excluded from its application
    Employment.objects.get_or_create(
        person=people[0], enterprise=firms[0], started_on=date(2021, 3, 1)
    )
    reps = [
        _user(
            f"qiye{i}",
            f"{firm.name}（演示）",
            roles.ENTERPRISE_USER,
            ScopeKind.ENTERPRISE,
            firm.credit_code,
        )
        for i, firm in enumerate(firms[:2], start=1)
    ]
    now = timezone.now()
    open_call = calls.call_create(
        actor=DEMO,
        data=_input(
            "海洋装备耐腐蚀涂层攻关",
            "深远海养殖装备的金属结构在海水中五年内腐蚀失效。",
            "盐雾试验 5,000 小时无失效的涂层及中试线。",
            2_000_000,
            now + timedelta(days=30),
        ),
    )
    calls.panel_set(actor=DEMO, pk=open_call.pk, usernames=[e.username for e in experts])
    calls.call_publish(actor=DEMO, pk=open_call.pk)

    noticed = calls.call_create(
        actor=DEMO,
        data=_input(
            "工业机器人精密减速器国产化",
            "精密减速器依赖进口，寿命与回差精度不足。",
            "回差不大于 1 弧分、寿命 20,000 小时的样机及小批量供货。",
            3_000_000,
            now + timedelta(days=1),
        ),
    )
    calls.panel_set(actor=DEMO, pk=noticed.pk, usernames=[e.username for e in experts])
    calls.call_publish(actor=DEMO, pk=noticed.pk)
    first = calls.application_submit(
        actor=reps[0],
        pk=noticed.pk,
        team="精密传动攻关组",
        proposal="采用新型齿形修形与专用热处理工艺，联合高校建设寿命试验台。",
    )
    second = calls.application_submit(
        actor=reps[1],
        pk=noticed.pk,
        team="智能制造联合团队",
        proposal="引进消化现有方案，优化装配工艺与检测手段。",
    )
    OpenCall.objects.filter(pk=noticed.pk).update(deadline=now - timedelta(minutes=1))
    calls.call_close(actor=DEMO, pk=noticed.pk)
    calls.review_start(actor=DEMO, pk=noticed.pk)  # zhuanjia1 excluded from `first`
    criteria = list(noticed.criteria.order_by("seq"))
    marks = {
        (experts[1], first): (88, 85, 90),
        (experts[2], first): (84, 80, 86),
        (experts[0], second): (70, 72, 68),
        (experts[1], second): (75, 70, 72),
        (experts[2], second): (72, 74, 70),
    }
    for (expert, application), values in marks.items():
        calls.scores_submit(
            actor=expert,
            application_pk=application.pk,
            values={c.pk: v for c, v in zip(criteria, values, strict=True)},
        )
    calls.call_decide(actor=DEMO, pk=noticed.pk, application_pk=first.pk)
    calls.call_announce(actor=DEMO, pk=noticed.pk, days=7)
    return [
        "support: 2 open calls (揭榜挂帅), one open and one in public notice; experts "
        "zhuanjia1–3 and enterprise users qiye1–2 (password demo-<name>-2026)"
    ]
