"""The yearly 雁阵 run against values computed by hand.

Tiers (in force in 2026), highest first:
    领航 leading      revenue ≥ 50,000 (10,000 yuan) and key industry
    专精特新 specialised  rnd_share ≥ 5 and growth ≥ 10 and employees ≥ 20
    科技型 tech-based   rnd_share ≥ 3
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gaoxin.common.actors import OPERATOR
from gaoxin.common.errors import GaoxinError
from gaoxin.registry.models import EnterpriseClassification, KeyIndustry
from gaoxin.registry.tests.factories import EnterpriseFactory
from gaoxin.servicedesk.choices import ReportStatus
from gaoxin.support import selectors_tiers
from gaoxin.support.choices import Measure
from gaoxin.support.models import Tier, TierAssignment, TierCriterion
from gaoxin.support.services import tiers

from .builders import user
from .stats_builders import Monthly

pytestmark = pytest.mark.django_db


def _tier(code: str, zh: str, rank: int, **criteria: int) -> Tier:
    tier = Tier.objects.create(
        code=code, name_zh=zh, name_en=code, rank=rank, effective_from=date(2020, 1, 1)
    )
    for measure, threshold in criteria.items():
        TierCriterion.objects.create(tier=tier, measure=measure, threshold=Decimal(threshold))
    return tier


@pytest.fixture
def world():
    lead = _tier("leading", "领航", 3, revenue=50_000, key_industry=1)
    spec = _tier("specialised", "专精特新", 2, rnd_share=5, growth=10, employees=20)
    tech = _tier("tech", "科技型", 1, rnd_share=3)
    stats = Monthly()
    big, mid, small, patchy = EnterpriseFactory.create_batch(4)
    # big: 5,000/month → 60,000 in 2026; key industry on 31 Dec 2026 → 领航
    stats.year(big, 2025, revenue=4_000)
    stats.year(big, 2026, revenue=5_000, rnd=100)
    industry = KeyIndustry.objects.create(
        code="ic", name_zh="集成电路", name_en="IC", effective_from=date(2020, 1, 1)
    )
    EnterpriseClassification.objects.create(
        enterprise=big, industry=industry, effective_from=date(2024, 1, 1), basis="认定通知"
    )
    # mid: 2025 revenue 100×12 = 1,200; 2026 110×12 = 1,320 → growth 10%;
    # R&D 6×12 = 72 → 72 × 100 / 1,320 = 5.4545…%; employees 25 → 专精特新
    stats.year(mid, 2025, revenue=100, employees=24)
    stats.year(mid, 2026, revenue=110, rnd=6, employees=25)
    # small: growth 200/100 - 1 = 100%, R&D 4/200 = 2% → nothing (needs 3% for 科技型)
    stats.year(small, 2025, revenue=100)
    stats.year(small, 2026, revenue=200, rnd=4)
    # patchy: 11 months of 2026 submitted, the 12th still a draft → incomplete, no tier
    stats.year(patchy, 2026, revenue=1_000, rnd=500, months=11)
    stats.year(patchy, 2026, revenue=1_000, rnd=500, months=0)
    return {
        "tiers": (lead, spec, tech),
        "big": big,
        "mid": mid,
        "small": small,
        "patchy": patchy,
        "stats": stats,
    }


def test_the_run_places_each_enterprise_by_measures_computed_by_hand(world):
    admin = user("tieradmin", "zone_admin")
    run = tiers.tier_run_compute(actor=admin, year=2026)
    lead, spec, _tech = world["tiers"]
    got = {a.enterprise_id: a for a in TierAssignment.objects.filter(run=run)}
    assert run.enterprises == 4 == len(got)
    big, mid = got[world["big"].pk], got[world["mid"].pk]
    small, patchy = got[world["small"].pk], got[world["patchy"].pk]
    assert big.tier_id == lead.pk and big.revenue == Decimal(60_000) and big.key_industry == 1
    assert big.growth == Decimal(25)  # (60,000 − 48,000) × 100 / 48,000
    assert mid.tier_id == spec.pk
    assert mid.revenue == Decimal(1_320) and mid.growth == Decimal(10)
    assert mid.rnd_share is not None
    assert mid.rnd_share.quantize(Decimal("0.0001")) == Decimal("5.4545")
    assert mid.employees == Decimal(25)
    assert small.tier_id is None
    assert small.growth == Decimal(100) and small.rnd_share == Decimal(2)
    assert patchy.tier_id is None and patchy.months == 11 and patchy.revenue is None


def test_reasons_name_each_criterion_and_what_is_lacking_for_the_next_tier(world):
    admin, leader = user("tieradmin", "zone_admin"), user("tierleader", "leadership")
    tiers.tier_run_compute(actor=admin, year=2026)
    assert selectors_tiers.enterprise_tier(world["mid"].pk) is None  # not yet published
    tiers.tier_run_publish(actor=leader, year=2026)
    mid = selectors_tiers.enterprise_tier(world["mid"].pk)
    assert mid is not None and mid.tier is not None and mid.tier.code == "specialised"
    assert [r.passed for r in mid.reasons] == [True, True, True]
    assert mid.next_tier is not None and mid.next_tier.code == "leading"
    lacking = {r.measure: r for r in mid.lacking}
    assert set(lacking) == {Measure.REVENUE, Measure.KEY_INDUSTRY}
    assert "1,320.00" in lacking[Measure.REVENUE].zh and "50,000.00" in lacking["revenue"].zh
    patchy = selectors_tiers.enterprise_tier(world["patchy"].pk)
    assert patchy is not None and patchy.tier is None
    assert patchy.next_tier is not None and patchy.next_tier.code == "tech"
    assert "11/12" in patchy.lacking[0].zh and "11 of 12" in patchy.lacking[0].en


def test_a_whole_year_without_the_year_before_says_the_year_before_is_missing(world):
    tiers.tier_run_compute(actor=OPERATOR, year=2025)  # 12 months of 2025, none of 2024
    mid = selectors_tiers.enterprise_tier(world["mid"].pk, published_only=False)
    assert mid is not None and mid.tier is None and mid.next_tier is not None
    reasons = {r.measure: r for r in selectors_tiers.reasons(mid.assignment, world["tiers"][1])}
    growth = reasons[Measure.GROWTH]
    assert not growth.passed and "上一年度数据不全" in growth.zh and "12/12" not in growth.zh
    assert "the year before is incomplete" in growth.en
    # mid's 2025 R&D is 0 of revenue 1,200: a share of 0, computed, not missing
    share = reasons[Measure.RND_SHARE]
    assert share.value == 0 and share.zh.endswith("0.00，要求不低于 5.00，不符合")


def test_the_previous_years_published_tier_stands_beside_and_a_published_year_is_final(world):
    admin, leader = user("tieradmin", "zone_admin"), user("tierleader", "leadership")
    stats = world["stats"]
    stats.year(world["mid"], 2024, revenue=50)  # 2025: growth 100%, but no R&D in 2025
    tiers.tier_run_compute(actor=admin, year=2025)
    tiers.tier_run_publish(actor=leader, year=2025)
    run = tiers.tier_run_compute(actor=admin, year=2026)
    mid = TierAssignment.objects.get(run=run, enterprise=world["mid"])
    assert mid.previous_tier_id is None and mid.tier is not None
    assert mid.tier.code == "specialised"
    big = TierAssignment.objects.get(run=run, enterprise=world["big"])
    assert big.previous_tier_id is None  # 2025: no 2024 figures, revenue 48,000 < 50,000
    tiers.tier_run_publish(actor=leader, year=2026)
    with pytest.raises(GaoxinError) as final:
        tiers.tier_run_compute(actor=admin, year=2026)
    assert final.value.code == "support.tier_run_published"
    with pytest.raises(GaoxinError) as denied:
        tiers.tier_run_publish(actor=admin, year=2026)
    assert denied.value.code == "not_allowed"


def test_a_tier_held_last_year_is_shown_as_the_previous_tier(world):
    admin, leader = user("tieradmin", "zone_admin"), user("tierleader", "leadership")
    tech = world["tiers"][2]
    stats = world["stats"]
    stats.year(world["small"], 2024, revenue=50, status=ReportStatus.SUBMITTED)
    # small 2025: R&D 0 → no tier; make it 科技型 in 2025 with R&D 4/100 = 4%
    from gaoxin.servicedesk.models import StatisticsValue

    StatisticsValue.objects.filter(
        report__enterprise=world["small"], report__period_start__year=2025, code="revenue"
    ).update(value=Decimal(100))
    for report_value in StatisticsValue.objects.filter(
        report__enterprise=world["small"], report__period_start__year=2025, code="revenue"
    ):
        StatisticsValue.objects.create(
            report=report_value.report, field=stats.fields["rnd"], code="rnd", value=Decimal(4)
        )
    tiers.tier_run_compute(actor=admin, year=2025)
    tiers.tier_run_publish(actor=leader, year=2025)
    run = tiers.tier_run_compute(actor=admin, year=2026)
    small = TierAssignment.objects.get(run=run, enterprise=world["small"])
    assert small.previous_tier_id == tech.pk and small.tier_id is None


def test_a_bad_year_is_named():
    admin = user("tieradmin", "zone_admin")
    with pytest.raises(GaoxinError) as bad:
        tiers.tier_run_compute(actor=admin, year="20x6")
    assert bad.value.code == "support.year_invalid" and "20x6" in bad.value.message("en")
