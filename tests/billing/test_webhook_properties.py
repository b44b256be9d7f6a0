"""Properties of the webhook endpoint: what any forgery gets, and how any order of events ends."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access.selectors import user_owns
from billing.models import WebhookEvent
from billing.webhooks import signed_headers
from tests.billing.helpers import URL, deliver, paid_product, payment_data, pending_order

pytestmark = pytest.mark.django_db

header_values = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["v1,AAAA", "v1,", "v2,abc", ",", "v1,%%%", "1e400", "-1", "nan", ""]),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    webhook_id=header_values,
    timestamp=st.one_of(header_values, st.integers().map(str)),
    signature=header_values,
    drop=st.sets(st.sampled_from(["webhook-id", "webhook-timestamp", "webhook-signature"])),
)
def test_any_unsigned_delivery_is_a_4xx_and_changes_nothing(
    client, db, body, webhook_id, timestamp, signature, drop
):
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": signature,
    }
    headers = {
        k: v for k, v in headers.items() if k not in drop and v.isprintable() and v.isascii()
    }

    response = client.post(URL, body, content_type="application/json", headers=headers)

    assert 400 <= response.status_code < 500
    assert not WebhookEvent.objects.exists()


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=200))
def test_a_correctly_signed_malformed_body_is_a_4xx(client, db, body):
    try:
        text = body.decode()
    except UnicodeDecodeError:
        text = "x"
    response = client.post(
        URL, body, content_type="application/json", headers=signed_headers("msg_1", text)
    )

    assert response.status_code in (204, 400)
    if response.status_code == 204:  # a valid event after all: stored, never a 500
        assert WebhookEvent.objects.filter(webhook_id="msg_1").exists()


EVENTS = {
    "pay": ("payment.succeeded", None),
    "refund": ("refund.succeeded", {"payment_id": "pay_1", "refund_id": "ref_1"}),
    "lost": ("dispute.lost", {"payment_id": "pay_1", "dispute_id": "dp_1"}),
    "opened": ("dispute.opened", {"payment_id": "pay_1", "dispute_id": "dp_1"}),
}
# Which events happened (a payment delivered twice, with something else), and what access they
# leave, whatever order they arrive in.
SCENARIOS = [
    (("pay", "pay"), True, "paid"),
    (("pay", "refund", "pay"), False, "refunded"),
    (("pay", "lost", "pay"), False, "charged_back"),
    (("pay", "opened", "pay"), True, "disputed"),
]


@pytest.mark.parametrize(
    ("arrivals", "owns", "status"),
    [
        (arrivals, owns, status)
        for events, owns, status in SCENARIOS
        for arrivals in sorted(set(itertools.permutations(events)))
    ],
)
def test_every_order_of_events_ends_in_the_right_access(
    client, buyer, seller, arrivals, owns, status
):
    order = pending_order(buyer, paid_product(seller))
    for name in arrivals:
        kind, data = EVENTS[name]
        response = deliver(client, kind, data or payment_data(order))
        assert response.status_code == 204

    order.refresh_from_db()
    assert user_owns(user=buyer, product=order.product) is owns
    assert order.status == status
