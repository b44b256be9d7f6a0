"""Standard Webhooks: the secret, verification of a delivery, and signing (the dev provider
sends real signed webhooks, so everything after verification is the production path)."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

from django.conf import settings
from standardwebhooks import Webhook

from ops.text import unstorable


class InvalidWebhook(Exception):
    """A delivery that is not a verified, well-formed webhook (answered 400)."""


def webhook_secret() -> str:
    """DODO_PAYMENTS_WEBHOOK_KEY; without it (the dev provider) a key derived from SECRET_KEY,
    stable across restarts and never the same on two installations."""
    if settings.DODO_PAYMENTS_WEBHOOK_KEY:
        return settings.DODO_PAYMENTS_WEBHOOK_KEY
    derived = hmac.new(settings.SECRET_KEY.encode(), b"tessera dev webhooks", hashlib.sha256)
    return "whsec_" + base64.b64encode(derived.digest()).decode()


def verify(body: bytes, headers: dict[str, str]) -> dict:
    """The parsed event of a verified delivery; InvalidWebhook for anything else."""
    headers = {name.lower(): value for name, value in headers.items()}
    try:
        event = Webhook(webhook_secret()).verify(body, headers)
    except Exception as error:
        # The library raises its own error for a bad signature or a stale timestamp, but a
        # malformed header or body surfaces as ValueError, binascii.Error, UnicodeDecodeError,
        # OverflowError or JSONDecodeError: every one of them is the sender's fault, a 4xx.
        raise InvalidWebhook(f"{type(error).__name__}: {error}") from None
    if len(headers["webhook-id"]) > 200:  # verified above: present
        raise InvalidWebhook("webhook-id too long")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise InvalidWebhook("no event type")
    if not isinstance(event.get("data"), dict):
        raise InvalidWebhook("no event data")
    if unstorable(event) or unstorable(headers["webhook-id"]):
        # Signed, but never storable: PostgreSQL refuses a NUL, UTF-8 a lone surrogate, and
        # the event is stored before anything else. A 500 would have the sender retry forever.
        raise InvalidWebhook("text the database cannot store (NUL or lone surrogate)")
    return event


def signed_headers(webhook_id: str, body: str, *, at: datetime | None = None) -> dict[str, str]:
    at = at or datetime.now(tz=UTC)
    signature = Webhook(webhook_secret()).sign(msg_id=webhook_id, timestamp=at, data=body)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def event_body(event_type: str, data: dict, *, at: datetime | None = None) -> str:
    """A webhook body in Dodo's format: business_id, type, timestamp, data."""
    at = at or datetime.now(tz=UTC)
    body = {
        "business_id": "tessera-dev",
        "type": event_type,
        "timestamp": at.isoformat(),
        "data": data,
    }
    return json.dumps(body, separators=(",", ":"))
