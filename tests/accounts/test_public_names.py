"""No one's email address is shown to anyone but its owner and staff: sellers are named by their
display name wherever a product or a thread names them, buyers by their name or as
"Customer <tag>" wherever a seller sees them. The cast here has no names, so that any fallback
to the address would show."""

import pytest
from django.core.management import call_command

from accounts.services import user_start_selling
from ops.models import Notice
from support.services import message_post, request_open_included, support_offer_set
from tests.access.helpers import owned_product
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

MAKER, QUIET = "maker@example.com", "quiet@example.com"


@pytest.fixture
def maker(db):
    return user_start_selling(user=make_user(MAKER), display_name="Maker Co")


@pytest.fixture
def quiet(db):
    return make_user(QUIET)


@pytest.fixture
def kit(maker, quiet):
    product = owned_product(quiet, maker, title="Quiet Kit")
    support_offer_set(product=product, included_days=30, price=0)
    return product


@pytest.fixture
def thread(kit, maker, quiet):
    opened = request_open_included(buyer=quiet, product=kit, subject="Help", body="Broken")
    message_post(request=opened, author=maker, body="Fixed in 1.1")
    message_post(request=opened, author=quiet, body="Thanks")
    return opened


def shown(client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("url", ["/", "/products/", "/p/quiet-kit/"])
def test_shop_pages_name_the_seller_by_display_name(client, kit, url):
    page = shown(client, url)

    assert "Maker Co" in page
    assert MAKER not in page


def test_the_catalogs_htmx_results_name_the_seller_by_display_name(client, kit):
    page = shown(client, "/products/?q=quiet", HX_Request="true")

    assert "Maker Co" in page
    assert MAKER not in page


@pytest.mark.parametrize("url", ["/", "/products/", "/p/quiet-kit/", "/library/"])
def test_a_signed_in_buyer_sees_no_sellers_address(client, kit, quiet, url):
    client.force_login(quiet)

    page = shown(client, url)

    assert "Maker Co" in page
    assert MAKER not in page


def test_the_buyers_support_pages_name_the_seller_by_display_name(client, kit, quiet, thread):
    client.force_login(quiet)

    for url in [f"/support/new/{kit.slug}/", f"/support/{thread.pk}/"]:
        page = shown(client, url)
        assert "Maker Co" in page, url
        assert MAKER not in page, url


def test_the_sellers_inbox_names_a_nameless_buyer_as_a_customer(client, maker, quiet, thread):
    client.force_login(maker)

    for url in ["/studio/inbox/", f"/studio/inbox/{thread.pk}/"]:
        page = shown(client, url)
        assert quiet.public_name in page, url
        assert QUIET not in page, url


def test_the_studio_names_a_products_owners_without_their_address(client, maker, quiet, kit):
    client.force_login(maker)

    page = shown(client, f"/studio/products/{kit.pk}/")

    assert quiet.public_name in page
    assert QUIET not in page


def test_support_emails_name_each_side_without_the_others_address(maker, quiet, thread):
    to_maker = [n.message for n in Notice.objects.all() if n.message.get("to") == [MAKER]]
    to_quiet = [n.message for n in Notice.objects.all() if n.message.get("to") == [QUIET]]

    assert to_maker
    assert to_quiet
    assert all(QUIET not in str(message) for message in to_maker)
    assert all(MAKER not in str(message) for message in to_quiet)
    assert any(f"{quiet.public_name} " in message["body"] for message in to_maker)
    assert any("Maker Co answered" in message["body"] for message in to_quiet)


def test_the_demo_seller_sells_under_a_display_name(client, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent

    page = shown(client, "/products/")

    assert "Sam&#x27;s Studio" in page
    assert "seller@example.com" not in page
