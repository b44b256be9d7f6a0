"""Demo accounts for `manage.py seed_demo`. Their passwords are public: demo only."""

from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.services import user_start_selling

DEMO_USERS = [
    # email, password, name, roles
    ("buyer@example.com", "demo-buyer-pass", "Bea Buyer", {"is_customer": True}),
    ("seller@example.com", "demo-seller-pass", "Sam Seller", {"is_customer": True}),
    (
        "admin@example.com",
        "demo-admin-pass",
        "Ada Admin",
        {"is_customer": False, "is_staff": True, "is_superuser": True},
    ),
]


def seed(*, log) -> None:
    for email, password, name, flags in DEMO_USERS:
        user, created = User.objects.update_or_create(
            email=email, defaults={"name": name, "is_active": True, **flags}
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if email == "seller@example.com":
            user = user_start_selling(user=user)
        roles = ", ".join(user.roles)
        log(f"{'created' if created else 'kept'}: {email:<20} password: {password:<18} {roles}")
