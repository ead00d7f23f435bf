"""Housing pages and rules for every role, including object-level checks: a developer sees only
its own projects, an applicant only their own household."""

from __future__ import annotations

import pytest

from conftest import ALL_ROLES
from gaoxin.common.actors import OPERATOR
from gaoxin.housing import access, services
from gaoxin.housing.choices import Relation
from gaoxin.housing.registration import MemberIn
from gaoxin.housing.tests.factories import staff_of
from gaoxin.testing.errors import raises_code

from .builders import (
    bind,
    confirm_entry,
    end_notice,
    freeze,
    published_batch,
    review,
    start_notice,
)
from .factories import person_id

pytestmark = pytest.mark.django_db

EVERYONE = {"anonymous", *ALL_ROLES}
BATCH_STAFF = {"zone_admin", "reviewer", "notary", "auditor"}

# name -> (path, allowed roles, status for logged-in roles that are denied)
HOUSING_PAGES: dict[str, tuple[str, set[str], int]] = {
    "housing:announcements": ("/housing/", EVERYONE, 403),
    "housing:announcement": ("/housing/{code}/", EVERYONE, 403),
    "housing:fairdraw_pyz": ("/housing/{code}/fairdraw.pyz", EVERYONE, 403),
    "housing:fairdraw_spec": ("/housing/{code}/fairdraw-spec.md", EVERYONE, 403),
    "housing:register": ("/housing/{code}/register/", {"applicant"}, 403),
    "housing:my_applications": ("/housing/mine/", {"applicant"}, 403),
    "housing:manage_list": ("/housing/manage/", {*BATCH_STAFF, "developer"}, 403),
    "housing:batch_new": ("/housing/manage/new/", {"zone_admin"}, 403),
    "housing:manage_batch": ("/housing/manage/{code}/", BATCH_STAFF, 403),
    "housing:application": ("/housing/applications/{number}/", BATCH_STAFF, 404),
    "housing:review_queue": ("/housing/manage/{code}/review/", BATCH_STAFF, 403),
    "housing:review_progress": ("/housing/manage/{code}/review/progress/", BATCH_STAFF, 403),
    "housing:draw_progress": ("/housing/manage/{code}/draw/progress/", BATCH_STAFF, 403),
    "housing:objections": ("/housing/manage/{code}/objections/", BATCH_STAFF, 403),
    "housing:simulation": ("/housing/manage/{code}/simulation/", BATCH_STAFF, 403),
    "housing:unit_choice": ("/housing/manage/{code}/choice/", BATCH_STAFF, 403),
}
# Public once the roster is frozen (404 before): tested in test_frozen_public_pages.
FROZEN_PUBLIC = {
    "housing:notice": "/housing/{code}/notice/",
    "housing:roster_download": "/housing/{code}/roster.csv",
}
POST_ONLY = {
    "housing:application_withdraw",
    "housing:application_confirm",  # only the bound principal: test_identity.py
    "housing:application_object",
    # every transition of the back office; who may take each, at its stage:
    # test_object_access.WRITES
    "housing:batch_rules",
    "housing:batch_entropy",
    "housing:units_import",
    "housing:batch_publish",
    "housing:applications_import",
    "housing:registration_close",
    "housing:notice_start",
    "housing:roster_freeze",
    "housing:roster_confirm",
    "housing:review_start",
    "housing:override_propose",
    "housing:override_approve",
    "housing:override_reject",
    "housing:objection_answer",
    "housing:draw_values",
    "housing:draw_reveal",
    "housing:draw_run",
    "housing:choice_start",
    "housing:turn_chosen",
    "housing:turn_declined",
    "housing:turn_no_show",
    "housing:contract_record",
    "housing:contract_forfeit",
    "housing:sale_close",
}
# Public once drawn (404 before): test_draw.test_public_pages_serve_files_that_verify.
DRAWN_PUBLIC = {
    "housing:results",
    "housing:protocol_download",
    "housing:results_download",
    "housing:results_xlsx",
    "housing:announcement_pdf",
}
# Public once the sale is closed (404 before): test_unit_choice.test_closed_public_pages.
CLOSED_PUBLIC = {"housing:report", "housing:report_pdf"}


@pytest.fixture
def sale(make_user):
    owner = bind(make_user("applicant", username="owner"), person_id(41), "陈一")
    batch = published_batch(code="M2026")
    result = services.application_register(
        actor=owner,
        batch=batch,
        pools=[],
        members=[MemberIn(Relation.APPLICANT, "陈一", person_id(41))],
    )
    return batch, result.application, owner


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
@pytest.mark.parametrize("name", list(HOUSING_PAGES))
def test_page(client_for, sale, name, role):
    batch, application, _owner = sale
    path, allowed, denied = HOUSING_PAGES[name]
    response = client_for(role).get(path.format(code=batch.code, number=application.number))
    if role in allowed:
        assert response.status_code == 200, (name, role, response.status_code)
    elif role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == denied, (name, role, response.status_code)


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
def test_frozen_public_pages(client_for, role):
    batch = review(published_batch(code="Z2026"))
    for path in FROZEN_PUBLIC.values():
        assert client_for(role).get(path.format(code=batch.code)).status_code == 404
    freeze(end_notice(start_notice(batch)))
    for path in FROZEN_PUBLIC.values():
        assert client_for(role).get(path.format(code=batch.code)).status_code == 200


@pytest.mark.parametrize("role", ALL_ROLES)
def test_stage_actions_only_for_their_roles(client_for, sale, role):
    batch, _application, _owner = sale
    response = client_for(role).post(f"/housing/manage/{batch.code}/roster/freeze/", follow=True)
    if role in BATCH_STAFF:
        assert response.status_code == 200  # refused by the service with a message
        batch.refresh_from_db()
        assert batch.status == "registration"
    else:
        assert response.status_code == 403


def test_owner_sees_own_application_with_salt_others_do_not(client, sale):
    _batch, application, owner = sale
    client.force_login(owner)
    page = client.get(f"/housing/applications/{application.number}/").content.decode()
    assert application.salt in page and "陈一" in page
    assert person_id(41) not in page  # ID number masked even for the owner


def test_staff_see_masked_names_and_no_salt(client_for, sale):
    _batch, application, _owner = sale
    page = (
        client_for("auditor").get(f"/housing/applications/{application.number}/").content.decode()
    )
    assert application.salt not in page and "陈*" in page


def test_own_developer_manages_its_batch_other_developers_do_not(make_user, client, sale):
    batch, _application, _owner = sale
    own = make_user("developer")
    staff_of(batch.project.sales_office, own)
    client.force_login(own)
    assert client.get(f"/housing/manage/{batch.code}/").status_code == 200
    listing = client.get("/housing/manage/").content.decode()
    assert batch.code in listing
    client.force_login(make_user("developer"))
    assert client.get(f"/housing/manage/{batch.code}/").status_code == 403
    assert batch.code not in client.get("/housing/manage/").content.decode()


def test_withdraw_is_post_only_and_owner_only(client, make_user, sale):
    _batch, application, owner = sale
    path = f"/housing/applications/{application.number}/withdraw/"
    client.force_login(make_user("applicant"))
    assert client.post(path).status_code == 404
    client.force_login(owner)
    assert client.get(path).status_code == 405
    assert client.post(path).status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_rules_for_every_role(make_user, sale, role):
    batch, application, _owner = sale
    user = make_user(role)
    assert access.can_set_up_sales(user) is (role == "zone_admin")
    assert access.can_register(user) is (role == "applicant")
    assert access.can_manage_project(user, batch.project) is (role == "zone_admin")
    assert access.can_view_batch_admin(user, batch) is (role in BATCH_STAFF)
    housing_staff = {"zone_admin", "developer", "reviewer", "notary", "auditor"}
    assert access.can_list_batches_admin(user) is (role in housing_staff)
    assert access.can_view_application(user, application) is (role in BATCH_STAFF)
    # the household registered online: only the household itself withdraws it
    assert access.can_withdraw_application(user, application) is False


def test_api_registration_by_the_projects_own_sales_system(make_user, sale):
    from django.test import Client

    from gaoxin.accounts.services import api_token_issue

    batch, _application, _owner = sale
    system = make_user("developer")
    staff_of(batch.project.sales_office, system)
    _token, raw = api_token_issue(actor=OPERATOR, user=system, name="销售系统")
    body = {
        "members": [{"relation": "applicant", "name": "周八", "id_number": person_id(77)}],
        "pools": ["first_home"],
    }
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    path = f"/api/housing/batches/{batch.code}/registrations"
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == "M2026-000002"
    again = client.post(path, body, content_type="application/json")  # a retry: the same one
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["number"] == response.json()["number"]
    household = {
        "members": [
            {"relation": "applicant", "name": "周八", "id_number": person_id(77)},
            {"relation": "spouse", "name": "吴九", "id_number": person_id(78)},
        ]
    }
    # A household sharing a person is entered too, unconfirmed: the sales system is told
    # nothing about anyone's registration; the applicant's confirmation decides (issue #13).
    shared = client.post(path, household, content_type="application/json")
    assert shared.status_code == 201 and shared.json()["number"] == "M2026-000003"
    bad = client.post(
        path,
        {"members": [{"relation": "applicant", "name": "周八", "id_number": "123"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "身份证号" in bad.json()["message_zh"]
    other = make_user("developer")
    _token, other_raw = api_token_issue(actor=OPERATOR, user=other, name="别家")
    response = Client(headers={"Authorization": f"Bearer {other_raw}"}).post(
        path, body, content_type="application/json"
    )
    assert response.status_code == 403


def test_public_batch_api(client, sale):
    batch, _application, _owner = sale
    listing = client.get("/api/housing/batches").json()
    assert [b["code"] for b in listing] == [batch.code]
    assert client.get("/api/housing/batches/NOPE").status_code == 404


def test_the_sales_office_withdraws_only_what_it_entered(make_user, sale):
    """Issue #13 item 2: the sales office withdrew a household's own online registration."""
    from gaoxin.housing import services
    from gaoxin.housing.choices import Channel
    from gaoxin.housing.models import Application

    batch, application, _owner = sale
    office = make_user("developer")
    staff_of(batch.project.sales_office, office)
    assert application.channel == Channel.WEB
    with raises_code("not_allowed"):
        services.application_withdraw(actor=office, application=application)
    entered = [
        services.application_register(
            actor=office,
            batch=batch,
            pools=[],
            channel=Channel.IMPORT,
            members=[MemberIn(Relation.APPLICANT, "林二", person_id(n))],
        ).application
        for n in (51, 52)
    ]
    services.application_withdraw(actor=office, application=entered[0])  # not confirmed yet
    assert Application.objects.get(pk=entered[0].pk).status == "withdrawn"
    confirm_entry(entered[1])  # the applicant confirms: the household's own from now on
    with raises_code("not_allowed"):
        services.application_withdraw(actor=office, application=entered[1])
