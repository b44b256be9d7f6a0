"""Demo support: the demo seller includes 30 days of support with one product the demo buyer
owns and sells it per request for another; the demo buyer has a resolved request, an answered
one and an open one, made through the services (the paid one paid through the same webhook path
a real payment takes), so that both sides of support have something to show."""

import json
import uuid

from accounts.models import User
from billing.providers.dev import payment_event
from billing.services import webhook_process, webhook_store
from shop.models import Product
from support.models import SupportRequest
from support.services import (
    SupportRefused,
    message_post,
    request_open_included,
    request_resolve,
    request_start_paid,
    support_offer,
    support_offer_set,
)

# title, days included, price per request (cents)
OFFERS = [("Notion Budget Kit", 30, 0), ("Outline Icons 2400", 0, 900)]

# product, subject, thread (buyer first), whether the buyer marks it resolved. In this order: at
# most one request is active per buyer and product, so the kit's first one is resolved before
# its second opens.
REQUESTS = [
    (
        "Notion Budget Kit",
        "Importing last year's bank export",
        [
            (
                "buyer",
                "My bank exports a CSV with a semicolon. The import puts it all in one "
                "column: is there a way round that?",
            ),
            (
                "seller",
                "Yes: in the Import page, choose “Semicolon” under Separator before you "
                "pick the file. The categories then fill in by themselves.",
            ),
            ("buyer", "That did it, thank you!"),
        ],
        True,
    ),
    (
        "Notion Budget Kit",
        "Can the year start in April?",
        [
            ("buyer", "Our financial year starts on 1 April. Can the yearly view start there?"),
            (
                "seller",
                "It can: set “First month” on the Settings page to April and the yearly "
                "view and the totals follow. Tell me if a total looks wrong after that.",
            ),
        ],
        False,
    ),
    (
        "Outline Icons 2400",
        "Icons look blurry at 16 px in Figma",
        [
            (
                "buyer",
                "At 16 px the icons look soft in Figma, as if they were off the pixel grid. "
                "Am I using the wrong set?",
            ),
        ],
        False,
    ),
]


def _pay(request: SupportRequest) -> None:
    _, body = payment_event(request.order, "payment.succeeded")
    stored, _ = webhook_store(
        webhook_id=f"msg_demo_{uuid.uuid4().hex}", event=json.loads(body), body=body
    )
    webhook_process(event_id=stored.pk)


def _open(buyer: User, product: Product, subject: str, body: str) -> SupportRequest:
    if support_offer(product=product).included_days:
        return request_open_included(buyer=buyer, product=product, subject=subject, body=body)
    request = request_start_paid(buyer=buyer, product=product, subject=subject, body=body)
    _pay(request)
    return request


def seed(*, log) -> None:
    buyer = User.objects.get(email="buyer@example.com")
    seller = User.objects.get(email="seller@example.com")
    products = {
        product.title: product
        for product in Product.objects.filter(
            seller=seller, title__in=[title for title, *_ in OFFERS]
        )
    }
    for title, included_days, price in OFFERS:
        support_offer_set(product=products[title], included_days=included_days, price=price)
    made = 0
    for title, subject, thread, resolved in REQUESTS:
        product = products[title]
        if SupportRequest.objects.filter(buyer=buyer, product=product, subject=subject).exists():
            continue
        (_, first), *replies = thread
        try:
            request = _open(buyer, product, subject, first)
        except SupportRefused as refusal:
            # A demo database older than the included support, or a request the buyer opened
            # by hand still active: the demo leaves it be.
            log(f"support: skipped “{subject}”: {refusal.message}")
            continue
        for author, body in replies:
            message_post(request=request, author=seller if author == "seller" else buyer, body=body)
        if resolved:
            request_resolve(request=request, actor=buyer)
        made += 1
    log(
        f"support: {made} demo request(s) for {buyer.email}; support included with "
        f"{OFFERS[0][0]}, sold per request for {OFFERS[1][0]}"
    )
