"""A local stand-in for Google's OAuth endpoints, over HTTP: its sign-in page (which sends the
browser straight back with a code, or with `access_denied`) and its token endpoint (which
trades a code for an id_token signed RS256 with a key of its own, as Google signs them).

`google_stub_running` points allauth's Google provider at it for a test; the provider then talks to
it through `requests`, exactly as it talks to Google.
"""

import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.http_stubs import answer_json

CLIENT_ID = "tessera-test.apps.googleusercontent.com"
CLIENT_SECRET = "google-test-secret"
ISSUER = "https://accounts.google.com"
GOOGLE_ON = {
    "google": {
        "APPS": [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET, "key": ""}],
        "SCOPE": ["openid", "email", "profile"],
        "AUTH_PARAMS": {"prompt": "select_account"},
        "OAUTH_PKCE_ENABLED": True,
    }
}


class GoogleStub:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # Codes handed out and not yet traded: code -> the claims of its id_token.
        self.codes: dict[str, dict] = {}
        # What the sign-in page answers next: the claims of the account "chosen", or None
        # for a person who cancels.
        self.chosen: dict | None = None
        # Each request to the token endpoint: its form fields.
        self.token_requests: list[dict] = []
        self.audience = CLIENT_ID
        # Seconds the token endpoint takes to answer.
        self.delay = 0.0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                link = urlsplit(self.path)
                if link.path != "/o/oauth2/v2/auth":
                    return answer_json(self, 404, {"error": "not_found"})
                query = dict(parse_qsl(link.query))
                back = {"state": query.get("state", "")}
                if stub.chosen is None:
                    back["error"] = "access_denied"
                else:
                    back["code"] = stub.code_for(**stub.chosen)
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                stub.token_requests.append(form)
                time.sleep(stub.delay)
                claims = stub.codes.pop(form.get("code", ""), None)
                if self.path != "/token" or claims is None:
                    return answer_json(self, 400, {"error": "invalid_grant"})
                if form.get("client_secret") != CLIENT_SECRET:
                    return answer_json(self, 401, {"error": "invalid_client"})
                answer_json(
                    self,
                    200,
                    {
                        "access_token": secrets.token_urlsafe(24),
                        "expires_in": 3599,
                        "scope": "openid email profile",
                        "token_type": "Bearer",
                        "id_token": stub.id_token(claims),
                    },
                )

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def code_for(self, email: str, *, verified: bool = True, sub: str = "", **claims) -> str:
        """A code the token endpoint will trade for this Google account's id_token."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "sub": sub or hashlib.sha256(email.encode()).hexdigest()[:21],
            "email": email,
            "email_verified": verified,
            **claims,
        }
        return code

    def id_token(self, claims: dict) -> str:
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "azp": CLIENT_ID,
            "aud": self.audience,
            "iat": now,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "stub-key"})


@contextmanager
def google_stub_running(settings, monkeypatch) -> Iterator[GoogleStub]:
    """Google sign-in switched on, with allauth's Google provider talking to a GoogleStub."""
    from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter

    stub = GoogleStub()
    stub.thread.start()
    settings.SOCIALACCOUNT_PROVIDERS = GOOGLE_ON
    # allauth reads Google's addresses from settings once, at import: its adapter's are set.
    monkeypatch.setattr(GoogleOAuth2Adapter, "authorize_url", f"{stub.url}/o/oauth2/v2/auth")
    monkeypatch.setattr(GoogleOAuth2Adapter, "access_token_url", f"{stub.url}/token")
    try:
        yield stub
    finally:
        stub.server.shutdown()
        stub.server.server_close()
