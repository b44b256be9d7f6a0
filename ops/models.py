from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notice(models.Model):
    """A message to someone (an email, a Telegram message), recorded in the same transaction
    as the change it tells of, and sent after commit by a task: a transactional outbox
    (ops.notifications).

    `key` names what the notice is about (an order's receipt, say): a second notice with the
    same key is never recorded, so never sent. `due_at` is when a worker may next take it:
    taking it moves `due_at` a lease ahead, so a worker killed while sending leaves it due
    again once the lease has run out, and a failure moves it back by a growing delay.
    """

    class Channel(models.TextChoices):
        EMAIL = "email"
        TELEGRAM = "telegram"

    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.EMAIL)
    message = models.JSONField(
        help_text="What the channel sends: for an email, to, subject…; for Telegram, chat_id, text"
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(sent_at__isnull=True), name="ops_notice_due"
            )
        ]

    def __str__(self) -> str:
        return self.key


# Maintenance mode (ops.maintenance, ops.services).


class Maintenance(models.Model):
    """Whether the shop is closed to visitors for maintenance: one row, pk 1, written only by
    ops.services (maintenance_start, maintenance_end) and read through the cache by
    ops.maintenance. No row at all reads as open."""

    SINGLE_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLE_PK, editable=False)
    is_on = models.BooleanField("closed for maintenance", default=False)
    message = models.TextField(
        max_length=500,
        blank=True,
        help_text="What visitors read on the closed page. Blank: a friendly default.",
    )
    ends_at = models.DateTimeField(
        "expected end",
        null=True,
        blank=True,
        help_text="When you expect to open again; shown to visitors and sent as Retry-After.",
    )
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "maintenance mode"
        verbose_name_plural = "maintenance mode"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="ops_maintenance_single_row"),
        ]

    def __str__(self) -> str:
        return "Closed for maintenance" if self.is_on else "Open"


# Backups (ops.backups).


class Backup(models.Model):
    """One attempt at a backup (ops.backups): when, how it ended, and what it left in the
    "backups" storage. A failed attempt keeps its error for staff and leaves nothing stored."""

    class Status(models.TextChoices):
        RUNNING = "running"
        OK = "ok", "OK"
        FAILED = "failed"
        DELETED = "deleted", "Deleted (retention)"

    name = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes stored")
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the archive")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return self.name
