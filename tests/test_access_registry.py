"""The registry's pages and API endpoints × every role (and visitors), like
tests/test_access_matrix.py does for the platform's. The URL coverage test there includes these
names, so a new registry URL without a row fails."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import ALL_ROLES
from gaoxin.registry.models import ImportRun
from gaoxin.registry.tests.factories import a_classification, a_person

pytestmark = pytest.mark.django_db

READERS = {"zone_admin", "reviewer", "auditor"}
ADMIN = {"zone_admin"}
PERSONAL = {"zone_admin", "reviewer"}
COUNTER = {"counter_officer"}

# name -> (path, roles allowed)
REGISTRY_PAGES: dict[str, tuple[str, set[str]]] = {
    "registry:index": ("/registry/", READERS),
    "registry:enterprise_list": ("/registry/enterprises/", READERS),
    "registry:enterprise_detail": ("/registry/enterprises/{enterprise}/", READERS),
    "registry:industry_list": ("/registry/industries/", READERS),
    "registry:industry_new": ("/registry/industries/new/", ADMIN),
    "registry:industry_edit": ("/registry/industries/{industry}/", ADMIN),
    "registry:person_list": ("/registry/people/", READERS),
    "registry:person_detail": ("/registry/people/{person}/", READERS),
    "registry:import_list": ("/registry/imports/", READERS),
    "registry:import_detail": ("/registry/imports/{run}/", READERS),
    "registry:import_status": ("/registry/imports/{run}/status/", READERS),
    "registry:import_errors": ("/registry/imports/{run}/errors.xlsx", PERSONAL),
    "registry:import_template": ("/registry/templates/person.xlsx", READERS),
    "registry:identity_counter": ("/registry/counter/", COUNTER),
}
REGISTRY_POST_ONLY: dict[str, tuple[str, set[str]]] = {
    "registry:enterprise_classify": ("/registry/enterprises/{enterprise}/classify/", ADMIN),
    "registry:classification_end": ("/registry/classifications/{classification}/end/", ADMIN),
    "registry:person_reveal": ("/registry/people/{person}/reveal/", PERSONAL),
    "registry:identity_bind": ("/registry/counter/bind/", COUNTER),
    "registry:identity_unbind": ("/registry/counter/unbind/", COUNTER),
}
REGISTRY_API: dict[str, tuple[str, set[str]]] = {
    "list_industries": ("/api/registry/industries", READERS),
    "list_enterprises": ("/api/registry/enterprises", READERS),
    "get_enterprise": ("/api/registry/enterprises/{credit_code}", READERS),
    "get_import": ("/api/registry/imports/{run}", READERS),
}


@pytest.fixture
def objects(client_for, django_capture_on_commit_callbacks):
    classification = a_classification()
    content = "身份证号,姓名\n11010519491231002X,张三\n11010519491231002Y,李四\n"
    upload = SimpleUploadedFile("bad.csv", content.encode(), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client_for("zone_admin").post("/registry/imports/", {"kind": "person", "file": upload})
    return {
        "enterprise": classification.enterprise.pk,
        "credit_code": classification.enterprise.credit_code,
        "classification": classification.pk,
        "industry": classification.industry_id,
        "person": a_person().pk,
        "run": ImportRun.objects.get().pk,
    }


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
@pytest.mark.parametrize("name", list(REGISTRY_PAGES))
def test_page(client_for, objects, name, role):
    path, allowed = REGISTRY_PAGES[name]
    response = client_for(role).get(path.format(**objects))
    if role in allowed:
        assert response.status_code == 200, (name, role, response.status_code)
    elif role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, (name, role, response.status_code)


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
@pytest.mark.parametrize("name", list(REGISTRY_POST_ONLY))
def test_post_only(client_for, objects, name, role):
    path, allowed = REGISTRY_POST_ONLY[name]
    client = client_for(role)
    url = path.format(**objects)
    assert client.get(url).status_code in {302, 405}
    response = client.post(url, {"purpose": "核对申请人身份", "effective_to": "2026-12-31"})
    if role in allowed:
        assert response.status_code in {200, 302}, (name, role, response.status_code)
        assert "/accounts/login/" not in response.get("Location", "")
    elif role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, (name, role, response.status_code)


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
@pytest.mark.parametrize("name", list(REGISTRY_API))
def test_api(client_for, objects, name, role):
    path, allowed = REGISTRY_API[name]
    response = client_for(role).get(path.format(**objects))
    if role in allowed:
        assert response.status_code == 200, (name, role, response.status_code)
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert response.json()["message_zh"] and response.json()["message_en"]
