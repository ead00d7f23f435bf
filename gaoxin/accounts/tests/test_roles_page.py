"""The roles page (issue #12, item 4): a zone administrator grants a role within a scope and
revokes it, each audited; a developer scoped to one sales office manages that office's project
and no other; nobody else reaches the page; nothing posted there makes a superuser."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import ALL_ROLES
from gaoxin.accounts import roles
from gaoxin.accounts.models import RoleGrant, User
from gaoxin.accounts.services import role_grant
from gaoxin.common.actors import OPERATOR
from gaoxin.common.models import AuditEvent
from gaoxin.housing import access as housing_access
from gaoxin.housing.tests.builders import published_batch

pytestmark = pytest.mark.django_db

PAGE = "/accounts/roles/"
GRANT = "/accounts/roles/grant/"


def _revoke_path(grant: RoleGrant) -> str:
    return f"/accounts/roles/grants/{grant.pk}/revoke/"


@pytest.fixture
def admin_client(make_user) -> tuple[User, Client]:
    admin = make_user("zone_admin", username="zone-chief")
    client = Client()
    client.force_login(admin)
    return admin, client


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a new request's user: roles read again


def test_grant_a_scoped_role_on_the_page_and_revoke_it(admin_client, make_user):
    admin, client = admin_client
    batch = published_batch(code="R2026")
    office = batch.project.sales_office
    staff = make_user(username="wang-sales")
    page = client.get(PAGE).content.decode()
    assert f'value="sales_office:{office.pk}"' in page and office.name in page

    response = client.post(
        GRANT,
        {"username": "wang-sales", "role": "developer", "scope": f"sales_office:{office.pk}"},
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=staff, revoked_at__isnull=True)
    assert (grant.role, grant.scope_kind, grant.scope_key) == (
        "developer",
        "sales_office",
        str(office.pk),
    )
    assert grant.granted_by == admin
    event = AuditEvent.objects.get(action="role.granted", object_id=str(grant.pk))
    assert event.actor == admin
    event_after = {
        "user": "wang-sales",
        "role": "developer",
        "scope_kind": "sales_office",
        "scope_key": str(office.pk),
    }
    assert event.after == event_after
    assert housing_access.can_manage_project(_fresh(staff), batch.project)
    page = client.get(PAGE).content.decode()
    assert f'data-testid="grant-{grant.pk}"' in page
    assert f'action="{_revoke_path(grant)}"' in page
    revoke_form = page.split(f'action="{_revoke_path(grant)}"')[1].split(">")[0]
    assert "data-confirm=" in revoke_form  # asks before revoking

    assert client.post(_revoke_path(grant)).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == admin
    event = AuditEvent.objects.get(action="role.revoked", object_id=str(grant.pk))
    assert event.actor == admin and event.before == event_after
    assert not housing_access.can_manage_project(_fresh(staff), batch.project)
    assert f'data-testid="grant-{grant.pk}"' not in client.get(PAGE).content.decode()
    # Revoking again changes nothing and writes nothing.
    assert client.post(_revoke_path(grant)).status_code == 302
    assert AuditEvent.objects.filter(action="role.revoked").count() == 1


def test_a_developer_scoped_to_one_office_manages_its_project_and_not_another(make_user):
    ours, theirs = published_batch(code="A2026"), published_batch(code="B2026")
    developer = make_user("developer")
    role_grant(
        actor=OPERATOR,
        user=developer,
        role=roles.DEVELOPER,
        scope_kind="sales_office",
        scope_key=str(ours.project.sales_office_id),
    )
    developer = _fresh(developer)
    assert housing_access.can_manage_project(developer, ours.project)
    assert not housing_access.can_manage_project(developer, theirs.project)
    assert housing_access.can_record_unit_choice(developer, ours)
    assert not housing_access.can_record_unit_choice(developer, theirs)
    client = Client()
    client.force_login(developer)
    listing = client.get("/housing/manage/").content.decode()
    assert "A2026" in listing and "B2026" not in listing
    # A developer grant without a scope manages no project at all.
    unscoped = _fresh(make_user("developer"))
    assert not housing_access.can_manage_project(unscoped, ours.project)


@pytest.mark.parametrize("role", [role for role in ALL_ROLES if role != "zone_admin"])
def test_nobody_but_a_zone_administrator_reaches_the_page(client_for, make_user, role):
    target = make_user("applicant")
    grant = RoleGrant.objects.get(user=target)
    client = client_for(role)
    assert client.get(PAGE).status_code == 403
    posted = {"username": target.username, "role": "zone_admin", "scope": ""}
    assert client.post(GRANT, posted).status_code == 403
    assert client.post(_revoke_path(grant)).status_code == 403
    assert roles.role_codes(_fresh(target)) == {"applicant"}
    assert not AuditEvent.objects.filter(action__startswith="role.").exists()


def test_visitors_are_sent_to_log_in(client, make_user):
    grant = RoleGrant.objects.get(user=make_user("applicant"))
    for response in (client.get(PAGE), client.post(GRANT), client.post(_revoke_path(grant))):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_posting_is_superuser_does_nothing(admin_client, make_user):
    _admin, client = admin_client
    target = make_user("applicant", username="li-si")
    response = client.post(
        GRANT,
        {
            "username": "li-si",
            "role": "reviewer",
            "scope": "",
            "is_superuser": "on",
            "is_staff": "on",
            "user_permissions": "1",
        },
    )
    assert response.status_code == 302
    target = _fresh(target)
    assert not target.is_superuser and not target.is_staff
    assert roles.role_codes(target) == {"applicant", "reviewer"}
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.parametrize("posted_role", ["superuser", "is_superuser", "root", ""])
def test_an_unknown_role_is_refused_naming_the_field(admin_client, make_user, posted_role):
    _admin, client = admin_client
    target = make_user("applicant", username="zhao-liu")
    posted = {"username": "zhao-liu", "role": posted_role, "scope": ""}
    response = client.post(GRANT, posted)
    assert response.status_code == 422
    assert "“角色”" in response.content.decode()  # Chinese, the default
    client.cookies["gaoxin_language"] = "en"
    response = client.post(GRANT, posted)
    assert response.status_code == 422
    assert "Field “role”" in response.content.decode()
    assert roles.role_codes(_fresh(target)) == {"applicant"}
    assert not _fresh(target).is_superuser
    assert not AuditEvent.objects.filter(action="role.granted").exists()


def test_a_scope_the_role_does_not_take_or_that_does_not_exist_is_refused(admin_client, make_user):
    _admin, client = admin_client
    batch = published_batch(code="S2026")
    target = make_user(username="qian-qi")
    office = f"sales_office:{batch.project.sales_office_id}"
    for posted, status, field in (
        ({"role": "reviewer", "scope": office}, 422, "“授权范围”"),
        ({"role": "developer", "scope": "sales_office:999999"}, 422, "“授权范围”"),
        ({"role": "developer", "scope": "grid:7"}, 422, "“授权范围”"),
        ({"role": "developer", "scope": "sales_office:"}, 422, "“授权范围”"),
    ):
        response = client.post(GRANT, {"username": "qian-qi", **posted})
        assert response.status_code == status, posted
        page = response.content.decode()
        assert field in page, posted
        assert 'data-testid="grant-error"' in page
    assert not RoleGrant.objects.filter(user=target).exists()
    # A typed key counts only for a scope kind chosen without one; zone-wide stays zone-wide.
    posted = {"username": "qian-qi", "role": "reviewer", "scope": "", "scope_key": "7"}
    assert client.post(GRANT, posted).status_code == 302
    grant = RoleGrant.objects.get(user=target)
    assert (grant.role, grant.scope_kind, grant.scope_key) == ("reviewer", "", "")


def test_an_unknown_user_and_a_second_identical_grant_are_refused(admin_client, make_user):
    _admin, client = admin_client
    response = client.post(GRANT, {"username": "nobody", "role": "auditor", "scope": ""})
    assert response.status_code == 422 and "“用户”" in response.content.decode()
    make_user("auditor", username="sun-ba")
    response = client.post(GRANT, {"username": "sun-ba", "role": "auditor", "scope": ""})
    assert response.status_code == 409 and "sun-ba" in response.content.decode()
    assert RoleGrant.objects.filter(user__username="sun-ba").count() == 1


def test_a_zone_administrator_cannot_change_their_own_roles(admin_client):
    admin, client = admin_client
    posted = {"username": admin.username, "role": "reviewer", "scope": ""}
    assert client.post(GRANT, posted).status_code == 403
    own = RoleGrant.objects.get(user=admin)
    assert client.post(_revoke_path(own)).status_code == 403
    own.refresh_from_db()
    assert own.revoked_at is None
    page = client.get(PAGE).content.decode()
    assert f'data-testid="grant-{own.pk}"' in page
    assert _revoke_path(own) not in page  # no revoke button on one's own roles


def test_the_zone_administrators_role_brings_and_takes_staff_status(admin_client, make_user):
    _admin, client = admin_client
    deputy = make_user("auditor", username="deputy")
    client.post(GRANT, {"username": "deputy", "role": "zone_admin", "scope": ""})
    deputy = _fresh(deputy)
    assert deputy.is_staff and not deputy.is_superuser
    assert roles.has_role(deputy, roles.ZONE_ADMIN)
    grant = RoleGrant.objects.get(user=deputy, role="zone_admin")
    client.post(_revoke_path(grant))
    deputy = _fresh(deputy)
    assert not deputy.is_staff and roles.role_codes(deputy) == {"auditor"}


def test_the_page_lists_users_filtered_and_is_linked_from_the_zone_administrators_home(
    admin_client, make_user
):
    _admin, client = admin_client
    make_user("notary", username="notary-zhou")
    make_user("auditor", username="auditor-wu")
    page = client.get(PAGE, {"role": "notary"}).content.decode()
    assert 'data-testid="user-notary-zhou"' in page
    assert 'data-testid="user-auditor-wu"' not in page
    page = client.get(PAGE, {"q": "wu"}).content.decode()
    assert 'data-testid="user-auditor-wu"' in page
    assert 'data-testid="user-notary-zhou"' not in page
    home = client.get("/").content.decode()
    assert f'href="{PAGE}"' in home


def test_grant_role_command_makes_the_first_zone_administrator(make_user):
    from django.core.management import call_command

    first = make_user(username="it-made")
    call_command("grant_role", "it-made", "zone_admin")
    first = _fresh(first)
    assert roles.has_role(first, roles.ZONE_ADMIN) and first.is_staff
    event = AuditEvent.objects.get(action="role.granted")
    assert event.actor is None and event.actor_name == "system:operator"
    call_command("grant_role", "it-made", "zone_admin", "--revoke")
    assert not roles.has_role(_fresh(first), roles.ZONE_ADMIN)
