"""The zone indicators' own sources, entered by the zone administrator: land sold (土地出让,
one row a parcel) and value added by sector (增加值, three figures a year, as the statistics
bureau publishes them). Every value is checked and named when refused; nothing is half-written."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from gaoxin.common import audit
from gaoxin.common.actors import Actor
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure

from .. import access, errors
from ..choices import LandUse, Sector
from ..models import LandSale, SectorValueAdded

_AREA_MAX = Decimal("1000000000")  # 1,000 km²: more than any zone sells in one parcel
_VALUE_MAX = Decimal("100000000")  # 亿元
_SECTOR_FIELDS = {
    Sector.PRIMARY: ("第一产业增加值（亿元）", "Primary sector value added (100 million yuan)"),
    Sector.SECONDARY: ("第二产业增加值（亿元）", "Secondary sector value added (100 million yuan)"),
    Sector.TERTIARY: ("第三产业增加值（亿元）", "Tertiary sector value added (100 million yuan)"),
}


def _invalid(field_zh: str, field_en: str, value: str, zh: str, en: str) -> GaoxinError:
    return GaoxinError(
        errors.VALUE_INVALID,
        field_zh=field_zh,
        field_en=field_en,
        value=value[:20],
        reason_zh=zh,
        reason_en=en,
    )


def _decimal(raw: object, field_zh: str, field_en: str, ceiling: Decimal) -> Decimal:
    text = str(raw if raw is not None else "").strip().replace(",", "")
    ensure(bool(text), errors.FIELD_REQUIRED, field_zh=field_zh, field_en=field_en)
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value >= ceiling:
        raise _invalid(
            field_zh,
            field_en,
            text,
            "应为不小于 0 的数，最多两位小数",
            "a number of at least 0, with at most two decimals",
        )
    if value != value.quantize(Decimal("0.01")):
        raise _invalid(field_zh, field_en, text, "最多两位小数", "at most two decimals")
    return value


def _day(raw: object) -> date:
    text = str(raw or "").strip()
    ensure(bool(text), errors.FIELD_REQUIRED, field_zh="出让日期", field_en="Date sold")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        raise _invalid(
            "出让日期",
            "Date sold",
            text,
            "应为 2000 至 2100 年间的日期，如 2025-06-15",
            "a date from 2000 to 2100, e.g. 2025-06-15",
        )
    return day


@transaction.atomic
def land_sale_record(
    *, actor: Actor, parcel: object, sold_on: object, use: object, area_m2: object
) -> LandSale:
    """Record one parcel sold; a parcel is recorded once."""
    ensure(access.can_edit_indicator_sources(actor), NOT_ALLOWED)
    code = str(parcel or "").strip().upper()
    ensure(bool(code), errors.FIELD_REQUIRED, field_zh="地块编号", field_en="Parcel")
    if len(code) > 40:
        raise _invalid(
            "地块编号", "Parcel", code[:19] + "…", "最多 40 个字符", "at most 40 characters"
        )
    day = _day(sold_on)
    kind = str(use or "").strip()
    if kind not in LandUse.values:
        raise _invalid(
            "用途",
            "Use",
            kind,
            "应为工业、商业、住宅或其他",
            "industrial, commercial, residential or other",
        )
    area = _decimal(area_m2, "出让面积（平方米）", "Area sold (m²)", _AREA_MAX)
    if area <= 0:
        raise _invalid("出让面积（平方米）", "Area sold (m²)", str(area), "应大于 0", "more than 0")
    existing = LandSale.objects.select_for_update().filter(parcel=code).first()
    if existing is not None:
        raise GaoxinError(errors.PARCEL_EXISTS, parcel=code, sold_on=existing.sold_on.isoformat())
    sale = LandSale.objects.create(parcel=code, sold_on=day, use=kind, area_m2=area)
    audit.record(
        actor=actor,
        action="support.land_sale.recorded",
        obj=sale,
        after={"parcel": code, "sold_on": day.isoformat(), "use": kind, "area_m2": str(area)},
    )
    return sale


@transaction.atomic
def value_added_set(*, actor: Actor, year: object, values: Mapping[str, object]) -> int:
    """Set a year's value added of the three sectors (亿元), all three together: a year is
    never left with one sector changed and another not. Returns the year."""
    ensure(access.can_edit_indicator_sources(actor), NOT_ALLOWED)
    text = str(year or "").strip()
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise GaoxinError(errors.YEAR_INVALID, value=text[:10])
    number = int(text)
    checked = {
        sector: _decimal(values.get(sector.value), zh, en, _VALUE_MAX)
        for sector, (zh, en) in _SECTOR_FIELDS.items()
    }
    before = {
        row.sector: str(row.value)
        for row in SectorValueAdded.objects.select_for_update().filter(year=number)
    }
    for sector, value in checked.items():
        SectorValueAdded.objects.update_or_create(
            year=number, sector=sector, defaults={"value": value}
        )
    audit.record(
        actor=actor,
        action="support.value_added.set",
        object_type="support.value_added",
        object_id=number,
        before=before or None,
        after={"year": number, **{s.value: str(v) for s, v in checked.items()}},
    )
    return number
