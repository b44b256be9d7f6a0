"""The one answer to "does this user own this product?"; everything that needs it asks here."""

from django.db.models import Count

from access.models import PurchasedProduct
from shop.models import Product, ProductFile


def user_owns(*, user, product: Product) -> bool:
    return PurchasedProduct.objects.owned_by(user).filter(product=product).exists()


def owned_purchase(*, user, product_id: int) -> PurchasedProduct | None:
    """The user's active grant for the product, or None."""
    return PurchasedProduct.objects.owned_by(user).filter(product_id=product_id).first()


def owned_file(*, user, file_id: int) -> ProductFile | None:
    """The file, if it belongs to any version of a product the user owns; one query."""
    return (
        ProductFile.objects.filter(
            pk=file_id,
            version__product__in=PurchasedProduct.objects.owned_by(user).values("product"),
        )
        .select_related("version")
        .first()
    )


def active_owner_counts(*, seller_id: int) -> dict[int, int]:
    """{product id: active owners} for the seller's products that have any; one query."""
    rows = (
        PurchasedProduct.objects.active()
        .filter(product__seller_id=seller_id)
        .values_list("product_id")
        .annotate(owners=Count("pk"))
        .order_by()
    )
    return dict(rows)
