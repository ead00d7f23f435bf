"""Every eligibility condition: pass, fail and the boundary, with the reason text a person
reads. Runs on SQLite and on PostgreSQL (the suite's second pass)."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase

from gaoxin.housing import services
from gaoxin.housing.choices import Relation
from gaoxin.housing.models import BenefitUse, Eligibility
from gaoxin.housing.registration import MemberIn
from gaoxin.registry import selectors as registry
from gaoxin.registry.choices import (
    DegreeLevel,
    PropertyUse,
    QualificationStatus,
    VerificationStatus,
)
from gaoxin.registry.models import (
    Degree,
    Employment,
    InsuranceContribution,
    Marriage,
    ParentChild,
    Property,
    PropertyOwner,
    PurchaseQualification,
)
from gaoxin.registry.tests.factories import a_classification, an_enterprise, person_born

pytestmark = pytest.mark.django_db

CLOSES = datetime(2026, 6, 30, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ON = date(2026, 6, 30)
_seq = itertools.count(1)


def months_back(count: int, ending: int = 202606) -> list[int]:
    return [registry.add_months(ending, -k) for k in range(count)]


class Household:
    """A key-industry applicant who meets every condition unless a test changes one."""

    def __init__(self) -> None:
        self.person = person_born(date(1990, 4, 1), next(_seq))
        self.employer = a_classification().enterprise
        Employment.objects.create(
            person=self.person, enterprise=self.employer, started_on=date(2020, 1, 1)
        )
        self.pay(months_back(12))
        Degree.objects.create(
            person=self.person,
            level=DegreeLevel.BACHELOR,
            institution="中国科学技术大学",
            verification_ref=f"XL{next(_seq)}",
            verification_status=VerificationStatus.VERIFIED,
        )
        PurchaseQualification.objects.create(
            person=self.person, status=QualificationStatus.QUALIFIED, valid_from=date(2026, 1, 1)
        )
        self.members = [MemberIn(Relation.APPLICANT, self.person.name, self.person.id_number)]

    def pay(self, months: list[int], *, makeup: bool = False, employer=None) -> None:
        InsuranceContribution.objects.bulk_create(
            InsuranceContribution(
                person=self.person,
                employer=employer or self.employer,
                month=m,
                in_zone=True,
                is_makeup=makeup,
            )
            for m in months
        )

    def own(self, owner, *, in_zone=True, disposed_on=None, use=PropertyUse.RESIDENTIAL) -> None:
        home = Property.objects.create(
            certificate_no=f"皖(2020)合肥市不动产权第{next(_seq):07d}号",
            address="合肥市高新区某路",
            district="高新区" if in_zone else "蜀山区",
            in_zone=in_zone,
            use=use,
            registered_on=date(2020, 5, 1),
            disposed_on=disposed_on,
        )
        PropertyOwner.objects.create(property=home, person=owner)


def review(make_user, household: Household, *, pools=("key_industry", "first_home"), rules=None):
    batch = _batch(rules)
    services.application_register(
        actor=make_user("applicant"), batch=batch, members=household.members, pools=list(pools)
    )
    # Registration happened; now move its window to a fixed past June so dates are exact.
    type(batch).objects.filter(pk=batch.pk).update(
        registration_opens_at=CLOSES.replace(day=1), registration_closes_at=CLOSES
    )
    batch.refresh_from_db()
    services.batch_close_registration(actor=None, batch=batch)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task runs after commit
        services.review_start(actor=None, batch=batch)
    return Eligibility.objects.get(application__batch=batch)


def _batch(rules):
    from .factories import make_batch

    code = f"E{next(_seq):04d}"
    batch = make_batch(code=code, status="draft")
    if rules:
        services.batch_set_rules(actor=None, batch=batch, rules=services.Rules(**rules))
    services.batch_publish(actor=None, batch=batch)
    batch.refresh_from_db()
    return batch


def reasons(eligibility: Eligibility, pool: str = "key_industry") -> str:
    return " / ".join(r["zh"] + " | " + r["en"] for r in eligibility.reasons if r["pool"] == pool)


def test_meeting_every_condition(make_user):
    e = review(make_user, Household())
    assert (e.general, e.first_home, e.key_industry) == (True, True, True)
    assert e.reasons == [] and not e.needs_attention
    assert e.eligible_pools == ["first_home", "key_industry", "general"]


def test_no_purchase_qualification_fails_every_pool(make_user):
    h = Household()
    PurchaseQualification.objects.filter(person=h.person).update(valid_to=date(2026, 6, 29))
    e = review(make_user, h)
    assert (e.general, e.first_home, e.key_industry) == (False, False, False)
    assert "2026-06-30 无有效的购房资格" in reasons(e, "general")


def test_qualification_valid_until_the_closing_day_passes(make_user):
    h = Household()
    PurchaseQualification.objects.filter(person=h.person).update(valid_to=date(2026, 6, 30))
    assert review(make_user, h).general is True


def test_insurance_eleven_months_fails_with_the_gap_named(make_user):
    h = Household()
    InsuranceContribution.objects.filter(person=h.person, month=202507).delete()
    e = review(make_user, h)
    assert e.key_industry is False and e.first_home is True
    text = reasons(e)
    assert "社保在 2025-07 中断" in text and "insurance gap in 2025-07" in text
    assert "连续在区内缴纳 11 个月" in text


def test_insurance_exactly_twelve_months_passes(make_user):
    h = Household()
    InsuranceContribution.objects.filter(person=h.person, month=202506).delete()  # 13th month
    assert review(make_user, h).key_industry is True


def test_no_contribution_in_the_closing_month(make_user):
    h = Household()
    InsuranceContribution.objects.filter(person=h.person, month=202606).delete()
    assert "2026-06 没有在区内缴纳社保" in reasons(review(make_user, h))


def test_make_up_payment_breaks_the_run_unless_rules_count_it(make_user):
    h = Household()
    InsuranceContribution.objects.filter(person=h.person, month=202510).update(is_makeup=True)
    assert "社保在 2025-10 中断" in reasons(review(make_user, h))
    assert review(make_user, h, rules={"makeup_policy": "count"}).key_industry is True


def test_job_change_between_two_in_zone_key_employers_keeps_the_run(make_user):
    h = Household()
    other = a_classification().enterprise
    InsuranceContribution.objects.filter(person=h.person, month__lte=202512).update(employer=other)
    assert review(make_user, h).key_industry is True


def test_employer_not_key_industry_or_not_in_zone(make_user):
    h = Household()
    h.employer.tax_in_zone_to = date(2026, 6, 29)
    h.employer.save()
    e = review(make_user, h)
    assert "所在单位不是工商税务关系在区内的重点产业企业" in reasons(e)
    h2 = Household()
    plain = an_enterprise()
    Employment.objects.filter(person=h2.person).update(enterprise=plain)
    assert review(make_user, h2).key_industry is False


def test_associate_degree_fails_bachelor_passes(make_user):
    h = Household()
    Degree.objects.filter(person=h.person).update(level=DegreeLevel.ASSOCIATE)
    text = reasons(review(make_user, h))
    assert "没有经核验的本科及以上学历（最高为专科）" in text
    h2 = Household()
    Degree.objects.filter(person=h2.person).update(
        verification_status=VerificationStatus.UNVERIFIED
    )
    assert "没有经核验的本科" in reasons(review(make_user, h2))


def test_spouse_owning_a_zone_home_fails_both_pools(make_user):
    h = Household()
    spouse = person_born(date(1991, 2, 2), next(_seq))
    Marriage.objects.create(person_a=h.person, person_b=spouse, married_on=date(2018, 5, 20))
    h.own(spouse)
    e = review(make_user, h)
    assert e.key_industry is False and e.first_home is False
    assert "于高新区内有住房" in reasons(e)
    assert "名下有住房" in reasons(e, "first_home")


def test_home_outside_the_zone_fails_first_home_only(make_user):
    h = Household()
    h.own(h.person, in_zone=False)
    e = review(make_user, h)
    assert e.key_industry is True and e.first_home is False


def test_home_sold_before_the_closing_date_does_not_count(make_user):
    h = Household()
    h.own(h.person, disposed_on=date(2026, 6, 29))
    e = review(make_user, h)
    assert e.key_industry is True and e.first_home is True


def test_commercial_property_is_not_a_home(make_user):
    h = Household()
    h.own(h.person, use=PropertyUse.OFFICE)
    assert review(make_user, h).first_home is True


def test_minor_childs_home_counts_an_adult_childs_does_not(make_user):
    h = Household()
    minor = person_born(date(2008, 7, 1), next(_seq))  # 17 on the closing date
    ParentChild.objects.create(parent=h.person, child=minor)
    h.own(minor)
    assert review(make_user, h).key_industry is False
    h2 = Household()
    adult = person_born(date(2008, 6, 29), next(_seq))  # turned 18 the day before
    ParentChild.objects.create(parent=h2.person, child=adult)
    h2.own(adult)
    assert review(make_user, h2).key_industry is True


def test_benefit_used_before_fails_once_only(make_user):
    h = Household()
    earlier = review(make_user, h)
    BenefitUse.objects.create(
        id_number=h.person.id_number,
        batch=earlier.application.batch,
        application=earlier.application,
        used_on=date(2025, 12, 1),
    )
    e = review(make_user, h)
    assert e.key_industry is False and e.first_home is True
    assert "已享受过重点产业职工购房优惠" in reasons(e)


def test_applicant_missing_from_the_registry(make_user):
    h = Household()
    from gaoxin.registry.identifiers import make_id_number

    h.members = [
        MemberIn(Relation.APPLICANT, "无名", make_id_number("340104", date(1988, 8, 8), 9))
    ]
    e = review(make_user, h)
    assert e.general is False and "不在园区基础数据库中" in reasons(e, "general")


def test_unclaimed_pool_is_not_judged(make_user):
    e = review(make_user, Household(), pools=())
    assert (e.general, e.first_home, e.key_industry) == (True, None, None)
    assert e.eligible_pools == ["general"]
