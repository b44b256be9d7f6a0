"""Grants and revocations of access, and the download log. The only writers of access."""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from access.library import library_changed
from access.models import AccessEvent, Download, PurchasedProduct
from accounts.models import User
from ops.db import insert_if_absent
from shop.models import Product, ProductFile

# What higher apps do when access is revoked (support closes the requests that rested on it),
# called in the revoking transaction: the explicit registration point DESIGN asks for
# instead of a signal.
_on_revoke: list[Callable[[PurchasedProduct, str], None]] = []


def register_on_revoke(react: Callable[[PurchasedProduct, str], None]) -> None:
    """`react(purchase, reason)` runs inside every revocation's transaction, after the grant
    is revoked; an error in it rolls the revocation back."""
    if react not in _on_revoke:
        _on_revoke.append(react)


def _log(purchase: PurchasedProduct, kind: str, *, actor, via, reason, reference) -> None:
    AccessEvent.objects.create(
        purchase=purchase,
        kind=kind,
        actor=actor,
        via=via,
        reason=reason,
        reference=reference,
    )


# No savepoint when called inside a transaction (a webhook's): an error here fails the whole
# transaction anyway, and a savepoint costs two more statements per grant.
@transaction.atomic(savepoint=False)
def access_grant(
    *,
    user: User,
    product: Product,
    source: str,
    via: str,
    actor: User | None = None,
    reason: str = "",
    reference: str = "",
) -> PurchasedProduct:
    """Give `user` access to `product`. Granting what is active changes nothing; granting what
    was revoked restores it. Safe under concurrency: the unique (user, product) row decides."""
    purchase = PurchasedProduct(user=user, product=product, source=source)
    log = {"actor": actor, "via": via, "reason": reason, "reference": reference}
    if insert_if_absent(purchase, unique=["user", "product"]):
        _log(purchase, AccessEvent.Kind.GRANTED, **log)
        library_changed(user_id=user.pk)
        return purchase
    purchase = PurchasedProduct.objects.select_for_update().get(user=user, product=product)
    if purchase.status == PurchasedProduct.Status.REVOKED:
        purchase.status = PurchasedProduct.Status.ACTIVE
        purchase.source = source
        purchase.revoked_at = None
        purchase.revoke_reason = ""
        purchase.save(update_fields=["status", "source", "revoked_at", "revoke_reason"])
        _log(purchase, AccessEvent.Kind.RESTORED, **log)
        library_changed(user_id=user.pk)
    return purchase


@transaction.atomic(savepoint=False)
def access_revoke(
    *,
    user: User,
    product: Product,
    reason: str,
    via: str,
    actor: User | None = None,
    note: str = "",
    reference: str = "",
) -> PurchasedProduct | None:
    """Take `user`'s access to `product` away, keeping the row. Revoking what is revoked, or
    was never granted, changes nothing (None when there is no grant at all)."""
    purchase = (
        PurchasedProduct.objects.select_for_update().filter(user=user, product=product).first()
    )
    if purchase is None or purchase.status == PurchasedProduct.Status.REVOKED:
        return purchase
    purchase.status = PurchasedProduct.Status.REVOKED
    purchase.revoked_at = timezone.now()
    purchase.revoke_reason = reason
    purchase.save(update_fields=["status", "revoked_at", "revoke_reason"])
    _log(
        purchase,
        AccessEvent.Kind.REVOKED,
        actor=actor,
        via=via,
        reason=f"{reason}: {note}" if note else reason,  # the log keeps why, after a restore too
        reference=reference,
    )
    for react in _on_revoke:
        react(purchase, reason)
    library_changed(user_id=user.pk)
    return purchase


@transaction.atomic
def download_record(*, download: dict) -> None:
    """Log one download, once per its `key` (recorded twice, it is written once), and stamp the
    owner's last download of the product (what the library's "Update available" compares),
    only ever forward, forgetting their library page when it moved. `download` holds key,
    user_id, file_id, product_id, at, ip and user_agent. A file deleted since it was
    downloaded leaves nothing to log."""
    if not ProductFile.objects.filter(pk=download["file_id"]).exists():
        return
    row = Download(**download | {"user_agent": download["user_agent"][:300]})
    if not insert_if_absent(row, unique=["key"]):
        return
    stamped = PurchasedProduct.objects.filter(
        Q(last_downloaded_at__isnull=True) | Q(last_downloaded_at__lt=row.at),
        user_id=row.user_id,
        product_id=row.product_id,
    ).update(last_downloaded_at=row.at)
    if stamped:
        library_changed(user_id=row.user_id)
