import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db

DEMO = {
    "buyer@example.com": ("demo-buyer-pass", "/library/"),
    "seller@example.com": ("demo-seller-pass", "/studio/"),
    "admin@example.com": ("demo-admin-pass", "/admin/"),
}


def test_seed_demo_is_idempotent(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    first = list(User.objects.values_list("email", "is_customer", "is_seller", "is_staff"))
    call_command("seed_demo")

    assert list(User.objects.values_list("email", "is_customer", "is_seller", "is_staff")) == first
    assert sorted(email for email, *_ in first) == sorted(DEMO)
    output = capsys.readouterr().out
    assert "demo-buyer-pass" in output
    assert "demo only" in output


@pytest.mark.parametrize("email", DEMO)
def test_each_demo_user_logs_in_and_lands_by_role(client, settings, email):
    settings.DEBUG = True
    call_command("seed_demo")
    password, landing = DEMO[email]

    response = client.post("/accounts/login/", {"login": email, "password": password})

    assert response["Location"] == landing


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_runs_with_force(settings):
    settings.DEBUG = False

    call_command("seed_demo", "--force")

    assert User.objects.count() == 3
