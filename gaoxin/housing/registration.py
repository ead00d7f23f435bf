"""The household as the applicant gives it, checked before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gaoxin.common.errors import GaoxinError
from gaoxin.registry import identifiers

from . import errors
from .choices import Relation

WHO = {
    Relation.APPLICANT: ("申请人", "the applicant"),
    Relation.SPOUSE: ("配偶", "the spouse"),
    Relation.CHILD: ("子女", "a child"),
}
REASONS = {
    "length": "应为 18 位 / must have 18 characters",
    "characters": "只能是数字，最后一位可为 X / digits only, the last may be X",
    "check": "校验码不符 / the check character does not match",
    "birth_date": "出生日期无效 / the birth date is not valid",
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


def clean_household(members: list[MemberIn], *, on: date) -> list[CleanMember]:
    """Validate every member: names given, ID numbers valid (GB 11643 check character), no
    number twice, children minors on `on` (the closing date). Raises GaoxinError naming the
    member; the applicant comes first."""
    cleaned: list[CleanMember] = []
    seen: set[str] = set()
    for member in members:
        who_zh, who_en = WHO[Relation(member.relation)]
        name = member.name.strip()
        if not name:
            raise GaoxinError(errors.NAME_REQUIRED, who=who_zh, who_en=who_en)
        try:
            number = identifiers.validate_id_number(member.id_number)
        except identifiers.IdentifierError as error:
            raise GaoxinError(
                errors.ID_NUMBER_INVALID,
                who=who_zh,
                who_en=who_en,
                value=member.id_number.strip()[:24],
                reason=REASONS.get(error.reason, error.reason),
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
