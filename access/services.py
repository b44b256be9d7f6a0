"""Grants and revocations of access, and the download log. The only writers of access."""

from django.db import transaction
from django.utils import timezone

from access.models import AccessEvent, Download, PurchasedProduct
from accounts.models import User
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


@transaction.atomic
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
    purchase, created = PurchasedProduct.objects.get_or_create(
        user=user, product=product, defaults={"source": source}
    )
    log = {"actor": actor, "via": via, "reason": reason, "reference": reference}
    if created:
        _log(purchase, AccessEvent.Kind.GRANTED, **log)
        return purchase
    purchase = PurchasedProduct.objects.select_for_update().get(pk=purchase.pk)
    if purchase.status == PurchasedProduct.Status.REVOKED:
        purchase.status = PurchasedProduct.Status.ACTIVE
        purchase.source = source
        purchase.revoked_at = None
        purchase.revoke_reason = ""
        purchase.save(update_fields=["status", "source", "revoked_at", "revoke_reason"])
        _log(purchase, AccessEvent.Kind.RESTORED, **log)
    return purchase


@transaction.atomic
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
    return purchase


@transaction.atomic
def download_record(
    *, purchase: PurchasedProduct, file: ProductFile, ip: str | None, user_agent: str
) -> Download:
    now = timezone.now()
    download = Download.objects.create(
        user_id=purchase.user_id,
        file=file,
        product_id=purchase.product_id,
        at=now,
        ip=ip,
        user_agent=user_agent[:300],
    )
    PurchasedProduct.objects.filter(pk=purchase.pk).update(last_downloaded_at=now)
    return download
