import pytest

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _log_in(client, email, next_url=None, password=PASSWORD):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": email, "password": password})


@pytest.mark.parametrize(
    ("cast", "landing"),
    [("buyer", "/library/"), ("seller", "/studio/"), ("staff", "/admin/")],
)
def test_login_lands_where_the_role_says(client, request, cast, landing):
    user = request.getfixturevalue(cast)

    response = _log_in(client, user.email)

    assert response.status_code == 302
    assert response["Location"] == landing


def test_email_login_ignores_case(client, buyer):
    response = _log_in(client, "BUYER@Example.COM")

    assert response["Location"] == "/library/"


@pytest.mark.parametrize(
    "unsafe",
    [
        "//evil.com",
        "https://evil.com",
        "/\\evil.com",
        "javascript:alert(1)",
        "http://evil.com/library/",
        "///evil.com",
    ],
)
def test_unsafe_next_is_ignored(client, buyer, unsafe):
    response = client.post(
        "/accounts/login/", {"login": buyer.email, "password": PASSWORD, "next": unsafe}
    )

    assert response.status_code == 302
    assert response["Location"] == "/library/"


def test_a_safe_next_is_honoured(client, buyer):
    response = _log_in(client, buyer.email, next_url="/library/account/")

    assert response["Location"] == "/library/account/"


def test_a_wrong_password_re_renders_the_form(client, buyer):
    response = _log_in(client, buyer.email, password="wrong-password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_inactive_users_cannot_log_in(client, db):
    make_user("gone@example.com", is_active=False)

    response = _log_in(client, "gone@example.com")

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] == "/accounts/inactive/"


def test_repeated_failed_logins_answer_429(client, buyer):
    statuses = [_log_in(client, buyer.email, password=f"wrong-{i}").status_code for i in range(6)]

    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429


def test_logout_needs_a_post(client, buyer):
    client.force_login(buyer)

    assert client.get("/accounts/logout/").status_code == 302
    assert "_auth_user_id" in client.session

    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def _log_in_from(client, forwarded_for, email="buyer@example.com"):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": "wrong-password"},
        headers={"X-Forwarded-For": forwarded_for},
        REMOTE_ADDR="10.0.0.1",  # the proxy, the same for everyone
    )


@pytest.fixture
def two_sign_ins_a_minute(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip", "login_failed": False}


@pytest.mark.usefixtures("two_sign_ins_a_minute")
def test_behind_a_trusted_proxy_visitors_are_limited_each_on_their_own(client, buyer, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    first = [_log_in_from(client, "203.0.113.1").status_code for _ in range(3)]

    second = _log_in_from(client, "203.0.113.2").status_code

    assert first == [200, 200, 429]
    assert second == 200


@pytest.mark.usefixtures("two_sign_ins_a_minute")
def test_without_a_trusted_proxy_a_forged_forwarded_for_escapes_no_limit(client, buyer, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    statuses = [_log_in_from(client, f"203.0.113.{i}").status_code for i in range(3)]

    assert statuses == [200, 200, 429]


def test_a_forwarded_for_shorter_than_the_trusted_proxies_is_no_error(client, buyer, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    assert _log_in_from(client, "203.0.113.1").status_code == 200
