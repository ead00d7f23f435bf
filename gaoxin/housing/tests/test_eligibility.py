"""Every eligibility condition: pass, fail and the boundary, with the reason text a person
reads. Runs on SQLite and on PostgreSQL (the suite's second pass)."""

from __future__ import annotations

from datetime import date

import pytest

from gaoxin.housing.choices import Relation
from gaoxin.housing.models import BenefitUse, Eligibility
from gaoxin.housing.registration import MemberIn
from gaoxin.registry.choices import (
    DegreeLevel,
    PropertyUse,
    VerificationStatus,
)
from gaoxin.registry.models import (
    Degree,
    Employment,
    InsuranceContribution,
    Marriage,
    ParentChild,
    PurchaseQualification,
)
from gaoxin.registry.tests.factories import a_classification, an_enterprise, person_born

from .builders import Household, household_reviewed, next_seq

pytestmark = pytest.mark.django_db


def reasons(eligibility: Eligibility, pool: str = "key_industry") -> str:
    return " / ".join(r["zh"] + " | " + r["en"] for r in eligibility.reasons if r["pool"] == pool)


def test_meeting_every_condition(make_user):
    e = household_reviewed(make_user, Household())
    assert (e.general, e.first_home, e.key_industry) == (True, True, True)
    assert e.reasons == [] and not e.needs_attention
    assert e.eligible_pools == ["first_home", "key_industry", "general"]


def test_no_purchase_qualification_fails_every_pool(make_user):
    h = Household()
    PurchaseQualification.objects.filter(person=h.person).update(valid_to=date(2026, 6, 29))
    e = household_reviewed(make_user, h)
    assert (e.general, e.first_home, e.key_industry) == (False, False, False)
    assert "2026-06-30 无有效的购房资格" in reasons(e, "general")


def test_qualification_valid_until_the_closing_day_passes(make_user):
    h = Household()
    PurchaseQualification.objects.filter(person=h.person).update(valid_to=date(2026, 6, 30))
    assert household_reviewed(make_user, h).general is True


def test_insurance_eleven_months_fails_with_the_gap_named(make_user):
    h = Household()
    InsuranceContribution.objects.filter(person=h.person, month=202507).delete()
    e = household_reviewed(make_user, h)
    assert e.key_industry is False and e.first_home is True
    text = reasons(e)
    assert "社保在 2025-07 中断" in text and "insurance gap in 2025-07" in text
    assert "连续在区内缴纳 11 个月" in text


def test_insurance_exactly_twelve_months_passes(make_user):
    h = Household()
    InsuranceContribution.objects.filter(person=h.person, month=202506).delete()  # 13th month
    assert household_reviewed(make_user, h).key_industry is True


def test_no_contribution_in_the_closing_month(make_user):
    h = Household()
    InsuranceContribution.objects.filter(person=h.person, month=202606).delete()
    assert "2026-06 没有在区内缴纳社保" in reasons(household_reviewed(make_user, h))


def test_make_up_payment_breaks_the_run_unless_rules_count_it(make_user):
    h = Household()
    InsuranceContribution.objects.filter(person=h.person, month=202510).update(is_makeup=True)
    assert "社保在 2025-10 中断" in reasons(household_reviewed(make_user, h))
    assert household_reviewed(make_user, h, rules={"makeup_policy": "count"}).key_industry is True


def test_job_change_between_two_in_zone_key_employers_keeps_the_run(make_user):
    h = Household()
    other = a_classification().enterprise
    InsuranceContribution.objects.filter(person=h.person, month__lte=202512).update(employer=other)
    assert household_reviewed(make_user, h).key_industry is True


def test_employer_not_key_industry_or_not_in_zone(make_user):
    h = Household()
    h.employer.tax_in_zone_to = date(2026, 6, 29)
    h.employer.save()
    e = household_reviewed(make_user, h)
    assert "所在单位不是工商税务关系在区内的重点产业企业" in reasons(e)
    h2 = Household()
    plain = an_enterprise()
    Employment.objects.filter(person=h2.person).update(enterprise=plain)
    assert household_reviewed(make_user, h2).key_industry is False


def test_associate_degree_fails_bachelor_passes(make_user):
    h = Household()
    Degree.objects.filter(person=h.person).update(level=DegreeLevel.ASSOCIATE)
    text = reasons(household_reviewed(make_user, h))
    assert "没有经核验的本科及以上学历（最高为专科）" in text
    h2 = Household()
    Degree.objects.filter(person=h2.person).update(
        verification_status=VerificationStatus.UNVERIFIED
    )
    assert "没有经核验的本科" in reasons(household_reviewed(make_user, h2))


def test_spouse_owning_a_zone_home_fails_both_pools(make_user):
    h = Household()
    spouse = person_born(date(1991, 2, 2), next_seq())
    Marriage.objects.create(person_a=h.person, person_b=spouse, married_on=date(2018, 5, 20))
    h.own(spouse)
    e = household_reviewed(make_user, h)
    assert e.key_industry is False and e.first_home is False
    assert "于高新区内有住房" in reasons(e)
    assert "名下有住房" in reasons(e, "first_home")


def test_home_outside_the_zone_fails_first_home_only(make_user):
    h = Household()
    h.own(h.person, in_zone=False)
    e = household_reviewed(make_user, h)
    assert e.key_industry is True and e.first_home is False


def test_home_sold_before_the_closing_date_does_not_count(make_user):
    h = Household()
    h.own(h.person, disposed_on=date(2026, 6, 29))
    e = household_reviewed(make_user, h)
    assert e.key_industry is True and e.first_home is True


def test_commercial_property_is_not_a_home(make_user):
    h = Household()
    h.own(h.person, use=PropertyUse.OFFICE)
    assert household_reviewed(make_user, h).first_home is True


def test_minor_childs_home_counts_an_adult_childs_does_not(make_user):
    h = Household()
    minor = person_born(date(2008, 7, 1), next_seq())  # 17 on the closing date
    ParentChild.objects.create(parent=h.person, child=minor)
    h.own(minor)
    assert household_reviewed(make_user, h).key_industry is False
    h2 = Household()
    adult = person_born(date(2008, 6, 29), next_seq())  # turned 18 the day before
    ParentChild.objects.create(parent=h2.person, child=adult)
    h2.own(adult)
    assert household_reviewed(make_user, h2).key_industry is True


def test_benefit_used_before_fails_once_only(make_user):
    h = Household()
    earlier = household_reviewed(make_user, h)
    BenefitUse.objects.create(
        id_number=h.person.id_number,
        batch=earlier.application.batch,
        application=earlier.application,
        used_on=date(2025, 12, 1),
    )
    e = household_reviewed(make_user, h)
    assert e.key_industry is False and e.first_home is True
    assert "已享受过重点产业职工购房优惠" in reasons(e)


def test_applicant_missing_from_the_registry(make_user):
    h = Household()
    from gaoxin.registry.identifiers import make_id_number

    h.members = [
        MemberIn(Relation.APPLICANT, "无名", make_id_number("340104", date(1988, 8, 8), 9))
    ]
    # Registered by a sales office and confirmed, then gone from the registry (a person the
    # registry dropped between registration and review): the review says so.
    e = household_reviewed(make_user, h, dropped=True)
    assert e.general is False and "不在园区基础数据库中" in reasons(e, "general")


def test_unclaimed_pool_is_not_judged(make_user):
    e = household_reviewed(make_user, Household(), pools=())
    assert (e.general, e.first_home, e.key_industry) == (True, None, None)
    assert e.eligible_pools == ["general"]
