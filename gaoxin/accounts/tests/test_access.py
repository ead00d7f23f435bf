"""Every access rule of accounts and common, for every role (allowed and denied)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import ALL_ROLES
from gaoxin.accounts import access, roles
from gaoxin.common import access as common_access
from gaoxin.common.actors import OPERATOR

pytestmark = pytest.mark.django_db

# rule -> roles that pass it (every other role, and visitors, must fail it)
EXPECTED = {
    access.can_use_admin_site: {"zone_admin"},
    access.can_manage_users: {"zone_admin"},
    access.can_manage_api_tokens: {"zone_admin"},
    access.can_manage_roles: {"zone_admin"},
    access.can_use_api: set(ALL_ROLES),
    access.can_view_own_account: set(ALL_ROLES),
    common_access.can_view_audit_log: {"zone_admin", "auditor"},
    common_access.can_view_chain_head: {"zone_admin", "auditor", "notary"},
    common_access.can_countersign_checkpoint: {"auditor", "notary"},
    common_access.can_enter_calendar: {"zone_admin"},
}
# rules about another user (actor, user) -> roles whose actor passes them for another user
OBJECT_RULES = {
    access.can_change_roles_of: {"zone_admin"},
}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("rule", list(EXPECTED), ids=lambda rule: rule.__name__)
def test_rule_for_every_role(make_user, rule, role):
    user = make_user(role)
    assert rule(user) is (role in EXPECTED[rule])


@pytest.mark.parametrize("rule", list(EXPECTED), ids=lambda rule: rule.__name__)
def test_visitors_and_deactivated_users_pass_no_rule(make_user, rule):
    assert rule(AnonymousUser()) is False
    for role in EXPECTED[rule]:
        user = make_user(role)
        user.is_active = False
        assert rule(user) is False


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("rule", list(OBJECT_RULES), ids=lambda rule: rule.__name__)
def test_object_rule_for_every_role(make_user, rule, role):
    actor = make_user(role)
    other = make_user("applicant")
    assert rule(actor, other) is (role in OBJECT_RULES[rule])
    assert rule(actor, actor) is False  # nobody changes their own roles
    assert rule(AnonymousUser(), other) is False
    actor.is_active = False
    assert rule(actor, other) is False


def test_superuser_may_use_admin_site_but_does_not_hold_roles(make_user):
    root = make_user(is_superuser=True)
    other = make_user("applicant")
    assert access.can_use_admin_site(root)
    assert access.can_manage_users(root) and access.can_manage_api_tokens(root)
    assert not access.can_manage_roles(root)
    assert not access.can_change_roles_of(root, other)


def test_a_scoped_grant_counts_as_the_role_and_names_its_scope(make_user):
    from gaoxin.accounts.services import role_grant
    from gaoxin.housing.models import SalesOffice

    one, two = (str(SalesOffice.objects.create(name=name).pk) for name in ("甲置业", "乙置业"))
    user = make_user()
    role_grant(
        actor=OPERATOR, user=user, role="developer", scope_kind="sales_office", scope_key=one
    )
    assert roles.has_role(user, roles.DEVELOPER)
    assert roles.has_role(user, roles.DEVELOPER, scope=("sales_office", one))
    assert not roles.has_role(user, roles.DEVELOPER, scope=("sales_office", two))
    assert roles.scopes(user, roles.DEVELOPER, "sales_office") == {one}
    role_grant(actor=OPERATOR, user=user, role="developer")  # zone-wide: every scope, no key
    assert roles.has_role(user, roles.DEVELOPER, scope=("sales_office", two))
    assert roles.scopes(user, roles.DEVELOPER, "sales_office") == {one}


def test_roles_are_read_once_per_user_object(make_user, django_assert_num_queries):
    from gaoxin.accounts.models import User

    user = User.objects.get(pk=make_user("zone_admin").pk)
    with django_assert_num_queries(1):
        for rule in EXPECTED:
            rule(user)
        assert roles.scopes(user, roles.DEVELOPER, "sales_office") == frozenset()


def test_every_permission_a_role_lists_exists():
    from django.contrib.auth.models import Permission

    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    for role in roles.ROLES:
        assert set(role.permissions) <= existing, role.code


def test_every_rule_in_access_modules_is_covered():
    import inspect

    for module in (access, common_access):
        rules: set[Any] = {
            obj
            for name, obj in inspect.getmembers(module, inspect.isfunction)
            if name.startswith("can_") and obj.__module__ == module.__name__
        }
        tested = set(EXPECTED) | set(OBJECT_RULES)
        assert rules <= tested, f"rules without a role test: {rules - tested}"
