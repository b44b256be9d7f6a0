"""Grants and revocations of access, and the download log. The only writers of access."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from access.library import library_changed
from access.models import AccessEvent, Download, PurchasedProduct
from accounts.models import User
from ops.db import insert_if_absent
from shop.models import Product, ProductFile


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
    library_changed(user_id=user.pk)
    return purchase


def download_record(*, user: User, file: ProductFile, ip: str | None, user_agent: str) -> Download:
    """Log a download of `file` (one of `owned_files`, with its `product_id`) before the file is
    handed over: the log is dispute evidence, so it is durable by the time the buyer has the
    file. Stamping the owner's last download (what the library's "Update available" compares)
    follows on a task (`download_stamp`): a queue out of reach loses a stamp, never the log."""
    from access.tasks import stamp_download  # which imports this module

    # One INSERT, atomic on its own: a transaction around it would cost two more round trips.
    download = Download.objects.create(
        user=user, file=file, product_id=file.product_id, ip=ip, user_agent=user_agent[:300]
    )
    transaction.on_commit(lambda: stamp_download(download_id=download.pk), robust=True)
    return download


def download_stamp(*, download: Download) -> None:
    """Stamp the owner's last download of the product with this one, only ever forward, and
    forget their library page (its "Update available" mark) when the stamp moved. Safe to run
    twice, and in any order."""
    stamped = PurchasedProduct.objects.filter(
        Q(last_downloaded_at__isnull=True) | Q(last_downloaded_at__lt=download.at),
        user_id=download.user_id,
        product_id=download.product_id,
    ).update(last_downloaded_at=download.at)
    if stamped:
        library_changed(user_id=download.user_id)
