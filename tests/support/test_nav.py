"""Support in the panels' navigation: the seller's inbox as "Inbox" among the studio's own
pages, and the requests one made as a buyer as "Your support requests" in both panels, after
them; Telegram with the account's settings."""

import re

import pytest

pytestmark = pytest.mark.django_db

STUDIO = [
    ("Products", "/studio/"),
    ("Sales", "/studio/sales/"),
    ("Sales list", "/studio/sales/list/"),
    ("Inbox", "/studio/inbox/"),
    ("Your support requests", "/studio/support/"),
    ("Telegram", "/studio/telegram/"),
    ("Profile", "/studio/account/"),
    ("Email", "/studio/account/email/"),
    ("Password", "/studio/account/password/"),
    ("Sign out", "/studio/account/sign-out/"),
]
LIBRARY = [
    ("Your products", "/library/"),
    ("Orders", "/library/orders/"),
    ("Your support requests", "/library/support/"),
    ("Profile", "/library/account/"),
    ("Email", "/library/account/email/"),
    ("Password", "/library/account/password/"),
    ("Sign out", "/library/account/sign-out/"),
]


def _panel_nav(page: str) -> str:
    return re.search(r'<ul class="panel__nav">(.*?)</ul>', page, re.S).group(1)


def nav(page: str) -> list[tuple[str, str]]:
    """(label, URL) of each link of the panel's navigation, in order."""
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', _panel_nav(page))
    return [(label, url) for url, label in links]


def current(page: str) -> list[str]:
    """The labels of the panel's navigation marked as the page shown."""
    return re.findall(r'aria-current="page">([^<]+)</a>', _panel_nav(page))


def test_the_studio_lists_the_inbox_before_the_sellers_own_requests(client, seller):
    client.force_login(seller)

    page = client.get("/studio/").content.decode()

    assert nav(page) == STUDIO


def test_the_library_lists_the_buyers_requests_as_theirs(client, buyer):
    client.force_login(buyer)

    page = client.get("/library/").content.decode()

    assert nav(page) == LIBRARY


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("/studio/inbox/", "Inbox"),
        ("/studio/support/", "Your support requests"),
        ("/library/support/", "Your support requests"),
    ],
)
def test_each_support_page_marks_its_own_link_current(client, seller, url, label):
    client.force_login(seller)

    page = client.get(url).content.decode()

    assert current(page) == [label]
    assert nav(page) == (LIBRARY if url.startswith("/library/") else STUDIO)
