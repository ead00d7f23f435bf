"""Demo data for `make run`: the source page's three funding ceilings as programmes, and a few
awards under them, made through the services so that the ledger and the audit chain are what
real use would leave. The per-year ceilings and the shared ceiling are the demo's assumptions
(the page gives only the per-recipient ceilings); docs/support.md says so."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gaoxin.common.actors import DEMO
from gaoxin.registry.models import Enterprise

from . import indicator_store
from .choices import LandUse, Measure, ProgrammeKind, Sector
from .demo_calls import load_demo_calls
from .models import CeilingGroup, LandSale, Programme, SectorValueAdded, Tier, TierCriterion
from .services import awards, tiers

# The demo's tiers (雁阵), highest first: (code, zh, en, rank, {measure: at least}). The
# thresholds are the demo's; a zone writes its own.
TIERS = [
    ("leading", "领航企业", "Leading", 4, {Measure.REVENUE: 100_000, Measure.KEY_INDUSTRY: 1}),
    ("high_growth", "高成长企业", "High-growth", 3, {Measure.GROWTH: 20, Measure.REVENUE: 2_000}),
    (
        "specialised",
        "专精特新企业",
        "Specialised (专精特新)",
        2,
        {Measure.RND_SHARE: 3, Measure.EMPLOYEES: 20, Measure.REVENUE: 1_000},
    ),
    ("tech_sme", "科技型中小企业", "Tech-based SME", 1, {Measure.RND_SHARE: 1}),
]


def create_indicator_sources(last_year: int) -> None:
    """Land sales and value added from which the indicators page computes the source page's
    figures: industrial land 862,000 of 1,000,000 m² sold in `last_year` (86.2%); the secondary
    sector 244.8 of 400 (61.2%) the year before and 278.08 of 440 (63.2%) in `last_year`
    (100 million yuan)."""
    parcels = [
        (last_year - 1, LandUse.INDUSTRIAL, [300_000, 250_000, 150_000]),
        (last_year - 1, LandUse.COMMERCIAL, [180_000]),
        (last_year - 1, LandUse.RESIDENTIAL, [120_000]),
        (last_year, LandUse.INDUSTRIAL, [412_000, 250_000, 200_000]),
        (last_year, LandUse.COMMERCIAL, [80_000]),
        (last_year, LandUse.RESIDENTIAL, [58_000]),
    ]
    rows = []
    for year, use, areas in parcels:
        for i, area in enumerate(areas, start=1):
            rows.append(
                LandSale(
                    parcel=f"GX{year}-{use[:3].upper()}-{i:02d}",
                    sold_on=date(year, 3 + i, 15),
                    use=use,
                    area_m2=Decimal(area),
                )
            )
    LandSale.objects.bulk_create(rows)
    accounts = {
        last_year - 1: {
            Sector.PRIMARY: "12.00",
            Sector.SECONDARY: "244.80",
            Sector.TERTIARY: "143.20",
        },
        last_year: {Sector.PRIMARY: "10.00", Sector.SECONDARY: "278.08", Sector.TERTIARY: "151.92"},
    }
    SectorValueAdded.objects.bulk_create(
        SectorValueAdded(year=year, sector=sector, value=Decimal(value))
        for year, values in accounts.items()
        for sector, value in values.items()
    )


def create_tiers() -> None:
    for code, zh, en, rank, criteria in TIERS:
        tier, created = Tier.objects.get_or_create(
            code=code,
            effective_from=date(2020, 1, 1),
            defaults={"name_zh": zh, "name_en": en, "rank": rank},
        )
        if created:
            TierCriterion.objects.bulk_create(
                TierCriterion(tier=tier, measure=m, threshold=Decimal(v))
                for m, v in criteria.items()
            )


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
    create_tiers()
    year = timezone.localdate().year
    create_indicator_sources(year - 1)
    # The year before last published (the "previous tier" column), last year under review.
    tiers.tier_run_compute(actor=DEMO, year=year - 2)
    tiers.tier_run_publish(actor=DEMO, year=year - 2)
    run = tiers.tier_run_compute(actor=DEMO, year=year - 1)
    indicator_store.rebuild()  # the grid desk's demo wrote its statistics past the services
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
    lines = load_demo_calls(firms)
    return [
        f"support: {len(PROGRAMMES)} programmes, {made} awards, "
        f"tiers of {run.year} computed for {run.enterprises} enterprises",
        *lines,
    ]
