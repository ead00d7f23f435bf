"""Reads of the registry.

Pages: `enterprise_list`, `person_list`, `person_get`, `person_household`, … (querysets with a
known number of queries).

Eligibility facts, set-based: each takes a set of person ids — a list, a set, or a QuerySet of
Person (or of ids), evaluated inside the same SQL — and answers for all of them in one query,
so the housing review asks once for 10,000 applicants instead of 10,000 times. Persons without
a fact are absent from the answer (or mapped to 0)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from . import identifiers
from .choices import MakeupPolicy, QualificationStatus, VerificationStatus
from .models import (
    Degree,
    Employment,
    Enterprise,
    EnterpriseClassification,
    IdentityBinding,
    ImportRun,
    InsuranceContribution,
    KeyIndustry,
    Marriage,
    ParentChild,
    Person,
    Property,
    PropertyOwner,
    PurchaseQualification,
)

PersonIds = Iterable[int] | QuerySet[Any]

T_INS = InsuranceContribution._meta.db_table
T_PERSON = Person._meta.db_table
T_MARRIAGE = Marriage._meta.db_table
T_CHILD = ParentChild._meta.db_table
T_OWNER = PropertyOwner._meta.db_table
T_PROPERTY = Property._meta.db_table
T_EMPLOYMENT = Employment._meta.db_table
T_ENTERPRISE = Enterprise._meta.db_table
T_CLASS = EnterpriseClassification._meta.db_table
T_INDUSTRY = KeyIndustry._meta.db_table
T_DEGREE = Degree._meta.db_table
T_QUAL = PurchaseQualification._meta.db_table


# -- helpers -------------------------------------------------------------------------------


def _id_set(ids: PersonIds, column: str) -> tuple[str, list[Any]]:
    """`column IN (…)` for a QuerySet (as a subquery), or a list of any length (one JSON/array
    parameter, so no limit on the number of SQL variables)."""
    if isinstance(ids, QuerySet):
        query = ids if ids.query.values_select else ids.values("pk")
        sql, params = query.query.sql_with_params()
        return f"{column} IN ({sql})", list(params)
    values = sorted({int(i) for i in ids})
    if connection.vendor == "postgresql":
        # An array literal as text: psycopg adapts a str at C speed, a list of ints item by item.
        return f"{column} = ANY(%s::bigint[])", ["{" + ",".join(map(str, values)) + "}"]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(values)]  # noqa: S608


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def month_index(month: int) -> int:
    """YYYYMM -> months since year 0, so that consecutive months differ by one."""
    return (month // 100) * 12 + month % 100 - 1


def month_of(day: date) -> int:
    return day.year * 100 + day.month


def add_months(month: int, delta: int) -> int:
    index = month_index(month) + delta
    return (index // 12) * 100 + index % 12 + 1


# -- eligibility facts ---------------------------------------------------------------------


def insurance_continuous_months(
    *,
    person_ids: PersonIds,
    ending: int,
    makeup: str = MakeupPolicy.EXCLUDE,
    makeup_paid_by: date | None = None,
    at_most: int | None = None,
) -> dict[int, int]:
    """Months of continuous in-zone contributions ending at month `ending` (YYYYMM, included):
    person id -> length of the run (people with no contribution in `ending` are absent).

    A month counts when at least one contribution for it was paid in the zone (by any employer:
    a job change between two in-zone employers does not break the run). A make-up payment
    (补缴) counts with `makeup=count`, and breaks the run with `makeup=exclude` unless another
    regular in-zone contribution covers the month; with `makeup_paid_by`, make-up payments
    count only if paid on or before that date (e.g. before registration opened).
    `at_most` caps the look-back (e.g. 12 when the rule is "at least one year"), which makes
    the query read only that many months per person.

    Gaps-and-islands with a window function: with months numbered consecutively and sorted
    newest first, row k (from 1) belongs to the run ending at M iff its number is M - k + 1."""
    where, params = _id_set(person_ids, "c.person_id")
    conditions = [where, "c.in_zone", "c.month <= %s"]
    params.append(ending)
    if at_most is not None:
        conditions.append("c.month > %s")
        params.append(add_months(ending, -at_most))
    if makeup == MakeupPolicy.EXCLUDE:
        conditions.append("NOT c.is_makeup")
    elif makeup_paid_by is not None:
        conditions.append("(NOT c.is_makeup OR c.paid_on <= %s)")
        params.append(makeup_paid_by)
    sql = f"""
        WITH months AS (
            SELECT c.person_id, (c.month / 100) * 12 + c.month %% 100 - 1 AS idx
            FROM {T_INS} c
            WHERE {" AND ".join(conditions)}
            GROUP BY c.person_id, c.month
        ), ranked AS (
            SELECT person_id, idx,
                   ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY idx DESC) AS rn
            FROM months
        )
        SELECT person_id, COUNT(*) FROM ranked
        WHERE idx + rn - 1 = %s
        GROUP BY person_id
    """  # noqa: S608  (table names are ours; values are parameters)
    params.append(month_index(ending))
    return {int(pid): int(n) for pid, n in _rows(sql, params)}


def household_members(*, person_ids: PersonIds, on: date) -> dict[int, set[int]]:
    """Applicant -> the applicant, their spouse on `on`, and the minor children (under 18 on
    `on`) of either of them."""
    ctes, params = _household_ctes(person_ids, on)
    rows = _rows(f"WITH {ctes} SELECT applicant, member FROM household", params)  # noqa: S608
    members: dict[int, set[int]] = {}
    for applicant, member in rows:
        members.setdefault(int(applicant), set()).add(int(member))
    return members


def _household_ctes(person_ids: PersonIds, on: date) -> tuple[str, list[Any]]:
    where, params = _id_set(person_ids, "p.id")
    cutoff = identifiers.adult_cutoff(on)
    married = "m.married_on <= %s AND (m.ended_on IS NULL OR m.ended_on >= %s)"
    sql = f"""
        applicants AS (SELECT p.id FROM {T_PERSON} p WHERE {where}),
        couples AS (
            SELECT a.id AS applicant, a.id AS member FROM applicants a
            UNION
            SELECT a.id, m.person_b_id FROM applicants a
            JOIN {T_MARRIAGE} m ON m.person_a_id = a.id WHERE {married}
            UNION
            SELECT a.id, m.person_a_id FROM applicants a
            JOIN {T_MARRIAGE} m ON m.person_b_id = a.id WHERE {married}
        ),
        household AS (
            SELECT applicant, member FROM couples
            UNION
            SELECT c.applicant, pc.child_id
            FROM couples c
            JOIN {T_CHILD} pc ON pc.parent_id = c.member
            JOIN {T_PERSON} child ON child.id = pc.child_id
            WHERE child.birth_date > %s
        )
    """  # noqa: S608
    return sql, [*params, on, on, on, on, cutoff]


def household_owns_zone_home(*, person_ids: PersonIds, on: date) -> set[int]:
    """Applicants whose household (themselves, spouse on `on`, minor children) owns residential
    property inside the zone on `on` (registered on or before `on`, not disposed of by then)."""
    ctes, params = _household_ctes(person_ids, on)
    sql = f"""
        WITH {ctes}
        SELECT DISTINCT h.applicant
        FROM household h
        JOIN {T_OWNER} o ON o.person_id = h.member
        JOIN {T_PROPERTY} pr ON pr.id = o.property_id
        WHERE pr.in_zone AND pr.use = 'residential'
          AND pr.registered_on <= %s AND (pr.disposed_on IS NULL OR pr.disposed_on > %s)
    """  # noqa: S608
    return {int(row[0]) for row in _rows(sql, [*params, on, on])}


def _key_enterprise_sql() -> str:
    """Conditions for enterprise `e` being a key-industry enterprise in the zone on %s (x4)."""
    return f"""
        e.business_in_zone_from <= %(on)s
        AND (e.business_in_zone_to IS NULL OR e.business_in_zone_to >= %(on)s)
        AND e.tax_in_zone_from <= %(on)s
        AND (e.tax_in_zone_to IS NULL OR e.tax_in_zone_to >= %(on)s)
        AND EXISTS (
            SELECT 1 FROM {T_CLASS} k JOIN {T_INDUSTRY} i ON i.id = k.industry_id
            WHERE k.enterprise_id = e.id
              AND k.effective_from <= %(on)s
              AND (k.effective_to IS NULL OR k.effective_to >= %(on)s)
              AND i.effective_from <= %(on)s
              AND (i.effective_to IS NULL OR i.effective_to >= %(on)s)
        )
    """  # noqa: S608


def key_industry_enterprises(
    *, enterprise_ids: Iterable[int] | QuerySet[Any], on: date
) -> set[int]:
    """Enterprises that on `on` have their business registration and their tax relationship in
    the zone (工商税务关系在区内) and a key-industry classification in force, of a catalogue
    category in force."""
    where, params = _id_set(enterprise_ids, "e.id")
    sql = f"SELECT e.id FROM {T_ENTERPRISE} e WHERE {where} AND {_key_enterprise_sql()}"  # noqa: S608
    return {int(r[0]) for r in _rows(*_named(sql, params, on))}


def _named(sql: str, params: list[Any], on: date) -> tuple[str, list[Any]]:
    """Expand %(on)s into positional parameters (the id set uses positional ones)."""
    parts = sql.split("%(on)s")
    head, rest = parts[0], parts[1:]
    positional = list(params)
    out = head
    for part in rest:
        out += "%s" + part
        positional.append(on)
    return out, positional


def employed_by_key_industry(*, person_ids: PersonIds, on: date) -> dict[int, int]:
    """Person -> an employer that employs them on `on` (employment started on or before, not
    ended before) and is a key-industry in-zone enterprise on `on`."""
    where, params = _id_set(person_ids, "em.person_id")
    sql = f"""
        SELECT em.person_id, MIN(em.enterprise_id)
        FROM {T_EMPLOYMENT} em JOIN {T_ENTERPRISE} e ON e.id = em.enterprise_id
        WHERE {where}
          AND em.started_on <= %(on)s AND (em.ended_on IS NULL OR em.ended_on >= %(on)s)
          AND {_key_enterprise_sql()}
        GROUP BY em.person_id
    """  # noqa: S608
    return {int(p): int(e) for p, e in _rows(*_named(sql, params, on))}


def highest_verified_degree(*, person_ids: PersonIds) -> dict[int, int]:
    """Person -> highest verified DegreeLevel (an int; BACHELOR = 2)."""
    where, params = _id_set(person_ids, "d.person_id")
    sql = f"""
        SELECT d.person_id, MAX(d.level) FROM {T_DEGREE} d
        WHERE {where} AND d.verification_status = %s
        GROUP BY d.person_id
    """  # noqa: S608
    return {int(p): int(level) for p, level in _rows(sql, [*params, VerificationStatus.VERIFIED])}


def purchase_qualified(*, person_ids: PersonIds, on: date) -> set[int]:
    """People whose latest decision valid on `on` says they hold home-purchase qualification."""
    where, params = _id_set(person_ids, "q.person_id")
    sql = f"""
        SELECT person_id FROM (
            SELECT q.person_id, q.status,
                   ROW_NUMBER() OVER (PARTITION BY q.person_id
                                      ORDER BY q.valid_from DESC, q.id DESC) AS rn
            FROM {T_QUAL} q
            WHERE {where} AND q.valid_from <= %s AND (q.valid_to IS NULL OR q.valid_to >= %s)
        ) latest WHERE rn = 1 AND status = %s
    """  # noqa: S608
    rows = _rows(sql, [*params, on, on, QualificationStatus.QUALIFIED])
    return {int(r[0]) for r in rows}


def person_ids_by_id_number(id_numbers: Iterable[str]) -> dict[str, int]:
    numbers = [identifiers.normalize_code(n) for n in id_numbers]
    found: dict[str, int] = {}
    for start in range(0, len(numbers), 5000):
        chunk = numbers[start : start + 5000]
        found.update(Person.objects.filter(id_number__in=chunk).values_list("id_number", "id"))
    return found


# -- identity bindings ---------------------------------------------------------------------


def bound_person(user: Any) -> Person | None:
    """The registry person the account is bound to (registry.IdentityBinding), or None; read
    once per user object, like its roles."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_gaoxin_bound_person"):
        binding = IdentityBinding.objects.select_related("person").filter(user_id=user.pk).first()
        user._gaoxin_bound_person = binding.person if binding is not None else None
    person: Person | None = user._gaoxin_bound_person
    return person


def binding_of(user: Any) -> IdentityBinding | None:
    return (
        IdentityBinding.objects.select_related("person", "bound_by").filter(user_id=user.pk).first()
    )


def recent_bindings(*, limit: int = 10) -> list[IdentityBinding]:
    """The latest bindings, for the counter page (names and numbers masked there)."""
    return list(
        IdentityBinding.objects.select_related("person", "user", "bound_by").order_by(
            "-bound_at", "-pk"
        )[:limit]
    )


@dataclass(frozen=True)
class RegistryHousehold:
    """A person's household in the registry on a day: the spouse (if married on that day) and
    the minor children of either spouse (under 18 on that day)."""

    person: Person
    spouse_ids: frozenset[int]
    minor_child_ids: frozenset[int]


def registry_household(*, person: Person, on: date) -> RegistryHousehold:
    married = Q(married_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    spouses = {
        b if a == person.pk else a
        for a, b in Marriage.objects.filter(married)
        .filter(Q(person_a=person) | Q(person_b=person))
        .values_list("person_a_id", "person_b_id")
    }
    parents = {person.pk, *spouses}
    cutoff = identifiers.adult_cutoff(on)
    children = set(
        ParentChild.objects.filter(parent_id__in=parents, child__birth_date__gt=cutoff).values_list(
            "child_id", flat=True
        )
    )
    return RegistryHousehold(person, frozenset(spouses), frozenset(children))


def people_by_id_number(id_numbers: Iterable[str]) -> dict[str, Person]:
    return {p.id_number: p for p in Person.objects.filter(id_number__in=list(id_numbers))}


# -- pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseFilter:
    q: str = ""
    industry: str = ""  # KeyIndustry.code, classification in force today
    in_zone: str = ""  # "yes" | "no" | ""
    status: str = ""
    on: date | None = None


def enterprise_list(*, filters: EnterpriseFilter | None = None) -> QuerySet[Enterprise]:
    f = filters or EnterpriseFilter()
    on = f.on or timezone.localdate()
    enterprises = Enterprise.objects.order_by("name", "id")
    if f.q:
        q = f.q.strip()
        enterprises = enterprises.filter(Q(name__icontains=q) | Q(credit_code=q.upper()))
    if f.status:
        enterprises = enterprises.filter(status=f.status)
    in_zone = (
        Q(business_in_zone_from__lte=on, tax_in_zone_from__lte=on)
        & (Q(business_in_zone_to__isnull=True) | Q(business_in_zone_to__gte=on))
        & (Q(tax_in_zone_to__isnull=True) | Q(tax_in_zone_to__gte=on))
    )
    if f.in_zone == "yes":
        enterprises = enterprises.filter(in_zone)
    elif f.in_zone == "no":
        enterprises = enterprises.exclude(in_zone)
    if f.industry:
        current = EnterpriseClassification.objects.filter(
            enterprise=OuterRef("pk"), industry__code=f.industry, effective_from__lte=on
        ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        enterprises = enterprises.filter(Exists(current))
    return enterprises


def enterprise_get(*, enterprise_id: int) -> Enterprise | None:
    return Enterprise.objects.filter(pk=enterprise_id).first()


def enterprise_classifications(*, enterprise: Enterprise) -> QuerySet[EnterpriseClassification]:
    return enterprise.classifications.select_related("industry").order_by("-effective_from")


def industry_list() -> QuerySet[KeyIndustry]:
    return KeyIndustry.objects.order_by("sort_order", "code")


def industries_in_force(on: date) -> QuerySet[KeyIndustry]:
    return (
        industry_list()
        .filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    )


@dataclass(frozen=True)
class PersonFilter:
    q: str = ""  # a full ID number, or a name
    employer: str = ""  # credit code
    degree: int | None = None  # at least this verified level


def person_list(*, filters: PersonFilter | None = None) -> QuerySet[Person]:
    f = filters or PersonFilter()
    people = Person.objects.order_by("id")
    if f.q:
        q = f.q.strip()
        if len(q) == 18:
            people = people.filter(id_number=identifiers.normalize_code(q))
        else:
            people = people.filter(name__startswith=q)
    if f.employer:
        people = people.filter(
            Exists(
                Employment.objects.filter(
                    person=OuterRef("pk"), enterprise__credit_code=f.employer.strip().upper()
                )
            )
        )
    if f.degree:
        people = people.filter(
            Exists(
                Degree.objects.filter(
                    person=OuterRef("pk"),
                    level__gte=f.degree,
                    verification_status=VerificationStatus.VERIFIED,
                )
            )
        )
    return people


def person_get(*, person_id: int) -> Person | None:
    return Person.objects.filter(pk=person_id).first()


@dataclass(frozen=True)
class Relative:
    person: Person
    relation: str  # spouse | child | parent
    since: date | None = None
    until: date | None = None
    minor: bool = False


def person_relatives(*, person: Person, on: date) -> list[Relative]:
    """Spouses (current and former), children and parents: three queries."""
    relatives: list[Relative] = []
    marriages = Marriage.objects.filter(Q(person_a=person) | Q(person_b=person)).order_by(
        "-married_on"
    )
    spouse_ids = {m.person_b_id if m.person_a_id == person.pk else m.person_a_id for m in marriages}
    children = list(ParentChild.objects.filter(parent=person).values_list("child_id", flat=True))
    parents = list(ParentChild.objects.filter(child=person).values_list("parent_id", flat=True))
    people = Person.objects.in_bulk([*spouse_ids, *children, *parents])
    for m in marriages:
        other = people[m.person_b_id if m.person_a_id == person.pk else m.person_a_id]
        relatives.append(Relative(other, "spouse", m.married_on, m.ended_on))
    for cid in children:
        child = people[cid]
        relatives.append(
            Relative(
                child, "child", child.birth_date, minor=identifiers.is_minor(child.birth_date, on)
            )
        )
    for pid in parents:
        relatives.append(Relative(people[pid], "parent"))
    return relatives


@dataclass(frozen=True)
class TimelineYear:
    year: int
    months: list[str]  # per month: "zone" | "makeup" | "outside" | ""


def insurance_timeline(*, person: Person) -> list[TimelineYear]:
    """One row per year, twelve cells: paid in the zone, make-up, outside the zone, or none."""
    marks: dict[int, str] = {}
    rank = {"": 0, "outside": 1, "makeup": 2, "zone": 3}
    for month, in_zone, is_makeup in InsuranceContribution.objects.filter(
        person=person
    ).values_list("month", "in_zone", "is_makeup"):
        mark = "outside" if not in_zone else ("makeup" if is_makeup else "zone")
        if rank[mark] > rank[marks.get(month, "")]:
            marks[month] = mark
    if not marks:
        return []
    years = range(min(marks) // 100, max(marks) // 100 + 1)
    return [
        TimelineYear(y, [marks.get(y * 100 + m, "") for m in range(1, 13)]) for y in reversed(years)
    ]


def person_employments(*, person: Person) -> QuerySet[Employment]:
    return person.employments.select_related("enterprise").order_by("-started_on")


def person_degrees(*, person: Person) -> QuerySet[Degree]:
    return person.degrees.order_by("-level")


def person_properties(*, person: Person) -> QuerySet[Property]:
    return Property.objects.filter(ownerships__person=person).order_by("-registered_on")


def person_qualifications(*, person: Person) -> QuerySet[PurchaseQualification]:
    return person.qualifications.order_by("-valid_from")


def import_run_list() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("started_by").order_by("-id")


def import_run_get(*, run_id: int) -> ImportRun | None:
    return ImportRun.objects.select_related("started_by").filter(pk=run_id).first()


def registry_counts() -> dict[str, int]:
    return {
        "enterprises": Enterprise.objects.count(),
        "people": Person.objects.count(),
        "industries": KeyIndustry.objects.count(),
        "imports": ImportRun.objects.count(),
    }
