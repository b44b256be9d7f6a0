import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import user_start_selling
from shop.catalog import catalog_changed
from shop.models import (
    Category,
    Product,
    ProductFile,
    ProductVersion,
    ShortLink,
    new_short_code,
)

PREFIX = "bench-"
WORDS = [
    *[
        "budget",
        "notion",
        "planner",
        "icons",
        "outline",
        "duotone",
        "serif",
        "sans",
        "course",
        "django",
        "htmx",
    ],
    *[
        "presets",
        "textures",
        "resume",
        "template",
        "kit",
        "pack",
        "studio",
        "guide",
        "toolkit",
        "mockup",
        "font",
    ],
    *["brush", "palette"],
]


class Command(BaseCommand):
    help = "Create N published benchmark products in bulk (idempotent: tops up to N)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=10_000)
        parser.add_argument("--batch", type=int, default=2_000)

    def handle(self, *args, products: int, batch: int, **options):
        seller, _ = User.objects.get_or_create(
            email="bench-seller@example.com", defaults={"name": "Bench Seller"}
        )
        seller = user_start_selling(user=seller)
        categories = [
            Category.objects.get_or_create(slug=f"{PREFIX}{n}", defaults={"name": f"Bench {n}"})[0]
            for n in range(8)
        ]
        have = Product.objects.filter(slug__startswith=PREFIX).count()
        rng = random.Random(have)  # noqa: S311 - benchmark data, not secrets
        for start in range(have, products, batch):
            self._batch(seller, categories, range(start, min(start + batch, products)), rng)
            self.stdout.write(f"{min(start + batch, products)} / {products}")
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Fresh statistics (or the planner guesses) and a visibility map (or index-only
            # scans visit the heap), as autovacuum would leave a live database.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        catalog_changed()  # bulk writes send no signals
        self.stdout.write(self.style.SUCCESS(f"{products} benchmark products ready."))

    @transaction.atomic
    def _batch(self, seller, categories, numbers, rng) -> None:
        now = timezone.now()
        made = Product.objects.bulk_create(
            Product(
                seller=seller,
                title=" ".join(rng.sample(WORDS, 3)).title() + f" {n}",
                slug=f"{PREFIX}{n:06}",
                tagline=" ".join(rng.sample(WORDS, 6)),
                description=" ".join(rng.choices(WORDS, k=60)),
                price=rng.choice([0, 500, 900, 1500, 2900, 4900]),
                status=Product.Status.PUBLISHED,
                published_at=now - timedelta(minutes=n),
                featured=n % 500 == 0,
            )
            for n in numbers
        )
        Category = Product.categories.through
        Category.objects.bulk_create(
            Category(product_id=p.pk, category_id=categories[p.pk % len(categories)].pk)
            for p in made
        )
        Product.objects.filter(pk__in=[p.pk for p in made]).update_category_names()
        versions = ProductVersion.objects.bulk_create(
            ProductVersion(product=p, label="1.0.0", changelog="First.") for p in made
        )
        ProductFile.objects.bulk_create(
            ProductFile(
                version=v,
                file=f"products/bench-{v.pk}",
                original_name="bundle.zip",
                size=1024,
                sha256="0" * 64,
                content_type="application/zip",
            )
            for v in versions
        )
        ShortLink.objects.bulk_create(
            ShortLink(product=p, code=new_short_code(), label="Default") for p in made
        )
