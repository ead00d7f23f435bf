"""Issue #13, item 1: an applicant registers only as the verified person their account is bound
to, with their registry household; a sales office's entry counts only once that account
confirms it; nobody is told about another person's registration."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import ALL_ROLES
from gaoxin.common.models import AuditEvent
from gaoxin.housing import selectors, services
from gaoxin.housing.choices import ApplicationStatus, Channel, Relation
from gaoxin.housing.models import Application, ApplicationMember, Eligibility, Roster
from gaoxin.housing.registration import MemberIn
from gaoxin.housing.tests.factories import staff_of
from gaoxin.registry import services as registry_services
from gaoxin.registry.models import IdentityBinding
from gaoxin.testing.errors import raises_code

from .builders import (
    SYSTEM,
    bound_applicant,
    confirm_entry,
    draw,
    everyone_eligible,
    published_batch,
    reveal,
    review,
    to_frozen,
)
from .factories import person_id
from .test_registration import in_registry, own

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch():
    return published_batch()


@pytest.fixture
def office(batch, make_user):
    user = make_user("developer")
    staff_of(batch.project.sales_office, user)
    return user


def test_an_account_not_bound_to_a_verified_person_cannot_register(batch, make_user):
    """The attack of the issue: any account registered any ID number."""
    members = in_registry(1)
    with raises_code("housing.identity_not_bound"):
        services.application_register(
            actor=make_user("applicant"), batch=batch, members=members, pools=[]
        )
    assert Application.objects.count() == 0


def test_the_principal_applicant_is_the_bound_person(batch):
    squatter, _own_household = own(2)
    victim = in_registry(1)
    with raises_code("housing.applicant_not_self") as error:
        services.application_register(actor=squatter, batch=batch, members=victim, pools=[])
    told = error.value.message("zh") + error.value.message("en")
    assert victim[0].id_number[-4:] not in told  # the squatter's own masked number only
    assert Application.objects.count() == 0


def test_the_name_must_match_the_registry(batch):
    """GX26F: registry person 王堃's number under the name 冒名者 was found eligible."""
    applicant, members = own(1, spouse=False)
    forged = [MemberIn(Relation.APPLICANT, "冒名者", members[0].id_number)]
    with raises_code("housing.member_name_mismatch"):
        services.application_register(actor=applicant, batch=batch, members=forged, pools=[])
    assert Application.objects.count() == 0


def test_other_members_are_the_spouse_and_minor_children_in_the_registry(batch):
    applicant, members = own(1, spouse=False)
    stranger = in_registry(5, spouse=False)[0]  # a registry person, not married to them
    as_spouse = [*members, MemberIn(Relation.SPOUSE, stranger.name, stranger.id_number)]
    with raises_code("housing.member_not_spouse"):
        services.application_register(actor=applicant, batch=batch, members=as_spouse, pools=[])
    other_child = in_registry(6, spouse=False, child_born=date(2015, 1, 1))[-1]
    as_child = [*members, MemberIn(Relation.CHILD, other_child.name, other_child.id_number)]
    with raises_code("housing.member_not_child"):
        services.application_register(actor=applicant, batch=batch, members=as_child, pools=[])
    unknown = [*members, MemberIn(Relation.SPOUSE, "某某", person_id(77, date(1992, 2, 2)))]
    with raises_code("housing.member_not_in_registry"):
        services.application_register(actor=applicant, batch=batch, members=unknown, pools=[])
    # the real household passes
    applicant2, family = own(3, child_born=date(2016, 6, 1))
    result = services.application_register(actor=applicant2, batch=batch, members=family, pools=[])
    assert result.application.members.count() == 3


def test_a_sales_office_entry_counts_only_once_the_applicant_confirms_it(batch, office):
    entered = services.application_register(
        actor=office, batch=batch, members=in_registry(1), pools=[], channel=Channel.API
    ).application
    assert entered.status == ApplicationStatus.UNCONFIRMED and entered.user is None
    assert not ApplicationMember.objects.filter(application=entered, live=True).exists()
    assert selectors.batch_counts(batch)["applications"] == 0
    applicant = bound_applicant(id_number=person_id(3))
    assert [a.pk for a in selectors.applications_awaiting_confirmation(user=applicant)] == [
        entered.pk
    ]
    services.application_confirm(actor=applicant, application=entered)
    entered.refresh_from_db()
    assert entered.status == ApplicationStatus.SUBMITTED and entered.user_id == applicant.pk
    assert entered.confirmed_at is not None
    assert ApplicationMember.objects.filter(application=entered, live=True).count() == 2
    assert AuditEvent.objects.filter(action="housing.application.confirmed").count() == 1
    assert selectors.batch_counts(batch)["applications"] == 1
    with raises_code("not_allowed"):  # confirmed: the household's own now
        services.application_withdraw(actor=office, application=entered)


def test_only_the_bound_principal_confirms(batch, office, make_user):
    entered = services.application_register(
        actor=office, batch=batch, members=in_registry(1), pools=[], channel=Channel.IMPORT
    ).application
    spouse = bound_applicant(id_number=person_id(4, date(1991, 3, 2)))
    other, _ = own(2)
    for actor in (spouse, other, make_user("applicant"), office):
        with raises_code("not_allowed"):
            services.application_confirm(actor=actor, application=entered)
    assert Application.objects.get(pk=entered.pk).status == ApplicationStatus.UNCONFIRMED


def test_an_unconfirmed_entry_never_blocks_the_persons_own_registration(batch, office):
    """Someone (here a sales office) enters a person's household first: the person registers
    online all the same, and is told nothing about the entry; that entry can then not be
    confirmed next to their own."""
    squat = services.application_register(
        actor=office, batch=batch, members=in_registry(1), pools=[], channel=Channel.API
    ).application
    applicant, members = own(1)
    mine = services.application_register(actor=applicant, batch=batch, members=members, pools=[])
    assert mine.created and mine.application.status == ApplicationStatus.SUBMITTED
    with raises_code("housing.own_registration_exists") as error:
        services.application_confirm(actor=applicant, application=squat)
    assert mine.application.number in error.value.message("zh")


def test_entries_not_confirmed_lapse_and_the_review_counts_only_confirmed_ones(
    batch, office, make_user
):
    confirmed = services.application_register(
        actor=office, batch=batch, members=in_registry(1), pools=[], channel=Channel.API
    ).application
    confirm_entry(confirmed)
    lapsing = services.application_register(
        actor=office, batch=batch, members=in_registry(2), pools=[], channel=Channel.API
    ).application
    review(batch)
    lapsing.refresh_from_db()
    assert lapsing.status == ApplicationStatus.LAPSED
    assert list(Eligibility.objects.values_list("application_id", flat=True)) == [confirmed.pk]
    with raises_code("housing.not_confirmable"):
        services.application_confirm(
            actor=bound_applicant(id_number=person_id(5)), application=lapsing
        )
    # the roster and the draw hold the confirmed household alone
    everyone_eligible(batch)
    to_frozen(batch, make_user)
    assert Roster.objects.get(batch=batch).size == 1
    one = ["338712"]  # the batch declares one public source
    drawn = draw(
        reveal(batch, make_user("notary"), values=one), make_user("zone_admin"), values=one
    )
    assert list(drawn.draw.results.values_list("application_id", flat=True)) == [confirmed.pk]


def test_one_person_one_account(batch, make_user):
    first, members = own(1)
    second = make_user("applicant")
    with raises_code("registry.identity_person_bound"):
        registry_services.identity_bind_at_counter(
            actor=SYSTEM,
            username=second.username,
            id_number=members[0].id_number,
            name=members[0].name,
            card_checked=True,
        )
    assert IdentityBinding.objects.get(person__id_number=members[0].id_number).user == first


def test_the_confirm_page_action_is_the_bound_principals_alone(batch, office, client, make_user):
    entered = services.application_register(
        actor=office, batch=batch, members=in_registry(1), pools=[], channel=Channel.API
    ).application
    path = f"/housing/applications/{entered.number}/"
    other, _ = own(2)
    client.force_login(other)
    assert client.get(path).status_code == 404  # not theirs: no such registration
    assert client.post(path + "confirm/").status_code == 404
    principal = bound_applicant(id_number=person_id(3))
    client.force_login(principal)
    mine = client.get("/housing/mine/").content.decode()
    assert entered.number in mine and 'data-testid="awaiting"' in mine
    page = client.get(path).content.decode()
    assert 'data-testid="unconfirmed"' in page and "confirm/" in page
    assert client.get(path + "confirm/").status_code == 405
    assert client.post(path + "confirm/").status_code == 302
    assert Application.objects.get(pk=entered.pk).status == ApplicationStatus.SUBMITTED


def test_the_counter_binds_after_checking_the_card(client, make_user):
    officer, applicant = make_user("counter_officer"), make_user("applicant")
    person = in_registry(1, spouse=False)[0]
    client.force_login(officer)
    form = {"username": applicant.username, "id_number": person.id_number, "name": "冒名者"}
    refused = client.post("/registry/counter/bind/", {**form, "card_checked": "on"})
    assert "不一致" in refused.content.decode() and not IdentityBinding.objects.exists()
    unchecked = client.post("/registry/counter/bind/", {**form, "name": person.name})
    assert "核验身份证原件" in unchecked.content.decode() and not IdentityBinding.objects.exists()
    done = client.post(
        "/registry/counter/bind/", {**form, "name": person.name, "card_checked": "on"}
    )
    assert done.status_code == 302
    binding = IdentityBinding.objects.get()
    assert (binding.user, binding.method, binding.bound_by) == (applicant, "counter", officer)
    event = AuditEvent.objects.get(action="registry.identity.bound")
    assert person.id_number not in str(event.after)  # masked in the audit log
    client.force_login(make_user("zone_admin"))
    assert client.post("/registry/counter/bind/", form).status_code == 403


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_binds_and_who_confirms_for_every_role(batch, office, make_user, role):
    from django.contrib.auth.models import AnonymousUser

    from gaoxin.housing import access
    from gaoxin.registry import access as registry_access

    entered = services.application_register(
        actor=office, batch=batch, members=in_registry(1), pools=[], channel=Channel.API
    ).application
    user = make_user(role)
    assert registry_access.can_bind_identity(user) is (role == "counter_officer")
    assert access.can_confirm_application(user, entered) is False  # not bound to the principal
    assert registry_access.can_bind_identity(AnonymousUser()) is False
    assert access.can_confirm_application(AnonymousUser(), entered) is False
    principal = bound_applicant(id_number=person_id(3))
    assert access.can_confirm_application(principal, entered) is True
