"""A real OpenID Connect provider on loopback, for tests only: the province's identity service
as Gaoxin meets it (registry/oidc.py). Built on pyop (the IdentityPython project's provider
library, also behind SATOSA): discovery document, authorization endpoint (authorization code
flow, PKCE), token endpoint with client authentication, a JWKS with a fresh RSA key, and ID
tokens signed with it (RS256) that carry the verified ID-number claim.

Who is signed in at the provider is set by the test (`provider.sign_in(user_id, id_number)`),
as if the person had passed the province's own checks; everything after that is the protocol.

    with OidcProvider(client_id="gaoxin", client_secret="s3cret",
                      redirect_uri="http://testserver/registry/identity/oidc/callback/") as op:
        op.discovery_url  # http://127.0.0.1:PORT/.well-known/openid-configuration
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import tempfile
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from Cryptodome.PublicKey import RSA
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from jwkest.jwk import RSAKey
from pyop.authz_state import AuthorizationState
from pyop.exceptions import InvalidAuthenticationRequest, InvalidClientAuthentication
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo

_RSA: dict[str, Any] = {}


def _rsa(name: str) -> Any:
    """An RSA key made once per test run, by `cryptography` (pyop's own library takes tens of
    seconds for one on a busy machine), handed to pyop in its key type."""
    if name not in _RSA:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _RSA[name] = RSA.import_key(pem)
    return _RSA[name]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


class OidcProvider:
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        id_number_claim: str = "id_number",
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.id_number_claim = id_number_claim
        self.users: dict[str, dict[str, Any]] = {}
        self.current: str | None = None
        self.requests: list[str] = []  # "METHOD /path", in order: what the client asked
        self.signing_key = RSAKey(key=_rsa("province"), alg="RS256", kid="province-1")
        self._server: WSGIServer = make_server(
            "127.0.0.1", 0, self._app, handler_class=_QuietHandler
        )
        # OpenID Connect wants an https issuer: TLS with a certificate made now for 127.0.0.1;
        # clients trust it through `ca_file` (REQUESTS_CA_BUNDLE for requests and authlib).
        self._tls_dir = tempfile.TemporaryDirectory(prefix="gaoxin-oidc-")
        self.ca_file = self._certificate(self._tls_dir.name)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.ca_file, f"{self._tls_dir.name}/key.pem")
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.base = f"https://127.0.0.1:{self._server.server_port}"
        self.provider = self._provider()
        self.published_jwks = self.provider.jwks  # what /jwks serves
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @staticmethod
    def _certificate(directory: str) -> str:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        cert_path = f"{directory}/cert.pem"
        with open(cert_path, "wb") as out:
            out.write(certificate.public_bytes(serialization.Encoding.PEM))
        with open(f"{directory}/key.pem", "wb") as out:
            out.write(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        return cert_path

    @property
    def discovery_url(self) -> str:
        return f"{self.base}/.well-known/openid-configuration"

    def _provider(self) -> Provider:
        configuration = {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "jwks_uri": f"{self.base}/jwks",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid"],
        }
        clients = {
            self.client_id: {
                "client_secret": self.client_secret,
                "redirect_uris": [self.redirect_uri],
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_basic",
            }
        }
        state = AuthorizationState(HashBasedSubjectIdentifierFactory("gaoxin-test-salt"))
        return Provider(self.signing_key, configuration, state, clients, Userinfo(self.users))

    # -- the test's side -------------------------------------------------------------------

    def sign_in(self, user_id: str, id_number: str | None) -> None:
        """The person `user_id` is signed in at the provider; their verified ID number (None: the
        provider sends no such claim)."""
        claims: dict[str, Any] = {"sub": user_id}
        if id_number is not None:
            claims[self.id_number_claim] = id_number
        self.users[user_id] = claims
        self.current = user_id

    def forge(self) -> None:
        """From now on sign ID tokens with a key of the same id that the provider never
        published: an attacker's token, which a relying party must refuse."""
        self.provider.signing_key = RSAKey(key=_rsa("forger"), alg="RS256", kid="province-1")

    def __enter__(self) -> OidcProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._tls_dir.cleanup()

    # -- the provider's endpoints ----------------------------------------------------------

    def _app(self, environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        self.requests.append(f"{method} {path}")
        try:
            if path == "/.well-known/openid-configuration":
                return self._json(start_response, self.provider.provider_configuration.to_dict())
            if path == "/jwks":
                return self._json(start_response, self.published_jwks)
            if path == "/authorize":
                return self._authorize(environ, start_response)
            if path == "/token" and method == "POST":
                return self._token(environ, start_response)
        except (InvalidAuthenticationRequest, InvalidClientAuthentication) as error:
            return self._json(start_response, {"error": str(error)}, "400 Bad Request")
        return self._json(start_response, {"error": "not_found"}, "404 Not Found")

    def _authorize(self, environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        request = self.provider.parse_authentication_request(environ.get("QUERY_STRING", ""))
        if self.current is None:
            return self._json(start_response, {"error": "login_required"}, "401 Unauthorized")
        response = self.provider.authorize(request, self.current)
        location = response.request(request["redirect_uri"])
        start_response("302 Found", [("Location", location)])
        return iter([b""])

    def _token(self, environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode()
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        response = self.provider.handle_token_request(
            body, headers, extra_id_token_claims=self._verified_claims
        )
        return self._json(start_response, response.to_dict())

    def _verified_claims(self, user_id: str, client_id: str) -> dict[str, Any]:
        """What the province puts in every ID token it signs: the verified ID number."""
        return {k: v for k, v in self.users[user_id].items() if k != "sub"}

    @staticmethod
    def _json(start_response: Any, data: Any, status: str = "200 OK") -> Iterator[bytes]:
        body = json.dumps(data).encode()
        start_response(status, [("Content-Type", "application/json")])
        return iter([body])


def callback_path(location: str) -> str:
    """The path and query of a redirect back to the relying party."""
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"
