import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from shop.models import SHORT_CODE_ALPHABET, Product, ProductVersion
from shop.services import (
    product_archive,
    product_publish,
    product_set_featured,
    product_unpublish,
    product_update,
    short_link_create,
)
from tests.conftest import add_version, make_product

pytestmark = pytest.mark.django_db


def test_the_slug_is_derived_once_and_survives_a_new_title(seller):
    product = make_product(seller, title="Notion Budget Kit")

    product_update(product=product, title="Budget Kit for Notion")

    product.refresh_from_db()
    assert product.slug == "notion-budget-kit"
    assert product.title == "Budget Kit for Notion"


@pytest.mark.parametrize("field", ["title", "tagline"])
def test_a_title_or_tagline_on_two_lines_is_refused_by_the_service(seller, field):
    product = make_product(seller, title="Budget Kit")

    with pytest.raises(ValidationError, match="Keep it on one line"):
        product_update(product=product, **{field: "Budget\nKit"})

    product.refresh_from_db()
    assert (product.title, product.tagline) == ("Budget Kit", "")


def test_equal_titles_get_distinct_slugs(seller):
    first = make_product(seller, title="Icons")
    second = make_product(seller, title="Icons")

    assert (first.slug, second.slug) == ("icons", "icons-2")


def test_prices_cannot_be_negative_in_the_database(seller):
    product = make_product(seller)

    with pytest.raises(IntegrityError):
        Product.objects.filter(pk=product.pk).update(price=-1)


def test_a_version_label_is_unique_per_product(seller):
    product = make_product(seller)
    add_version(product, "1.0.0")

    with pytest.raises(IntegrityError):
        ProductVersion.objects.create(product=product, label="1.0.0")


def test_another_product_may_reuse_a_label(seller):
    add_version(make_product(seller, title="A"), "1.0.0")

    assert add_version(make_product(seller, title="B"), "1.0.0").label == "1.0.0"


def test_publishing_needs_a_version_with_a_file(seller):
    product = make_product(seller)
    ProductVersion.objects.create(product=product, label="0.1")

    with pytest.raises(ValidationError, match="at least one file"):
        product_publish(product=product)
    product.refresh_from_db()
    assert product.status == Product.Status.DRAFT


def test_a_paid_product_needs_a_chargeable_price_to_publish(seller):
    product = make_product(seller)
    add_version(product)
    Product.objects.filter(pk=product.pk).update(price=30)

    with pytest.raises(ValidationError, match=r"at least 0\.50"):
        product_publish(product=product)
    product.refresh_from_db()
    assert product.status == Product.Status.DRAFT


def test_a_free_product_publishes(seller):
    product = make_product(seller, price=0)
    add_version(product)

    assert product_publish(product=product).status == Product.Status.PUBLISHED


def test_a_published_price_cannot_drop_below_what_can_be_charged(seller):
    product = make_product(seller, price=1200)
    add_version(product)
    product_publish(product=product)

    with pytest.raises(ValidationError):
        product_update(product=product, price=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(price=10)


def test_publishing_sets_the_date_and_a_default_short_link(seller):
    product = make_product(seller)
    add_version(product)

    product = product_publish(product=product)
    product_publish(product=product)

    assert product.status == Product.Status.PUBLISHED
    assert product.published_at is not None
    assert product.short_links.count() == 1


def test_unpublish_and_archive_keep_the_row(seller):
    product = make_product(seller)
    add_version(product)
    product_publish(product=product)

    assert product_unpublish(product=product).status == Product.Status.DRAFT
    assert product_archive(product=product).status == Product.Status.ARCHIVED
    assert Product.objects.filter(pk=product.pk).exists()


def test_updates_are_validated_and_change_nothing_when_invalid(seller):
    product = make_product(seller, title="Kit", price=500)

    with pytest.raises(ValidationError):
        product_update(product=product, title="   ")
    with pytest.raises(ValueError, match="Not editable"):
        product_update(product=product, status="published")

    product.refresh_from_db()
    assert (product.title, product.status) == ("Kit", Product.Status.DRAFT)


def test_only_published_products_are_public_and_sellers_see_their_own(seller, buyer, db):
    from tests.conftest import make_seller

    draft = make_product(seller, title="Draft")
    live = make_product(seller, title="Live")
    add_version(live)
    product_publish(product=live)
    rival = make_seller("rival@example.com")

    assert list(Product.objects.visible_to(buyer)) == [live]
    assert list(Product.objects.visible_to(rival)) == [live]
    assert set(Product.objects.visible_to(seller)) == {draft, live}


def test_featuring_goes_through_the_service(seller):
    product = make_product(seller)

    assert product_set_featured(products=[product], featured=True) == 1
    product.refresh_from_db()
    assert product.featured


def test_short_codes_are_eight_unambiguous_characters(seller):
    link = short_link_create(product=make_product(seller), label=" Newsletter ")

    assert len(link.code) == 8
    assert set(link.code) <= set(SHORT_CODE_ALPHABET)
    assert not set(link.code) & set("01ilo")
    assert link.label == "Newsletter"


def test_private_files_have_no_url(seller):
    version = add_version(make_product(seller))

    with pytest.raises(ValueError, match="not accessible via a URL"):
        version.files.get().file.url  # noqa: B018
