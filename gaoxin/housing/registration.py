"""The household as the applicant gives it, checked before anything is written."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from gaoxin.common.errors import GaoxinError
from gaoxin.common.exports import printable
from gaoxin.registry import identifiers

from . import errors
from .choices import Relation
from .spreadsheet import Table, cells_by_column, column_index, is_formula

WHO = {
    Relation.APPLICANT: ("申请人", "the applicant"),
    Relation.SPOUSE: ("配偶", "the spouse"),
    Relation.CHILD: ("子女", "a child"),
}
REASONS = {
    "length": ("应为 18 位", "it must have 18 characters"),
    "characters": ("应为 17 位数字加最后一位数字或 X", "17 digits and a last digit or X"),
    "check": ("最后一位校验码与前 17 位不符", "the last character does not match the others"),
    "birth_date": ("其中的出生日期无效", "the birth date inside it is not a date"),
}


@dataclass(frozen=True)
class MemberIn:
    relation: str
    name: str
    id_number: str


@dataclass(frozen=True)
class CleanMember:
    relation: str
    name: str
    id_number: str
    birth_date: date


MAX_CHILDREN = 10
PHONE = re.compile(r"\+?[0-9]{5,19}")


def clean_phone(value: str) -> str:
    """A contact number: ASCII digits, optionally after a +; spaces and dashes dropped."""
    cleaned = value.strip().replace(" ", "").replace("-", "")
    if cleaned and not PHONE.fullmatch(cleaned):
        raise GaoxinError(errors.PHONE_INVALID, value=printable(value.strip())[:24])
    return cleaned


def _check_shape(members: list[MemberIn]) -> None:
    relations = [m.relation for m in members]
    counts = {r: relations.count(r) for r in Relation}
    if (
        counts[Relation.APPLICANT] != 1
        or counts[Relation.SPOUSE] > 1
        or counts[Relation.CHILD] > MAX_CHILDREN
    ):
        raise GaoxinError(
            errors.HOUSEHOLD_SHAPE,
            children=MAX_CHILDREN,
            got="、".join(f"{WHO[r][0]} {n}" for r, n in counts.items()),
            got_en=", ".join(f"{WHO[r][1]}: {n}" for r, n in counts.items()),
        )


def visible(text: str) -> str:
    """`text` with every invisible or control character shown as \\uXXXX, so that an error
    message never carries a line break or a direction override into the page."""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in text
    )


def clean_household(members: list[MemberIn], *, on: date) -> list[CleanMember]:
    """Validate every member: one applicant, at most one spouse and MAX_CHILDREN children;
    names given, ID numbers valid (GB 11643 check character), no number twice, children minors
    on `on` (the closing date). Raises GaoxinError naming the member; the applicant comes
    first."""
    _check_shape(members)
    cleaned: list[CleanMember] = []
    seen: set[str] = set()
    for member in members:
        who_zh, who_en = WHO[Relation(member.relation)]
        name = member.name.strip()
        if not name or name.isdigit() or len(name) > 50:
            raise GaoxinError(errors.NAME_REQUIRED, who=who_zh, who_en=who_en)
        problem = identifiers.personal_name_problem(name)
        if problem is not None:
            raise GaoxinError(
                errors.NAME_INVALID,
                who=who_zh,
                who_en=who_en,
                value=visible(name)[:40],
                reason=problem[0],
                reason_en=problem[1],
            )
        try:
            number = identifiers.validate_id_number(member.id_number)
        except identifiers.IdentifierError as error:
            raise GaoxinError(
                errors.ID_NUMBER_INVALID,
                who=who_zh,
                who_en=who_en,
                value=printable(member.id_number.strip())[:24],
                reason=REASONS.get(error.reason, (error.reason, error.reason))[0],
                reason_en=REASONS.get(error.reason, (error.reason, error.reason))[1],
            ) from error
        if number in seen:
            raise GaoxinError(errors.DUPLICATE_MEMBER, masked=identifiers.mask_id_number(number))
        seen.add(number)
        born = identifiers.id_birth_date(number)
        if member.relation == Relation.CHILD and not identifiers.is_minor(born, on):
            raise GaoxinError(errors.CHILD_NOT_MINOR, masked=identifiers.mask_id_number(number))
        cleaned.append(CleanMember(member.relation, name, number, born))
    return cleaned


def identity_string(members: list[CleanMember]) -> str:
    """What the roster's identity commitment hides: the household's ID numbers, applicant
    first, then the others sorted (documented in docs/housing.md)."""
    applicant = [m.id_number for m in members if m.relation == Relation.APPLICANT]
    others = sorted(m.id_number for m in members if m.relation != Relation.APPLICANT)
    return "|".join(applicant + others)


# -- the registrations spreadsheet (sales offices) ----------------------------------------------

SHEET_COLUMNS = (
    "申请人姓名",
    "申请人身份证号",
    "手机号码",
    "配偶姓名",
    "配偶身份证号",
    "子女姓名",
    "子女身份证号",
    "申请刚需",
    "申请重点产业",
)
SHEET_REQUIRED = ("申请人姓名", "申请人身份证号")
SHEET_MAX_ROWS = 20_000
YES = {"是", "y", "yes", "1", "true", "√"}
NO = {"", "否", "n", "no", "0", "false"}


@dataclass(frozen=True)
class SheetRow:
    row: int
    members: list[MemberIn]
    pools: list[str]
    phone: str


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("；", ";").split(";") if part.strip()]


def parse_registrations(table: Table) -> list[SheetRow]:
    """Rows of the sheet as households; children are `;`-separated in their two columns.
    Raises GaoxinError naming the row and column."""
    index = column_index(table, columns=SHEET_COLUMNS, required=SHEET_REQUIRED)
    parsed = []
    for number, cell in cells_by_column(table, index):

        def bad(
            column: str, zh: str, en: str, cell: dict[str, str] = cell, number: int = number
        ) -> GaoxinError:
            value = cell.get(column, "")[:30]
            return GaoxinError(
                errors.ROW_INVALID,
                row=number,
                reason_zh=f"“{column}”列的值“{value}”{zh}",
                reason_en=f"column “{column}”, value “{value}”: {en}",
            )

        for column, value in cell.items():
            if is_formula(value) and not column.endswith("身份证号") and column != "手机号码":
                raise bad(column, "不能以 = + - @ 开头", "must not start with = + - @")
        members = [MemberIn(Relation.APPLICANT, cell["申请人姓名"], cell["申请人身份证号"])]
        if cell.get("配偶身份证号") or cell.get("配偶姓名"):
            members.append(
                MemberIn(Relation.SPOUSE, cell.get("配偶姓名", ""), cell.get("配偶身份证号", ""))
            )
        names = _split(cell.get("子女姓名", ""))
        numbers = _split(cell.get("子女身份证号", ""))
        if len(names) != len(numbers):
            raise bad(
                "子女身份证号", "与子女姓名的个数不一致", "does not match the number of names"
            )
        members += [MemberIn(Relation.CHILD, n, i) for n, i in zip(names, numbers, strict=True)]
        pools = []
        for column, pool in (("申请刚需", "first_home"), ("申请重点产业", "key_industry")):
            flag = cell.get(column, "").lower()
            if flag not in YES | NO:
                raise bad(column, "应为“是”或“否”", "must be 是 (yes) or 否 (no)")
            if flag in YES:
                pools.append(pool)
        parsed.append(SheetRow(number, members, pools, cell.get("手机号码", "")))
    return parsed
