"""Every access rule of accounts and common, for every role (allowed and denied)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import ALL_ROLES
from gaoxin.accounts import access
from gaoxin.common import access as common_access

pytestmark = pytest.mark.django_db

# rule -> roles that pass it (every other role, and visitors, must fail it)
EXPECTED = {
    access.can_use_admin_site: {"zone_admin"},
    access.can_manage_users: {"zone_admin"},
    access.can_manage_api_tokens: {"zone_admin"},
    access.can_use_api: set(ALL_ROLES),
    access.can_view_own_account: set(ALL_ROLES),
    common_access.can_view_audit_log: {"zone_admin", "auditor"},
    common_access.can_view_chain_head: {"zone_admin", "auditor", "notary"},
    common_access.can_countersign_checkpoint: {"auditor", "notary"},
    common_access.can_enter_calendar: {"zone_admin"},
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


def test_superuser_may_use_admin_site(make_user):
    root = make_user(is_superuser=True)
    assert access.can_use_admin_site(root)


def test_every_rule_in_access_modules_is_covered():
    import inspect

    for module in (access, common_access):
        rules: set[Any] = {
            obj
            for name, obj in inspect.getmembers(module, inspect.isfunction)
            if name.startswith("can_") and obj.__module__ == module.__name__
        }
        assert rules <= set(EXPECTED), f"rules without a role test: {rules - set(EXPECTED)}"
