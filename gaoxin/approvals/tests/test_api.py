"""Department systems push decisions: a resend changes nothing, a reused case number is
refused, the rules of the page hold, errors come in both languages."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from gaoxin.accounts.services import api_token_issue
from gaoxin.approvals.choices import ItemStatus
from gaoxin.approvals.models import Certificate, ExternalDecision
from gaoxin.common.actors import OPERATOR
from gaoxin.common.models import AuditEvent

from .builders import dispatch, item, start, submit, zone

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    _token, raw = api_token_issue(actor=OPERATOR, user=user, name="规划审批系统")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_resent_decision_changes_nothing(on):
    z = zone()
    on(date(2026, 6, 1))
    p = start(z)
    submit(z, p, 1)
    dispatch(z, p, 1)
    api = _client(z.reviewers["zrzy"])
    body = {
        "department": "zrzy",
        "case_number": "ZR-2026-0815",
        "project": p.number,
        "item": "S1-02",
        "decision": "approve",
    }
    on(date(2026, 6, 3))
    first = api.post("/api/approvals/decisions", body, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "approved" and first.json()["decided_on"] == "2026-06-03"
    events = AuditEvent.objects.count()
    on(date(2026, 6, 5))
    again = api.post("/api/approvals/decisions", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["decided_on"] == "2026-06-03"
    assert AuditEvent.objects.count() == events
    assert Certificate.objects.filter(item=item(p, "S1-02")).count() == 1
    assert ExternalDecision.objects.count() == 1

    reused = api.post(
        "/api/approvals/decisions",
        {**body, "decision": "refuse", "text": "不符合规划"},
        content_type="application/json",
    )
    assert reused.status_code == 409 and reused.json()["code"] == "approvals.case_reused"
    assert item(p, "S1-02").status == ItemStatus.APPROVED


def test_a_department_system_decides_only_its_own_items(on):
    z = zone()
    on(date(2026, 6, 1))
    p = start(z)
    submit(z, p, 1)
    dispatch(z, p, 1)
    api = _client(z.reviewers["zrzy"])
    body = {
        "department": "fgw",
        "case_number": "X-1",
        "project": p.number,
        "item": "S1-01",
        "decision": "approve",
    }
    refused = api.post("/api/approvals/decisions", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "approvals.not_allowed"
    missing = api.post(
        "/api/approvals/decisions",
        {**body, "department": "zrzy", "item": "S9-99"},
        content_type="application/json",
    )
    assert missing.status_code == 404 and "S9-99" in missing.json()["message_zh"]
    assert item(p, "S1-01").status == ItemStatus.IN_REVIEW
    got = api.get(f"/api/approvals/items/{p.number}/S1-02")
    assert got.status_code == 200 and got.json()["due_on"] == "2026-06-15"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("department", "zr\x00zy"),
        ("case_number", "ZR\x00-1"),
        ("text", "条件\udb06"),
        ("item", "\x00"),
    ],
)
def test_a_text_the_database_cannot_hold_is_refused_naming_the_field(field, value):
    z = zone()
    api = _client(z.reviewers["zrzy"])
    body = {"department": "zrzy", "case_number": "ZR-1", "project": "XM1", "item": "S1-02"}
    body |= {"decision": "approve", field: value}
    raw = json.dumps(body)  # \u0000 and a lone surrogate as JSON escapes, as a client sends them
    refused = api.post("/api/approvals/decisions", raw, content_type="application/json")
    assert refused.status_code == 422, refused.content
    answer = refused.json()
    assert answer["code"] == "approvals.value_invalid"
    assert "NUL" in answer["message_zh"] and "NUL" in answer["message_en"]
    assert not ExternalDecision.objects.exists()
