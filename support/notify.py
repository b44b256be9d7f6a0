"""The seller's Telegram notices of their support requests (accounts.telegram), sent beside
the emails of support.services: a new request and a buyer's reply, each once per key."""

from accounts.telegram import Event, buyer_name, notify_seller
from support.models import SupportRequest

EVENTS = {"opened": Event.SUPPORT_OPENED, "buyer_reply": Event.BUYER_REPLY}


def tell_seller(request: SupportRequest, kind: str, *, key: str) -> None:
    """For `kind` "opened" or "buyer_reply"; the other kinds are told to the buyer, by email."""
    if kind not in EVENTS:
        return
    who, product = buyer_name(request.buyer), request.product.title
    if kind == "opened":
        text = f"New support request on {product} from {who}: {request.subject}"
    else:
        text = f"{who} replied on {request.subject} ({product})."
    text += "\nAnswer it from your support inbox in the studio."
    notify_seller(seller=request.product.seller, event=EVENTS[kind], text=text, key=key)
