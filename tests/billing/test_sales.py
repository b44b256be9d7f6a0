from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.services import access_grant, access_revoke
from billing.models import Order
from billing.sales import Day, bar_chart, sales_report
from billing.services import order_start
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order
from tests.conftest import make_seller, make_user

pytestmark = pytest.mark.django_db
URL = "/studio/sales/"


def sell(client, buyer, product, *, payment_id: str, days_ago: int = 0) -> Order:
    """A sale through the webhook, as it happens, then moved back in time if asked."""
    order = pending_order(buyer, product)
    assert deliver(client, "payment.succeeded", payment_data(order, payment_id)).status_code == 204
    if days_ago:
        when = timezone.now() - timedelta(days=days_ago)
        Order.objects.filter(pk=order.pk).update(paid_at=when)
    order.refresh_from_db()
    return order


def refund(client, order: Order) -> None:
    data = {"payment_id": order.payment_id, "refund_id": f"ref_{order.pk}", "amount": order.amount}
    assert deliver(client, "refund.succeeded", data).status_code == 204


def charge_back(client, order: Order, outcome: str = "dispute.lost") -> None:
    data = {"payment_id": order.payment_id, "dispute_id": f"dp_{order.pk}"}
    assert deliver(client, outcome, data).status_code == 204


def today_range() -> str:
    today = timezone.localdate()
    return f"?start={today - timedelta(days=6):%Y-%m-%d}&end={today:%Y-%m-%d}"


# Who may see it


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/?next=/studio/sales/")


def test_a_buyer_without_the_seller_role_is_refused(client, buyer):
    client.force_login(buyer)

    assert client.get(URL).status_code == 403


def test_there_is_no_sales_page_in_the_library(client, buyer):
    client.force_login(buyer)

    assert client.get("/library/sales/").status_code == 404


def test_it_refuses_post(client, seller):
    client.force_login(seller)

    assert client.post(URL).status_code == 405


def test_a_seller_sees_only_their_own_sales(client, seller, buyer):
    other = make_seller("other@example.com")
    sell(client, buyer, paid_product(seller, title="Mine Kit"), payment_id="pay_a")
    sell(client, buyer, paid_product(other, title="Their Kit", price=9900), payment_id="pay_b")
    client.force_login(seller)

    page = client.get(URL).content.decode()

    assert "Mine Kit" in page
    assert "Their Kit" not in page
    assert "$99.00" not in page
    assert 'href="/studio/sales/" aria-current="page"' in page


# What it shows


def test_sales_refunds_and_owners_over_the_range(client, seller, buyer):
    kit = paid_product(seller, title="Budget Kit", price=1200)
    icons = paid_product(seller, title="Icon Set", price=500)
    second = make_user("second@example.com")
    sell(client, buyer, kit, payment_id="pay_1", days_ago=3)
    refund(client, sell(client, second, kit, payment_id="pay_2"))
    sell(client, buyer, icons, payment_id="pay_3")
    sell(client, second, icons, payment_id="pay_old", days_ago=40)  # outside the range
    client.force_login(seller)

    report = client.get(URL + today_range()).context["report"]

    (usd,) = report.currencies
    assert (usd.sales, usd.revenue, usd.refunds, usd.refunded, usd.net) == (3, 2900, 1, 1200, 1700)
    assert len(usd.days) == 7
    assert [day.sales for day in usd.days] == [0, 0, 0, 1, 0, 0, 2]
    rows = {row.title: row for row in report.products}
    kit_row, icons_row = rows["Budget Kit"], rows["Icon Set"]
    assert (kit_row.sales, kit_row.revenue, kit_row.refunds, kit_row.owners) == (2, 2400, 1, 1)
    assert (icons_row.sales, icons_row.revenue, icons_row.owners) == (1, 500, 2)
    assert report.active_owners == 3


def test_chargebacks_are_subtracted_like_refunds_and_shown(client, seller, buyer):
    kit = paid_product(seller, title="Budget Kit", price=1200)
    sell(client, buyer, kit, payment_id="pay_1")
    refund(client, sell(client, make_user("second@example.com"), kit, payment_id="pay_2"))
    charge_back(client, sell(client, make_user("third@example.com"), kit, payment_id="pay_3"))
    client.force_login(seller)

    response = client.get(URL + today_range())

    (usd,) = response.context["report"].currencies
    assert (usd.sales, usd.revenue, usd.refunded) == (3, 3600, 1200)
    assert (usd.chargebacks, usd.charged_back, usd.net) == (1, 1200, 1200)
    (row,) = response.context["report"].products
    assert (row.chargebacks, row.charged_back, row.net, row.owners) == (1, 1200, 1200, 1)
    page = response.content.decode()
    assert '<th scope="col">Charged back</th>' in page
    assert page.count('<rect class="chart__chargeback"') == 1
    assert "1 chargeback, $12.00" in page


def test_a_chargeback_counts_on_the_day_it_was_lost(client, seller, buyer):
    order = sell(client, buyer, paid_product(seller), payment_id="pay_1", days_ago=40)
    charge_back(client, order)
    client.force_login(seller)

    (usd,) = client.get(URL + today_range()).context["report"].currencies

    assert (usd.sales, usd.chargebacks, usd.net) == (0, 1, -1200)


def test_a_dispute_won_after_a_chargeback_counts_as_a_sale_again(client, seller, buyer):
    order = sell(client, buyer, paid_product(seller), payment_id="pay_1")
    charge_back(client, order)
    client.force_login(seller)
    assert client.get(URL).context["report"].currencies[0].chargebacks == 1

    charge_back(client, order, "dispute.won")

    (usd,) = client.get(URL).context["report"].currencies
    assert (usd.sales, usd.chargebacks, usd.net) == (1, 0, 1200)


def test_the_chart_is_svg_with_a_bar_per_day_with_sales_and_refunds(client, seller, buyer):
    kit = paid_product(seller, title="Budget Kit", price=1200)
    refund(client, sell(client, buyer, kit, payment_id="pay_1"))
    sell(client, make_user("b2@example.com"), kit, payment_id="pay_2", days_ago=2)
    client.force_login(seller)

    page = client.get(URL + today_range()).content.decode()

    assert page.count('<rect class="chart__sale"') == 2
    assert page.count('<rect class="chart__refund"') == 1
    assert "1 refund, $12.00" in page
    assert "<script" not in page.split('<section id="report"')[1]


def test_an_empty_range_says_so(client, seller):
    client.force_login(seller)

    page = client.get(URL).content.decode()

    assert "No sales in this range" in page
    assert "<svg" not in page


def test_each_currency_has_its_own_figures(client, seller, buyer):
    sell(client, buyer, paid_product(seller, title="Dollar Kit"), payment_id="pay_usd")
    euro = paid_product(seller, title="Euro Kit", price=800)
    euro.currency = "EUR"
    euro.save()
    sell(client, buyer, euro, payment_id="pay_eur")
    client.force_login(seller)

    report = client.get(URL).context["report"]

    assert [(money.currency, money.revenue) for money in report.currencies] == [
        ("EUR", 800),
        ("USD", 1200),
    ]


def sell_support(client, buyer, product, *, payment_id: str, amount: int = 900) -> Order:
    """A support request about `product`, sold through the webhook (billing.fulfilment)."""
    order = order_start(buyer=buyer, product=product, provider="dev", item="support", amount=amount)
    assert deliver(client, "payment.succeeded", payment_data(order, payment_id)).status_code == 204
    order.refresh_from_db()
    return order


def test_support_requests_sold_are_revenue_but_no_sale_of_the_product(client, seller, buyer):
    kit = paid_product(seller, title="Budget Kit", price=1200)
    sell(client, buyer, kit, payment_id="pay_1")
    sell_support(client, buyer, kit, payment_id="pay_2")
    refund(client, sell_support(client, buyer, kit, payment_id="pay_3", amount=500))
    client.force_login(seller)

    response = client.get(URL + today_range())

    report = response.context["report"]
    (usd,) = report.currencies
    assert (usd.sales, usd.support, usd.support_revenue) == (1, 2, 1400)
    assert (usd.revenue, usd.refunded, usd.net) == (2600, 500, 2100)
    (product_row,) = report.products
    assert (product_row.sales, product_row.revenue, product_row.owners) == (1, 1200, 1)
    (support_row,) = report.support
    assert (support_row.title, support_row.item) == ("Budget Kit", "support")
    assert (support_row.sales, support_row.revenue, support_row.refunds) == (2, 1400, 1)
    page = response.content.decode()
    assert "<h2>Support requests</h2>" in page
    assert "2 · $14.00" in page
    assert "1 sale and 2 support requests, $26.00" in page


def test_without_support_sold_there_is_no_support_figure(client, seller, buyer):
    sell(client, buyer, paid_product(seller), payment_id="pay_1")
    client.force_login(seller)

    page = client.get(URL).content.decode()

    assert "Support requests" not in page
    assert "with support" not in page


def test_the_report_with_support_still_reads_four_queries(client, seller, buyer):
    kit = paid_product(seller)
    sell(client, buyer, kit, payment_id="pay_1")
    sell_support(client, buyer, kit, payment_id="pay_2")
    today = timezone.localdate()

    with CaptureQueriesContext(connection) as queries:
        report = sales_report(seller_id=seller.pk, start=today - timedelta(days=6), end=today)

    assert len(queries) == 4
    assert (len(report.products), len(report.support)) == (1, 1)


# The range


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?start=2026-02-10&end=2026-02-01", "must start before it ends"),
        ("?start=2026-02-10&end=2026-02-01", 'value="2026-02-10"'),  # what was typed stays
        ("?start=2020-01-01&end=2026-01-01", "at most 366 days"),
        ("?end=2999-01-01", "cannot end in the future"),
        ("?start=yesterday", "Enter a valid date"),
        ("?end=0001-01-01", "Choose a later end date"),
    ],
)
def test_a_bad_range_is_explained_and_shows_nothing(client, seller, query, message):
    client.force_login(seller)

    response = client.get(URL + query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["report"] is None


def test_the_default_range_is_the_last_30_days(client, seller):
    client.force_login(seller)

    report = client.get(URL).context["report"]

    assert report.end == timezone.localdate()
    assert report.days == 30


def test_htmx_gets_the_report_alone(client, seller, buyer):
    sell(client, buyer, paid_product(seller), payment_id="pay_1")
    client.force_login(seller)

    fragment = client.get(URL + today_range(), headers={"HX-Request": "true"}).content.decode()

    assert fragment.lstrip().startswith('<section id="report"')
    assert "<html" not in fragment
    assert "chart__sale" in fragment
    # The dates come along, so they always show the range on screen (a preset's too).
    today = timezone.localdate()
    assert f'name="start" id="id_start" value="{today - timedelta(days=6):%Y-%m-%d}"' in fragment


# Speed and freshness


def test_the_query_count_does_not_grow_with_sales(client, seller, buyer):
    client.force_login(seller)
    sell(client, buyer, paid_product(seller, title="Kit 0"), payment_id="pay_0")
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL + f"?start={today - timedelta(days=300):%Y-%m-%d}").context["report"]
    for n in range(1, 8):
        product = paid_product(seller, title=f"Kit {n}")
        order = sell(client, make_user(f"b{n}@example.com"), product, payment_id=f"pay_{n}")
        if n % 2:
            refund(client, order)
        elif n % 3:
            charge_back(client, order)
            Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=n))

    with CaptureQueriesContext(connection) as many:
        assert client.get(URL + f"?start={today - timedelta(days=299):%Y-%m-%d}").context["report"]

    assert len(many) == len(few)


def test_a_cached_page_is_served_without_asking_the_database_for_sales(client, seller, buyer):
    sell(client, buyer, paid_product(seller), payment_id="pay_1")
    client.force_login(seller)
    client.get(URL)

    with CaptureQueriesContext(connection) as queries:
        client.get(URL)

    assert not [q for q in queries if "billing_order" in q["sql"]]


def test_a_sale_and_a_refund_show_at_once_despite_the_cache(client, seller, buyer):
    kit = paid_product(seller)
    client.force_login(seller)
    assert "No sales in this range" in client.get(URL).content.decode()

    order = sell(client, buyer, kit, payment_id="pay_1")
    assert client.get(URL).context["report"].currencies[0].sales == 1

    refund(client, order)
    assert client.get(URL).context["report"].currencies[0].refunds == 1


def test_a_new_owner_of_a_free_product_shows_at_once(client, seller, buyer):
    free = paid_product(seller, title="Free Kit", price=0)
    client.force_login(seller)
    assert client.get(URL).context["report"].active_owners == 0

    access_grant(user=buyer, product=free, source="free", via="test")
    assert client.get(URL).context["report"].active_owners == 1

    access_revoke(user=buyer, product=free, reason="staff", via="test")
    assert client.get(URL).context["report"].active_owners == 0


def test_another_sellers_sale_leaves_the_cached_page_alone(client, seller, buyer):
    theirs = paid_product(make_seller("other@example.com"))
    client.force_login(seller)
    client.get(URL)

    sell(client, buyer, theirs, payment_id="pay_1")
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)

    assert not [q for q in queries if "billing_order" in q["sql"]]


# The chart's geometry


def test_bars_are_proportional_and_refunds_hang_below_the_baseline():
    today = timezone.localdate()
    days = [Day(today, sales=1, revenue=1000), Day(today, sales=2, revenue=2000, refunded=1000)]

    chart = bar_chart(days)

    sales = [bar for bar in chart.bars if bar.kind == "sale"]
    (refunded,) = [bar for bar in chart.bars if bar.kind == "refund"]
    assert sales[1].height == pytest.approx(2 * sales[0].height)
    assert refunded.y == chart.baseline
    assert refunded.height == pytest.approx(sales[0].height)
    assert sales[1].y == pytest.approx(10)  # the tallest reaches the top
    assert all(bar.x + bar.width <= chart.right for bar in chart.bars)


def test_chargebacks_hang_under_the_refunds():
    today = timezone.localdate()
    days = [Day(today, sales=1, revenue=1000, refunded=500, charged_back=1500)]

    chart = bar_chart(days)

    bars = {bar.kind: bar for bar in chart.bars}
    assert bars["refund"].y == chart.baseline
    assert bars["chargeback"].y == pytest.approx(chart.baseline + bars["refund"].height)
    assert bars["chargeback"].height == pytest.approx(3 * bars["refund"].height)
    assert bars["chargeback"].y + bars["chargeback"].height == pytest.approx(
        chart.height - 26  # the bottom of the plot: the deepest day reaches it
    )


def test_a_chart_of_nothing_has_no_bars():
    chart = bar_chart([Day(timezone.localdate())])

    assert chart.bars == []
    assert chart.y_labels == [(chart.baseline, 0, False)]


def test_the_report_reads_four_queries_whatever_the_range(seller):
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        sales_report(seller_id=seller.pk, start=today - timedelta(days=365), end=today)

    assert len(queries) == 4
