"""The demo, end to end over real HTTP against a live server, as `make run` serves it: the demo
buyer buys through the dev provider's checkout (whose buttons send real signed webhooks back
to the server), downloads, refunds and loses access; the demo seller sees the sale and the
refund; staff see the orders and the webhooks."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.management import call_command

from shop.models import Product

pytestmark = pytest.mark.django_db(transaction=True)


class Visitor:
    """A browser without JavaScript: cookies, redirects, and forms posted with their token."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 - the test server

    def post(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **(data or {})}).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")  # noqa: S310
        return self._open(request)

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=20) as response:
                path = urllib.parse.urlsplit(response.url).path
                return response.status, path, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, urllib.parse.urlsplit(error.url).path, ""

    def sign_in(self, email: str, password: str) -> None:
        self.get("/accounts/login/")
        status, path, _ = self.post("/accounts/login/", {"login": email, "password": password})
        assert (status, path) != (200, "/accounts/login/"), f"{email} could not sign in"


def test_the_demo_buyer_buys_downloads_and_refunds_and_everyone_sees_it(live_server, settings):
    settings.PAYMENT_PROVIDER = "dev"
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    product = Product.objects.get(title="Glyph Duotone Set")
    buyer = Visitor(live_server.url)
    buyer.sign_in("buyer@example.com", "demo-buyer-pass")

    # Buy: the product page, the order summary, the dev provider's checkout, Pay.
    _, _, page = buyer.get(f"/p/{product.slug}/")
    assert f'action="/billing/buy/{product.pk}/"' in page
    status, summary, page = buyer.post(f"/billing/buy/{product.pk}/")
    assert summary.endswith("/checkout/")
    assert "Glyph Duotone Set" in page
    status, checkout, page = buyer.post(summary)
    assert checkout.startswith("/billing/dev/checkout/")
    status, confirmed, page = buyer.post(checkout, {"pay": "1"})
    assert confirmed.startswith("/billing/orders/")
    assert "Paid" in page
    assert "Confirming your payment" not in page

    # Download it from the library.
    _, _, library = buyer.get("/library/")
    file_id = re.search(r'href="/download/(\d+)/"[^>]*>Download <span[^>]*>glyph', library, re.I)[1]
    status, _, _ = buyer.get(f"/download/{file_id}/")
    assert status == 200

    # Refund it (the dev provider's button): access goes.
    status, _, page = buyer.post(confirmed.replace("/orders/", "/dev/refund/"))
    assert "the payment was returned" in page
    assert buyer.get(f"/download/{file_id}/")[0] == 404
    assert "Glyph Duotone Set" not in buyer.get("/library/")[2]

    # The seller sees the sale and the refund.
    seller = Visitor(live_server.url)
    seller.sign_in("seller@example.com", "demo-seller-pass")
    _, _, sales = seller.get("/studio/sales/")
    assert 'class="chart__sale"' in sales
    assert 'class="chart__refund"' in sales
    row = re.search(r"Glyph Duotone Set</a></td>(.*?)</tr>", sales, re.S)[1]
    assert re.findall(r"<td>([^<]*)</td>", row)[:3] == ["1", "$19.00", "1 · $19.00"]

    # Staff see every order and webhook.
    staff = Visitor(live_server.url)
    staff.sign_in("admin@example.com", "demo-admin-pass")
    _, _, orders = staff.get("/admin/billing/order/?q=Glyph")
    assert "Refunded" in orders
    _, _, events = staff.get("/admin/billing/webhookevent/")
    assert "payment.succeeded" in events
    assert "refund.succeeded" in events
