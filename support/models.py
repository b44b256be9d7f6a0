"""Support requests: a buyer's questions about a product they own, answered by its seller.

Support is optional (a seller offers it per product), repeatable (one request at a time per
buyer and product, as many in turn as the offer allows) and always paid for or controlled:
included with a purchase for some days, bought per request, or granted by the seller or staff.
Who may open one is decided by access alone (an active PurchasedProduct), and only services
open, move or close requests (support.services)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from access.models import PurchasedProduct
from accounts.roles import STAFF
from ops.text import validate_single_line
from shop.models import MIN_PAID_PRICE, Product, private_storage


class SupportOffer(models.Model):
    """What a seller offers with one product: support included for some days after purchase,
    support sold per request, both, or (no row, or both off) none."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="support_offer")
    included_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days after purchase with support included; 0 for none."
    )
    price = models.PositiveIntegerField(
        default=0, help_text="Per request, in the product's currency's minor units; 0: not sold."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(price=0) | Q(price__gte=MIN_PAID_PRICE),
                name="support_offer_price_payable",
            ),
            models.CheckConstraint(
                condition=Q(included_days__lte=3650), name="support_offer_days_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"Support for {self.product}"

    @property
    def is_offered(self) -> bool:
        return bool(self.included_days or self.price)


class SupportRequestQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=SupportRequest.ACTIVE)

    def of_buyer(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(buyer=user)

    def of_seller(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(product__seller=user)


class SupportRequest(models.Model):
    class Funding(models.TextChoices):
        INCLUDED = "included"
        PAID = "paid"
        GRANTED = "granted"

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
        OPEN = "open"
        ANSWERED = "answered"
        RESOLVED = "resolved"
        CLOSED = "closed"
        CANCELLED = "cancelled"

    # A buyer has at most one of these per product (support_one_active_request).
    ACTIVE = (Status.AWAITING_PAYMENT, Status.OPEN, Status.ANSWERED)

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_requests"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="support_requests")
    purchase = models.ForeignKey(
        PurchasedProduct,
        on_delete=models.PROTECT,
        related_name="support_requests",
        help_text="The access it rests on.",
    )
    funding = models.CharField(max_length=10, choices=Funding)
    order = models.OneToOneField(
        "billing.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_request",
        help_text="What paid for it, when it was bought.",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    grant_reason = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=120, validators=[validate_single_line])
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    first_answer_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "product"],
                condition=Q(status__in=["awaiting_payment", "open", "answered"]),
                name="support_one_active_request",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "awaiting_payment",
                        "open",
                        "answered",
                        "resolved",
                        "closed",
                        "cancelled",
                    ]
                ),
                name="support_status_known",
            ),
            models.CheckConstraint(
                condition=Q(funding="included", order__isnull=True, granted_by__isnull=True)
                | Q(funding="paid", order__isnull=False)
                | (
                    Q(funding="granted", order__isnull=True, granted_by__isnull=False)
                    & ~Q(grant_reason="")
                ),
                name="support_funding_accounted",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "last_message_at"], name="support_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class SupportMessage(models.Model):
    """One message of a request's thread, by its buyer or by the product's seller."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} · {self.at:%Y-%m-%d %H:%M}"


def attachment_path(attachment: "SupportAttachment | None", filename: str) -> str:
    # The stored name never carries the uploader's name: it is neither trusted nor needed.
    return f"support/{uuid.uuid4().hex}"


class SupportAttachmentQuerySet(models.QuerySet):
    def readable_by(self, user):
        """What the user may download: attachments in their own requests, in requests on
        their products, or any for staff."""
        if not user.is_authenticated:
            return self.none()
        if STAFF.held_by(user):
            return self
        return self.filter(
            Q(message__request__buyer=user) | Q(message__request__product__seller=user)
        )


class SupportAttachment(models.Model):
    """A file attached to a message, kept in the private storage with the thread: the
    request's buyer, the product's seller and staff download it, nobody else."""

    message = models.ForeignKey(
        SupportMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)

    objects = SupportAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
