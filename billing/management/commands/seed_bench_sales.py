import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from billing.models import Order
from shop.models import Product

PAYER = "bench-payer-{}@example.com"


class Command(BaseCommand):
    help = (
        "Benchmark data (run seed_bench first): --sales paid orders of the bench seller's "
        "products over the last 90 days, a tenth of them refunded, and --pending orders by as "
        "many new buyers, each waiting for its payment webhook."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sales", type=int, default=5000)
        parser.add_argument("--pending", type=int, default=30000)

    @transaction.atomic
    def handle(self, *args, sales: int, pending: int, **options):
        # Bulk rows, not the services: benchmark data only, and tens of thousands of them.
        products = list(Product.objects.filter(slug__startswith="bench-", price__gt=0)[:1000])
        rng = random.Random(5)  # noqa: S311 - benchmark data, not secrets
        now = timezone.now()
        have = Order.objects.filter(product__slug__startswith="bench-").exclude(status="pending")
        if not have.exists():
            buyer, _ = User.objects.get_or_create(
                email="bench-buyer@example.com", defaults={"name": "Bench Buyer"}
            )
            orders = []
            for n in range(sales):
                product = rng.choice(products)
                paid_at = now - timedelta(days=rng.random() * 90)
                refunded = n % 10 == 0
                orders.append(
                    Order(
                        buyer=buyer,
                        product=product,
                        amount=product.price,
                        currency=product.currency,
                        provider="dev",
                        payment_id=f"bench_pay_{n}",
                        status="refunded" if refunded else "paid",
                        created_at=paid_at,
                        paid_at=paid_at,
                        refunded_at=paid_at + timedelta(days=1) if refunded else None,
                    )
                )
            Order.objects.bulk_create(orders, batch_size=2000)
        waiting = Order.objects.filter(status="pending", buyer__email__startswith="bench-payer-")
        missing = pending - waiting.count()
        if missing > 0:
            start = User.objects.filter(email__startswith="bench-payer-").count()
            unusable = make_password(None)
            payers = User.objects.bulk_create(
                [
                    User(email=PAYER.format(n), name="Bench Payer", password=unusable)
                    for n in range(start, start + missing)
                ],
                batch_size=2000,
            )
            Order.objects.bulk_create(
                [
                    Order(
                        buyer=payer,
                        product=products[n % len(products)],
                        amount=products[n % len(products)].price,
                        currency=products[n % len(products)].currency,
                        provider="dev",
                    )
                    for n, payer in enumerate(payers)
                ],
                batch_size=2000,
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh statistics, or the planner guesses
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"{sales} bench sales; {waiting.count()} orders waiting for payment."
            )
        )
