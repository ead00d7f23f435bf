"""Every page and API endpoint × every role (and visitors): allowed or denied, as expected.

A new URL without a row here fails `test_every_url_is_in_the_matrix`, so no page ships without
its access rule being tested."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import ALL_ROLES
from gaoxin.common.actors import OPERATOR

pytestmark = pytest.mark.django_db

EVERYONE = {"anonymous", *ALL_ROLES}
STAFF_AUDIT = {"zone_admin", "auditor"}

# name -> (path, roles allowed). Denied means: visitors are sent to log in (302) or get 401
# from the API; logged-in users without the rule get 403.
PAGES: dict[str, tuple[str, set[str]]] = {
    "accounts:home": ("/", EVERYONE),
    "accounts:login": ("/accounts/login/", {"anonymous"}),  # logged-in users are redirected
    "accounts:account": ("/accounts/me/", set(ALL_ROLES)),
    "accounts:password_change": ("/accounts/password/", set(ALL_ROLES)),
    "accounts:roles": ("/accounts/roles/", {"zone_admin"}),
    "common:audit_log": ("/audit/", STAFF_AUDIT),
    "common:audit_event": ("/audit/{event}/", STAFF_AUDIT),
    "common:checkpoints": ("/audit/checkpoints/", EVERYONE),
    "common:calendar": ("/calendar/", {"zone_admin"}),
    "common:inbox": ("/inbox/", set(ALL_ROLES)),
    "common:checkpoints_json": ("/audit/checkpoints.json", EVERYONE),
    "healthz": ("/healthz", EVERYONE),
    "admin:index": ("/admin/", {"zone_admin"}),
}
POST_ONLY = {
    "accounts:logout": ("/accounts/logout/", EVERYONE),
    "accounts:logout_everywhere": ("/accounts/logout-everywhere/", set(ALL_ROLES)),
    "set_language": ("/i18n/setlang/", EVERYONE),
    "common:inbox_read": ("/inbox/read/", set(ALL_ROLES)),
}
# POSTs tested with their own objects: countersigning a checkpoint (notary, auditor:
# gaoxin/common/tests/test_checkpoints.py) and entering a calendar year (zone administrator:
# gaoxin/common/tests/test_workdays.py); granting and revoking a role (zone administrator, every
# other role refused: gaoxin/accounts/tests/test_roles_page.py).
# The provincial identity service's sign-in: public, 404 until it is configured, tested against a
# real OpenID Connect provider in gaoxin/registry/tests/test_oidc.py.
OTHER_POST = {
    "registry:oidc_login",
    "registry:oidc_callback",
    "common:checkpoint_countersign",
    "common:calendar_enter",
    "accounts:role_grant",
    "accounts:role_revoke",
}
API: dict[str, tuple[str, set[str]]] = {
    "me": ("/api/accounts/me", set(ALL_ROLES)),
    "list_events": ("/api/audit/events", STAFF_AUDIT),
    "get_event": ("/api/audit/events/{event}", STAFF_AUDIT),
    "get_head": ("/api/audit/head", {"zone_admin", "auditor", "notary"}),
    "openapi-json": ("/api/openapi.json", EVERYONE),
    "openapi-view": ("/api/docs", EVERYONE),
}
ROLES_AND_VISITOR = ["anonymous", *ALL_ROLES]


@pytest.fixture
def event_id(make_user):
    from gaoxin.common import audit

    return audit.record(actor=OPERATOR, action="test.event").pk


def _ok(status: int) -> bool:
    return 200 <= status < 300


@pytest.mark.parametrize("role", ROLES_AND_VISITOR)
@pytest.mark.parametrize("name", list(PAGES))
def test_page(client_for, event_id, name, role):
    path, allowed = PAGES[name]
    response = client_for(role).get(path.format(event=event_id))
    if name == "accounts:login" and role != "anonymous":
        assert response.status_code == 302  # already logged in: sent home
    elif role in allowed:
        assert _ok(response.status_code), (name, role, response.status_code)
    elif role == "anonymous":
        assert response.status_code == 302
        assert (
            response["Location"].startswith("/accounts/login/") or "login" in response["Location"]
        )
    else:
        assert response.status_code in {302, 403}, (name, role, response.status_code)
        if name != "admin:index":
            assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES_AND_VISITOR)
@pytest.mark.parametrize("name", list(POST_ONLY))
def test_post_only(client_for, name, role):
    path, allowed = POST_ONLY[name]
    client = client_for(role)
    assert client.get(path).status_code in {302, 405}
    response = client.post(path, {"language": "en", "next": "/"})
    if role in allowed:
        assert response.status_code in {200, 302}
        if name == "accounts:logout_everywhere":
            assert response["Location"] == "/accounts/me/"
    else:
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", ROLES_AND_VISITOR)
@pytest.mark.parametrize("name", list(API))
def test_api(client_for, event_id, name, role):
    path, allowed = API[name]
    response = client_for(role).get(path.format(event=event_id))
    if role in allowed:
        assert _ok(response.status_code), (name, role, response.status_code, response.content)
    else:
        expected = 401 if role == "anonymous" else 403
        assert response.status_code == expected, (name, role, response.status_code)
        body = response.json()
        assert body["code"] in {"not_authenticated", "not_allowed"}
        assert body["message_zh"] and body["message_en"]


@pytest.mark.parametrize("path", ["/api/", "/api/no/such/endpoint"])
def test_unknown_api_paths_answer_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if namespace.startswith("admin:"):
                names.add("admin:index")  # the admin site's own pages follow the same gate
                continue
            names |= _names(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{prefix}{entry.name}")
    return names


def test_every_url_is_in_the_matrix():
    from gaoxin.approvals.tests import test_access as approvals
    from gaoxin.housing.tests import test_access as housing
    from gaoxin.servicedesk.tests import test_access as desk
    from gaoxin.support.tests import test_access as support
    from tests import test_access_registry as registry

    covered = set(PAGES) | set(POST_ONLY) | {f"api-1.0.0:{name}" for name in API}
    covered |= set(housing.HOUSING_PAGES) | housing.POST_ONLY | set(housing.FROZEN_PUBLIC)
    covered |= housing.DRAWN_PUBLIC | housing.CLOSED_PUBLIC
    covered |= {f"api-1.0.0:{name}" for name in ("list_batches", "get_batch", "register")}
    covered |= set(registry.REGISTRY_PAGES) | set(registry.REGISTRY_POST_ONLY)
    covered |= {f"api-1.0.0:{name}" for name in registry.REGISTRY_API}
    covered |= OTHER_POST
    covered |= (
        set(desk.DESK_PAGES) | set(desk.REQUEST_POSTS) | {desk.REQUEST_PAGE, desk.REQUEST_FILE}
    )
    covered |= desk.DESK_API
    covered |= desk.GRID_ROUTES
    covered |= set(desk.FIELD_PAGES) | desk.FIELD_OBJECT_PAGES | desk.FIELD_POSTS
    covered |= set(desk.STATS_PAGES) | desk.STATS_OBJECT_PAGES | desk.STATS_POSTS
    covered |= set(approvals.APPROVAL_PAGES) | set(approvals.PUBLIC) | approvals.OBJECT_PAGES
    covered |= approvals.POSTS | approvals.API
    covered |= set(support.SUPPORT_PAGES) | support.SUPPORT_OBJECT_PAGES | support.SUPPORT_POSTS
    covered.add("api-1.0.0:api-root")  # answers 404 in JSON: test_unknown_api_paths_...
    missing = _names(get_resolver()) - covered
    assert not missing, f"URLs without an access row: {sorted(missing)}"
