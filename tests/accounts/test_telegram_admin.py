import pytest

from accounts.models import TelegramLink
from accounts.services import telegram_link_bind, telegram_link_start

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/telegramlink/"


@pytest.fixture
def link(seller):
    return telegram_link_bind(token=telegram_link_start(user=seller), chat_id=4242)


def test_staff_see_who_is_connected(client, staff, link):
    client.force_login(staff)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert b"seller@example.com" in response.content


def test_staff_disconnect_through_the_service(client, staff, link):
    client.force_login(staff)

    response = client.post(
        CHANGELIST, {"action": "disconnect", "_selected_action": [link.pk]}, follow=True
    )

    assert response.status_code == 200
    link.refresh_from_db()
    assert (link.chat_id, link.connected_at) == (None, None)


def test_staff_cannot_add_a_link_by_hand(client, staff):
    client.force_login(staff)

    assert client.get(f"{CHANGELIST}add/").status_code == 403


def test_sellers_have_no_admin(client, seller, link):
    client.force_login(seller)

    assert client.get(CHANGELIST).status_code == 302
    assert TelegramLink.objects.get().chat_id == 4242
