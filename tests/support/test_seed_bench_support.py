"""seed_bench_support: the bench seller's inbox and the bench buyer's long thread, topped up."""

import pytest
from django.core.management import call_command

from accounts.models import User
from support.models import SupportRequest

pytestmark = pytest.mark.django_db


def test_it_gives_the_seller_requests_and_the_buyer_a_long_thread_and_tops_up(client):
    call_command("seed_bench", "--products", "30")
    call_command("seed_bench_library", "--products", "5")
    call_command("seed_bench_support", "--requests", "12", "--thread", "20")
    call_command("seed_bench_support", "--requests", "16", "--thread", "20")

    seller = User.objects.get(email="bench-seller@example.com")
    buyer = User.objects.get(email="bench-buyer@example.com")
    assert SupportRequest.objects.of_seller(seller).count() == 17
    (thread,) = SupportRequest.objects.of_buyer(buyer)
    assert (thread.messages.count(), thread.status) == (20, "answered")
    assert {r.status for r in SupportRequest.objects.all()} == {
        "open",
        "answered",
        "resolved",
        "closed",
    }
    answered = SupportRequest.objects.filter(status="answered").exclude(buyer=buyer).first()
    assert answered.messages.last().author == seller
    assert answered.first_answer_at is not None
    client.force_login(seller)
    assert client.get("/studio/inbox/").status_code == 200
    client.force_login(buyer)
    assert client.get(f"/support/{thread.pk}/").status_code == 200
