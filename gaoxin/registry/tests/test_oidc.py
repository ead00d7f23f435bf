"""Sign-in through the provincial identity service against a real OpenID Connect provider on
loopback (gaoxin/testing/oidc_provider.py, pyop): discovery, the authorization code flow with
PKCE, the token endpoint and an RS256-signed ID token the client verifies. Issue #13, item 1."""

from __future__ import annotations

from datetime import date

import pytest
import requests
from django.test import Client

from gaoxin.common.models import AuditEvent
from gaoxin.registry.identifiers import make_id_number
from gaoxin.registry.imports.loaders import new_person
from gaoxin.registry.models import IdentityBinding
from gaoxin.testing.oidc_provider import OidcProvider, callback_path

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/registry/identity/oidc/callback/"
NUMBER = make_id_number("340104", date(1988, 3, 9), 321)


@pytest.fixture
def province(settings, monkeypatch):
    with OidcProvider(
        client_id="gaoxin-zone", client_secret="province-secret-1", redirect_uri=CALLBACK
    ) as provider:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", provider.ca_file)  # its TLS certificate
        settings.GAOXIN_OIDC_DISCOVERY_URL = provider.discovery_url
        settings.GAOXIN_OIDC_CLIENT_ID = "gaoxin-zone"
        settings.GAOXIN_OIDC_CLIENT_SECRET = "province-secret-1"
        settings.GAOXIN_PUBLIC_URL = "http://testserver"
        yield provider


@pytest.fixture
def person():
    found = new_person(NUMBER, "王堃")
    found.save()
    return found


def sign_in(client: Client, provider: OidcProvider, *, next_url: str = "/housing/mine/"):
    """The browser's round trip: to the provider, which authenticates the person and sends
    the browser back with a code; the callback answer."""
    start = client.get("/registry/identity/oidc/login/", {"next": next_url})
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(f"{provider.base}/authorize?")
    assert "code_challenge=" in start["Location"] and "nonce=" in start["Location"]
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    return client.get(callback_path(at_provider.headers["Location"]))


def test_a_verified_person_gets_an_applicant_account_bound_to_them(province, person):
    province.sign_in("province-user-1", NUMBER)
    client = Client()
    answer = sign_in(client, province)
    assert answer.status_code == 302 and answer["Location"] == "/housing/mine/"
    binding = IdentityBinding.objects.get(person=person)
    assert binding.method == "oidc" and binding.bound_by is None
    assert province.base in binding.evidence
    # the client did discovery, fetched the published keys and used the token endpoint
    assert province.requests[0] == "GET /.well-known/openid-configuration"
    assert {"POST /token", "GET /jwks"} <= set(province.requests)
    mine = client.get("/housing/mine/")
    assert mine.status_code == 200 and mine.wsgi_request.user == binding.user
    assert AuditEvent.objects.filter(action="registry.identity.bound").count() == 1
    # the next sign-in is the same account, not a second one
    sign_in(Client(), province)
    assert IdentityBinding.objects.count() == 1


def test_an_applicant_signed_in_already_is_bound_to_the_verified_person(
    province, person, make_user
):
    applicant = make_user("applicant")
    client = Client()
    client.force_login(applicant)
    province.sign_in("province-user-1", NUMBER)
    sign_in(client, province)
    assert IdentityBinding.objects.get(person=person).user == applicant


def test_a_token_signed_with_a_key_the_province_never_published_is_refused(province, person):
    province.forge()
    province.sign_in("province-user-1", NUMBER)
    answer = sign_in(Client(), province)
    assert answer.status_code == 400
    assert not IdentityBinding.objects.exists()


def test_no_id_number_claim_or_a_person_the_registry_lacks_binds_nobody(province, person):
    province.sign_in("province-user-2", None)
    answer = sign_in(Client(), province)
    assert answer.status_code == 400 and "id_number" in answer.content.decode()
    stranger = make_id_number("340104", date(1979, 1, 1), 5)
    province.sign_in("province-user-3", stranger)
    answer = sign_in(Client(), province)
    assert answer.status_code == 400
    assert not IdentityBinding.objects.exists()


def test_a_callback_with_a_state_of_another_browser_is_refused(province, person):
    province.sign_in("province-user-1", NUMBER)
    victim, attacker = Client(), Client()
    start = attacker.get("/registry/identity/oidc/login/")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    answer = victim.get(callback_path(at_provider.headers["Location"]))
    assert answer.status_code == 400
    assert not IdentityBinding.objects.exists()


def test_the_sign_in_is_off_until_configured(client):
    assert client.get("/registry/identity/oidc/login/").status_code == 404
    assert client.get("/registry/identity/oidc/callback/").status_code == 404
