from django.core.management.base import BaseCommand
from django.db import connection, transaction

from access.models import AccessEvent, PurchasedProduct
from accounts.models import User
from shop.models import Product

BUYER = "bench-buyer@example.com"


class Command(BaseCommand):
    help = "Benchmark data: a buyer owning --products of the bench catalog (run seed_bench first)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=1000)

    @transaction.atomic
    def handle(self, *args, products: int, **options):
        # Bulk rows, not the services: benchmark data only, and thousands of them.
        buyer, _ = User.objects.get_or_create(email=BUYER, defaults={"name": "Bench Buyer"})
        have = set(PurchasedProduct.objects.filter(user=buyer).values_list("product", flat=True))
        wanted = Product.objects.filter(slug__startswith="bench-").order_by("pk")[:products]
        new = [
            PurchasedProduct(user=buyer, product=product, source="purchase")
            for product in wanted
            if product.pk not in have
        ]
        made = PurchasedProduct.objects.bulk_create(new)
        AccessEvent.objects.bulk_create(
            AccessEvent(purchase=purchase, kind="granted", via="seed_bench_library")
            for purchase in made
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh statistics, or the planner guesses
                cursor.execute("ANALYZE")
        owned = PurchasedProduct.objects.filter(user=buyer).count()
        self.stdout.write(self.style.SUCCESS(f"{BUYER} owns {owned} products."))
