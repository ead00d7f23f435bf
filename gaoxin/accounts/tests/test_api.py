"""The API: token auth for systems, session auth for browsers, consistent error bodies."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from gaoxin.accounts.models import ApiToken
from gaoxin.accounts.services import api_token_issue, api_token_revoke
from gaoxin.common.actors import OPERATOR
from gaoxin.common.models import AuditEvent
from gaoxin.testing.errors import raises_code

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_authenticates_a_sales_system(make_user):
    developer = make_user("developer", username="sales-system")
    admin = make_user("zone_admin")
    token, raw = api_token_issue(actor=admin, user=developer, name="销售系统")
    assert raw.startswith("gx_") and len(raw) > 40
    assert token.token_hash != raw and raw not in token.token_hash  # only the hash is stored
    response = Client().get("/api/accounts/me", headers=bearer(raw))
    assert response.status_code == 200
    assert response.json()["username"] == "sales-system"
    assert response.json()["roles"][0]["code"] == "developer"
    assert AuditEvent.objects.filter(action="api_token.issued").count() == 1


def test_revoked_wrong_or_missing_tokens_get_401_with_both_languages(make_user):
    developer = make_user("developer")
    token, raw = api_token_issue(actor=OPERATOR, user=developer, name="x")
    api_token_revoke(actor=OPERATOR, token=token)
    for headers in (bearer(raw), bearer("gx_forged"), {}):
        response = Client().get("/api/accounts/me", headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "not_authenticated"
        assert "登录" in body["message_zh"] and "token" in body["message_en"]


def test_inactive_users_tokens_stop_working(make_user):
    developer = make_user("developer")
    _token, raw = api_token_issue(actor=OPERATOR, user=developer, name="x")
    developer.is_active = False
    developer.save()
    assert Client().get("/api/accounts/me", headers=bearer(raw)).status_code == 401


def test_only_zone_admins_issue_tokens(make_user):
    with raises_code("not_allowed"):
        api_token_issue(actor=make_user("developer"), user=make_user("developer"), name="x")
    assert ApiToken.objects.count() == 0


def test_issue_api_token_command_prints_the_token_once(make_user, capsys):
    make_user("developer", username="kaifa")
    call_command("issue_api_token", "kaifa", "--name", "销售系统")
    raw = capsys.readouterr().out.strip()
    assert Client().get("/api/accounts/me", headers=bearer(raw)).status_code == 200


def test_validation_errors_name_the_field(client_for):
    response = client_for("auditor").get("/api/audit/events?date_from=not-a-date")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "date_from" in body["message_en"] and "date_from" in body["message_zh"]
    assert body["errors"][0]["field"].endswith("date_from")


def test_session_auth_needs_csrf_for_writes(make_user):
    # GET with a session works; the schema documents both auth methods.
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("auditor"))
    assert client.get("/api/audit/head").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert {"TokenAuth", "ActiveSessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_audit_api_filters(client_for):
    from gaoxin.common import audit

    audit.record(actor=OPERATOR, action="registry.import", object_type="x", object_id="1")
    audit.record(actor=OPERATOR, action="housing.draw", object_type="x", object_id="2")
    response = client_for("auditor").get("/api/audit/events?action=housing")
    items = response.json()["items"]
    assert [item["action"] for item in items] == ["housing.draw"]
    head = client_for("auditor").get("/api/audit/head").json()
    assert head["head"] == f"{head['event_id']}:{head['hash']}"
