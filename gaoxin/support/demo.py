"""Demo data for `make run`: the source page's three funding ceilings as programmes, and a few
awards under them, made through the services so that the ledger and the audit chain are what
real use would leave. The per-year ceilings and the shared ceiling are the demo's assumptions
(the page gives only the per-recipient ceilings); docs/support.md says so."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gaoxin.common.actors import DEMO
from gaoxin.registry.models import Enterprise

from .choices import ProgrammeKind
from .models import CeilingGroup, Programme
from .services import awards

PROGRAMMES = [
    # code, zh, en, kind, per recipient, per year, shares the innovation ceiling
    (
        "platform",
        "重大科技创新平台",
        "Major science and technology innovation platform",
        ProgrammeKind.GRANT,
        100_000_000,
        300_000_000,
        True,
    ),
    (
        "competition",
        "大赛获奖项目",
        "Competition-winning project (credit line)",
        ProgrammeKind.CREDIT_LINE,
        10_000_000,
        50_000_000,
        True,
    ),
    (
        "talent",
        "特殊贡献人才",
        "Person of special contribution",
        ProgrammeKind.GRANT,
        5_000_000,
        20_000_000,
        False,
    ),
]


def create_programmes() -> list[Programme]:
    group, _ = CeilingGroup.objects.get_or_create(
        code="innovation",
        defaults={
            "name_zh": "科技创新扶持（平台与大赛合计）",
            "name_en": "Innovation support (platform and competition together)",
            "ceiling_per_recipient": 100_000_000,
        },
    )
    out = []
    for code, zh, en, kind, recipient, year, shared in PROGRAMMES:
        programme, _ = Programme.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "kind": kind,
                "ceiling_per_recipient": recipient,
                "ceiling_per_year": year,
                "group": group if shared else None,
                "for_people": code == "talent",
                "policy": "青岛高新区企业扶持政策（演示）",
            },
        )
        out.append(programme)
    return out


@transaction.atomic
def load_demo_support() -> list[str]:
    if Programme.objects.exists():
        return []
    create_programmes()
    year = timezone.localdate().year
    firms = list(Enterprise.objects.order_by("id")[:2])
    made = 0
    if len(firms) == 2:
        platform = awards.award_propose(
            actor=DEMO,
            programme_code="platform",
            recipient=firms[0].credit_code,
            title="海洋装备创新平台",
            year=year,
            amount=60_000_000,
        )
        awards.milestones_set(
            actor=DEMO,
            pk=platform.pk,
            plan=[
                awards.MilestonePlan("平台立项", 20_000_000),
                awards.MilestonePlan("设备到位", 25_000_000),
                awards.MilestonePlan("通过验收", 15_000_000),
            ],
        )
        awards.award_approve(actor=DEMO, pk=platform.pk)
        first = platform.milestones.order_by("seq").values_list("pk", flat=True)[0]
        awards.milestone_pay(actor=DEMO, pk=first, evidence="立项批复及建设方案")
        prize = awards.award_propose(
            actor=DEMO,
            programme_code="competition",
            recipient=firms[1].credit_code,
            title="创新创业大赛一等奖项目授信",
            year=year,
            amount=8_000_000,
        )
        awards.milestones_set(
            actor=DEMO, pk=prize.pk, plan=[awards.MilestonePlan("授信额度启用", 8_000_000)]
        )
        made = 2
    return [f"support: {len(PROGRAMMES)} programmes, {made} awards"]
