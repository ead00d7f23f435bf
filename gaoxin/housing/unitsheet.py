"""The units spreadsheet (房源表): XLSX or CSV with Chinese headers, validated whole before
anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from gaoxin.common.errors import GaoxinError
from gaoxin.common.exports import printable

from . import errors
from .spreadsheet import cells_by_column, column_index, is_formula, read_table

COLUMNS = {
    "楼栋": "building",
    "单元": "entrance",
    "房号": "room",
    "建筑面积": "floor_area",
    "总价": "price",
}
REQUIRED = ("楼栋", "房号", "建筑面积", "总价")
MAX_ROWS = 5000


@dataclass(frozen=True)
class UnitRow:
    building: str
    entrance: str
    room: str
    floor_area: Decimal
    price: Decimal


def _bad(row: int, column: str, value: Any, zh: str, en: str) -> GaoxinError:
    return GaoxinError(
        errors.UNITS_FILE_INVALID,
        row=row,
        column=column,
        value=printable(str(value))[:40],
        reason_zh=zh,
        reason_en=en,
    )


def _decimal(row: int, column: str, value: str, *, high: Decimal) -> Decimal:
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise _bad(row, column, value, "应为数字", "must be a number") from None
    if not number.is_finite() or number <= 0 or number > high:
        raise _bad(row, column, value, f"应在 0 到 {high} 之间", f"must be between 0 and {high}")
    return number.quantize(Decimal("0.01"))


def parse_units(data: bytes) -> list[UnitRow]:
    table = read_table(data, max_rows=MAX_ROWS)
    index = column_index(table, columns=tuple(COLUMNS), required=REQUIRED)
    units: list[UnitRow] = []
    seen: set[tuple[str, str, str]] = set()
    for number, cells in cells_by_column(table, index):
        for column in REQUIRED:
            if not cells[column]:
                raise _bad(number, column, "", "不能为空", "must not be empty")
        for column in ("楼栋", "单元", "房号"):
            value = cells.get(column, "")
            if len(value) > 20 or is_formula(value):
                raise _bad(number, column, value, "格式不对", "is not a plain label")
        key = (cells["楼栋"], cells.get("单元", ""), cells["房号"])
        if key in seen:
            raise _bad(number, "房号", cells["房号"], "与前面的行重复", "repeats an earlier row")
        seen.add(key)
        units.append(
            UnitRow(
                building=key[0],
                entrance=key[1],
                room=key[2],
                floor_area=_decimal(number, "建筑面积", cells["建筑面积"], high=Decimal(2000)),
                price=_decimal(number, "总价", cells["总价"], high=Decimal(1_000_000_000)),
            )
        )
    return units
