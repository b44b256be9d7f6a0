import uuid

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.utils import timezone

from access.admin import AccessEventAdmin, OwnersInline, PurchasedProductAdmin
from access.models import AccessEvent, Download, PurchasedProduct
from access.selectors import owned_files
from access.services import access_grant, access_revoke, download_record
from tests.conftest import add_version, make_product, make_user, warm_maintenance_state

pytestmark = pytest.mark.django_db

GRANTS = "/admin/access/purchasedproduct/"
EVENTS = "/admin/access/accessevent/"
REASON_PAGE = "admin/ask_before_action.html"


def bought(user, product):
    return access_grant(user=user, product=product, source="purchase", via="checkout")


def act(client, action, *grants, **form):
    """Choose the action on the list, then, when `form` is given, answer the reason page."""
    data = {"action": action, "_selected_action": [grant.pk for grant in grants]}
    if form:
        data |= {"apply": "yes", **form}
    return client.post(GRANTS, data, follow=True)


@pytest.fixture
def kit(seller):
    return make_product(seller, title="Budget Kit")


@pytest.fixture
def grant(buyer, kit):
    return bought(buyer, kit)


def test_staff_see_the_grants_and_a_grant_with_its_log(client, staff, grant):
    client.force_login(staff)

    listing = client.get(GRANTS)
    page = client.get(f"{GRANTS}{grant.pk}/change/")

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [grant]
    assert page.status_code == 200
    assert b"Budget Kit" in page.content
    assert b"checkout" in page.content


def test_the_grant_page_cannot_edit_the_state(client, staff, grant):
    client.force_login(staff)

    page = client.get(f"{GRANTS}{grant.pk}/change/").content.decode()
    post = client.post(f"{GRANTS}{grant.pk}/change/", {"status": "revoked"})

    for field in ["user", "product", "status", "source", "granted_at", "revoked_at"]:
        assert f'name="{field}"' not in page
    assert 'name="_save"' not in page
    assert post.status_code == 403
    grant.refresh_from_db()
    assert grant.is_active


def test_grants_cannot_be_deleted(client, staff, grant):
    client.force_login(staff)

    response = client.post(f"{GRANTS}{grant.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert PurchasedProduct.objects.filter(pk=grant.pk).exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=revoked", ["Budget Kit"]),
        ("source__exact=purchase", ["Budget Kit", "Other Kit"]),
        ("revoke_reason__exact=refund", ["Budget Kit"]),
        ("q=Other", ["Other Kit"]),
        ("q=bea buyer", ["Budget Kit", "Other Kit"]),
        ("q=stranger@", []),
    ],
)
def test_grants_filter_by_status_source_and_reason_and_search(
    client, staff, buyer, seller, grant, query, expected
):
    bought(buyer, make_product(seller, title="Other Kit"))
    access_revoke(user=buyer, product=grant.product, reason="refund", via="webhook")
    client.force_login(staff)

    response = client.get(f"{GRANTS}?{query}")

    assert sorted(g.product.title for g in response.context["cl"].result_list) == expected


def test_the_list_reads_a_fixed_number_of_queries(
    client, staff, buyer, seller, django_assert_num_queries
):
    for title in ["One", "Two", "Three"]:
        bought(buyer, make_product(seller, title=title))
    client.force_login(staff)
    warm_maintenance_state()

    with django_assert_num_queries(4):
        response = client.get(GRANTS)

    assert len(response.context["cl"].result_list) == 3


def test_revoke_asks_for_a_reason_first_and_changes_nothing_yet(client, staff, grant):
    client.force_login(staff)

    response = act(client, "revoke", grant)

    assert response.status_code == 200
    assert REASON_PAGE in [t.name for t in response.templates]
    assert b"buyer@example.com \xc2\xb7 Budget Kit (Active)" in response.content
    grant.refresh_from_db()
    assert grant.is_active
    assert grant.events.count() == 1


def test_revoke_records_the_reason_and_the_staff_member_and_keeps_the_row(client, staff, grant):
    client.force_login(staff)

    response = act(client, "revoke", grant, reason="fraud", note="Ticket 42: stolen card")

    grant.refresh_from_db()
    assert grant.status == PurchasedProduct.Status.REVOKED
    assert grant.revoke_reason == "fraud"
    assert grant.revoked_at is not None
    event = grant.events.last()
    assert (event.kind, event.actor, event.via, event.reason) == (
        "revoked",
        staff,
        "staff",
        "fraud: Ticket 42: stolen card",
    )
    assert b"1 grant(s) revoked." in response.content


@pytest.mark.parametrize("form", [{"reason": "", "note": "No reason"}, {"reason": "whim"}])
def test_revoke_without_a_valid_reason_shows_the_page_again(client, staff, grant, form):
    client.force_login(staff)

    response = act(client, "revoke", grant, **form)

    assert REASON_PAGE in [t.name for t in response.templates]
    assert response.context["form"].errors["reason"]
    grant.refresh_from_db()
    assert grant.is_active
    assert grant.events.count() == 1


def test_grant_restores_revoked_rows_with_the_reason_and_the_staff_member(
    client, staff, buyer, seller, grant
):
    kept = bought(buyer, make_product(seller, title="Other Kit"))
    access_revoke(user=buyer, product=grant.product, reason="refund", via="webhook")
    client.force_login(staff)

    response = act(client, "grant", grant, kept, reason="Refund was a mistake, ticket 7")

    grant.refresh_from_db()
    assert grant.is_active
    assert grant.source == PurchasedProduct.Source.STAFF
    event = grant.events.last()
    assert (event.kind, event.actor, event.via, event.reason) == (
        "restored",
        staff,
        "staff",
        "Refund was a mistake, ticket 7",
    )
    assert kept.events.count() == 1
    assert b"1 grant(s) restored." in response.content
    assert b"1 already active, unchanged." in response.content


@pytest.mark.parametrize("reason", ["", "   "])
def test_grant_with_an_empty_reason_shows_the_page_again_and_changes_nothing(
    client, staff, buyer, grant, reason
):
    access_revoke(user=buyer, product=grant.product, reason="refund", via="webhook")
    client.force_login(staff)

    response = act(client, "grant", grant, reason=reason)

    assert response.status_code == 200
    assert REASON_PAGE in [t.name for t in response.templates]
    assert b"This field is required." in response.content
    grant.refresh_from_db()
    assert not grant.is_active
    assert grant.events.count() == 2


def test_revoke_from_the_grant_page(client, staff, grant):
    client.force_login(staff)
    page = f"{GRANTS}{grant.pk}/change/"
    choose = {"CHANGE_FORM-action": "revoke", "_selected_action": [grant.pk]}

    asked = client.post(page, choose)
    done = client.post(page, {**choose, "apply": "yes", "reason": "staff", "note": "Ticket 9"})

    assert REASON_PAGE in [t.name for t in asked.templates]
    assert 'name="CHANGE_FORM-action" value="revoke"' in asked.content.decode()
    assert done.status_code == 302
    assert done["Location"] == page
    grant.refresh_from_db()
    assert grant.revoke_reason == "staff"
    assert grant.events.last().actor == staff


def test_adding_a_grant_goes_through_the_service(client, staff, buyer, kit):
    client.force_login(staff)

    response = client.post(
        f"{GRANTS}add/", {"user": buyer.pk, "product": kit.pk, "reason": "Press copy"}
    )

    assert response.status_code == 302
    grant = PurchasedProduct.objects.get(user=buyer, product=kit)
    assert (grant.status, grant.source) == ("active", "staff")
    event = grant.events.get()
    assert (event.kind, event.actor, event.via, event.reason) == (
        "granted",
        staff,
        "staff",
        "Press copy",
    )


def test_adding_a_revoked_grant_restores_it(client, staff, buyer, grant):
    access_revoke(user=buyer, product=grant.product, reason="refund", via="webhook")
    client.force_login(staff)

    response = client.post(
        f"{GRANTS}add/", {"user": buyer.pk, "product": grant.product.pk, "reason": "Goodwill"}
    )

    assert response.status_code == 302
    assert response["Location"] == GRANTS
    grant.refresh_from_db()
    assert (grant.status, grant.source) == ("active", "staff")
    assert grant.events.last().kind == "restored"


def test_adding_a_grant_that_is_active_changes_nothing(client, staff, buyer, grant):
    client.force_login(staff)

    response = client.post(
        f"{GRANTS}add/", {"user": buyer.pk, "product": grant.product.pk, "reason": "Again"}
    )

    assert response.status_code == 200
    assert b"already has access to Budget Kit" in response.content
    assert grant.events.count() == 1


def test_adding_a_grant_needs_a_reason(client, staff, buyer, kit):
    client.force_login(staff)

    page = client.get(f"{GRANTS}add/")
    response = client.post(f"{GRANTS}add/", {"user": buyer.pk, "product": kit.pk, "reason": ""})

    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["reason"]
    assert not PurchasedProduct.objects.exists()


def test_events_are_read_only_in_the_admin(client, staff, grant, rf):
    event = grant.events.get()
    client.force_login(staff)
    request = rf.get(EVENTS)
    request.user = staff
    events_admin = admin.site.get_model_admin(AccessEvent)

    assert isinstance(events_admin, AccessEventAdmin)
    assert not events_admin.has_add_permission(request)
    assert not events_admin.has_change_permission(request, event)
    assert not events_admin.has_delete_permission(request, event)
    assert client.get(EVENTS).status_code == 200
    assert client.get(f"{EVENTS}{event.pk}/change/").status_code == 200
    assert client.post(f"{EVENTS}{event.pk}/change/", {"reason": "x"}).status_code == 403
    assert client.post(f"{EVENTS}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{EVENTS}add/").status_code == 403
    event.refresh_from_db()
    assert event.reason == ""


def test_the_event_log_inline_cannot_add_change_or_delete(rf, staff, grant):
    request = rf.get(GRANTS)
    request.user = staff
    grants_admin = admin.site.get_model_admin(PurchasedProduct)
    assert isinstance(grants_admin, PurchasedProductAdmin)

    (inline,) = grants_admin.get_inline_instances(request, grant)

    assert inline.model is AccessEvent
    assert not inline.has_add_permission(request, grant)
    assert not inline.has_change_permission(request, grant)
    assert not inline.has_delete_permission(request, grant)


@pytest.mark.parametrize(("query", "shown"), [("kind__exact=granted", 1), ("q=stranger@", 0)])
def test_events_filter_and_search(client, staff, grant, query, shown):
    client.force_login(staff)

    response = client.get(f"{EVENTS}?{query}")

    assert len(response.context["cl"].result_list) == shown


def test_the_download_log_is_read_only_and_searchable(client, staff, buyer, kit):
    version = add_version(kit)
    bought(buyer, kit)
    file = owned_files(user=buyer).get(version=version)
    download_record(
        download={
            "key": uuid.uuid4(),
            "user_id": buyer.pk,
            "file_id": file.pk,
            "product_id": file.product_id,
            "at": timezone.now(),
            "ip": "203.0.113.7",
            "user_agent": "curl",
        }
    )
    download = Download.objects.get()
    client.force_login(staff)

    found = client.get("/admin/access/download/?q=203.0.113.7")
    missed = client.get("/admin/access/download/?q=stranger@")

    assert list(found.context["cl"].result_list) == [download]
    assert list(missed.context["cl"].result_list) == []
    assert client.post(f"/admin/access/download/{download.pk}/delete/").status_code == 403
    assert client.get("/admin/access/download/add/").status_code == 403
    assert Download.objects.count() == 1


def test_the_user_page_shows_their_products(client, staff, buyer, grant):
    client.force_login(staff)

    response = client.get(f"/admin/accounts/user/{buyer.pk}/change/")

    assert response.status_code == 200
    assert b"Owned products" in response.content
    assert b"Budget Kit" in response.content


def test_the_product_page_shows_its_owners(client, staff, kit, grant):
    client.force_login(staff)

    response = client.get(f"/admin/shop/product/{kit.pk}/change/")

    assert response.status_code == 200
    assert b"Owners" in response.content
    assert b"buyer@example.com" in response.content


def test_the_add_user_page_has_no_owned_products(client, staff):
    client.force_login(staff)

    response = client.get("/admin/accounts/user/add/")

    assert response.status_code == 200
    assert b"Owned products" not in response.content


def test_customers_and_sellers_cannot_open_the_access_admin(client, seller, grant):
    client.force_login(seller)

    for url in [GRANTS, f"{GRANTS}{grant.pk}/change/", EVENTS, f"{GRANTS}add/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_the_product_page_shows_only_the_newest_owners(
    client, staff, buyer, stranger, kit, monkeypatch
):
    bought(buyer, kit)
    bought(stranger, kit)
    monkeypatch.setattr(OwnersInline, "newest", 1)
    client.force_login(staff)

    page = client.get(f"/admin/shop/product/{kit.pk}/change/").content

    assert b"stranger@example.com" in page
    assert b"buyer@example.com" not in page


def test_a_product_page_with_owners_still_saves(client, staff, buyer, stranger, kit, monkeypatch):
    bought(buyer, kit)
    monkeypatch.setattr(OwnersInline, "newest", 1)
    client.force_login(staff)
    url = f"/admin/shop/product/{kit.pk}/change/"
    data = form_data(client.get(url))
    bought(stranger, kit)

    response = client.post(url, {**data, "title": "Budget Kit 2"})

    assert response.status_code == 302, response.context["errors"]
    kit.refresh_from_db()
    assert kit.title == "Budget Kit 2"


def form_data(response) -> dict:
    """What the browser would send back from an admin change page, untouched."""
    form = response.context["adminform"].form
    data = {
        name: form[name].value()
        for name, field in form.fields.items()
        if not isinstance(field, forms.FileField)
    }
    for inline in response.context["inline_admin_formsets"]:
        formset, management = inline.formset, inline.formset.management_form
        data |= {management.add_prefix(name): v for name, v in management.initial.items()}
        for each in formset.forms:
            data |= {each.add_prefix(name): each[name].value() for name in each.fields}
    return {name: value for name, value in data.items() if value is not None}


def test_staff_who_may_only_view_grants_get_no_actions_and_no_add(client, grant):
    viewer = make_user("viewer@example.com", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_purchasedproduct"))
    client.force_login(viewer)

    listing = client.get(GRANTS)
    tried = act(client, "revoke", grant, reason="fraud")

    assert listing.status_code == 200
    assert 'value="revoke"' not in listing.content.decode()
    assert client.get(f"{GRANTS}add/").status_code == 403
    assert REASON_PAGE not in [t.name for t in tried.templates]
    grant.refresh_from_db()
    assert grant.is_active
