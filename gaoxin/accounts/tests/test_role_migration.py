"""The migrations that made roles grants: each membership of a role's group became a zone-wide
grant, each developer member of a sales office a developer grant within that office (a member
without the developer role got nothing, as it could manage nothing); and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0001_initial"), ("housing", "0006_unit_natural_order")]
AFTER = [("accounts", "0002_role_grants"), ("housing", "0007_sales_office_staff_as_role_grants")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_groups_and_office_members_become_grants_and_back():
    try:
        old = _migrate(BEFORE)
        User = old.get_model("accounts", "User")
        Group = old.get_model("auth", "Group")
        SalesOffice = old.get_model("housing", "SalesOffice")
        groups = {code: Group.objects.create(name=code) for code in ("developer", "auditor")}
        dev, auditor, stranger = (
            User.objects.create(username=name) for name in ("dev", "aud", "stranger")
        )
        dev.groups.add(groups["developer"])
        auditor.groups.add(groups["auditor"])
        office = SalesOffice.objects.create(name="甲置业")
        office.members.add(dev, stranger)

        new = _migrate(AFTER)
        RoleGrant = new.get_model("accounts", "RoleGrant")
        grants = set(
            RoleGrant.objects.values_list("user__username", "role", "scope_kind", "scope_key")
        )
        assert grants == {
            ("dev", "developer", "", ""),
            ("dev", "developer", "sales_office", str(office.pk)),
            ("aud", "auditor", "", ""),
        }
        assert not new.get_model("auth", "Group").objects.filter(name="developer").exists()

        back = _migrate(BEFORE)
        office = back.get_model("housing", "SalesOffice").objects.get(name="甲置业")
        assert set(office.members.values_list("username", flat=True)) == {"dev"}
        User = back.get_model("accounts", "User")
        assert set(User.objects.get(username="aud").groups.values_list("name", flat=True)) == {
            "auditor"
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
