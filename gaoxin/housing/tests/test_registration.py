"""Registration: one application per household, validated members, receipts, withdrawal; the
household is the bound account's own (issue #13, item 1)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from gaoxin.common.models import AuditEvent
from gaoxin.fairdraw import identity_commitment
from gaoxin.housing import services
from gaoxin.housing.choices import Channel, Relation
from gaoxin.housing.models import Application, ApplicationMember
from gaoxin.housing.registration import MemberIn
from gaoxin.housing.services import registration as registration_services
from gaoxin.housing.tests.factories import staff_of
from gaoxin.registry.imports.loaders import new_person
from gaoxin.registry.models import Marriage, ParentChild, Person
from gaoxin.testing.errors import raises_code

from .builders import bound_applicant, draft_batch, published_batch
from .factories import person_id

pytestmark = pytest.mark.django_db


def household(n: int, *, spouse: bool = True, child_born: date | None = None) -> list[MemberIn]:
    members = [MemberIn(Relation.APPLICANT, "张三明", person_id(2 * n + 1))]
    if spouse:
        members.append(MemberIn(Relation.SPOUSE, "李四", person_id(2 * n + 2, date(1991, 3, 2))))
    if child_born:
        members.append(MemberIn(Relation.CHILD, "张小明", person_id(n + 500, child_born)))
    return members


def _person(number: str, name: str) -> Person:
    person = Person.objects.filter(id_number=number).first()
    if person is None:
        person = new_person(number, name)
        person.save()
    return person


def in_registry(n: int, *, spouse: bool = True, child_born: date | None = None) -> list[MemberIn]:
    """household(n) as the registry knows it: the couple married, the child theirs."""
    members = household(n, spouse=spouse, child_born=child_born)
    people = [_person(m.id_number, m.name) for m in members]
    if spouse:
        a, b = sorted([people[0], people[1]], key=lambda p: p.pk)
        Marriage.objects.get_or_create(person_a=a, person_b=b, married_on=date(2018, 5, 1))
    if child_born:
        ParentChild.objects.get_or_create(parent=people[0], child=people[-1])
    return members


def own(n: int, **kwargs) -> tuple[Any, list[MemberIn]]:
    """The bound account of household(n)'s applicant, and the household."""
    members = in_registry(n, **kwargs)
    return bound_applicant(id_number=members[0].id_number), members


@pytest.fixture
def batch():
    return published_batch()


def test_register_gives_a_number_a_salt_and_a_matching_commitment(batch, make_user):
    applicant, members = own(1)
    result = services.application_register(
        actor=applicant, batch=batch, members=members, pools=["first_home"]
    )
    app = result.application
    assert result.created and app.number == "T2026-000001"
    assert app.pools == ["first_home", "general"]
    identity = "|".join([person_id(3), person_id(4, date(1991, 3, 2))])
    assert app.identity_commitment == identity_commitment(identity, result.salt)
    event = AuditEvent.objects.get(action="housing.application.registered")
    assert person_id(3) not in str(event.after)  # only masked numbers in the audit log
    assert "340104" in str(event.after)


def test_a_person_registers_once_per_batch(batch, make_user):
    """The spouse registers the same couple from their own account: refused, and the message
    names nobody (no number, no name, no registration number)."""
    applicant, members = own(1)
    services.application_register(actor=applicant, batch=batch, members=members, pools=[])
    spouse = bound_applicant(id_number=members[1].id_number)
    swapped = [
        MemberIn(Relation.APPLICANT, members[1].name, members[1].id_number),
        MemberIn(Relation.SPOUSE, members[0].name, members[0].id_number),
    ]
    with raises_code("housing.person_already_registered") as error:
        services.application_register(actor=spouse, batch=batch, members=swapped, pools=[])
    for language in ("zh", "en"):
        told = error.value.message(language)
        assert "340104" not in told and "T2026" not in told and "张三明" not in told
    assert Application.objects.count() == 1


def test_a_double_click_returns_the_same_application(batch, make_user):
    applicant, members = own(1)
    first = services.application_register(actor=applicant, batch=batch, members=members, pools=[])
    again = services.application_register(actor=applicant, batch=batch, members=members, pools=[])
    assert not again.created and again.application.pk == first.application.pk
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("members", "code", "zh"),
    [
        (
            [MemberIn(Relation.APPLICANT, "张三", "340104199005170011")],
            "housing.id_number_invalid",
            "校验码",
        ),
        ([MemberIn(Relation.APPLICANT, "", person_id(1))], "housing.name_required", "申请人"),
        (
            [
                MemberIn(Relation.APPLICANT, "张三", person_id(1)),
                MemberIn(Relation.SPOUSE, "张三", person_id(1)),
            ],
            "housing.duplicate_member",
            "两次",
        ),
    ],
)
def test_bad_households_are_refused_with_the_member_named(batch, make_user, members, code, zh):
    with raises_code(code) as error:
        services.application_register(
            actor=make_user("applicant"), batch=batch, members=members, pools=[]
        )
    assert zh in error.value.message("zh")
    assert Application.objects.count() == 0 and ApplicationMember.objects.count() == 0


def test_child_turning_18_before_closing_is_not_a_minor(batch, make_user):
    closes = timezone.localdate(batch.registration_closes_at)
    adult = closes.replace(year=closes.year - 18)  # 18 on the closing day
    applicant, _members = own(1)
    with raises_code("housing.child_not_minor"):
        services.application_register(
            actor=applicant,
            batch=batch,
            members=household(1, child_born=adult),
            pools=[],
        )
    minor = adult + timedelta(days=1)
    result = services.application_register(
        actor=applicant, batch=batch, members=in_registry(1, child_born=minor), pools=[]
    )
    assert result.application.members.count() == 3


def test_registration_only_inside_the_window(make_user):
    batch = draft_batch(code="D2026")
    applicant, members = own(1)
    with raises_code("housing.registration_closed"):
        services.application_register(actor=applicant, batch=batch, members=members, pools=[])


def test_unknown_pool_is_refused(batch, make_user):
    with raises_code("housing.unknown_pool"):
        services.application_register(
            actor=make_user("applicant"), batch=batch, members=household(1), pools=["vip"]
        )


def test_only_applicants_register_on_the_web_and_only_the_own_developer_by_api(batch, make_user):
    with raises_code("not_allowed"):
        services.application_register(
            actor=make_user("reviewer"), batch=batch, members=household(1), pools=[]
        )
    with raises_code("not_allowed"):
        services.application_register(
            actor=make_user("developer"),
            batch=batch,
            members=household(1),
            pools=[],
            channel=Channel.API,
        )
    own = make_user("developer")
    staff_of(batch.project.sales_office, own)
    result = services.application_register(
        actor=own, batch=batch, members=household(1), pools=[], channel=Channel.API
    )
    assert result.application.user is None and result.application.channel == "api"


def test_the_sales_system_sending_a_household_again_gets_it_back(batch, make_user):
    """A retry after a lost answer (a timeout, a dropped connection) neither fails nor
    duplicates. A different household sharing a person is entered too, unconfirmed: the sales
    office is told nothing about anyone's registration, and the applicant decides."""
    office = make_user("developer")
    staff_of(batch.project.sales_office, office)
    first = services.application_register(
        actor=office, batch=batch, members=household(1), pools=[], channel=Channel.API
    )
    again = services.application_register(
        actor=office, batch=batch, members=household(1), pools=[], channel=Channel.API
    )
    assert not again.created and again.application.pk == first.application.pk
    assert again.salt == first.salt
    other = services.application_register(
        actor=office,
        batch=batch,
        members=household(1, spouse=False),
        pools=[],
        channel=Channel.API,
    )
    assert other.created and other.application.status == "unconfirmed"
    assert Application.objects.count() == 2


def test_a_registration_racing_past_the_check_is_decided_again_without_a_gap(
    batch, make_user, monkeypatch
):
    """Someone registered between the look-up before the lock and the insert: the partial
    unique index stops the insert, the registration is decided again under the lock (the same
    sender gets the existing application, another is refused), and the number the failed insert
    took is not lost."""
    applicant, members = own(1)
    first = services.application_register(actor=applicant, batch=batch, members=members, pools=[])
    real = registration_services._registered_already
    calls = {"n": 0}

    def blind_first_look(**kwargs):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(**kwargs)

    monkeypatch.setattr(registration_services, "_registered_already", blind_first_look)
    again = services.application_register(actor=applicant, batch=batch, members=members, pools=[])
    assert not again.created and again.application.pk == first.application.pk
    calls["n"] = 0
    spouse = bound_applicant(id_number=members[1].id_number)
    swapped = [
        MemberIn(Relation.APPLICANT, members[1].name, members[1].id_number),
        MemberIn(Relation.SPOUSE, members[0].name, members[0].id_number),
    ]
    with raises_code("housing.person_already_registered"):
        services.application_register(actor=spouse, batch=batch, members=swapped, pools=[])
    second, members2 = own(2)
    later = services.application_register(actor=second, batch=batch, members=members2, pools=[])
    assert later.application.number == "T2026-000002"  # no gap
    assert Application.objects.count() == 2


def test_withdrawal_frees_the_household_to_register_again(batch, make_user):
    applicant, members = own(1)
    first = services.application_register(actor=applicant, batch=batch, members=members, pools=[])
    with raises_code("not_allowed"):
        services.application_withdraw(actor=make_user("applicant"), application=first.application)
    services.application_withdraw(actor=applicant, application=first.application)
    with raises_code("housing.not_withdrawable"):
        services.application_withdraw(actor=applicant, application=first.application)
    again = services.application_register(actor=applicant, batch=batch, members=members, pools=[])
    assert again.created and again.application.number == "T2026-000002"


@pytest.mark.parametrize("name", ["张\n三", "张\u2028三", "\u202e三张", "张\u200b三", "=1+1"])
def test_one_name_rule_for_the_form_the_api_and_the_sheet(name, make_user):
    """Issue #13 item 5: the sheet import refused formula-like names, the form and the API
    accepted line breaks, direction overrides and zero-width characters."""
    from gaoxin.housing.registration import clean_household

    with raises_code("housing.name_invalid") as raised:
        clean_household([MemberIn(Relation.APPLICANT, name, person_id(1))], on=date(2026, 12, 1))
    assert "\n" not in raised.value.message("zh") and "\u202e" not in raised.value.message("zh")
