"""What the local stand-ins for remote APIs (Telegram, Dodo, Google) share."""

import json
from http.server import BaseHTTPRequestHandler


def answer_json(handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
    data = json.dumps(payload).encode()
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up waiting (a test's delay): what the test wants
