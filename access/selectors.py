"""The one answer to "does this user own this product?"; everything that needs it asks here."""

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
