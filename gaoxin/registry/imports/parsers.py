"""Row parsers: one pure function per file kind, from the row's cells (strings, in the spec's
column order) to a typed record, or to the list of what is wrong with which cell.

They check everything a single row can tell: required values, check characters, dates, months,
choices, lengths, periods. References to other records (known people and enterprises) and
duplicates are the loaders' job, which see the whole file and the database. Parsers never raise
on bad input: hypothesis fuzzes them (tests/test_parsers.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.utils import timezone

from gaoxin.common.errors import ErrorCode
from gaoxin.common.exports import FORMULA_START, has_control_characters

from .. import errors, identifiers
from ..choices import (
    DegreeLevel,
    EnterpriseStatus,
    ImportKind,
    PropertyUse,
    QualificationStatus,
    VerificationStatus,
)


@dataclass(frozen=True)
class CellProblem:
    column: int  # index into the spec's columns
    error: ErrorCode
    params: dict[str, Any]


class Problem(Exception):
    def __init__(self, error: ErrorCode, **params: Any) -> None:
        super().__init__(error.code)
        self.error = error
        self.params = params


REASONS = {
    "length": ("长度应为 18 位", "must be 18 characters"),
    "characters": ("含有不允许的字符", "contains characters that are not allowed"),
    "check": ("校验码不符", "the check character does not match"),
    "birth_date": ("出生日期无效", "the birth date is not a real date"),
}

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})月?$")
# Excel's datetime cells arrive as "YYYY-MM-DD 00:00:00" or "YYYY-MM-DDT00:00:00".
_DATETIME_ZERO = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")

TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "t", "√"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "f", "×"})


def text(value: str, *, limit: int, required: bool) -> str:
    """Free text (names, addresses, references): no control characters (PostgreSQL refuses
    NUL), nothing a spreadsheet would run as a formula when the value is exported again."""
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise Problem(errors.ROW_REQUIRED)
        return ""
    if len(cleaned) > limit:
        raise Problem(errors.ROW_TOO_LONG, limit=limit)
    if has_control_characters(cleaned):
        raise Problem(errors.ROW_CONTROL_CHARACTERS)
    if cleaned.startswith(FORMULA_START):
        raise Problem(errors.ROW_FORMULA)
    return cleaned


def parse_date(value: str, *, required: bool, today: date | None = None) -> date | None:
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise Problem(errors.ROW_REQUIRED)
        return None
    zero = _DATETIME_ZERO.match(cleaned)
    if zero:
        cleaned = zero.group(1)
    match = _DATE.match(cleaned) or _DATE_COMPACT.match(cleaned)
    if not match:
        raise Problem(errors.ROW_DATE)
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise Problem(errors.ROW_DATE) from None
    if day.year < 1900:
        raise Problem(errors.ROW_DATE)
    if today is not None and day > today:
        raise Problem(errors.ROW_FUTURE)
    return day


def parse_month(value: str) -> int:
    """YYYYMM as an integer."""
    cleaned = value.strip()
    if not cleaned:
        raise Problem(errors.ROW_REQUIRED)
    zero = _DATETIME_ZERO.match(cleaned)
    if zero:  # a date cell in Excel: the month it falls in
        cleaned = zero.group(1)[:7]
    match = _MONTH.match(cleaned)
    if not match:
        day = _DATE.match(cleaned)
        if day is None or int(day.group(3)) != 1:
            raise Problem(errors.ROW_MONTH)
        match = day
    year, month = int(match.group(1)), int(match.group(2))
    if not (1990 <= year <= 2100 and 1 <= month <= 12):
        raise Problem(errors.ROW_MONTH)
    return year * 100 + month


def parse_flag(value: str) -> bool:
    cleaned = value.strip().lower()
    if cleaned in TRUE_WORDS:
        return True
    if cleaned in FALSE_WORDS:
        return False
    if not cleaned:
        raise Problem(errors.ROW_REQUIRED)
    raise Problem(errors.ROW_CHOICE, allowed="是 / 否")


def parse_choice(value: str, table: dict[str, Any], *, required: bool = True) -> Any:
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise Problem(errors.ROW_REQUIRED)
        return None
    found = table.get(cleaned, table.get(cleaned.lower()))
    if found is None:
        allowed = " / ".join(k for k in table if not k.isascii())
        raise Problem(errors.ROW_CHOICE, allowed=allowed)
    return found


def id_number(value: str, *, required: bool = True) -> str:
    if not value.strip():
        if required:
            raise Problem(errors.ROW_REQUIRED)
        return ""
    try:
        return identifiers.validate_id_number(value, today=_today())
    except identifiers.IdentifierError as error:
        zh, en = REASONS[error.reason]
        raise Problem(errors.ROW_ID_NUMBER, reason_zh=zh, reason_en=en) from None


def credit_code(value: str) -> str:
    if not value.strip():
        raise Problem(errors.ROW_REQUIRED)
    try:
        return identifiers.validate_credit_code(value)
    except identifiers.IdentifierError as error:
        zh, en = REASONS[error.reason]
        raise Problem(errors.ROW_CREDIT_CODE, reason_zh=zh, reason_en=en) from None


ENTERPRISE_STATUS = {
    "存续": EnterpriseStatus.ACTIVE,
    "在业": EnterpriseStatus.ACTIVE,
    "开业": EnterpriseStatus.ACTIVE,
    "注销": EnterpriseStatus.DEREGISTERED,
    "吊销": EnterpriseStatus.REVOKED,
    "迁出": EnterpriseStatus.MOVED_OUT,
    **{s.value: s for s in EnterpriseStatus},
}
DEGREE_LEVELS = {
    "专科": DegreeLevel.ASSOCIATE,
    "大专": DegreeLevel.ASSOCIATE,
    "本科": DegreeLevel.BACHELOR,
    "硕士": DegreeLevel.MASTER,
    "硕士研究生": DegreeLevel.MASTER,
    "博士": DegreeLevel.DOCTOR,
    "博士研究生": DegreeLevel.DOCTOR,
    "associate": DegreeLevel.ASSOCIATE,
    "bachelor": DegreeLevel.BACHELOR,
    "master": DegreeLevel.MASTER,
    "doctor": DegreeLevel.DOCTOR,
}
VERIFICATION = {
    "已核验": VerificationStatus.VERIFIED,
    "未核验": VerificationStatus.UNVERIFIED,
    "核验不符": VerificationStatus.MISMATCH,
    **{s.value: s for s in VerificationStatus},
}
PROPERTY_USES = {
    "住宅": PropertyUse.RESIDENTIAL,
    "商业": PropertyUse.COMMERCIAL,
    "办公": PropertyUse.OFFICE,
    "工业": PropertyUse.INDUSTRIAL,
    "其他": PropertyUse.OTHER,
    **{s.value: s for s in PropertyUse},
}
QUALIFICATION = {
    "有资格": QualificationStatus.QUALIFIED,
    "无资格": QualificationStatus.NOT_QUALIFIED,
    "已撤销": QualificationStatus.REVOKED,
    **{s.value: s for s in QualificationStatus},
}
STATUS_LABEL_ZH = {
    EnterpriseStatus.ACTIVE: "存续",
    EnterpriseStatus.DEREGISTERED: "注销",
    EnterpriseStatus.REVOKED: "吊销",
    EnterpriseStatus.MOVED_OUT: "迁出",
}
OWNER_SEPARATORS = re.compile(r"[;；,，、\s]+")


# -- records -------------------------------------------------------------------------------


class EnterpriseRow(NamedTuple):
    credit_code: str
    name: str
    registered_address: str
    sector: str
    status: str
    business_in_zone_from: date | None
    business_in_zone_to: date | None
    tax_in_zone_from: date | None
    tax_in_zone_to: date | None


class ClassificationRow(NamedTuple):
    credit_code: str
    industry: str
    effective_from: date
    effective_to: date | None
    basis: str


class PersonRow(NamedTuple):
    id_number: str
    name: str
    phone: str


class MarriageRow(NamedTuple):
    id_number: str
    spouse_id_number: str
    married_on: date
    ended_on: date | None


class ChildRow(NamedTuple):
    parent_id_number: str
    child_id_number: str


class EmploymentRow(NamedTuple):
    id_number: str
    credit_code: str
    started_on: date
    ended_on: date | None


class InsuranceRow(NamedTuple):
    id_number: str
    credit_code: str
    month: int
    in_zone: bool
    is_makeup: bool
    paid_on: date | None


class DegreeRow(NamedTuple):
    id_number: str
    level: int
    institution: str
    graduated_on: date | None
    verification_ref: str
    verification_status: str


class PropertyRow(NamedTuple):
    certificate_no: str
    owners: tuple[str, ...]
    address: str
    district: str
    in_zone: bool
    use: str
    registered_on: date
    disposed_on: date | None


class QualificationRow(NamedTuple):
    id_number: str
    status: str
    decided_on: date | None
    valid_from: date
    valid_to: date | None
    decision_ref: str


# -- the parsers ---------------------------------------------------------------------------


class _Cells:
    """Collects one problem per cell while the parser reads every cell, so a row's report lists
    all of its problems at once."""

    def __init__(self, cells: Sequence[str]) -> None:
        self.cells = cells
        self.problems: list[CellProblem] = []

    def get(self, index: int, parse: Callable[[str], Any]) -> Any:
        try:
            return parse(self.cells[index] if index < len(self.cells) else "")
        except Problem as problem:
            self.problems.append(CellProblem(index, problem.error, problem.params))
            return None

    def period(self, start: date | None, end: date | None, end_index: int) -> None:
        if start is not None and end is not None and end < start:
            self.problems.append(CellProblem(end_index, errors.ROW_PERIOD, {}))


def _today() -> date:
    """Today in the zone (TIME_ZONE, Asia/Shanghai): agency dates are local calendar dates."""
    return timezone.localdate()


def parse_enterprise(cells: Sequence[str]) -> tuple[EnterpriseRow | None, list[CellProblem]]:
    c = _Cells(cells)
    row = EnterpriseRow(
        c.get(0, credit_code),
        c.get(1, lambda v: text(v, limit=200, required=True)),
        c.get(2, lambda v: text(v, limit=300, required=False)),
        c.get(3, lambda v: text(v, limit=100, required=False)),
        c.get(4, lambda v: parse_choice(v, ENTERPRISE_STATUS, required=False))
        or EnterpriseStatus.ACTIVE,
        c.get(5, lambda v: parse_date(v, required=False)),
        c.get(6, lambda v: parse_date(v, required=False)),
        c.get(7, lambda v: parse_date(v, required=False)),
        c.get(8, lambda v: parse_date(v, required=False)),
    )
    c.period(row.business_in_zone_from, row.business_in_zone_to, 6)
    c.period(row.tax_in_zone_from, row.tax_in_zone_to, 8)
    return (None if c.problems else row), c.problems


def parse_classification(
    cells: Sequence[str],
) -> tuple[ClassificationRow | None, list[CellProblem]]:
    c = _Cells(cells)
    row = ClassificationRow(
        c.get(0, credit_code),
        c.get(1, lambda v: text(v, limit=100, required=True)),
        c.get(2, lambda v: parse_date(v, required=True)),
        c.get(3, lambda v: parse_date(v, required=False)),
        c.get(4, lambda v: text(v, limit=300, required=True)),
    )
    c.period(row.effective_from, row.effective_to, 3)
    return (None if c.problems else row), c.problems


def _phone(value: str) -> str:
    cleaned = value.strip().replace(" ", "").replace("-", "")
    # ASCII digits only (\d would take any script's), and no longer than the column (20).
    if cleaned and not re.fullmatch(r"\+?[0-9]{5,19}", cleaned):
        raise Problem(errors.ROW_PHONE)
    return cleaned


def parse_person(cells: Sequence[str]) -> tuple[PersonRow | None, list[CellProblem]]:
    c = _Cells(cells)
    row = PersonRow(
        c.get(0, id_number),
        c.get(1, lambda v: text(v, limit=50, required=True)),
        c.get(2, _phone),
    )
    return (None if c.problems else row), c.problems


def parse_marriage(cells: Sequence[str]) -> tuple[MarriageRow | None, list[CellProblem]]:
    c = _Cells(cells)
    today = _today()
    row = MarriageRow(
        c.get(0, id_number),
        c.get(1, id_number),
        c.get(2, lambda v: parse_date(v, required=True, today=today)),
        c.get(3, lambda v: parse_date(v, required=False, today=today)),
    )
    if row.id_number and row.id_number == row.spouse_id_number:
        c.problems.append(CellProblem(1, errors.ROW_SELF_REFERENCE, {}))
    c.period(row.married_on, row.ended_on, 3)
    return (None if c.problems else row), c.problems


def parse_child(cells: Sequence[str]) -> tuple[ChildRow | None, list[CellProblem]]:
    c = _Cells(cells)
    row = ChildRow(c.get(0, id_number), c.get(1, id_number))
    if row.parent_id_number and row.parent_id_number == row.child_id_number:
        c.problems.append(CellProblem(1, errors.ROW_SELF_REFERENCE, {}))
    return (None if c.problems else row), c.problems


def parse_employment(cells: Sequence[str]) -> tuple[EmploymentRow | None, list[CellProblem]]:
    c = _Cells(cells)
    today = _today()
    row = EmploymentRow(
        c.get(0, id_number),
        c.get(1, credit_code),
        c.get(2, lambda v: parse_date(v, required=True, today=today)),
        c.get(3, lambda v: parse_date(v, required=False)),
    )
    c.period(row.started_on, row.ended_on, 3)
    return (None if c.problems else row), c.problems


def parse_insurance(cells: Sequence[str]) -> tuple[InsuranceRow | None, list[CellProblem]]:
    c = _Cells(cells)
    row = InsuranceRow(
        c.get(0, id_number),
        c.get(1, credit_code),
        c.get(2, parse_month),
        c.get(3, parse_flag),
        c.get(4, parse_flag),
        c.get(5, lambda v: parse_date(v, required=False)),
    )
    return (None if c.problems else row), c.problems


def parse_degree(cells: Sequence[str]) -> tuple[DegreeRow | None, list[CellProblem]]:
    c = _Cells(cells)
    row = DegreeRow(
        c.get(0, id_number),
        c.get(1, lambda v: parse_choice(v, DEGREE_LEVELS)),
        c.get(2, lambda v: text(v, limit=200, required=True)),
        c.get(3, lambda v: parse_date(v, required=False, today=_today())),
        c.get(4, lambda v: text(v, limit=64, required=True)),
        c.get(5, lambda v: parse_choice(v, VERIFICATION)),
    )
    return (None if c.problems else row), c.problems


def _owners(value: str) -> tuple[str, ...]:
    parts = [p for p in OWNER_SEPARATORS.split(value.strip()) if p]
    if not parts:
        raise Problem(errors.ROW_REQUIRED)
    numbers = []
    for part in parts:
        numbers.append(id_number(part))
    return tuple(dict.fromkeys(numbers))


def parse_property(cells: Sequence[str]) -> tuple[PropertyRow | None, list[CellProblem]]:
    c = _Cells(cells)
    row = PropertyRow(
        c.get(0, lambda v: text(v, limit=64, required=True)),
        c.get(1, _owners),
        c.get(2, lambda v: text(v, limit=300, required=True)),
        c.get(3, lambda v: text(v, limit=50, required=True)),
        c.get(4, parse_flag),
        c.get(5, lambda v: parse_choice(v, PROPERTY_USES)),
        c.get(6, lambda v: parse_date(v, required=True, today=_today())),
        c.get(7, lambda v: parse_date(v, required=False)),
    )
    c.period(row.registered_on, row.disposed_on, 7)
    return (None if c.problems else row), c.problems


def parse_qualification(
    cells: Sequence[str],
) -> tuple[QualificationRow | None, list[CellProblem]]:
    c = _Cells(cells)
    row = QualificationRow(
        c.get(0, id_number),
        c.get(1, lambda v: parse_choice(v, QUALIFICATION)),
        c.get(2, lambda v: parse_date(v, required=False, today=_today())),
        c.get(3, lambda v: parse_date(v, required=True)),
        c.get(4, lambda v: parse_date(v, required=False)),
        c.get(5, lambda v: text(v, limit=64, required=False)),
    )
    c.period(row.valid_from, row.valid_to, 4)
    return (None if c.problems else row), c.problems


PARSERS: dict[str, Callable[[Sequence[str]], tuple[Any, list[CellProblem]]]] = {
    ImportKind.ENTERPRISE: parse_enterprise,
    ImportKind.CLASSIFICATION: parse_classification,
    ImportKind.PERSON: parse_person,
    ImportKind.MARRIAGE: parse_marriage,
    ImportKind.CHILD: parse_child,
    ImportKind.EMPLOYMENT: parse_employment,
    ImportKind.INSURANCE: parse_insurance,
    ImportKind.DEGREE: parse_degree,
    ImportKind.PROPERTY: parse_property,
    ImportKind.QUALIFICATION: parse_qualification,
}
