"""The indicators against values computed by hand, the incomplete sources named, and the demo
reproducing the source page's figures from data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from gaoxin.registry.choices import EnterpriseStatus
from gaoxin.registry.models import EnterpriseClassification, KeyIndustry
from gaoxin.registry.tests.factories import EnterpriseFactory
from gaoxin.support import indicators
from gaoxin.support.choices import LandUse, Sector
from gaoxin.support.demo import create_indicator_sources
from gaoxin.support.models import LandSale, SectorValueAdded

from .builders import user
from .stats_builders import Monthly

pytestmark = pytest.mark.django_db
LAND = indicators.BY_CODE["industrial_land_share"]
GDP = indicators.BY_CODE["secondary_share"]


def _sale(parcel: str, year: int, use: str, area: int) -> None:
    LandSale.objects.create(parcel=parcel, sold_on=date(year, 6, 1), use=use, area_m2=area)


def test_industrial_land_share_by_hand():
    _sale("A", 2025, LandUse.INDUSTRIAL, 3_000)
    _sale("B", 2025, LandUse.INDUSTRIAL, 1_500)
    _sale("C", 2025, LandUse.COMMERCIAL, 1_000)
    _sale("D", 2025, LandUse.RESIDENTIAL, 500)
    _sale("E", 2024, LandUse.INDUSTRIAL, 1_000)  # another year: not counted
    # 4,500 ÷ 6,000 × 100 = 75
    assert LAND.compute(2025).number == Decimal(75)
    assert LAND.compute(2024).number == Decimal(100)
    row = indicators.row(LAND, 2025)
    assert row.change == Decimal(-25)  # percentage points
    empty = LAND.compute(2023)
    assert empty.number is None and "2023" in empty.missing_zh


def test_secondary_share_by_hand_and_a_missing_sector_is_named():
    for sector, value in ((Sector.PRIMARY, "5"), (Sector.SECONDARY, "30"), (Sector.TERTIARY, "15")):
        SectorValueAdded.objects.create(year=2025, sector=sector, value=Decimal(value))
    assert GDP.compute(2025).number == Decimal(60)  # 30 ÷ 50 × 100
    SectorValueAdded.objects.create(year=2024, sector=Sector.SECONDARY, value=Decimal(10))
    partial = GDP.compute(2024)
    assert partial.number is None
    assert "第一产业" in partial.missing_zh or "Primary" in partial.missing_zh
    assert "primary" in partial.missing_en and "tertiary" in partial.missing_en
    assert indicators.row(GDP, 2025).change is None  # nothing comparable the year before


def test_key_industry_firms_and_reported_revenue_by_hand():
    industry = KeyIndustry.objects.create(
        code="bio", name_zh="生物医药", name_en="Bio", effective_from=date(2020, 1, 1)
    )
    a, b, c = EnterpriseFactory.create_batch(3)
    for firm, start, end in (
        (a, date(2024, 1, 1), None),
        (b, date(2025, 6, 1), date(2025, 12, 30)),
    ):
        EnterpriseClassification.objects.create(
            enterprise=firm, industry=industry, effective_from=start, effective_to=end, basis="x"
        )
    EnterpriseClassification.objects.create(
        enterprise=c, industry=industry, effective_from=date(2024, 1, 1), basis="x"
    )
    c.status = EnterpriseStatus.DEREGISTERED
    c.save()
    firms = indicators.BY_CODE["key_industry_firms"]
    assert firms.compute(2025).number == 1  # b ended on 30 Dec, c is deregistered
    # The page's five years in one pass give what each year gives alone.
    assert [v.number for _y, v in indicators.series(firms, [2023, 2024, 2025])] == [0, 1, 1]
    stats = Monthly()
    stats.year(a, 2025, revenue=100)
    stats.year(b, 2025, revenue=50)
    revenue = indicators.BY_CODE["reported_revenue"]
    assert revenue.compute(2025).number == Decimal(1_800)  # (100 + 50) × 12
    stats.year(c, 2025, revenue=10, months=11)
    short = revenue.compute(2025)
    assert short.number is None and "1 家企业" in short.missing_zh


def test_the_demo_reproduces_the_source_pages_figures_from_data_on_the_page():
    create_indicator_sources(2025)
    assert LAND.compute(2025).number == Decimal("86.2")
    assert GDP.compute(2024).number == Decimal("61.2")
    assert GDP.compute(2025).number == Decimal("63.2")
    client = Client()
    client.force_login(user("reader", "leadership"))
    page = client.get("/support/indicators/?year=2025").content.decode()
    assert "86.2%" in page and "63.2%" in page and "61.2%" in page
    assert "<svg" in page
    assert "比上年 2.0 个百分点" in page  # 63.2 − 61.2 points
    assert "源数据不完整" in page  # the years without sales say so
