"""The eligibility facts on hand-built edge cases (the suite runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from gaoxin.registry import selectors
from gaoxin.registry.choices import (
    DegreeLevel,
    MakeupPolicy,
    PropertyUse,
    QualificationStatus,
    VerificationStatus,
)
from gaoxin.registry.models import (
    Degree,
    Employment,
    InsuranceContribution,
    KeyIndustry,
    Marriage,
    ParentChild,
    Person,
    Property,
    PropertyOwner,
    PurchaseQualification,
)

from .factories import a_classification, a_person, an_enterprise, person_born

pytestmark = pytest.mark.django_db


def months(start: int, end: int) -> list[int]:
    out, month = [], start
    while month <= end:
        out.append(month)
        month = selectors.add_months(month, 1)
    return out


def pay(person, employer, month_list, *, in_zone=True, makeup=False, paid_on=None):
    InsuranceContribution.objects.bulk_create(
        InsuranceContribution(
            person=person,
            employer=employer,
            month=m,
            in_zone=in_zone,
            is_makeup=makeup,
            paid_on=paid_on or date(m // 100, m % 100, 15),
        )
        for m in month_list
    )


def continuity(people, ending=202412, **kwargs):
    return selectors.insurance_continuous_months(
        person_ids=[p.pk for p in people], ending=ending, **kwargs
    )


def test_month_arithmetic():
    assert selectors.add_months(202412, 1) == 202501
    assert selectors.add_months(202401, -1) == 202312
    assert selectors.add_months(202403, -14) == 202301
    assert months(202311, 202402) == [202311, 202312, 202401, 202402]


def test_continuous_run_and_a_gap_of_one_month():
    employer = an_enterprise()
    full, gap, none, late = a_person(), a_person(), a_person(), a_person()
    pay(full, employer, months(202301, 202412))
    pay(gap, employer, [m for m in months(202301, 202412) if m != 202406])
    pay(late, employer, months(202301, 202411))  # nothing paid for the month asked about
    result = continuity([full, gap, none, late])
    assert result == {full.pk: 24, gap.pk: 6}
    assert continuity([gap], ending=202405) == {gap.pk: 17}


def test_make_up_payment_policies():
    employer = an_enterprise()
    person = a_person()
    pay(person, employer, [m for m in months(202401, 202412) if m != 202406])
    pay(person, employer, [202406], makeup=True, paid_on=date(2024, 11, 20))
    assert continuity([person], makeup=MakeupPolicy.EXCLUDE) == {person.pk: 6}
    assert continuity([person], makeup=MakeupPolicy.COUNT) == {person.pk: 12}
    paid_before = {"makeup": MakeupPolicy.COUNT, "makeup_paid_by": date(2024, 12, 1)}
    assert continuity([person], **paid_before) == {person.pk: 12}
    paid_after = {"makeup": MakeupPolicy.COUNT, "makeup_paid_by": date(2024, 11, 1)}
    assert continuity([person], **paid_after) == {person.pk: 6}


def test_make_up_does_not_hide_a_regular_payment_for_the_same_month():
    first, second = an_enterprise(), an_enterprise()
    person = a_person()
    pay(person, first, months(202401, 202412))
    pay(person, second, [202406], makeup=True)
    assert continuity([person], makeup=MakeupPolicy.EXCLUDE) == {person.pk: 12}


def test_job_change_between_two_in_zone_employers_keeps_the_run():
    first, second = an_enterprise(), an_enterprise()
    person, overlapping = a_person(), a_person()
    pay(person, first, months(202401, 202406))
    pay(person, second, months(202407, 202412))
    pay(overlapping, first, months(202401, 202406))
    pay(overlapping, second, months(202406, 202412))  # June paid by both
    assert continuity([person, overlapping]) == {person.pk: 12, overlapping.pk: 12}


def test_a_month_paid_outside_the_zone_breaks_the_run():
    employer = an_enterprise()
    person = a_person()
    pay(person, employer, [m for m in months(202401, 202412) if m != 202403])
    pay(person, employer, [202403], in_zone=False)
    assert continuity([person]) == {person.pk: 9}


def test_across_a_year_end_capped_and_for_a_queryset():
    employer = an_enterprise()
    people = [a_person() for _ in range(3)]
    for person in people:
        pay(person, employer, months(202311, 202402))
    assert continuity(people, ending=202402) == {p.pk: 4 for p in people}
    assert continuity(people, ending=202402, at_most=3) == {p.pk: 3 for p in people}
    queryset = Person.objects.filter(pk__in=[p.pk for p in people[:2]])
    assert selectors.insurance_continuous_months(person_ids=queryset, ending=202402) == {
        p.pk: 4 for p in people[:2]
    }
    assert selectors.insurance_continuous_months(person_ids=[], ending=202402) == {}


D = date(2026, 3, 10)
CERTIFICATES = itertools.count(1)


def home(
    owner,
    *,
    in_zone=True,
    use=PropertyUse.RESIDENTIAL,
    registered=date(2020, 1, 1),
    disposed=None,
):
    prop = Property.objects.create(
        certificate_no=f"皖(2020)合肥市不动产权第{next(CERTIFICATES):07d}号",
        address="合肥市高新区某路1号",
        district="高新区" if in_zone else "蜀山区",
        in_zone=in_zone,
        use=use,
        registered_on=registered,
        disposed_on=disposed,
    )
    PropertyOwner.objects.create(property=prop, person=owner)
    return prop


def marry(a, b, on=date(2015, 5, 20), ended=None):
    low, high = sorted([a, b], key=lambda p: p.pk)
    return Marriage.objects.create(person_a=low, person_b=high, married_on=on, ended_on=ended)


def owns(people, on=D):
    return selectors.household_owns_zone_home(person_ids=[p.pk for p in people], on=on)


def test_child_turning_18_the_day_before_is_no_longer_household():
    parent_a = person_born(date(1980, 1, 1), 11)
    parent_b = person_born(date(1981, 1, 1), 13)
    adult_child = person_born(date(2008, 3, 9), 21)  # 18 on 2026-03-09, the day before D
    minor_child = person_born(date(2008, 3, 11), 23)  # 18 on 2026-03-11, the day after D
    ParentChild.objects.create(parent=parent_a, child=adult_child)
    ParentChild.objects.create(parent=parent_b, child=minor_child)
    home(adult_child)
    assert owns([parent_a]) == set()
    assert selectors.household_members(person_ids=[parent_a.pk], on=D) == {
        parent_a.pk: {parent_a.pk}
    }
    home(minor_child)
    assert owns([parent_a, parent_b]) == {parent_b.pk}
    marry(parent_a, parent_b)  # now the minor is the child of the applicant's spouse
    assert owns([parent_a, parent_b]) == {parent_a.pk, parent_b.pk}
    assert selectors.household_members(person_ids=[parent_a.pk], on=D)[parent_a.pk] == {
        parent_a.pk,
        parent_b.pk,
        minor_child.pk,
    }


def test_spouse_property_and_divorce():
    applicant, spouse, former = a_person(), a_person(), a_person()
    marry(applicant, spouse, on=date(2020, 1, 1))
    marry(applicant, former, on=date(2010, 1, 1), ended=date(2019, 6, 30))
    home(former)
    assert owns([applicant]) == set()
    home(spouse)
    assert owns([applicant]) == {applicant.pk}
    assert owns([applicant], on=date(2019, 12, 31)) == set()  # before this marriage


def test_property_sold_before_the_date_and_other_kinds():
    sold, sold_on_day, sold_after, shop, outside, later = (a_person() for _ in range(6))
    home(sold, disposed=date(2026, 3, 9))
    home(sold_on_day, disposed=D)
    home(sold_after, disposed=date(2026, 3, 11))
    home(shop, use=PropertyUse.COMMERCIAL)
    home(outside, in_zone=False)
    home(later, registered=date(2026, 3, 11))
    people = [sold, sold_on_day, sold_after, shop, outside, later]
    assert owns(people) == {sold_after.pk}


def test_employer_key_industry_in_zone_on_a_date():
    key = a_classification(effective_from=date(2022, 1, 1)).enterprise
    ended = a_classification(effective_from=date(2022, 1, 1), effective_to=date(2026, 3, 9))
    moved = a_classification().enterprise
    moved.business_in_zone_to = date(2026, 1, 31)
    moved.save()
    no_tax = a_classification().enterprise
    no_tax.tax_in_zone_from = None
    no_tax.save()
    plain = an_enterprise()
    found = selectors.key_industry_enterprises(
        enterprise_ids=[key.pk, ended.enterprise.pk, moved.pk, no_tax.pk, plain.pk], on=D
    )
    assert found == {key.pk}
    assert selectors.key_industry_enterprises(
        enterprise_ids=[ended.enterprise.pk, moved.pk], on=date(2026, 1, 15)
    ) == {ended.enterprise.pk, moved.pk}
    KeyIndustry.objects.filter(code="IC").update(effective_to=date(2026, 3, 1))
    assert selectors.key_industry_enterprises(enterprise_ids=[key.pk], on=D) == set()


def test_person_employed_by_key_industry_enterprise():
    key = a_classification().enterprise
    plain = an_enterprise()
    changed, left, both = a_person(), a_person(), a_person()
    Employment.objects.create(
        person=changed, enterprise=plain, started_on=date(2019, 1, 1), ended_on=date(2025, 12, 31)
    )
    Employment.objects.create(person=changed, enterprise=key, started_on=date(2026, 1, 1))
    Employment.objects.create(
        person=left, enterprise=key, started_on=date(2019, 1, 1), ended_on=date(2026, 3, 9)
    )
    Employment.objects.create(person=both, enterprise=plain, started_on=date(2019, 1, 1))
    result = selectors.employed_by_key_industry(person_ids=[changed.pk, left.pk, both.pk], on=D)
    assert result == {changed.pk: key.pk}
    assert selectors.employed_by_key_industry(person_ids=[changed.pk], on=date(2025, 6, 1)) == {}


def test_highest_verified_degree():
    person, other = a_person(), a_person()
    for level, status, ref in [
        (DegreeLevel.BACHELOR, VerificationStatus.VERIFIED, "a"),
        (DegreeLevel.MASTER, VerificationStatus.UNVERIFIED, "b"),
        (DegreeLevel.DOCTOR, VerificationStatus.MISMATCH, "c"),
        (DegreeLevel.ASSOCIATE, VerificationStatus.VERIFIED, "d"),
    ]:
        Degree.objects.create(
            person=person,
            level=level,
            institution="中国科学技术大学",
            verification_ref=ref,
            verification_status=status,
        )
    assert selectors.highest_verified_degree(person_ids=[person.pk, other.pk]) == {
        person.pk: DegreeLevel.BACHELOR
    }


def test_purchase_qualification_on_a_date():
    valid, expired, revoked = a_person(), a_person(), a_person()
    PurchaseQualification.objects.create(
        person=valid, status=QualificationStatus.QUALIFIED, valid_from=date(2026, 1, 1), valid_to=D
    )
    PurchaseQualification.objects.create(
        person=expired,
        status=QualificationStatus.QUALIFIED,
        valid_from=date(2025, 1, 1),
        valid_to=date(2026, 3, 9),
    )
    PurchaseQualification.objects.create(
        person=revoked, status=QualificationStatus.QUALIFIED, valid_from=date(2025, 1, 1)
    )
    PurchaseQualification.objects.create(
        person=revoked, status=QualificationStatus.REVOKED, valid_from=date(2026, 2, 1)
    )
    assert selectors.purchase_qualified(person_ids=[valid.pk, expired.pk, revoked.pk], on=D) == {
        valid.pk
    }


def test_person_ids_by_id_number():
    person = a_person()
    assert selectors.person_ids_by_id_number([person.id_number.lower(), "x"]) == {
        person.id_number: person.pk
    }


def test_selectors_answer_for_many_people_in_one_query(django_assert_num_queries):
    employer = an_enterprise()
    people = [a_person() for _ in range(30)]
    for person in people:
        pay(person, employer, months(202401, 202412))
    ids = [p.pk for p in people]
    with django_assert_num_queries(1):
        assert len(selectors.insurance_continuous_months(person_ids=ids, ending=202412)) == 30
    with django_assert_num_queries(1):
        selectors.household_owns_zone_home(person_ids=ids, on=D)
    with django_assert_num_queries(1):
        selectors.employed_by_key_industry(person_ids=ids, on=D)
    with django_assert_num_queries(1):
        selectors.highest_verified_degree(person_ids=ids)
