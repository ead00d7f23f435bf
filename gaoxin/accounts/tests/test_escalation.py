"""Issues #12 and #13: no request a zone administrator can make yields a superuser, staff
status, a loose permission, or a role wider than roles.py lists; and changing a user's roles
in the admin is audited instead of answering 500."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from gaoxin.accounts import roles
from gaoxin.accounts.models import User
from gaoxin.common.models import AuditEvent

pytestmark = pytest.mark.django_db


def _role_permissions() -> dict[str, set[str]]:
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
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
    before = _role_permissions()
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
                groups=[str(pk) for pk in user.groups.values_list("pk", flat=True)],
            ),
        )
    for user in (target, admin):
        user.refresh_from_db()
        assert not user.is_superuser and user.is_staff == staff[user.pk]
        assert user.user_permissions.count() == 0
    # Roles cannot be widened or created from the admin.
    group = Group.objects.get(name=roles.APPLICANT)
    assert client.get(f"/admin/auth/group/{group.pk}/change/").status_code in {200, 403}
    response = client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": group.name, "permissions": every_permission},
    )
    assert response.status_code == 403
    assert client.post("/admin/auth/group/add/", {"name": "root"}).status_code == 403
    assert _role_permissions() == before
    assert client.get("/admin/").status_code == 200  # the 403 pages stay 403
    assert not User.objects.filter(is_superuser=True).exists()


def test_changing_roles_in_the_admin_is_audited(make_user):
    admin = make_user("zone_admin")
    target = make_user("applicant")
    client = Client()
    client.force_login(admin)
    reviewer = Group.objects.get(name=roles.REVIEWER)
    response = client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        _form(target, groups=[str(reviewer.pk)]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(target.groups.values_list("name", flat=True)) == {roles.REVIEWER}
    event = AuditEvent.objects.filter(action="admin.user.relations_changed").last()
    assert event is not None and event.after == {"groups": [roles.REVIEWER]}
