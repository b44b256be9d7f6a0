import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from billing.fulfilment import ITEM_MAX_LENGTH, fulfilment_for, item_choices
from shop.models import CURRENCIES, Product


class Order(models.Model):
    """A payment attempt for an item about a product: the product itself, or what a higher app
    sells for it (billing.fulfilment). Only a paid order fulfils its item (a product: access,
    through access.services), in the same transaction that marks it paid; a refund or a lost
    dispute undoes it in the one that records it. A pending order its buyer cancelled, or left
    until it expired, is still paid by a payment that arrives for it after all."""

    class Status(models.TextChoices):
        PENDING = "pending"
        PAID = "paid"
        FAILED = "failed"
        CANCELLED = "cancelled"
        EXPIRED = "expired"
        REFUNDED = "refunded"
        DISPUTED = "disputed"
        CHARGED_BACK = "charged_back"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="orders")
    # Choices read from the registry when asked: an app adding an item needs no migration here,
    # and no database constraint could know its items (order_start refuses an unknown one).
    item = models.CharField(max_length=ITEM_MAX_LENGTH, choices=item_choices, default="product")
    amount = models.PositiveIntegerField(help_text="Minor units, as priced at checkout.")
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    status = models.CharField(max_length=15, choices=Status, default=Status.PENDING)
    provider = models.CharField(max_length=10)
    checkout_session_id = models.CharField(max_length=100, blank=True)
    # The provider's checkout last opened for the order, and when: the buyer is sent back to it
    # while the provider keeps it open (PaymentProvider.checkout_lifetime).
    checkout_url = models.CharField(max_length=500, blank=True)
    checkout_opened_at = models.DateTimeField(null=True, blank=True)
    payment_id = models.CharField(max_length=100, blank=True)
    refund_id = models.CharField(max_length=100, blank=True)
    refund_requested_at = models.DateTimeField(null=True, blank=True)
    refund_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refund_reason = models.CharField(max_length=200, blank=True)
    needs_review = models.CharField(
        max_length=200, blank=True, help_text="Why staff should look at this order."
    )
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    charged_back_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("refund_order", "Can ask the provider to refund an order")]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "payment_id"],
                condition=~Q(payment_id=""),
                name="billing_one_order_per_payment",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "pending",
                        "paid",
                        "failed",
                        "cancelled",
                        "expired",
                        "refunded",
                        "disputed",
                        "charged_back",
                    ]
                ),
                name="billing_order_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="pending")
                | Q(status="failed")
                | Q(status="cancelled")
                | Q(status="expired")
                | Q(paid_at__isnull=False),
                name="billing_paid_has_time",
            ),
            # Buy again resumes the buyer's pending order for the product at that price rather
            # than adding one; two Buys at once make one order (services.order_buy).
            models.UniqueConstraint(
                fields=["buyer", "product", "amount", "currency", "provider"],
                condition=Q(status="pending", item="product"),
                name="billing_one_pending_order_per_price",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="billing_order_buyer"),
            # The few pending orders, oldest first, for the task that expires them.
            models.Index(
                fields=["created_at"], condition=Q(status="pending"), name="billing_order_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.public_id}"

    @property
    def is_for_product(self) -> bool:
        return self.item == "product"

    @property
    def title(self) -> str:
        """What the order buys, as its buyer reads it: the product, or an item for it."""
        if self.is_for_product:
            return self.product.title
        return f"{fulfilment_for(self.item).label} for {self.product.title}"


class WebhookEvent(models.Model):
    """Every verified webhook, stored before anything else, once per webhook-id."""

    class Outcome(models.TextChoices):
        RECEIVED = "received"
        APPLIED = "applied"
        IGNORED = "ignored"
        UNKNOWN_ORDER = "unknown_order"
        UNKNOWN_TYPE = "unknown_type"
        MISMATCH = "mismatch"

    webhook_id = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=100)
    payment_id = models.CharField(max_length=100, blank=True, db_index=True)
    payload = models.TextField(help_text="The raw body, as signed.")
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome, default=Outcome.RECEIVED)
    detail = models.CharField(max_length=300, blank=True)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="webhook_events"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.type} {self.webhook_id}"


class ProviderCustomer(models.Model):
    """A user's customer record at a payment provider (Dodo keeps one per buyer)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_customers"
    )
    provider = models.CharField(max_length=10)
    external_id = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "provider"], name="billing_one_customer_each")
        ]

    def __str__(self) -> str:
        return f"{self.provider} customer {self.external_id}"


class ProviderProduct(models.Model):
    """A twin at a payment provider of what an order buys: a product, or another item about it
    (billing.fulfilment: a support request for it), with what was last sent to it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="provider_products")
    item = models.CharField(max_length=ITEM_MAX_LENGTH, default="product")
    provider = models.CharField(max_length=10)
    external_id = models.CharField(max_length=100)
    synced_title = models.CharField(max_length=120)
    synced_price = models.PositiveIntegerField()
    synced_currency = models.CharField(max_length=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "item", "provider"], name="billing_one_twin_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.item} {self.external_id}"


class DevProviderEvent(models.Model):
    """The dev provider's own books: every payment and refund it reported, as Dodo would list
    them, so that `reconcile_payments` can apply one whose webhook never arrived."""

    type = models.CharField(max_length=100)
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"dev {self.type} {self.data.get('payment_id', '')}"
