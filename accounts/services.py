from django.db import transaction
from django.utils import timezone

from accounts.models import User


@transaction.atomic
def user_start_selling(*, user: User) -> User:
    """Turn on the seller role; starting twice keeps the first date."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_seller:
        user.is_seller = True
        user.seller_since = timezone.now()
        user.save(update_fields=["is_seller", "seller_since"])
    return user


@transaction.atomic
def user_update_profile(*, user: User, name: str) -> User:
    user.name = name.strip()
    user.save(update_fields=["name"])
    return user


@transaction.atomic
def user_change_password(*, user: User, new_password: str) -> User:
    # The stored hash changes, so every session signed with the old one stops validating:
    # Django compares each session's auth hash with the user's on every request.
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user
