import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail

pytestmark = pytest.mark.django_db


def test_an_email_change_waits_for_the_new_address_to_be_verified(
    client, buyer, django_capture_on_commit_callbacks
):
    client.force_login(buyer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/email/", {"action_add": "", "email": "New@Example.com"})

    buyer.refresh_from_db()
    assert buyer.email == "buyer@example.com"
    assert [m.to for m in mail.outbox][-1] == ["new@example.com"]

    site = re.escape(settings.SITE_URL)
    link = re.search(site + r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body)[1]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link)

    buyer.refresh_from_db()
    assert buyer.email == "new@example.com"
    assert list(EmailAddress.objects.filter(user=buyer).values_list("email", "verified")) == [
        ("new@example.com", True)
    ]
