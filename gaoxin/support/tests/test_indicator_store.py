"""The stored indicators: the stored value is the live one, a report's change marks its year and
the next read recomputes it, a rolled-back change leaves no mark, a change committed while the
store refreshes is kept for the next refresh."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client

from gaoxin.registry.tests.factories import EnterpriseFactory
from gaoxin.servicedesk.models import StatisticsValue
from gaoxin.servicedesk.signals import statistics_changed
from gaoxin.support import indicator_store, indicators, tasks
from gaoxin.support.models import IndicatorYear, IndicatorYearChanged

from .builders import user
from .stats_builders import Monthly

pytestmark = pytest.mark.django_db
REVENUE = indicators.BY_CODE["reported_revenue"]


def _shown(year: int) -> Decimal | None:
    indicator_store.refresh(indicators.STORED)
    return dict(indicators.series(REVENUE, [year]))[year].number


def _signal(year: int, month: int = 3) -> None:
    """What the service desk's statistics services send inside their transaction."""
    statistics_changed.send(sender=None, form=None, periods=[date(year, month, 1)])


def test_the_stored_value_is_the_live_value_and_follows_a_signalled_change():
    stats = Monthly()
    a, b = EnterpriseFactory.create_batch(2)
    stats.year(a, 2025, revenue=100)
    stats.year(b, 2025, revenue=50)
    assert REVENUE.stored and REVENUE.compute(2025).number == Decimal(1_800)
    assert _shown(2025) == Decimal(1_800)
    assert IndicatorYear.objects.filter(code=REVENUE.code, year=2025).count() == 1
    # Written past the services: the store does not know, and keeps the value it computed.
    StatisticsValue.objects.filter(report__enterprise=a, code="revenue").update(value=200)
    assert _shown(2025) == Decimal(1_800)
    with transaction.atomic():
        _signal(2025)
    assert _shown(2025) == Decimal(3_000)  # (200 + 50) × 12
    assert not IndicatorYearChanged.objects.exists()
    # An incomplete year is stored with its reason, and the page says it.
    stats.year(a, 2024, revenue=10, months=11)
    assert _shown(2024) is None
    client = Client()
    client.force_login(user("reader", "leadership"))
    page = client.get("/support/indicators/?year=2025").content.decode()
    assert "3000.0万元" in page
    assert "1 家企业月报不满 12 个月" in page
    assert "计算于" in page  # a stored figure says when it was computed
    assert 'data-testid="pending"' not in page


def test_the_page_never_waits_for_a_recompute_it_says_one_is_due_and_the_job_does_it():
    stats = Monthly()
    firm = EnterpriseFactory()
    stats.year(firm, 2025, revenue=10)
    client = Client()
    client.force_login(user("reader", "leadership"))
    assert "120.0万元" in client.get("/support/indicators/?year=2025").content.decode()
    StatisticsValue.objects.filter(code="revenue").update(value=20)
    with transaction.atomic():
        _signal(2025)
    page = client.get("/support/indicators/?year=2025").content.decode()
    assert "120.0万元" in page and "正在重新计算" in page  # the stored value, said to be stale
    assert tasks.refresh_indicators.call() == 1  # the scheduled job
    page = client.get("/support/indicators/?year=2025").content.decode()
    assert "240.0万元" in page and 'data-testid="pending"' not in page


def test_a_rolled_back_change_leaves_no_mark():
    with pytest.raises(RuntimeError), transaction.atomic():
        _signal(2025)
        raise RuntimeError
    assert not IndicatorYearChanged.objects.exists()


def test_a_change_committed_during_a_refresh_is_kept_for_the_next():
    stats = Monthly()
    firm = EnterpriseFactory()
    stats.year(firm, 2025, revenue=10)
    assert _shown(2025) == Decimal(120)
    with transaction.atomic():
        _signal(2025)
    compute = REVENUE.compute

    def meanwhile(year: int) -> indicators.Value:
        value = compute(year)
        StatisticsValue.objects.filter(code="revenue").update(value=20)
        _signal(2025, month=7)  # another writer's mark, after the store read its marks
        return value

    assert indicator_store.refresh([replace(REVENUE, compute=meanwhile)]) == 1
    assert IndicatorYearChanged.objects.count() == 1  # the later mark survives
    assert _shown(2025) == Decimal(240)


def test_rebuild_forgets_and_the_next_read_computes_again():
    stats = Monthly()
    firm = EnterpriseFactory()
    stats.year(firm, 2025, revenue=10)
    assert _shown(2025) == Decimal(120)
    StatisticsValue.objects.filter(code="revenue").update(value=1)
    indicator_store.rebuild()
    assert _shown(2025) == Decimal(12)


def test_the_job_stores_the_default_years_before_anyone_asks():
    from django.utils import timezone

    last = timezone.localdate().year - 1
    assert not IndicatorYear.objects.exists()
    tasks.refresh_indicators.call()
    stored = set(IndicatorYear.objects.values_list("code", "year"))
    assert stored == {(REVENUE.code, y) for y in range(last - 4, last + 1)}
