"""The 12345 hotline's transfers through the API: a resend after a lost answer creates no second
request; errors come back in both languages; only zone accounts may transfer."""

from __future__ import annotations

import pytest
from django.test import Client

from gaoxin.accounts.services import api_token_issue
from gaoxin.common.actors import OPERATOR
from gaoxin.servicedesk.models import ServiceRequest

from .builders import desk

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    _token, raw = api_token_issue(actor=OPERATOR, user=user, name="12345 热线系统")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_resent_transfer_returns_the_same_request():
    d = desk()
    api = _client(d.leadership)
    body = {
        "case_number": "HF12345-20261203-0042",
        "credit_code": d.enterprise.credit_code,
        "category": "utilities",
        "title": "园区停水",
        "description": "企业反映园区停水一天。",
    }
    first = api.post("/api/servicedesk/hotline", body, content_type="application/json")
    assert first.status_code == 201, first.content
    again = api.post("/api/servicedesk/hotline", body, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"] and again.json()["created"] is False
    assert ServiceRequest.objects.count() == 1
    got = api.get(f"/api/servicedesk/requests/{first.json()['number']}")
    assert got.status_code == 200 and got.json()["grid"] == "G01"


def test_errors_name_the_value_in_both_languages_and_write_nothing():
    d = desk()
    api = _client(d.leadership)
    response = api.post(
        "/api/servicedesk/hotline",
        {
            "case_number": "X1",
            "credit_code": "91340100MA0000000X",
            "category": "utilities",
            "title": "t",
            "description": "d",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "servicedesk.unknown_enterprise"
    assert "91340100MA0000000X" in body["message_zh"] and "registry" in body["message_en"]
    assert ServiceRequest.objects.count() == 0


def test_only_zone_accounts_transfer():
    d = desk()
    response = _client(d.officer).post(
        "/api/servicedesk/hotline",
        {
            "case_number": "X2",
            "credit_code": d.enterprise.credit_code,
            "category": "utilities",
            "title": "t",
            "description": "d",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert (
        Client().post("/api/servicedesk/hotline", {}, content_type="application/json").status_code
        == 401
    )
