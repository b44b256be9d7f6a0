"""The seller's sales list in the studio (/studio/sales/list/): every sale of theirs, newest
first, a page at a time by keyset, filtered by product and status, and as CSV."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import Order
from billing.sales import SALE_LIST_SIZE, csv_cell
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order
from tests.conftest import make_seller, make_user

pytestmark = pytest.mark.django_db
URL = "/studio/sales/list/"
HTMX = {"HX-Request": "true"}


def sold(buyer, product, *, status="paid", minutes_ago=0, item="product", amount=None) -> Order:
    """An order that was paid `minutes_ago`, and is now in `status` (a read-only list needs no
    webhook to get there)."""
    return Order.objects.create(
        buyer=buyer,
        product=product,
        item=item,
        amount=product.price if amount is None else amount,
        currency=product.currency,
        status=status,
        provider="dev",
        payment_id=f"pay_{uuid.uuid4().hex}",
        paid_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def kit(seller):
    return paid_product(seller, title="Budget Kit", price=1200)


def rows(response) -> list[str]:
    return [order.public_id for order in response.context["page"].sales]


def downloaded(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# Who may see it


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/?next=/studio/sales/list/")


def test_htmx_anonymous_is_sent_to_login_through_htmx(client):
    assert client.get(URL, headers=HTMX)["HX-Redirect"].startswith("/accounts/login/")


def test_a_buyer_without_the_seller_role_is_refused(client, buyer):
    client.force_login(buyer)

    assert client.get(URL).status_code == 403
    assert client.get(URL + "?format=csv").status_code == 403


def test_there_is_no_sales_list_in_the_library(client, buyer):
    client.force_login(buyer)

    assert client.get("/library/sales/list/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_refuses_other_methods(client, seller, method):
    client.force_login(seller)

    assert getattr(client, method)(URL).status_code == 405


def test_a_seller_sees_only_their_own_sales(client, seller, buyer, kit):
    mine = sold(buyer, kit)
    theirs = sold(buyer, paid_product(make_seller("other@example.com"), title="Their Kit"))
    client.force_login(seller)

    response = client.get(URL)

    assert rows(response) == [mine.public_id]
    page = response.content.decode()
    assert "Their Kit" not in page
    assert str(theirs.public_id) not in page
    assert 'href="/studio/sales/list/" aria-current="page"' in page


def test_another_sellers_product_is_no_filter(client, seller, buyer, kit):
    theirs = paid_product(make_seller("other@example.com"), title="Their Kit")
    sold(buyer, theirs)
    client.force_login(seller)

    response = client.get(URL + f"?product={theirs.pk}")

    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Select a valid choice" in response.content.decode()
    assert f'<option value="{theirs.pk}"' not in response.content.decode()


def test_another_sellers_product_is_no_filter_for_the_csv_either(client, seller, buyer, kit):
    theirs = paid_product(make_seller("other@example.com"), title="Their Kit")
    sold(buyer, theirs)
    client.force_login(seller)

    response = client.get(URL + f"?product={theirs.pk}&format=csv")

    assert response["Content-Type"].startswith("text/html")
    assert b"Their Kit" not in response.content


# What it shows


def test_each_sale_shows_its_date_product_buyer_amount_and_status(client, seller, buyer, kit):
    euro = paid_product(seller, title="Euro Kit", price=800)
    Order.objects.filter(pk=sold(buyer, kit, minutes_ago=60).pk).update(status="refunded")
    euro.currency = "EUR"
    euro.save()
    sold(make_user("second@example.com", name="Sid Second"), euro, status="charged_back")
    client.force_login(seller)

    response = client.get(URL)

    page = response.content.decode()
    assert [order.product.title for order in response.context["page"].sales] == [
        "Euro Kit",
        "Budget Kit",
    ]
    assert "€8.00" in page
    assert "$12.00" in page
    assert "Sid Second" in page
    assert "Bea Buyer" in page
    assert ">Refunded</span>" in page
    assert ">Charged back</span>" in page
    assert timezone.localtime(timezone.now()).strftime("%Y") in page


def test_orders_never_paid_are_not_sales(client, seller, buyer, kit):
    for status in ("failed", "cancelled"):
        Order.objects.filter(pk=pending_order(buyer, kit).pk).update(status=status)
    pending_order(buyer, kit)  # one pending order per buyer and price at a time
    client.force_login(seller)

    response = client.get(URL)

    assert rows(response) == []
    assert "No sales yet" in response.content.decode()


def test_a_sale_through_the_webhook_is_listed_at_once(client, seller, buyer, kit):
    order = pending_order(buyer, kit)
    client.force_login(seller)
    assert rows(client.get(URL)) == []

    deliver(client, "payment.succeeded", payment_data(order))

    assert rows(client.get(URL)) == [order.public_id]


def test_a_support_request_sold_is_named_as_such(client, seller, buyer, kit):
    sold(buyer, kit, item="support", amount=900)
    client.force_login(seller)

    page = client.get(URL).content.decode()

    assert "Support request for Budget Kit" in page
    assert "$9.00" in page


def test_a_buyer_without_a_name_is_a_numbered_customer_never_their_address(
    client, seller, stranger, kit
):
    sold(stranger, kit)
    client.force_login(seller)

    page = client.get(URL).content.decode()
    export = b"".join(client.get(URL + "?format=csv").streaming_content).decode()

    assert stranger.public_name in page
    assert stranger.public_name in export
    assert "stranger@example.com" not in page
    assert "stranger@example.com" not in export


def test_the_product_filter_lists_only_products_that_sold(client, seller, buyer, kit):
    paid_product(seller, title="Unsold Kit")
    sold(buyer, kit)
    client.force_login(seller)

    page = client.get(URL).content.decode()

    assert f'<option value="{kit.pk}">Budget Kit</option>' in page
    assert "Unsold Kit" not in page


def test_filters_by_product_and_status(client, seller, buyer, kit):
    icons = paid_product(seller, title="Icon Set", price=500)
    kit_paid = sold(buyer, kit, minutes_ago=3)
    kit_refunded = sold(buyer, kit, status="refunded", minutes_ago=2)
    icons_refunded = sold(buyer, icons, status="refunded", minutes_ago=1)
    client.force_login(seller)

    assert rows(client.get(URL + f"?product={kit.pk}")) == [
        kit_refunded.public_id,
        kit_paid.public_id,
    ]
    assert rows(client.get(URL + "?status=refunded")) == [
        icons_refunded.public_id,
        kit_refunded.public_id,
    ]
    chosen = client.get(URL + f"?product={kit.pk}&status=paid")
    assert rows(chosen) == [kit_paid.public_id]
    assert f'<option value="{kit.pk}" selected>' in chosen.content.decode()
    nothing = client.get(URL + f"?product={icons.pk}&status=charged_back")
    assert "No sales match" in nothing.content.decode()


@pytest.mark.parametrize("query", ["?status=pending", "?status=bogus", "?product=x"])
def test_a_bad_filter_is_explained_and_shows_nothing(client, seller, buyer, kit, query):
    sold(buyer, kit)
    client.force_login(seller)

    response = client.get(URL + query)

    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Select a valid choice" in response.content.decode()


def test_htmx_gets_the_results_alone(client, seller, buyer, kit):
    sold(buyer, kit)
    client.force_login(seller)

    response = client.get(URL + "?status=paid", headers=HTMX)

    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section id="results"')
    assert "<html" not in fragment
    assert "Budget Kit" in fragment
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_full_page(client, seller):
    client.force_login(seller)

    response = client.get(URL, headers={**HTMX, "HX-History-Restore-Request": "true"})

    assert b"<html" in response.content


def test_the_sales_figures_link_to_the_list_and_back(client, seller):
    client.force_login(seller)

    assert 'href="/studio/sales/list/"' in client.get("/studio/sales/").content.decode()
    assert 'href="/studio/sales/"' in client.get(URL).content.decode()


# Pages


def test_pages_go_back_in_time_and_forward_again_keeping_the_filters(client, seller, buyer, kit):
    # Two sales at each minute: ties on the payment time are ordered by id.
    made = [sold(buyer, kit, minutes_ago=n // 2) for n in range(2 * SALE_LIST_SIZE + 10)]
    Order.objects.filter(pk__in=[o.pk for o in made[1::2]]).update(
        paid_at=Order.objects.get(pk=made[0].pk).paid_at
    )
    newest_first = list(
        Order.objects.order_by("-paid_at", "-pk").values_list("public_id", flat=True)
    )
    client.force_login(seller)

    first = client.get(URL + "?status=paid")
    older = first.context["page"].older
    second = client.get(URL + f"?status=paid&after={older}")
    third = client.get(URL + f"?status=paid&after={second.context['page'].older}")
    back = client.get(URL + f"?status=paid&before={third.context['page'].newer}")

    assert rows(first) == newest_first[:SALE_LIST_SIZE]
    assert rows(second) == newest_first[SALE_LIST_SIZE : 2 * SALE_LIST_SIZE]
    assert rows(third) == newest_first[2 * SALE_LIST_SIZE :]
    assert rows(back) == rows(second)
    assert third.context["page"].older == ""
    assert first.context["page"].newer == ""
    page = first.content.decode()
    assert f'href="?status=paid&amp;after={older}"' in page
    assert "Newest" not in page
    assert "Newest" in second.content.decode()


def test_going_forward_to_the_newest_shows_the_newest_page_whole(client, seller, buyer, kit):
    for n in range(SALE_LIST_SIZE + 5):
        sold(buyer, kit, minutes_ago=n)
    client.force_login(seller)
    first = client.get(URL)
    second = client.get(URL + f"?after={first.context['page'].older}")

    back = client.get(URL + f"?before={second.context['page'].newer}")

    assert rows(back) == rows(first)
    assert back.context["page"].first


@pytest.mark.parametrize(
    "query", ["?after=yesterday", "?after=1.x", "?before=99999999999999999999.1", "?after=%C2%B9.1"]
)
def test_a_broken_page_link_is_explained(client, seller, buyer, kit, query):
    sold(buyer, kit)
    client.force_login(seller)

    response = client.get(URL + query)

    assert response.status_code == 200
    assert response.context["page"] is None
    assert "This page link is broken" in response.content.decode()


def test_the_query_count_is_pinned_and_does_not_grow_with_sales(
    client, seller, buyer, kit, django_assert_num_queries
):
    client.force_login(seller)
    client.get(URL)  # the session's user, cached from here on
    sold(buyer, kit)
    # The products that sold (the filter's choices) and the page of sales; the session and
    # its user come from the cache.
    with django_assert_num_queries(2):
        assert len(rows(client.get(URL))) == 1
    for n in range(SALE_LIST_SIZE + 5):
        sold(make_user(f"b{n}@example.com", name=f"B {n}"), kit, minutes_ago=n + 1)

    with django_assert_num_queries(2):
        assert len(rows(client.get(URL))) == SALE_LIST_SIZE
    with django_assert_num_queries(2):
        assert len(rows(client.get(URL, headers=HTMX))) == SALE_LIST_SIZE


# CSV


def test_the_csv_has_every_sale_matching_the_filters_newest_first(client, seller, buyer, kit):
    for n in range(SALE_LIST_SIZE + 3):
        sold(buyer, kit, minutes_ago=n)
    refunded = sold(buyer, kit, status="refunded", minutes_ago=100)
    sold(buyer, paid_product(make_seller("other@example.com"), title="Their Kit"))
    client.force_login(seller)

    response = client.get(URL + "?format=csv")
    only_refunded = downloaded(client.get(URL + "?format=csv&status=refunded"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sales-')
    header, *lines = downloaded(response)
    assert header == [
        "Paid at",
        "Order",
        "Product",
        "Item",
        "Buyer",
        "Amount",
        "Currency",
        "Status",
    ]
    assert len(lines) == SALE_LIST_SIZE + 4
    assert lines[0][2:] == ["Budget Kit", "Product", "Bea Buyer", "12.00", "USD", "Paid"]
    assert lines[-1][1] == str(refunded.public_id)
    assert lines[-1][-1] == "Refunded"
    assert [line[1] for line in only_refunded[1:]] == [str(refunded.public_id)]


def test_the_csv_ignores_the_page_it_was_asked_from(client, seller, buyer, kit):
    for n in range(SALE_LIST_SIZE + 3):
        sold(buyer, kit, minutes_ago=n)
    client.force_login(seller)
    older = client.get(URL).context["page"].older

    page = client.get(URL + f"?after={older}").content.decode()
    export = downloaded(client.get(URL + "?format=csv"))

    assert 'href="?format=csv"' in page
    assert len(export) == SALE_LIST_SIZE + 4


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted(client, seller):
    evil = paid_product(seller, title='=HYPERLINK("http://x","Kit")', price=900)
    sold(make_user("minus@example.com", name="-2+3"), evil, minutes_ago=1)
    at = paid_product(seller, title="@SUM(A1)", price=900)
    sold(make_user("plus@example.com", name="+44 20 7946 0000"), at)
    client.force_login(seller)

    _, newer, older = downloaded(client.get(URL + "?format=csv"))

    assert newer[2] == "'@SUM(A1)"
    assert newer[4] == "'+44 20 7946 0000"
    assert older[2] == '\'=HYPERLINK("http://x","Kit")'
    assert older[4] == "'-2+3"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_quoted(start):
    assert csv_cell(f"{start}1") == f"'{start}1"
    assert csv_cell(f"a{start}1") == f"a{start}1"


def test_the_csv_reads_its_rows_in_one_query_however_many(
    client, seller, buyer, kit, django_assert_num_queries
):
    for n in range(SALE_LIST_SIZE + 5):
        sold(buyer, kit, minutes_ago=n)
    client.force_login(seller)
    client.get(URL)

    # The products that sold (the filter's choices) and the sales, read in chunks.
    with django_assert_num_queries(2):
        assert len(downloaded(client.get(URL + "?format=csv"))) == SALE_LIST_SIZE + 6


def test_the_list_and_the_csv_work_with_the_cache_down(cache_down, client, seller, buyer, kit):
    sold(buyer, kit)
    client.force_login(seller)

    assert rows(client.get(URL)) == [Order.objects.get().public_id]
    assert len(downloaded(client.get(URL + "?format=csv"))) == 2
