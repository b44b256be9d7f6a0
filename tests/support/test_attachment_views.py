"""Files attached in the buyer's thread, the new-request form and the seller's inbox, listed
on both thread pages, and downloaded by the buyer, the seller and staff alone
(/support/attachments/<pk>/)."""

import pytest

from support.models import SupportAttachment, SupportMessage, SupportRequest
from support.services import message_post, request_close
from tests.support.attachments import LOG, PDF, checked, png, stored, upload

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
INBOX = "/studio/inbox/"


def thread_url(support_request) -> str:
    return f"/support/{support_request.pk}/"


def download_url(attachment) -> str:
    return f"/support/attachments/{attachment.pk}/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.fixture
def attachment(buyer, opened) -> SupportAttachment:
    message = message_post(
        request=opened, author=buyer, body="Here it is.", files=[checked("Crash report.pdf", PDF)]
    )
    return message.attachments.get()


# Uploading


@pytest.mark.parametrize("url", ["thread", "inbox", "new"])
def test_every_form_posts_files_with_or_without_htmx(client, buyer, seller, product, opened, url):
    if url == "new":
        request_close(request=opened, actor=buyer, reason="done")
    client.force_login(seller if url == "inbox" else buyer)
    page = {
        "thread": thread_url(opened),
        "inbox": f"{INBOX}{opened.pk}/",
        "new": f"/support/new/{product.slug}/",
    }[url]

    content = client.get(page).content.decode()

    assert 'enctype="multipart/form-data"' in content
    assert 'hx-encoding="multipart/form-data"' in content
    assert 'type="file" name="files"' in content
    assert "multiple" in content
    assert "up to 3: images, PDF, text or zip, 10.0\xa0MB at most each" in content


def test_a_plain_reply_with_files_redirects_and_the_thread_lists_them(
    client, buyer, opened, settings
):
    client.force_login(buyer)

    response = client.post(
        thread_url(opened),
        {"body": "Two files", "files": [upload("screen.png"), upload("crash.log", LOG)]},
    )

    assert response["Location"] == thread_url(opened)
    message = SupportMessage.objects.get(body="Two files")
    names = sorted(a.original_name for a in message.attachments.all())
    assert names == ["crash.log", "screen.png"]
    assert len(stored(settings)) == 2
    page = client.get(thread_url(opened)).content.decode()
    for attached in message.attachments.all():
        assert f'href="{download_url(attached)}"' in page
    assert "screen.png" in page
    assert "crash.log" in page


def test_an_htmx_reply_with_a_file_swaps_in_the_thread_listing_it(client, buyer, opened):
    client.force_login(buyer)

    response = client.post(
        thread_url(opened), {"body": "A shot", "files": [upload("screen.png")]}, headers=HTMX
    )

    assert response.status_code == 200
    assert b"<html" not in response.content
    attached = SupportAttachment.objects.get()
    assert f'href="{download_url(attached)}"'.encode() in response.content
    assert b"screen.png" in response.content


def test_a_reply_without_files_still_works(client, buyer, opened):
    client.force_login(buyer)

    client.post(thread_url(opened), {"body": "Just words"})

    assert SupportMessage.objects.filter(body="Just words").exists()
    assert not SupportAttachment.objects.exists()


# Made afresh for each test: the client reads an upload to its end.
REFUSED = {
    "exe": (lambda: [upload("run.exe", b"MZ" + b"\0" * 50)], b".exe files are not accepted"),
    "fake-pdf": (lambda: [upload("fake.pdf", b"not a pdf")], b"does not look like a .pdf file"),
    "four": (lambda: [upload() for _ in range(4)], b"Attach at most 3 files to a message."),
    "empty": (lambda: [upload("empty.png", b"")], b"The submitted file is empty."),
}


@pytest.mark.parametrize("refused", REFUSED)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_refused_upload_in_the_thread_says_why_and_writes_nothing(
    client, buyer, opened, settings, refused, headers
):
    files, reason = REFUSED[refused][0](), REFUSED[refused][1]
    client.force_login(buyer)
    before = SupportMessage.objects.count()

    response = client.post(
        thread_url(opened), {"body": "See attached", "files": files}, headers=headers
    )

    assert response.status_code == 200
    assert reason in response.content
    assert (b"<html" in response.content) is not bool(headers)
    assert b"See attached" in response.content  # the form keeps what was typed
    assert SupportMessage.objects.count() == before
    assert not SupportAttachment.objects.exists()
    assert stored(settings) == []


def test_a_file_over_the_limit_is_refused_in_the_thread(client, buyer, opened, settings):
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 50
    client.force_login(buyer)

    response = client.post(thread_url(opened), {"body": "Big", "files": [upload("big.pdf", PDF)]})

    assert b"big.pdf is larger than 50" in response.content
    assert not SupportAttachment.objects.exists()
    assert stored(settings) == []


def test_one_good_file_and_one_bad_keeps_neither(client, buyer, opened, settings):
    client.force_login(buyer)

    response = client.post(
        thread_url(opened),
        {"body": "Mixed", "files": [upload("ok.png"), upload("run.exe", b"MZ" + b"\0" * 50)]},
    )

    assert b".exe files are not accepted" in response.content
    assert not SupportMessage.objects.filter(body="Mixed").exists()
    assert stored(settings) == []


def test_a_reply_with_files_to_an_ended_request_is_refused_and_keeps_no_file(
    client, buyer, seller, opened, settings
):
    client.force_login(buyer)
    page_seen = client.get(thread_url(opened))  # the form on screen, then the seller ends it
    assert page_seen.status_code == 200
    request_close(request=opened, actor=seller, reason="closed by the seller")

    response = client.post(thread_url(opened), {"body": "Late", "files": [upload()]}, headers=HTMX)

    assert b"This request is closed." in response.content
    assert not SupportAttachment.objects.exists()
    assert stored(settings) == []


def test_a_new_request_with_files_lands_on_its_thread_listing_them(client, buyer, product):
    client.force_login(buyer)

    response = client.post(
        f"/support/new/{product.slug}/",
        {"subject": "Blurry", "body": "See the shot.", "files": [upload("blur.png")]},
    )

    opened = SupportRequest.objects.get()
    assert response["Location"] == thread_url(opened)
    attached = SupportAttachment.objects.get(message__request=opened)
    assert attached.original_name == "blur.png"
    assert f'href="{download_url(attached)}"'.encode() in client.get(thread_url(opened)).content


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_new_request_with_a_refused_file_says_why_and_opens_nothing(
    client, buyer, product, settings, headers
):
    client.force_login(buyer)

    response = client.post(
        f"/support/new/{product.slug}/",
        {"subject": "Blurry", "body": "See.", "files": [upload("blur.png", b"GIF89a nope")]},
        headers=headers,
    )

    assert response.status_code == 200
    assert b"does not look like a .png file" in response.content
    assert b'id="open-form"' in response.content
    assert (b"<html" in response.content) is not bool(headers)
    assert not SupportRequest.objects.exists()
    assert stored(settings) == []


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_seller_answers_with_a_file(client, seller, opened, headers):
    client.force_login(seller)

    response = client.post(
        f"{INBOX}{opened.pk}/",
        {"body": "Use this", "files": [upload("fix.pdf", PDF)]},
        headers=headers,
    )

    attached = SupportAttachment.objects.get()
    assert attached.message.author == seller
    if headers:
        assert response.status_code == 200
        assert b"<html" not in response.content
        assert f'href="{download_url(attached)}"'.encode() in response.content
    else:
        assert response["Location"] == f"{INBOX}{opened.pk}/"
        page = client.get(response["Location"]).content
        assert f'href="{download_url(attached)}"'.encode() in page


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_refused_file_in_the_inbox_says_why_and_writes_nothing(
    client, seller, opened, settings, headers
):
    client.force_login(seller)
    before = SupportMessage.objects.count()

    response = client.post(
        f"{INBOX}{opened.pk}/",
        {"body": "Use this", "files": [upload("fix.svg", b"<svg/>")]},
        headers=headers,
    )

    assert response.status_code == 200
    assert b".svg files are not accepted" in response.content
    assert SupportMessage.objects.count() == before
    assert stored(settings) == []


def test_a_reply_with_files_works_with_the_cache_down(client, buyer, opened, settings, cache_down):
    client.force_login(buyer)

    response = client.post(thread_url(opened), {"body": "Cache down", "files": [upload()]})

    assert response.status_code == 302
    attached = SupportAttachment.objects.get()
    assert body(client.get(download_url(attached))) == png()


# Listing


def test_the_inbox_thread_lists_attachments_with_their_size(client, seller, attachment):
    client.force_login(seller)

    page = client.get(f"{INBOX}{attachment.message.request_id}/").content.decode()

    assert f'href="{download_url(attachment)}"' in page
    assert "Crash report.pdf" in page
    assert "109\xa0bytes" in page


def test_an_htmx_get_of_either_thread_lists_the_attachments(client, buyer, seller, attachment):
    pk = attachment.message.request_id
    for user, url in ((buyer, f"/support/{pk}/"), (seller, f"{INBOX}{pk}/")):
        client.force_login(user)

        response = client.get(url, headers=HTMX)

        assert b"<html" not in response.content
        assert f'href="{download_url(attachment)}"'.encode() in response.content


def _thread_with_files(opened, buyer, seller, messages: int) -> None:
    for n in range(messages):
        author = buyer if n % 2 else seller
        message_post(request=opened, author=author, body=f"Message {n}", files=[checked()] * 2)


def test_the_buyers_thread_costs_the_same_queries_for_one_attachment_or_many(
    client, buyer, seller, opened, django_assert_num_queries
):
    client.force_login(buyer)
    client.get("/library/account/")  # the session and the user cached from here on
    _thread_with_files(opened, buyer, seller, 1)
    # The request, its messages, their attachments (each page one the page cache has not seen).
    with django_assert_num_queries(3):
        client.get(thread_url(opened), {"before": "1"})

    _thread_with_files(opened, buyer, seller, 6)

    with django_assert_num_queries(3):
        response = client.get(thread_url(opened), {"after": "1"})
    assert response.content.count(b"/support/attachments/") == 14


def test_the_inbox_thread_costs_the_same_queries_for_one_attachment_or_many(
    client, buyer, seller, opened, django_assert_num_queries
):
    client.force_login(seller)
    client.get(INBOX)  # the session and the user cached from here on
    _thread_with_files(opened, buyer, seller, 1)
    with django_assert_num_queries(3):
        client.get(f"{INBOX}{opened.pk}/")

    _thread_with_files(opened, buyer, seller, 6)

    with django_assert_num_queries(3):
        response = client.get(f"{INBOX}{opened.pk}/")
    assert response.content.count(b"/support/attachments/") == 14
