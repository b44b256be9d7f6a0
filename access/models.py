import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from shop.models import Product, ProductFile


class PurchasedProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=PurchasedProduct.Status.ACTIVE)

    def owned_by(self, user):
        """The user's access grants in force: the one read of ownership (with `user_owns`)."""
        if not user.is_authenticated:
            return self.none()
        return self.active().filter(user=user)


class PurchasedProduct(models.Model):
    """Access to a product. It exists, active, if and only if the user may download it."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        REVOKED = "revoked"

    class Source(models.TextChoices):
        PURCHASE = "purchase"
        FREE = "free"
        STAFF = "staff"
        GIFT = "gift"

    class RevokeReason(models.TextChoices):
        REFUND = "refund"
        CHARGEBACK = "chargeback"
        STAFF = "staff"
        FRAUD = "fraud"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="purchases"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="purchases")
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    source = models.CharField(max_length=10, choices=Source)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=20, choices=RevokeReason, blank=True)
    last_downloaded_at = models.DateTimeField(null=True, blank=True)

    objects = PurchasedProductQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "product"], name="access_one_grant_per_product"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "revoked"]), name="access_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", revoked_at__isnull=True)
                | models.Q(status="revoked", revoked_at__isnull=False),
                name="access_revoked_has_time",
            ),
        ]
        indexes = [models.Index(fields=["user", "status", "-granted_at"], name="access_library")]

    def __str__(self) -> str:
        return f"{self.user} · {self.product}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The access log is append-only.")

    def delete(self):
        raise TypeError("The access log is append-only.")


class AccessEvent(models.Model):
    """One line of a grant's history. Written once, never edited or deleted."""

    class Kind(models.TextChoices):
        GRANTED = "granted"
        REVOKED = "revoked"
        RESTORED = "restored"

    purchase = models.ForeignKey(PurchasedProduct, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who acted, if a person did.",
    )
    via = models.CharField(max_length=40, help_text="What acted: staff, checkout, webhook, …")
    reason = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="An order id, a ticket.")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The access log is append-only.")


class Download(models.Model):
    """One download, written before the file is handed over (access.services.download_record):
    evidence in a dispute."""

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="downloads"
    )
    file = models.ForeignKey(ProductFile, on_delete=models.PROTECT, related_name="downloads")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="downloads")
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["product", "-at"], name="access_download_product")]

    def __str__(self) -> str:
        return f"{self.user} · {self.file}"
