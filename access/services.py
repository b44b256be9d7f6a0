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


@transaction.atomic
def downloads_record(*, downloads: list[dict]) -> None:
    """Log downloads (each once per its `key`: a batch run twice writes nothing more) and stamp
    each owner's last download of each product (only ever forward). Each download is a dict of
    key, user_id, file_id, product_id, at, ip and user_agent. A download of a file deleted
    since is left out, so that it does not fail the batch it came in."""
    files = ProductFile.objects.filter(pk__in={download["file_id"] for download in downloads})
    still_there = set(files.values_list("pk", flat=True))
    downloads = [download for download in downloads if download["file_id"] in still_there]
    Download.objects.bulk_create(
        [
            Download(
                key=download["key"],
                user_id=download["user_id"],
                file_id=download["file_id"],
                product_id=download["product_id"],
                at=download["at"],
                ip=download["ip"],
                user_agent=download["user_agent"][:300],
            )
            for download in downloads
        ],
        ignore_conflicts=True,
    )
    latest = {}
    for download in downloads:
        owner = (download["user_id"], download["product_id"])
        latest[owner] = max(latest.get(owner, download["at"]), download["at"])
    # In one order, so that two batches stamping the same owners cannot deadlock.
    for (user_id, product_id), at in sorted(latest.items()):
        PurchasedProduct.objects.filter(
            Q(last_downloaded_at__isnull=True) | Q(last_downloaded_at__lt=at),
            user_id=user_id,
            product_id=product_id,
        ).update(last_downloaded_at=at)
    for user_id in sorted({user_id for user_id, _ in latest}):
        library_changed(user_id=user_id)
