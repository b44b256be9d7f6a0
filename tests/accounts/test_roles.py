import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from accounts.roles import customer_required, seller_required, staff_required

pytestmark = pytest.mark.django_db


def _open(gate, user, *, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    request = RequestFactory().get("/somewhere/?page=2", headers=headers)
    request.user = user
    request.htmx = HtmxDetails(request)
    return gate(lambda request: HttpResponse("inside"))(request)


@pytest.mark.parametrize("gate", [customer_required, seller_required, staff_required])
def test_anonymous_is_sent_to_login_with_next(gate):
    response = _open(gate, AnonymousUser())

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/somewhere/%3Fpage%3D2"


def test_anonymous_htmx_requests_are_redirected_by_htmx():
    response = _open(seller_required, AnonymousUser(), htmx=True)

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("gate", "cast"),
    [(customer_required, "buyer"), (seller_required, "seller"), (staff_required, "staff")],
)
def test_the_role_opens_its_gate(request, gate, cast):
    response = _open(gate, request.getfixturevalue(cast))

    assert response.content == b"inside"


@pytest.mark.parametrize(
    ("gate", "cast", "missing"),
    [
        (seller_required, "buyer", b"for sellers"),
        (staff_required, "seller", b"for staff members"),
        (customer_required, "staff", b"for customers"),
    ],
)
def test_a_missing_role_gets_a_403_that_names_it(request, gate, cast, missing):
    response = _open(gate, request.getfixturevalue(cast))

    assert response.status_code == 403
    assert missing in response.content


def test_the_seller_gate_offers_to_start_selling(buyer):
    response = _open(seller_required, buyer)

    assert b"Start selling" in response.content
    assert b'href="/account/start-selling/"' in response.content


def test_a_deactivated_user_is_turned_away(buyer):
    buyer.is_active = False

    assert _open(customer_required, buyer).status_code == 403
