"""Demo access: the demo buyer owns a few of the demo seller's products."""

from django.utils import timezone

from access.models import PurchasedProduct
from access.services import access_grant
from accounts.models import User
from shop.models import Product

OWNED = [
    ("Notion Budget Kit", "purchase"),
    ("Outline Icons 2400", "purchase"),
    ("Field Notes Planner", "free"),
    ("Mosaic Sans", "gift"),
]


def seed(*, log) -> None:
    buyer = User.objects.get(email="buyer@example.com")
    for title, source in OWNED:
        product = Product.objects.get(seller__email="seller@example.com", title=title)
        access_grant(user=buyer, product=product, source=source, via="demo data")
    # Downloaded once already: a version the seller adds now shows as "Update available".
    PurchasedProduct.objects.filter(user=buyer, last_downloaded_at__isnull=True).update(
        last_downloaded_at=timezone.now()
    )
    log(f"library: {buyer.email} owns {len(OWNED)} products")
