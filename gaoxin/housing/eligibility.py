"""The automatic eligibility review: every application of a batch checked against the registry
in a handful of set-based queries, each failed condition recorded with a reason people
understand. Rules are per pool and configurable (batch.config["rules"]):

- general (everyone eligible): the applicant holds home-purchase qualification (购房资格).
- first_home (刚需): general, and the household (applicant, spouse, minor children — as declared
  and as the registry knows them) owns no residential property anywhere on the closing date.
- key_industry: the pilot's five conditions plus once-only — purchase qualification; employer a
  key-industry enterprise with business and tax registration in the zone on the closing date;
  at least `insurance_months` (12) continuous months of in-zone social insurance ending at the
  closing month (make-up payments per `makeup_policy`); a verified bachelor's degree or higher;
  no residential property in the zone owned by the household; the benefit never used before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from gaoxin.registry import selectors as registry
from gaoxin.registry.choices import DegreeLevel, PropertyUse
from gaoxin.registry.models import PropertyOwner

from .choices import ApplicationStatus
from .models import Application, ApplicationMember, BenefitUse, Eligibility, Override, SaleBatch

DEGREE_NAMES = {
    1: ("专科", "associate"),
    2: ("本科", "bachelor's"),
    3: ("硕士", "master's"),
    4: ("博士", "doctorate"),
}


def _month(ym: int) -> str:
    return f"{ym // 100}-{ym % 100:02d}"


@dataclass(frozen=True)
class Reason:
    pool: str
    condition: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"pool": self.pool, "condition": self.condition, "zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Entry:
    """An application as the review needs it: no model instances, so 200,000 of them are cheap."""

    pk: int
    claims_first_home: bool
    claims_key_industry: bool
    members: tuple[tuple[str, str], ...]  # (relation, ID number), the applicant first

    @property
    def applicant_id_number(self) -> str:
        return next(number for relation, number in self.members if relation == "applicant")


@dataclass
class Facts:
    """What the registry says about every application of the batch, in a few queries."""

    on: date
    closing_month: int
    person_of: dict[str, int]  # ID number -> registry person id
    qualified: set[int]
    owns_home: set[int]  # members whose household owns residential property anywhere
    owns_zone_home: set[int]  # ... inside the zone
    employer: dict[int, int]
    insurance: dict[int, int]
    degree: dict[int, int]
    used_benefit: set[str] = field(default_factory=set)  # ID numbers


def _owners_anywhere(person_ids: set[int], on: date) -> set[int]:
    rows = PropertyOwner.objects.filter(
        person_id__in=person_ids,
        property__use=PropertyUse.RESIDENTIAL,
        property__registered_on__lte=on,
    ).filter(Q(property__disposed_on__isnull=True) | Q(property__disposed_on__gt=on))
    return set(rows.values_list("person_id", flat=True))


def _expand_households(person_ids: set[int], on: date) -> dict[int, set[int]]:
    return registry.household_members(person_ids=list(person_ids), on=on)


def gather_facts(
    batch: SaleBatch,
    entries: list[Entry],
    rules: dict[str, Any],
    progress: Callable[[str], None] = lambda stage: None,
) -> Facts:
    on = timezone.localdate(batch.registration_closes_at)
    closing_month = on.year * 100 + on.month
    numbers = {number for e in entries for _relation, number in e.members}
    progress("registry")
    person_of = registry.person_ids_by_id_number(numbers)
    members = set(person_of.values())
    applicants = {
        person_of[e.applicant_id_number] for e in entries if e.applicant_id_number in person_of
    }
    progress("households")
    households = _expand_households(members, on)
    everyone = members | {p for group in households.values() for p in group}
    owners_any = _owners_anywhere(everyone, on)
    owners_zone = registry.household_owns_zone_home(person_ids=list(members), on=on)
    owns_home = {p for p, group in households.items() if group & owners_any} | (
        members & owners_any
    )
    progress("insurance")
    insurance = registry.insurance_continuous_months(
        person_ids=list(applicants),
        ending=closing_month,
        makeup=rules.get("makeup_policy", "exclude"),
        at_most=int(rules.get("insurance_months", 12)),
    )
    progress("employment")
    employer = registry.employed_by_key_industry(person_ids=list(applicants), on=on)
    degree = registry.highest_verified_degree(person_ids=list(applicants))
    qualified = registry.purchase_qualified(person_ids=list(applicants), on=on)
    used = set(BenefitUse.objects.filter(id_number__in=numbers).values_list("id_number", flat=True))
    return Facts(
        on,
        closing_month,
        person_of,
        qualified,
        owns_home,
        owners_zone,
        employer,
        insurance,
        degree,
        used,
    )


@dataclass(frozen=True)
class Decision:
    general: bool
    first_home: bool | None
    key_industry: bool | None
    reasons: list[Reason]
    facts: dict[str, Any]


def decide(application: Entry, facts: Facts, rules: dict[str, Any]) -> Decision:
    """Apply every pool's rules to one application, from facts gathered for all of them."""
    numbers = [number for _relation, number in application.members]
    pid = facts.person_of.get(application.applicant_id_number)
    reasons: list[Reason] = []
    on = facts.on.isoformat()

    if pid is None:
        reasons.append(
            Reason(
                "general",
                "in_registry",
                "申请人不在园区基础数据库中，无法核验",
                "the applicant is not in the zone registry and cannot be checked",
            )
        )
        return Decision(
            False,
            False if application.claims_first_home else None,
            False if application.claims_key_industry else None,
            reasons,
            {"in_registry": False},
        )
    member_ids = {facts.person_of[n] for n in numbers if n in facts.person_of}
    qualified = pid in facts.qualified
    owns_home = bool(member_ids & facts.owns_home)
    owns_zone_home = bool(member_ids & facts.owns_zone_home)
    months = facts.insurance.get(pid, 0)
    need = int(rules.get("insurance_months", 12))
    degree = facts.degree.get(pid, 0)
    min_degree = int(rules.get("min_degree", DegreeLevel.BACHELOR))
    used = any(n in facts.used_benefit for n in numbers)
    fact_record = {
        "closing_date": on,
        "qualified": qualified,
        "owns_home": owns_home,
        "owns_zone_home": owns_zone_home,
        "insurance_months": months,
        "key_employer": facts.employer.get(pid),
        "degree": degree,
        "benefit_used": used,
    }

    general = qualified
    if not qualified:
        reasons.append(
            Reason(
                "general",
                "qualification",
                f"{on} 无有效的购房资格",
                f"no valid home-purchase qualification on {on}",
            )
        )

    first_home: bool | None = None
    if application.claims_first_home:
        first_home = general and not owns_home
        if owns_home:
            reasons.append(
                Reason(
                    "first_home",
                    "no_home",
                    f"家庭（本人、配偶或未成年子女）在 {on} 名下有住房",
                    f"the household (applicant, spouse or minor children) owns a home on {on}",
                )
            )

    key: bool | None = None
    if application.claims_key_industry:
        checks: list[tuple[bool, str, str, str]] = [
            (
                pid in facts.employer,
                "employer",
                f"{on} 所在单位不是工商税务关系在区内的重点产业企业",
                f"on {on} the employer is not a key-industry enterprise "
                "registered and taxed in the zone",
            ),
            (
                months >= need,
                "insurance",
                _insurance_zh(months, need, facts.closing_month),
                _insurance_en(months, need, facts.closing_month),
            ),
            (
                degree >= min_degree,
                "degree",
                f"没有经核验的{DEGREE_NAMES[min_degree][0]}及以上学历"
                + (f"（最高为{DEGREE_NAMES[degree][0]}）" if degree else ""),
                f"no verified {DEGREE_NAMES[min_degree][1]} degree or higher"
                + (f" (highest: {DEGREE_NAMES[degree][1]})" if degree else ""),
            ),
            (
                not owns_zone_home,
                "no_zone_home",
                f"家庭（本人、配偶或未成年子女）在 {on} 于高新区内有住房",
                f"the household owns a home inside the zone on {on}",
            ),
            (
                not used,
                "once_only",
                "已享受过重点产业职工购房优惠（只可享受一次）",
                "the key-industry benefit was already used (once only)",
            ),
        ]
        failed = [c for c in checks if not c[0]]
        reasons.extend(Reason("key_industry", c[1], c[2], c[3]) for c in failed)
        key = general and not failed
    return Decision(general, first_home, key, reasons, fact_record)


def _insurance_zh(months: int, need: int, closing: int) -> str:
    if months == 0:
        return f"{_month(closing)} 没有在区内缴纳社保"
    gap = registry.add_months(closing, -months)
    return (
        f"社保在 {_month(gap)} 中断：截至 {_month(closing)} "
        f"连续在区内缴纳 {months} 个月，不足 {need} 个月"
    )


def _insurance_en(months: int, need: int, closing: int) -> str:
    if months == 0:
        return f"no in-zone social insurance paid for {_month(closing)}"
    gap = registry.add_months(closing, -months)
    return (
        f"insurance gap in {_month(gap)}: {months} continuous in-zone months up to "
        f"{_month(closing)}, fewer than {need}"
    )


def live_entries(batch: SaleBatch) -> list[Entry]:
    """Every live application of the batch with its members, in two queries."""
    members: dict[int, list[tuple[str, str]]] = {}
    rows = ApplicationMember.objects.filter(batch=batch, live=True).values_list(
        "application_id", "relation", "id_number"
    )
    for application_id, relation, number in rows.iterator(chunk_size=10_000):
        members.setdefault(application_id, []).append((relation, number))
    applications = (
        Application.objects.filter(batch=batch, status=ApplicationStatus.SUBMITTED)
        .order_by("pk")
        .values_list("pk", "claims_first_home", "claims_key_industry")
    )
    return [
        Entry(pk, first, key, tuple(sorted(members.get(pk, ()), key=lambda m: m[0] != "applicant")))
        for pk, first, key in applications.iterator(chunk_size=10_000)
    ]


def mark_overridden(eligibility: Eligibility, override: Override) -> None:
    """An approved override's decision, and the failed conditions of its pool marked as
    overridden (by the override's id) when it makes the household eligible there: the reason
    stays on record, said to be set aside. Not saved: the caller saves."""
    setattr(eligibility, override.pool, override.eligible)
    eligibility.overridden = True
    if override.eligible:
        eligibility.reasons = [
            {**reason, "overridden": override.pk} if reason.get("pool") == override.pool else reason
            for reason in eligibility.reasons
        ]
