"""A local stand-in for Telegram's Bot API, over HTTP: records what it is sent and answers as
told (ok by default)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.http_stubs import answer_json

OK = (200, {"ok": True, "result": {"message_id": 1}})


class BotApiStub:
    def __init__(self):
        # Each request: its path, its JSON body, its Content-Type.
        self.requests: list[tuple[str, dict, str]] = []
        # What the next requests are answered, in order, as (status, JSON); then OK.
        self.answers: list[tuple[int, dict]] = []
        self.delay = 0.0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                stub.requests.append((self.path, body, self.headers.get("Content-Type")))
                # The answer is taken before the delay: a request a test gave up waiting for
                # must not wake later and take an answer meant for the next test's request.
                status, payload = stub.answers.pop(0) if stub.answers else OK
                time.sleep(stub.delay)
                answer_json(self, status, payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def refuse(self, status: int, description: str, **parameters) -> None:
        """Answer the next request as the Bot API answers an error."""
        payload = {"ok": False, "error_code": status, "description": description}
        if parameters:
            payload["parameters"] = parameters
        self.answers.append((status, payload))

    def reset(self) -> None:
        self.requests.clear()
        self.answers.clear()
        self.delay = 0.0

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
