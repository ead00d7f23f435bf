"""The zone's indicators, each defined once: its formula, unit, source and period, and the
function that computes it for a year from the data the app holds. An indicator whose source
data is incomplete returns `Value(None, reason)`: the page says why instead of a number.

    industrial_land_share   industrial area sold ÷ all area sold in the year × 100 (%)
    secondary_share         secondary value added ÷ (primary + secondary + tertiary) × 100 (%)
    key_industry_firms      active enterprises classified in a key industry on 31 December
    reported_revenue        sum of the 12 monthly revenues of the enterprises that report
                            (万元); incomplete while any of them lacks a month

An indicator marked `stored` is read from `indicator_store` (computed by the same function,
recomputed when its source changes); the others are computed on every request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gaoxin.registry.choices import EnterpriseStatus
from gaoxin.registry.models import EnterpriseClassification
from gaoxin.servicedesk.choices import PeriodType, ReportStatus
from gaoxin.servicedesk.models import StatisticsReport, StatisticsValue

from . import indicator_store
from .choices import LandUse, Sector
from .models import LandSale, SectorValueAdded

HUNDRED = Decimal(100)
YEARS = 5  # the page shows the chosen year and the four before it


@dataclass(frozen=True)
class Value:
    number: Decimal | None
    missing_zh: str = ""
    missing_en: str = ""
    computed_at: datetime | None = None  # a stored value: when it was computed


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    formula: Promise
    unit: str  # "%" for a share: its change is in percentage points
    source: Promise
    period: Promise
    compute: Callable[[int], Value]
    stored: bool = False  # read from indicator_store: the source is too large for each request
    # Several years in one pass (the page's five), where that is cheaper than one by one.
    compute_years: Callable[[list[int]], dict[int, Value]] | None = None


def _industrial_land_share(year: int) -> Value:
    rows = dict(
        LandSale.objects.filter(sold_on__year=year)
        .values_list("use")
        .annotate(a=Sum("area_m2"))
        .values_list("use", "a")
    )
    total = sum(rows.values(), Decimal(0))
    if not total:
        return Value(None, f"{year} 年无土地出让记录", f"no land sales recorded for {year}")
    return Value(rows.get(LandUse.INDUSTRIAL, Decimal(0)) * HUNDRED / total)


def _secondary_share(year: int) -> Value:
    rows = dict(SectorValueAdded.objects.filter(year=year).values_list("sector", "value"))
    missing = [s for s in Sector if s.value not in rows]
    if missing:
        names = "、".join(str(s.label) for s in missing)
        return Value(
            None,
            f"{year} 年缺少{names}增加值",
            f"value added for {year} is missing: {', '.join(s.value for s in missing)}",
        )
    total = sum(rows.values(), Decimal(0))
    if not total:
        return Value(None, f"{year} 年增加值合计为 0", f"value added for {year} adds up to 0")
    return Value(rows[Sector.SECONDARY] * HUNDRED / total)


def _key_industry_firms_years(years: list[int]) -> dict[int, Value]:
    """Every year asked in one pass over the classifications (one count per year)."""
    counts = {}
    for year in years:
        day = date(year, 12, 31)
        counts[f"y{year}"] = Count(
            "enterprise_id",
            distinct=True,
            filter=Q(effective_from__lte=day)
            & (Q(effective_to__isnull=True) | Q(effective_to__gte=day)),
        )
    if not counts:
        return {}
    found = EnterpriseClassification.objects.filter(
        enterprise__status=EnterpriseStatus.ACTIVE
    ).aggregate(**counts)
    return {year: Value(Decimal(found[f"y{year}"] or 0)) for year in years}


def _key_industry_firms(year: int) -> Value:
    return _key_industry_firms_years([year])[year]


def _reported_revenue(year: int) -> Value:
    reports = StatisticsReport.objects.filter(
        form__period_type=PeriodType.MONTHLY,
        period_start__year=year,
        status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
    )
    # One row back, however many enterprises: the per-enterprise counts are a subquery.
    counts = (
        reports.values("enterprise_id")
        .annotate(n=Count("id"))
        .aggregate(firms=Count("enterprise_id"), short=Count("enterprise_id", filter=Q(n__lt=12)))
    )
    firms, short = counts["firms"] or 0, counts["short"] or 0
    if not firms:
        return Value(None, f"{year} 年无月度报表", f"no monthly reports for {year}")
    if short:
        return Value(
            None,
            f"{year} 年有 {short} 家企业月报不满 12 个月",
            f"{short} enterprises have fewer than 12 monthly reports for {year}",
        )
    total = StatisticsValue.objects.filter(report__in=reports, code="revenue").aggregate(
        s=Sum("value")
    )["s"]
    return Value(Decimal(total or 0))


INDICATORS: list[Indicator] = [
    Indicator(
        "industrial_land_share",
        _("Industrial share of land sold"),
        _("industrial area sold ÷ all area sold in the year × 100"),
        "%",
        _("land sales (parcels sold, by use)"),
        _("calendar year"),
        _industrial_land_share,
    ),
    Indicator(
        "secondary_share",
        _("Secondary sector's share of GDP"),
        _("secondary value added ÷ (primary + secondary + tertiary value added) × 100"),
        "%",
        _("value added by sector (statistics bureau)"),
        _("calendar year"),
        _secondary_share,
    ),
    Indicator(
        "key_industry_firms",
        _("Enterprises in key industries"),
        _("active enterprises classified in the key-industry catalogue on 31 December"),
        "",
        _("registry: enterprises and their key-industry classifications"),
        _("on 31 December"),
        _key_industry_firms,
        compute_years=_key_industry_firms_years,
    ),
    Indicator(
        "reported_revenue",
        _("Revenue of the reporting enterprises"),
        _("sum of the monthly revenue reported by each reporting enterprise (all 12 months)"),
        "万元",
        _("monthly statistics reports (submitted or accepted)"),
        _("calendar year"),
        _reported_revenue,
        stored=True,
    ),
]
BY_CODE = {i.code: i for i in INDICATORS}
STORED = [i for i in INDICATORS if i.stored]


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    year: int
    value: Value
    previous: Value
    change: Decimal | None  # percentage points for a share, else percent


def row(indicator: Indicator, year: int) -> Row:
    return with_change(indicator, year, indicator.compute(year), indicator.compute(year - 1))


def with_change(indicator: Indicator, year: int, value: Value, previous: Value) -> Row:
    change = None
    if value.number is not None and previous.number is not None:
        if indicator.unit == "%":
            change = value.number - previous.number
        elif previous.number:
            change = (value.number - previous.number) * HUNDRED / previous.number
    return Row(indicator, year, value, previous, change)


def series(indicator: Indicator, years: list[int]) -> list[tuple[int, Value]]:
    """The indicator's value for each year: stored ones from the store (as last computed),
    the others computed now."""
    if indicator.compute_years is not None and not indicator.stored:
        found = indicator.compute_years(years)
        return [(y, found[y]) for y in years]
    if not indicator.stored:
        return [(y, indicator.compute(y)) for y in years]
    rows = indicator_store.values(indicator, years)
    return [
        (y, Value(r.number, r.missing_zh, r.missing_en, r.computed_at))
        for y, r in ((y, rows[y]) for y in years)
    ]
