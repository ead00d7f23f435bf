"""The province's unified government identity service, as an OpenID Connect relying party.

Authlib's Django client does the protocol: discovery (the provider's metadata from
GAOXIN_OIDC_DISCOVERY_URL), the authorization code flow with state, nonce and PKCE (S256), the
token request, and the ID token's checks (signature against the provider's published keys,
issuer, audience, expiry, nonce). Authlib was chosen over mozilla-django-oidc because it reads
the provider's discovery document and key set itself (mozilla-django-oidc needs every endpoint
and the signing key configured by hand, and a key rotation at the province becomes an outage
here) and supports PKCE and the claims checks out of the box; it is widely used and maintained.

Only the verified ID token is trusted: the ID-number claim (GAOXIN_OIDC_ID_NUMBER_CLAIM) is read
from its validated claims, never from the user-info endpoint or the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.integrations.django_client import OAuth
from django.conf import settings


def enabled() -> bool:
    return bool(settings.GAOXIN_OIDC_DISCOVERY_URL and settings.GAOXIN_OIDC_CLIENT_ID)


_clients: dict[tuple[str, str, str, str], Any] = {}


def client() -> Any:
    """The registered client for the current settings (the provider's metadata and keys are
    read once per client and read again on an unknown key id)."""
    key = (
        settings.GAOXIN_OIDC_DISCOVERY_URL,
        settings.GAOXIN_OIDC_CLIENT_ID,
        settings.GAOXIN_OIDC_CLIENT_SECRET,
        settings.GAOXIN_OIDC_SCOPES,
    )
    if key not in _clients:
        oauth = OAuth()
        _clients[key] = oauth.register(
            "province",
            client_id=settings.GAOXIN_OIDC_CLIENT_ID,
            client_secret=settings.GAOXIN_OIDC_CLIENT_SECRET,
            server_metadata_url=settings.GAOXIN_OIDC_DISCOVERY_URL,
            client_kwargs={
                "scope": settings.GAOXIN_OIDC_SCOPES,
                "code_challenge_method": "S256",
                "timeout": settings.GAOXIN_OIDC_TIMEOUT_SECONDS,
            },
        )
    return _clients[key]


@dataclass(frozen=True)
class Verified:
    """What the signed ID token says, after every check."""

    issuer: str
    subject: str
    id_number: str | None


def verified_claims(token: dict[str, Any]) -> Verified:
    """The claims of the token response's ID token, validated by the client (authlib puts them
    under "userinfo" only after checking the signature, issuer, audience, expiry and nonce)."""
    claims = token.get("userinfo") or {}
    number = claims.get(settings.GAOXIN_OIDC_ID_NUMBER_CLAIM)
    return Verified(
        issuer=str(claims.get("iss", "")),
        subject=str(claims.get("sub", "")),
        id_number=str(number) if number else None,
    )
