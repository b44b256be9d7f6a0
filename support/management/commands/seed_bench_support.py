import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from access.models import AccessEvent, PurchasedProduct
from accounts.models import User
from shop.models import Product
from support.models import SupportMessage, SupportRequest

ASKER = "bench-asker-{}@example.com"
BUYER = "bench-buyer@example.com"
SELLER = "bench-seller@example.com"
THREAD_SUBJECT = "Bench thread: the export keeps the old currency"
S = SupportRequest.Status
# (status, who wrote the thread's messages in turn): waiting on the seller, answered, ended.
SHAPES = [
    (S.OPEN, "b"),
    (S.OPEN, "bsb"),
    (S.ANSWERED, "bs"),
    (S.ANSWERED, "bsbs"),
    (S.OPEN, "b"),
    (S.ANSWERED, "bs"),
    (S.RESOLVED, "bsb"),
    (S.CLOSED, "b"),
]
SENTENCES = [
    "The import stops halfway through the second sheet.",
    "I followed the setup guide step by step.",
    "Could you tell me which version fixes this?",
    "Thanks, that explains it.",
    "Try clearing the cache and importing again; the new version handles it.",
    "It happens on both my laptop and my desktop.",
    "The totals on the summary page are off by a few cents.",
    "Here is what the log says when it fails.",
]


class Command(BaseCommand):
    help = (
        "Benchmark data (run seed_bench and seed_bench_library first): --requests support "
        "requests on the bench seller's products, each by its own buyer with a few messages, "
        "and one request of the bench buyer with a thread of --thread messages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--thread", type=int, default=20)

    @transaction.atomic
    def handle(self, *args, requests: int, thread: int, **options):
        # Bulk rows, not the services: benchmark data only, and hundreds of them.
        seller = User.objects.get(email=SELLER)
        products = list(
            Product.objects.filter(seller=seller, slug__startswith="bench-").order_by("pk")[:1000]
        )
        rng = random.Random(12)  # noqa: S311 - benchmark data, not secrets
        have = SupportRequest.objects.filter(buyer__email__startswith="bench-asker-").count()
        self._askers(seller, products, range(have, requests), rng)
        self._thread(seller, thread, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh statistics, or the planner guesses
                cursor.execute("ANALYZE")
        count = SupportRequest.objects.of_seller(seller).count()
        self.stdout.write(self.style.SUCCESS(f"{SELLER} has {count} support requests."))

    def _askers(self, seller, products, numbers, rng) -> None:
        if not numbers:
            return
        now = timezone.now()
        unusable = make_password(None)
        askers = User.objects.bulk_create(
            User(email=ASKER.format(n), name=f"Bench Asker {n}", password=unusable) for n in numbers
        )
        purchases = PurchasedProduct.objects.bulk_create(
            PurchasedProduct(
                user=asker,
                product=products[n % len(products)],
                source="purchase",
                granted_at=now - timedelta(days=25),
            )
            for n, asker in zip(numbers, askers, strict=True)
        )
        AccessEvent.objects.bulk_create(
            AccessEvent(purchase=purchase, kind="granted", via="seed_bench_support")
            for purchase in purchases
        )
        made, threads = [], []
        for n, purchase in zip(numbers, purchases, strict=True):
            status, authors = SHAPES[n % len(SHAPES)]
            opened = now - timedelta(hours=rng.uniform(1, 24 * 20))
            times = [opened + timedelta(hours=k * rng.uniform(1, 6)) for k in range(len(authors))]
            answered = [at for at, who in zip(times, authors, strict=True) if who == "s"]
            ended = times[-1] + timedelta(hours=1) if status in (S.RESOLVED, S.CLOSED) else None
            made.append(
                SupportRequest(
                    buyer=purchase.user,
                    product=purchase.product,
                    purchase=purchase,
                    funding=SupportRequest.Funding.INCLUDED,
                    subject=f"{rng.choice(SENTENCES).rstrip('.?')} ({n})",
                    status=status,
                    opened_at=opened,
                    first_answer_at=answered[0] if answered else None,
                    last_message_at=times[-1],
                    resolved_at=ended if status == S.RESOLVED else None,
                    ended_at=ended,
                    end_reason="closed by the buyer" if status == S.CLOSED else "",
                )
            )
            threads.append(
                [
                    (purchase.user if who == "b" else seller, at)
                    for at, who in zip(times, authors, strict=True)
                ]
            )
        made = SupportRequest.objects.bulk_create(made)
        SupportMessage.objects.bulk_create(
            SupportMessage(
                request=request,
                author=author,
                body=" ".join(rng.choices(SENTENCES, k=3)),
                at=at,
            )
            for request, messages in zip(made, threads, strict=True)
            for author, at in messages
        )

    def _thread(self, seller, length: int, rng) -> None:
        """The bench buyer's request on the first product they own, `length` messages long."""
        buyer = User.objects.get(email=BUYER)
        if SupportRequest.objects.filter(buyer=buyer, subject=THREAD_SUBJECT).exists():
            return
        purchase = PurchasedProduct.objects.filter(user=buyer).order_by("pk").first()
        now = timezone.now()
        times = [now - timedelta(hours=3 * (length - k)) for k in range(length)]
        request = SupportRequest.objects.create(
            buyer=buyer,
            product=purchase.product,
            purchase=purchase,
            funding=SupportRequest.Funding.INCLUDED,
            subject=THREAD_SUBJECT,
            # An even thread ends with the seller's answer.
            status=S.ANSWERED if length % 2 == 0 else S.OPEN,
            opened_at=times[0],
            first_answer_at=times[1] if length > 1 else None,
            last_message_at=times[-1],
        )
        SupportMessage.objects.bulk_create(
            SupportMessage(
                request=request,
                author=seller if k % 2 else buyer,
                body=" ".join(rng.choices(SENTENCES, k=rng.randint(2, 6))),
                at=at,
            )
            for k, at in enumerate(times)
        )
