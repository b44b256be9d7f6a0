"""Files attached to support messages (support.services): checked as product files are,
stored privately under random names, and never left behind by a refusal or a rollback."""

import pytest
from django.core.exceptions import ValidationError

from access.services import access_revoke
from support import services
from support.models import SupportAttachment, SupportMessage, SupportRequest
from support.services import (
    SupportRefused,
    message_delete,
    message_post,
    request_close,
    request_open_included,
    request_start_paid,
    support_offer_set,
)
from tests.support.attachments import LOG, PDF, checked, png, stored, upload

pytestmark = pytest.mark.django_db


def test_a_reply_keeps_its_files_privately_under_random_names(buyer, opened, settings):
    message = message_post(
        request=opened,
        author=buyer,
        body="Here is what I see.",
        files=[checked("My screen.png"), checked("crash.log", LOG)],
    )

    files = {a.original_name: a for a in message.attachments.all()}
    assert set(files) == {"My screen.png", "crash.log"}
    shot = files["My screen.png"]
    assert (shot.content_type, shot.size) == ("image/png", len(png()))
    assert len(shot.sha256) == 64
    assert shot.file.name.startswith("support/")
    assert "screen" not in shot.file.name
    assert files["crash.log"].content_type == "text/plain"
    assert files["crash.log"].file.read() == LOG
    assert len(stored(settings)) == 2
    assert (settings.PRIVATE_ROOT / shot.file.name).exists()
    assert shot.file.storage.base_url is None  # private: no URL but the checked view


def test_a_new_request_takes_files_with_its_first_message(buyer, product):
    opened = request_open_included(
        buyer=buyer,
        product=product,
        subject="Help",
        body="See the PDF.",
        files=[checked("a.pdf", PDF)],
    )

    first = opened.messages.get()
    assert [a.original_name for a in first.attachments.all()] == ["a.pdf"]


def test_a_request_bought_per_request_takes_files_with_its_first_message(buyer, product):
    support_offer_set(product=product, included_days=0, price=900)

    started = request_start_paid(
        buyer=buyer, product=product, subject="Help", body="See this.", files=[checked()]
    )

    assert started.status == SupportRequest.Status.AWAITING_PAYMENT
    assert started.messages.get().attachments.count() == 1


def test_asking_again_before_paying_keeps_none_of_the_new_files(buyer, product, settings):
    support_offer_set(product=product, included_days=0, price=900)
    first = request_start_paid(buyer=buyer, product=product, subject="Help", body="One.")

    again = request_start_paid(
        buyer=buyer, product=product, subject="Help", body="Two.", files=[checked()]
    )

    assert again == first
    assert not SupportAttachment.objects.exists()
    assert stored(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("font.ttf", b"\x00\x01\x00\x00" + b"\0" * 60, ".ttf files are not accepted"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", ".svg files are not accepted"),
        ("run.exe", b"MZ" + b"\0" * 50, ".exe files are not accepted"),
        ("fake.png", PDF, "does not look like a .png file"),
        ("notes.txt", b"\xff\xfe\x00binary\x00" * 10, "does not look like a .txt file"),
    ],
)
def test_what_a_message_may_not_carry_is_refused_by_name(name, content, reason):
    with pytest.raises(ValidationError, match=reason):
        checked(name, content)


def test_a_file_over_the_limit_is_refused(settings):
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 50

    with pytest.raises(ValidationError, match=r"screenshot\.png is larger than 50"):
        checked()


def test_at_most_three_files_a_message_and_nothing_written_past_it(buyer, opened, settings):
    before = SupportMessage.objects.count()

    with pytest.raises(SupportRefused, match="at most 3 files"):
        message_post(request=opened, author=buyer, body="Four", files=[checked()] * 4)

    assert SupportMessage.objects.count() == before
    assert stored(settings) == []


def test_a_refused_message_leaves_no_file(buyer, opened, settings):
    request_close(request=opened, actor=buyer, reason="done")

    with pytest.raises(SupportRefused, match="closed"):
        message_post(request=opened, author=buyer, body="Late", files=[checked()])

    assert not SupportAttachment.objects.exists()
    assert stored(settings) == []


def test_a_stranger_leaves_no_file(stranger, opened, settings):
    with pytest.raises(SupportRefused):
        message_post(request=opened, author=stranger, body="Hi", files=[checked()])

    assert stored(settings) == []


def test_a_rolled_back_message_leaves_no_row_and_no_file(buyer, opened, settings, monkeypatch):
    def outbox_down(*args, **kwargs):
        raise RuntimeError("the outbox could not be written")

    # The last write in the message's transaction fails: the rows roll back, the files go.
    monkeypatch.setattr(services, "_notify", outbox_down)
    before = SupportMessage.objects.count()

    with pytest.raises(RuntimeError):
        message_post(request=opened, author=buyer, body="Hi", files=[checked(), checked()])

    assert SupportMessage.objects.count() == before
    assert not SupportAttachment.objects.exists()
    assert stored(settings) == []
    opened.refresh_from_db()
    assert opened.status == SupportRequest.Status.ANSWERED


def test_a_rolled_back_opening_leaves_no_file(buyer, product, settings, monkeypatch):
    def outbox_down(*args, **kwargs):
        raise RuntimeError("the outbox could not be written")

    monkeypatch.setattr(services, "_notify", outbox_down)

    with pytest.raises(RuntimeError):
        request_open_included(
            buyer=buyer, product=product, subject="Help", body="Hi", files=[checked()]
        )

    assert not SupportRequest.objects.exists()
    assert stored(settings) == []


def test_a_storage_failing_midway_removes_what_it_stored(buyer, opened, settings, monkeypatch):
    storage = SupportAttachment._meta.get_field("file").storage
    save = storage.save
    saves = []

    def second_save_fails(name, content, **kwargs):
        saves.append(name)
        if len(saves) == 2:
            raise OSError("disk full")
        return save(name, content, **kwargs)

    monkeypatch.setattr(storage, "save", second_save_fails)

    with pytest.raises(OSError, match="disk full"):
        message_post(request=opened, author=buyer, body="Hi", files=[checked(), checked()])

    assert len(saves) == 2
    assert stored(settings) == []
    assert not SupportAttachment.objects.exists()


def test_a_cleanup_that_fails_is_logged_and_the_first_failure_raised(
    buyer, opened, monkeypatch, caplog
):
    storage = SupportAttachment._meta.get_field("file").storage

    def bucket_gone(name):
        raise OSError("bucket unreachable")

    monkeypatch.setattr(services, "_notify", lambda *a, **k: 1 / 0)
    monkeypatch.setattr(storage, "delete", bucket_gone)

    with pytest.raises(ZeroDivisionError):
        message_post(request=opened, author=buyer, body="Hi", files=[checked()])

    assert "could not be deleted" in caplog.text


def test_attachments_stay_with_the_thread_when_access_is_revoked(buyer, opened, product, settings):
    message_post(request=opened, author=buyer, body="Screenshot", files=[checked()])

    access_revoke(user=buyer, product=product, reason="refund", via="test")

    assert SupportAttachment.objects.count() == 1
    assert len(stored(settings)) == 1


def test_staff_delete_a_message_and_its_files_go_once_committed(
    staff, buyer, opened, settings, django_capture_on_commit_callbacks
):
    message = message_post(request=opened, author=buyer, body="Oops", files=[checked()] * 2)

    with django_capture_on_commit_callbacks() as callbacks:
        message_delete(message=message, actor=staff)
        assert len(stored(settings)) == 2  # nothing deleted before the commit

    for callback in callbacks:
        callback()
    assert not SupportMessage.objects.filter(pk=message.pk).exists()
    assert not SupportAttachment.objects.exists()
    assert stored(settings) == []


def test_only_staff_delete_a_message(buyer, seller, opened, settings):
    message = message_post(request=opened, author=buyer, body="Mine", files=[checked()])

    for actor in (buyer, seller):
        with pytest.raises(SupportRefused, match="Only staff"):
            message_delete(message=message, actor=actor)

    assert SupportAttachment.objects.filter(message=message).exists()
    assert len(stored(settings)) == 1


def test_the_upload_is_read_from_its_start_after_the_check(buyer, opened):
    shot = upload()
    message = message_post(
        request=opened, author=buyer, body="Hi", files=[services.check_attachment(shot)]
    )

    assert message.attachments.get().file.read() == png()
