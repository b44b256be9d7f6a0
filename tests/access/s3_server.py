"""A moto S3 server that also checks presigned URLs the way S3 does.

moto (5.2.5) serves a private object to any URL that merely contains a signature: it checks
neither the signature nor the expiry, and its IAM mode fails on query-string signatures. S3's
check is documented (Signature Version 4, query-string authentication), so this WSGI layer
makes it in front of moto: the signature is recomputed from the request and the secret key,
and the URL is refused once `X-Amz-Date` + `X-Amz-Expires` has passed.
"""

import hashlib
import hmac
import time
from calendar import timegm
from threading import Thread
from urllib.parse import parse_qsl, quote

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _encode(value: str) -> str:
    return quote(value, safe="-_.~")


class PresignedUrlCheck:
    def __init__(self, app, secrets: dict[str, str]):
        self.app = app
        self.secrets = secrets  # access key id -> secret key

    def __call__(self, environ, start_response):
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if any(key == "X-Amz-Signature" for key, _ in query):
            refusal = self.refusal(environ, dict(query), query)
            if refusal:
                start_response("403 Forbidden", [("Content-Type", "application/xml")])
                return [f"<Error><Code>{refusal}</Code></Error>".encode()]
        return self.app(environ, start_response)

    def refusal(self, environ, params: dict[str, str], pairs: list) -> str | None:
        access_key, date, region, service, _ = params["X-Amz-Credential"].split("/")
        secret = self.secrets.get(access_key)
        if secret is None:
            return "InvalidAccessKeyId"
        signed_at = timegm(time.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))
        if time.time() > signed_at + int(params["X-Amz-Expires"]):
            return "AccessDenied: Request has expired"
        headers = params["X-Amz-SignedHeaders"].split(";")
        canonical_request = "\n".join(
            [
                environ["REQUEST_METHOD"],
                environ.get("RAW_URI", environ["PATH_INFO"]).split("?", 1)[0],
                "&".join(
                    f"{_encode(k)}={_encode(v)}" for k, v in sorted(pairs) if k != "X-Amz-Signature"
                ),
                "".join(f"{h}:{environ['HTTP_' + h.upper().replace('-', '_')]}\n" for h in headers),
                ";".join(headers),
                "UNSIGNED-PAYLOAD",
            ]
        )
        scope = f"{date}/{region}/{service}/aws4_request"
        string_to_sign = "\n".join(
            [
                "AWS4-HMAC-SHA256",
                params["X-Amz-Date"],
                scope,
                hashlib.sha256(canonical_request.encode()).hexdigest(),
            ]
        )
        key = f"AWS4{secret}".encode()
        for part in (date, region, service, "aws4_request"):
            key = _hmac(key, part)
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, params["X-Amz-Signature"]):
            return "SignatureDoesNotMatch"
        return None


class S3Server:
    """moto's S3 over HTTP on 127.0.0.1 (a free port), behind the presigned-URL check."""

    def __init__(self, secrets: dict[str, str]):
        app = PresignedUrlCheck(DomainDispatcherApplication(create_backend_app), secrets)
        self._server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
