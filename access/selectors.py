"""The one answer to "does this user own this product?"; everything that needs it asks here."""

from django.db.models import Count, F, QuerySet

from access.models import PurchasedProduct
from shop.models import Product, ProductFile


def user_owns(*, user, product: Product) -> bool:
    return PurchasedProduct.objects.owned_by(user).filter(product=product).exists()


def owned_purchase(*, user, product_id: int) -> PurchasedProduct | None:
    """The user's active grant for the product, or None."""
    return PurchasedProduct.objects.owned_by(user).filter(product_id=product_id).first()


def owned_files(*, user) -> QuerySet[ProductFile]:
    """The files of every version of the products the user owns, each with its `product_id`."""
    owned = PurchasedProduct.objects.owned_by(user).values("product")
    return ProductFile.objects.filter(version__product__in=owned).annotate(
        product_id=F("version__product")
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
