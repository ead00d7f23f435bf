"""Every write of the registry's pages, as every role: zone administrators import and keep the
catalogue; reviewers and auditors read (reviewers may unmask, audited); everyone else is
refused, and a refused request changes nothing — no run, no file, no catalogue row, no audit
event. (Classifying, ending a classification and unmasking are in tests/test_access_registry.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import ALL_ROLES
from gaoxin.common.models import AuditEvent
from gaoxin.registry.models import ImportRun, KeyIndustry, Person

pytestmark = pytest.mark.django_db


def _upload() -> dict[str, Any]:
    content = "身份证号,姓名,联系电话\n11010519491231002X,张三,\n"
    return {"kind": "person", "file": SimpleUploadedFile("p.csv", content.encode(), "text/csv")}


def _industry(code: str) -> dict[str, Any]:
    return {
        "code": code,
        "name_zh": "测试产业",
        "name_en": "Test industry",
        "effective_from": "2026-01-01",
        "sort_order": 99,
    }


WRITES: dict[str, tuple[Callable[[], tuple[str, dict[str, Any]]], set[str]]] = {
    "upload an agency file": (lambda: ("/registry/imports/", _upload()), {"zone_admin"}),
    "add an industry": (lambda: ("/registry/industries/new/", _industry("ZZ")), {"zone_admin"}),
    "edit an industry": (
        lambda: (
            f"/registry/industries/{KeyIndustry.objects.get(code='IC').pk}/",
            {**_industry("IC"), "name_zh": "改过的名称"},
        ),
        {"zone_admin"},
    ),
}


def state() -> tuple[Any, ...]:
    return (
        list(ImportRun.objects.values()),
        list(KeyIndustry.objects.order_by("pk").values()),
        Person.objects.count(),
        AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first(),
    )


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
def test_registry_writes_by_role(make_user, django_capture_on_commit_callbacks, write, role):
    request, allowed = WRITES[write]
    client = Client()
    if role != "anonymous":
        client.force_login(make_user(role))
    before = state()
    path, data = request()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, data)
    if role in allowed:
        assert response.status_code == 302 and "/accounts/login/" not in response["Location"]
        assert state() != before
    else:
        expected = 302 if role == "anonymous" else 403
        assert response.status_code == expected, (write, role, response.status_code)
        assert state() == before, (write, role)
