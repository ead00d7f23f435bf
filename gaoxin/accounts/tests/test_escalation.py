"""Issues #12 and #13: no request a zone administrator can make yields a superuser, staff
status, a loose permission, or a role wider than roles.py lists. Roles are granted on the roles
page only (test_roles_page.py); the admin shows them read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from gaoxin.accounts import roles
from gaoxin.accounts.models import RoleGrant, User
from gaoxin.common.models import AuditEvent

pytestmark = pytest.mark.django_db


def _grants() -> set[tuple[int, str, str, str, bool]]:
    return {
        (g.user_id, g.role, g.scope_kind, g.scope_key, g.revoked_at is None)
        for g in RoleGrant.objects.all()
    }


def _form(user: User, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": user.username,
        "display_name": user.display_name,
        "phone": user.phone,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }
    data.update(extra)
    return data


def test_a_zone_administrator_cannot_make_anyone_a_superuser(make_user):
    admin = make_user("zone_admin")
    target = make_user("applicant")
    reviewer = Group.objects.create(name=roles.REVIEWER)  # a group, as roles once were
    before = _grants()
    staff = {u.pk: u.is_staff for u in (admin, target)}
    every_permission = [str(p.pk) for p in Permission.objects.all()]
    client = Client()
    client.force_login(admin)
    for user in (target, admin):  # another user, and themselves
        client.post(
            f"/admin/accounts/user/{user.pk}/change/",
            _form(
                user,
                is_superuser="on",
                is_staff="on",
                user_permissions=every_permission,
                groups=[str(reviewer.pk)],
            ),
        )
    for user in (target, admin):
        user.refresh_from_db()
        assert not user.is_superuser and user.is_staff == staff[user.pk]
        assert user.user_permissions.count() == 0
        assert user.groups.count() == 0
    # No group pages: a role is not a group, and nothing in the admin gives one.
    assert client.get(f"/admin/auth/group/{reviewer.pk}/change/").status_code == 404
    assert client.post("/admin/auth/group/add/", {"name": "root"}).status_code == 404
    grant = RoleGrant.objects.filter(user=target).first()
    assert grant is not None
    assert client.post(f"/admin/accounts/rolegrant/{grant.pk}/change/", {}).status_code == 403
    assert client.post("/admin/accounts/rolegrant/add/", {}).status_code == 403
    assert client.post(f"/admin/accounts/rolegrant/{grant.pk}/delete/", {}).status_code == 403
    assert _grants() == before
    assert client.get("/admin/").status_code == 200  # the 403 pages stay 403
    assert not User.objects.filter(is_superuser=True).exists()


def test_a_group_gives_no_permission(make_user):
    """Permissions come from role grants (accounts.backends.RoleBackend), not from groups."""
    applicant = make_user("applicant")
    group = Group.objects.create(name=roles.ZONE_ADMIN)
    group.permissions.set(Permission.objects.all())
    applicant.groups.add(group)
    applicant = User.objects.get(pk=applicant.pk)
    assert not applicant.has_perm("common.view_auditevent")
    assert not roles.has_role(applicant, roles.ZONE_ADMIN)


def test_the_admin_shows_roles_read_only_and_audits_what_it_saves(make_user):
    admin = make_user("zone_admin")
    target = make_user("reviewer")
    client = Client()
    client.force_login(admin)
    page = client.get(f"/admin/accounts/user/{target.pk}/change/").content.decode()
    assert 'name="groups"' not in page
    response = client.post(
        f"/admin/accounts/user/{target.pk}/change/", _form(target, display_name="王审核")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert roles.role_codes(User.objects.get(pk=target.pk)) == {roles.REVIEWER}
    event = AuditEvent.objects.filter(action="admin.user.changed").last()
    assert event is not None and event.after == {"display_name": "王审核"}
