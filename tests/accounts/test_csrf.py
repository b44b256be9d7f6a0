import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SIGNED_OUT_POSTS = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
SIGNED_IN_POSTS = [
    "/accounts/logout/",
    "/accounts/email/",
    "/account/start-selling/",
    "/library/account/",
    "/studio/account/",
    "/library/account/password/",
    "/studio/account/password/",
    "/library/account/email/",
    "/studio/account/email/",
]


@pytest.fixture
def strict_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("url", SIGNED_OUT_POSTS)
def test_signed_out_posts_need_the_csrf_token(strict_client, buyer, url):
    response = strict_client.post(url, {"login": buyer.email, "email": buyer.email})

    assert response.status_code == 403
    assert b"Your form expired" in response.content


@pytest.mark.parametrize("url", SIGNED_IN_POSTS)
def test_signed_in_posts_need_the_csrf_token(strict_client, seller, url):
    strict_client.force_login(seller)

    response = strict_client.post(url, {"name": "Changed", "email": "new@example.com"})

    assert response.status_code == 403
    seller.refresh_from_db()
    assert seller.name == "Sam Seller"
    assert "_auth_user_id" in strict_client.session


def test_the_token_from_the_page_is_accepted(strict_client, buyer):
    strict_client.force_login(buyer)
    page = strict_client.get("/library/account/")
    token = page.context["csrf_token"]

    response = strict_client.post(
        "/library/account/", {"name": "Bea B"}, HTTP_X_CSRFTOKEN=str(token)
    )

    assert response.status_code == 302
