"""The seller studio in the browser: a product created, edited in place (the heading and the
window title following the title, the focus coming back to the field), given a cover and a
version with files, published, then found on its public page and in the catalog; the same
steps by plain forms with JavaScript off; and every studio page checked at both widths."""

import io
import re
import zipfile

import pytest
from PIL import Image
from playwright.sync_api import expect

from shop.models import Product
from tests.browser.conftest import check_page
from tests.conftest import make_product


@pytest.fixture
def studio_seller(transactional_db, seller):
    return seller


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (40, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("budget.csv", "month,amount\nJanuary,100\n")
    return buffer.getvalue()


def upload(name: str, mime: str, content: bytes) -> dict:
    return {"name": name, "mimeType": mime, "buffer": content}


def heading(page):
    return page.get_by_role("heading", level=1)


def field(page, name: str):
    return page.locator(f"#field-{name}")


def save(page, name: str) -> None:
    field(page, name).get_by_role("button", name="Save").click()


def create_product(page, title: str) -> Product:
    page.goto("/studio/")
    page.get_by_role("link", name="New product").first.click()
    expect(heading(page)).to_have_text("New product")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Tagline").fill("Plan the year")
    page.get_by_label("Price").fill("12.50")
    page.get_by_role("button", name="Create draft").click()
    expect(heading(page)).to_have_text(title)
    return Product.objects.get(title=title)


def add_cover(page) -> None:
    page.get_by_role("link", name="Add a cover").click()
    expect(heading(page)).to_have_text("Cover")
    page.get_by_label("Cover").set_input_files(upload("cover.png", "image/png", png()))
    page.get_by_role("button", name="Upload cover").click()
    expect(page.get_by_text("The cover is updated.")).to_be_visible()
    expect(page.get_by_role("link", name="Change cover")).to_be_visible()


def add_version(page) -> None:
    page.get_by_role("link", name="New version").click()
    expect(heading(page)).to_have_text("New version")
    page.get_by_label("Label").fill("1.0.0")
    page.get_by_label("Changelog").fill("The first release.")
    page.get_by_label("Files").set_input_files(
        [
            upload("guide.pdf", "application/pdf", b"%PDF-1.4\n% a small guide\n"),
            upload("budget.zip", "application/zip", zip_archive()),
        ]
    )
    page.get_by_role("button", name="Add version").click()
    expect(page.get_by_text("Version 1.0.0 is added.")).to_be_visible()
    expect(page.get_by_text("2 files")).to_be_visible()


def see_it_in_public(page, product: Product, title: str) -> None:
    product.refresh_from_db()
    assert product.status == Product.Status.PUBLISHED
    page.get_by_role("link", name="View page").click()
    expect(heading(page)).to_have_text(title)
    expect(page.get_by_text("budget.zip")).to_be_visible()
    page.goto("/products/")
    expect(page.get_by_role("link", name=title).first).to_be_visible()


def test_a_seller_creates_edits_in_place_and_publishes(studio_seller, page, sign_in):
    sign_in(page, studio_seller)
    page.goto("/studio/")
    check_page(page)
    product = create_product(page, "Budget Kit")
    check_page(page)

    # The title: the editor opens focused, and a save updates the heading and the window
    # title too, then gives the focus back to the field's Edit button.
    field(page, "title").get_by_role("link", name="Edit title").click()
    expect(page.get_by_label("Title")).to_be_focused()
    check_page(page)
    page.get_by_label("Title").fill("Budget Kit Pro")
    save(page, "title")
    expect(heading(page)).to_have_text("Budget Kit Pro")
    expect(page).to_have_title(re.compile(r"^Budget Kit Pro · Studio"))
    expect(field(page, "title").get_by_role("link", name="Edit title")).to_be_focused()
    assert page.url.endswith(f"/studio/products/{product.pk}/")  # swapped in place

    # The price: a price too small is refused in place, focused; a good one is saved.
    field(page, "price").get_by_role("link", name="Edit price").click()
    expect(page.get_by_label("Price")).to_be_focused()
    page.get_by_label("Price").fill("0.30")
    save(page, "price")
    expect(page.get_by_text("A paid product costs at least 0.50")).to_be_visible()
    expect(page.get_by_label("Price")).to_be_focused()
    check_page(page)
    page.get_by_label("Price").fill("15")
    save(page, "price")
    expect(field(page, "price")).to_contain_text("$15.00")
    expect(field(page, "price").get_by_role("link", name="Edit price")).to_be_focused()

    # The description, then a cancelled edit that leaves the focus where it started.
    field(page, "description").get_by_role("link", name="Edit description").click()
    page.get_by_label("Description").fill("Plan **every** month of the year.")
    save(page, "description")
    expect(field(page, "description")).to_contain_text("Plan **every** month of the year.")
    field(page, "tagline").get_by_role("link", name="Edit tagline").click()
    expect(page.get_by_label("Tagline")).to_be_focused()
    field(page, "tagline").get_by_role("link", name="Cancel").click()
    expect(field(page, "tagline").get_by_role("link", name="Edit tagline")).to_be_focused()
    check_page(page)

    add_cover(page)
    add_version(page)

    # Publishing brings the new short link into its card without a reload.
    field(page, "status").get_by_role("link", name="Edit status").click()
    page.get_by_label("Status").select_option("published")
    save(page, "status")
    expect(field(page, "status").locator(".badge")).to_have_text("Published")
    expect(page.locator("#short-links")).to_contain_text(f"/s/{product.short_links.get().code}")
    expect(page.get_by_text("Publishing creates a short link")).to_have_count(0)
    check_page(page)

    page.goto("/studio/")
    expect(page.get_by_role("link", name="Budget Kit Pro")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Budget Kit Pro").click()
    see_it_in_public(page, product, "Budget Kit Pro")


def test_the_same_flow_works_without_javascript(studio_seller, page_without_js, sign_in):
    page = page_without_js
    sign_in(page, studio_seller)
    product = create_product(page, "Budget Kit")

    # Each Edit link opens the field's editor as a page; a save lands back on the field.
    field(page, "title").get_by_role("link", name="Edit title").click()
    expect(heading(page)).to_have_text("Edit title")
    page.get_by_label("Title").fill("Budget Kit Pro")
    save(page, "title")
    expect(heading(page)).to_have_text("Budget Kit Pro")
    assert page.url.endswith(f"/studio/products/{product.pk}/#field-title")

    field(page, "price").get_by_role("link", name="Edit price").click()
    page.get_by_label("Price").fill("0.30")
    save(page, "price")
    expect(page.get_by_text("A paid product costs at least 0.50")).to_be_visible()
    page.get_by_label("Price").fill("15")
    save(page, "price")
    expect(field(page, "price")).to_contain_text("$15.00")

    field(page, "description").get_by_role("link", name="Edit description").click()
    page.get_by_label("Description").fill("Plan every month.")
    save(page, "description")
    expect(field(page, "description")).to_contain_text("Plan every month.")

    field(page, "tagline").get_by_role("link", name="Edit tagline").click()
    page.get_by_role("link", name="Cancel").click()
    assert page.url.endswith(f"/studio/products/{product.pk}/#field-tagline")

    add_cover(page)
    add_version(page)

    field(page, "status").get_by_role("link", name="Edit status").click()
    page.get_by_label("Status").select_option("published")
    save(page, "status")
    expect(field(page, "status").locator(".badge")).to_have_text("Published")
    expect(page.locator("#short-links")).to_contain_text(f"/s/{product.short_links.get().code}")
    see_it_in_public(page, product, "Budget Kit Pro")


def test_every_studio_page_passes_the_checks(studio_seller, page, sign_in):
    product = make_product(studio_seller, title="Budget Kit", price=1250)
    sign_in(page, studio_seller)
    pages = [
        "/studio/products/new/",
        f"/studio/products/{product.pk}/cover/",
        f"/studio/products/{product.pk}/versions/new/",
        *(f"/studio/products/{product.pk}/{name}/" for name in ["title", "price", "categories"]),
    ]
    for url in pages:
        page.goto(url)
        check_page(page)
    # A field's editor opened as a page of its own (a link opened in a new tab) saves as a
    # plain form, back to the product, with JavaScript on too.
    page.goto(f"/studio/products/{product.pk}/title/")
    page.get_by_label("Title").fill("Budget Kit Pro")
    save(page, "title")
    expect(heading(page)).to_have_text("Budget Kit Pro")
    assert page.url.endswith(f"/studio/products/{product.pk}/#field-title")
    # The forms' errors, shown in place (a blank title passes the browser's own check).
    page.goto("/studio/products/new/")
    page.get_by_label("Title").fill("   ")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    check_page(page)
    page.goto(f"/studio/products/{product.pk}/versions/new/")
    page.get_by_label("Label").fill("1.0.0")
    page.get_by_label("Files").set_input_files(upload("notes.exe", "application/x-dosexec", b"MZ"))
    page.get_by_role("button", name="Add version").click()
    expect(page.get_by_text(".exe files are not accepted")).to_be_visible()
    check_page(page)
