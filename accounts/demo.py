"""Demo accounts for `manage.py seed_demo`. Their passwords are public: demo only."""

from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.services import user_start_selling, user_update_profile

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

# The public names the demo sellers sell under (the studio asks for one when selling starts).
DEMO_SELLERS = {"seller@example.com": "Sam's Studio"}


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
        if email in DEMO_SELLERS:
            user = user_start_selling(user=user, display_name=DEMO_SELLERS[email])
            # Also in a demo database older than display names, whose seller got one of its own.
            user = user_update_profile(user=user, name=name, display_name=DEMO_SELLERS[email])
        roles = ", ".join(user.roles)
        log(f"{'created' if created else 'kept'}: {email:<20} password: {password:<18} {roles}")
