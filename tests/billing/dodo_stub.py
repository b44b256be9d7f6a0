"""A local stand-in for the Dodo Payments API, over HTTP, for the official SDK to talk to."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.http_stubs import answer_json

RESPONSES = {
    ("POST", "/customers"): {"customer_id": "cus_1", "email": "", "name": "", "business_id": "b"},
    ("POST", "/products"): {"product_id": "pdt_1"},
    ("PATCH", "/products/pdt_1"): {},
    ("POST", "/checkouts"): {"session_id": "cks_1", "checkout_url": "https://pay.example/cks_1"},
    ("POST", "/refunds"): {"refund_id": "ref_1", "payment_id": "pay_1", "status": "pending"},
}


class DodoStub:
    def __init__(self):
        self.requests: list[tuple[str, str, dict]] = []
        self.mode = "up"  # "down" answers 503, "slow" answers after 2 s
        # What GET /payments, /refunds and /disputes list, by path, a page at a time.
        self.listed: dict[str, list[dict]] = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                stub.requests.append((self.command, self.path, body))
                if stub.mode == "slow":
                    time.sleep(2)
                status = 503 if stub.mode == "down" else 200
                payload = stub.answer(self.command, self.path) if status == 200 else {}
                answer_json(self, status, payload)

            do_POST = do_PATCH = do_GET = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, method: str, target: str) -> dict:
        url = urlsplit(target)
        if method == "GET" and url.path in ("/payments", "/refunds", "/disputes"):
            query = {
                name: int(values[0])
                for name, values in parse_qs(url.query).items()
                if name in ("page_number", "page_size")
            }
            size = query.get("page_size", 10)
            start = query.get("page_number", 0) * size
            return {"items": self.listed.get(url.path, [])[start : start + size]}
        return RESPONSES.get((method, target), {})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def calls(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path, _ in self.requests]

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
