from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

# Long enough for a studio's name, short enough for a product card.
DISPLAY_NAME_MAX_LENGTH = 50


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # Addresses are compared case-insensitively everywhere (and unique on lower(email) in
        # the database), so they are stored in one case.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=self.normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        fields.setdefault("is_customer", True)
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("is_customer", False)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """One identity for everyone; what a person may do is decided by the role flags."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    display_name = models.CharField(
        "display name",
        max_length=DISPLAY_NAME_MAX_LENGTH,
        blank=True,
        default="",
        help_text="A seller's public name, on their products and in support threads; "
        "unique among sellers, ignoring case.",
    )
    is_customer = models.BooleanField(
        "customer", default=True, help_text="Can buy and keep a library."
    )
    is_seller = models.BooleanField(
        "seller", default=False, help_text="Can publish products from the studio."
    )
    seller_since = models.DateTimeField(null=True, blank=True)
    is_staff = models.BooleanField(
        "staff", default=False, help_text="Can run the shop from the admin site."
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive users cannot sign in."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(is_seller=False) | models.Q(seller_since__isnull=False),
                name="accounts_user_seller_has_since",
            ),
            # Buyers tell sellers apart by this name, so two sellers never share it (in any
            # case); a seller without one would be shown by something else, such as the email.
            models.UniqueConstraint(
                Lower("display_name"),
                condition=models.Q(is_seller=True),
                name="accounts_user_display_name_ci_unique",
                violation_error_message="Another seller has this display name.",
            ),
            models.CheckConstraint(
                condition=models.Q(is_seller=False) | ~models.Q(display_name=""),
                name="accounts_user_seller_has_display_name",
                violation_error_message="A seller needs a display name.",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        """For the user themselves and for payment providers; never shown to others (the email
        stands in for a missing name): pages, emails and notices about a user use public_name."""
        return self.name or self.email

    @property
    def public_name(self) -> str:
        """How anyone but the user and staff sees them: a seller by their display name, anyone
        else by their name or else as "Customer <tag>". Never the email address, nor a name that
        holds one. The tag is a keyed hash of the id, not the id itself: ids are sequential and
        would tell every seller how many people have signed up. (A new SECRET_KEY renames them.)"""
        if self.display_name:
            return self.display_name
        if self.name.strip() and "@" not in self.name:
            return self.name.strip()
        tag = salted_hmac("accounts.public_name", str(self.pk), algorithm="sha256").hexdigest()[:8]
        return f"Customer {tag}"

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email.split("@")[0]

    @property
    def roles(self) -> list[str]:
        flags = [
            ("customer", self.is_customer),
            ("seller", self.is_seller),
            ("staff", self.is_staff),
            ("superuser", self.is_superuser),
        ]
        return [label for label, held in flags if held]


class TelegramLink(models.Model):
    """A seller's Telegram chat for notices, and which events go there.

    Connecting is a one-time token the seller opens in Telegram (a t.me deep link); the bot's
    webhook sees `/start <token>` from a chat and binds that chat. Only the token's SHA-256 is
    kept: it is shown once, to the seller who asked for it, and is spent (or forgotten, once
    expired) by the first `/start` that names it."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="telegram_link")
    token_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    chat_id = models.BigIntegerField(null=True, blank=True, help_text="Null until connected.")
    connected_at = models.DateTimeField(null=True, blank=True)
    notify_support_opened = models.BooleanField("new support request", default=True)
    notify_buyer_reply = models.BooleanField("buyer's reply", default=True)
    notify_sale = models.BooleanField("sale", default=True)
    notify_refund = models.BooleanField("refund", default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~models.Q(token_hash=""),
                name="accounts_telegramlink_token_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(chat_id__isnull=True, connected_at__isnull=True)
                | models.Q(chat_id__isnull=False, connected_at__isnull=False),
                name="accounts_telegramlink_connected_has_chat",
            ),
        ]

    def __str__(self) -> str:
        return f"Telegram for {self.user}"

    @property
    def connected(self) -> bool:
        return self.chat_id is not None
