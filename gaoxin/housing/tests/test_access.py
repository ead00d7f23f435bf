"""Housing pages and rules for every role, including object-level checks: a developer sees only
its own projects, an applicant only their own household."""

from __future__ import annotations

import pytest

from conftest import ALL_ROLES
from gaoxin.housing import access, services
from gaoxin.housing.choices import Relation
from gaoxin.housing.registration import MemberIn

from .factories import make_batch, person_id

pytestmark = pytest.mark.django_db

EVERYONE = {"anonymous", *ALL_ROLES}
BATCH_STAFF = {"zone_admin", "reviewer", "notary", "auditor"}

# name -> (path, allowed roles, status for logged-in roles that are denied)
HOUSING_PAGES: dict[str, tuple[str, set[str], int]] = {
    "housing:announcements": ("/housing/", EVERYONE, 403),
    "housing:announcement": ("/housing/{code}/", EVERYONE, 403),
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
    "housing:application_object",
    "housing:batch_stage",
    "housing:draw_action",  # notary reveals, zone administrator runs: test_draw.py
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
    owner = make_user("applicant", username="owner")
    batch = make_batch(code="M2026")
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
    from datetime import timedelta

    from django.test import TestCase
    from django.utils import timezone

    batch = make_batch(code="Z2026")
    services.batch_close_registration(actor=None, batch=batch)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.review_start(actor=None, batch=batch)
    for path in FROZEN_PUBLIC.values():
        assert client_for(role).get(path.format(code=batch.code)).status_code == 404
    services.notice_start(actor=None, batch=batch, ends_at=timezone.now() + timedelta(days=1))
    batch.notice_ends_at = timezone.now() - timedelta(seconds=1)
    batch.save(update_fields=["notice_ends_at"])
    services.roster_freeze(actor=None, batch=batch)
    for path in FROZEN_PUBLIC.values():
        assert client_for(role).get(path.format(code=batch.code)).status_code == 200


@pytest.mark.parametrize("role", ALL_ROLES)
def test_stage_actions_only_for_their_roles(client_for, sale, role):
    batch, _application, _owner = sale
    response = client_for(role).post(
        f"/housing/manage/{batch.code}/stage/", {"action": "freeze"}, follow=True
    )
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
    batch.project.sales_office.members.add(own)
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
    assert access.can_list_batches_admin(user) is (role != "applicant")
    assert access.can_view_application(user, application) is (role in BATCH_STAFF)
    # the household registered online: only the household itself withdraws it
    assert access.can_withdraw_application(user, application) is False


def test_api_registration_by_the_projects_own_sales_system(make_user, sale):
    from django.test import Client

    from gaoxin.accounts.services import api_token_issue

    batch, _application, _owner = sale
    system = make_user("developer")
    batch.project.sales_office.members.add(system)
    _token, raw = api_token_issue(actor=None, user=system, name="销售系统")
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
    taken = client.post(path, household, content_type="application/json")
    assert taken.status_code == 409
    assert taken.json()["code"] == "housing.person_already_registered"
    bad = client.post(
        path,
        {"members": [{"relation": "applicant", "name": "周八", "id_number": "123"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "身份证号" in bad.json()["message_zh"]
    other = make_user("developer")
    _token, other_raw = api_token_issue(actor=None, user=other, name="别家")
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
    from gaoxin.common.errors import GaoxinError
    from gaoxin.housing import services
    from gaoxin.housing.choices import Channel
    from gaoxin.housing.models import Application

    batch, application, _owner = sale
    office = make_user("developer")
    batch.project.sales_office.members.add(office)
    assert application.channel == Channel.WEB
    with pytest.raises(GaoxinError) as refused:
        services.application_withdraw(actor=office, application=application)
    assert refused.value.code == "not_allowed"
    Application.objects.filter(pk=application.pk).update(channel=Channel.IMPORT)
    application.refresh_from_db()
    services.application_withdraw(actor=office, application=application)
    application.refresh_from_db()
    assert application.status == "withdrawn"
