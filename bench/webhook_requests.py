"""Write one signed `payment.succeeded` webhook per bench order waiting for payment, for wrk
(bench/webhook.lua) to send, each once: id, timestamp, signature and body, tab-separated.

Signed now, with the server's own secret (the same SECRET_KEY), since the endpoint refuses
timestamps more than five minutes away."""

import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from billing.models import Order  # noqa: E402
from billing.providers.dev import payment_event  # noqa: E402
from billing.webhooks import signed_headers  # noqa: E402

waiting = Order.objects.filter(status="pending", buyer__email__startswith="bench-payer-")
written = 0
with open(sys.argv[1], "w") as out:
    for order in waiting.order_by("pk").iterator():
        order.payment_id = f"bench_webhook_pay_{order.pk}"
        _, body = payment_event(order, "payment.succeeded")
        headers = signed_headers(f"msg_bench_{order.pk}", body)
        out.write(
            "\t".join(
                [
                    headers["webhook-id"],
                    headers["webhook-timestamp"],
                    headers["webhook-signature"],
                    body,
                ]
            )
            + "\n"
        )
        written += 1
print(written)
