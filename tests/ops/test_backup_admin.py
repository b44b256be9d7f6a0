"""Backups in the admin: a read-only list with failures and their errors, filtered by status,
and "Back up now", which queues the scheduled task."""

import pytest
from django.contrib.auth.models import Permission

from ops.models import Backup
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/admin/ops/backup/"
NOW = "/admin/ops/backup/back-up-now/"


def test_staff_see_a_failed_backup_and_its_error(client, staff):
    Backup.objects.create(name="tessera-ok", status=Backup.Status.OK, size=2048)
    Backup.objects.create(name="tessera-bad", status=Backup.Status.FAILED, error="NoSuchBucket")
    client.force_login(staff)

    failed = client.get(LIST, {"status__exact": "failed"})

    assert failed.status_code == 200
    assert "tessera-bad" in failed.text
    assert "tessera-ok" not in failed.text
    detail = client.get(f"{LIST}{Backup.objects.get(name='tessera-bad').pk}/change/")
    assert "NoSuchBucket" in detail.text
    assert "Back up now" in client.get(LIST).text


def test_back_up_now_queues_a_backup(client, staff):
    client.force_login(staff)

    response = client.post(NOW, follow=True)

    assert response.redirect_chain[-1][0] == LIST
    assert Backup.objects.get().status == Backup.Status.OK
    assert "A backup is queued" in response.text


def test_back_up_now_works_with_the_cache_down(client, staff, cache_down):
    client.force_login(staff)

    assert client.post(NOW).status_code == 302
    assert Backup.objects.get().status == Backup.Status.OK


def test_back_up_now_answers_get_with_405(client, staff):
    client.force_login(staff)

    assert client.get(NOW).status_code == 405
    assert not Backup.objects.exists()


def test_staff_without_the_permission_get_no_button_and_403(client):
    clerk = make_user("clerk@example.com", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_backup"))
    client.force_login(clerk)

    assert "Back up now" not in client.get(LIST).text
    assert client.post(NOW).status_code == 403
    assert not Backup.objects.exists()


def test_anonymous_and_customers_are_sent_to_log_in(client, buyer):
    assert client.post(NOW).status_code == 302
    client.force_login(buyer)
    assert client.post(NOW).status_code == 302
    assert not Backup.objects.exists()
