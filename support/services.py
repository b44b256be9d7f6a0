"""Opening, answering and ending support requests: the only writers of support.

Who may open a request is access's answer alone (`owned_purchase`: an active grant), with the
seller's offer for the product. Every refusal is a `SupportRefused` with a sentence for the
buyer, and writes nothing: files attached to a message are stored before its transaction and
deleted again when it is refused or rolled back (shop.services.stored_files)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from access.models import PurchasedProduct
from access.selectors import owned_purchase
from accounts.models import User
from accounts.roles import STAFF
from billing.models import Order
from billing.providers import get_provider
from billing.services import OrderRefused, order_cancel, order_flag, order_start
from ops.notifications import queue_email
from shop.catalog import catalog_changed
from shop.models import Product
from shop.services import stored_files
from shop.uploads import ALLOWED, CheckedFile, check_upload
from support.models import (
    SupportAttachment,
    SupportMessage,
    SupportOffer,
    SupportRequest,
    attachment_path,
)
from support.notify import tell_seller
from support.pages import support_changed

MAX_BODY = 10_000
MAX_ATTACHMENTS = 3
# What a message may carry: screenshots, documents, logs and archives. Not SVG (a document that
# runs scripts when opened), nor the fonts and media a product may be.
ATTACHMENT_TYPES = {
    **{ext: ALLOWED[ext] for ext in ("png", "jpg", "jpeg", "webp", "pdf", "zip")},
    **{ext: ALLOWED[ext] for ext in ("txt", "md", "csv", "json")},
    "gif": {"image/gif"},
    "log": {"text"},
}
# What a support order buys (billing.fulfilment), and why billing may undo it.
ITEM = "support"
PAYMENT_UNDONE = {"refund": "payment refunded", "chargeback": "payment charged back"}
S = SupportRequest.Status


SUBJECTS = {
    "opened": "New support request: {subject}",
    "buyer_reply": "A reply on {subject}",
    "seller_reply": "An answer on {subject}",
    "resolved": "Resolved: {subject}",
}


def _notify(request: SupportRequest, kind: str, *, key: str, message=None) -> None:
    """An email about the request, recorded with the change it tells of (ops outbox), once per
    key: to the seller on a new request or a buyer's reply, to the buyer otherwise."""
    to_seller = kind in ("opened", "buyer_reply")
    to = request.product.seller.email if to_seller else request.buyer.email
    context = {"request": request, "message": message, "site_name": settings.SITE_NAME}
    email = EmailMessage(
        subject=SUBJECTS[kind].format(subject=request.subject),
        body=render_to_string(f"support/email/{kind}.txt", context),
        to=[to],
    )
    queue_email(email, key=key)
    tell_seller(request, kind, key=f"telegram-{key}")


def _changed(request: SupportRequest) -> None:
    """Forget the cached pages that show the request: the seller's inbox, the buyer's pages."""
    support_changed(buyer_id=request.buyer_id, seller_id=request.product.seller_id)


class SupportRefused(ValidationError):
    """Why a request cannot be opened, answered or moved: said to the person who asked."""


def support_offer(*, product: Product) -> SupportOffer:
    """The product's offer; an unsaved one offering nothing when the seller made none."""
    return SupportOffer.objects.filter(product=product).first() or SupportOffer(product=product)


@transaction.atomic
def support_offer_set(*, product: Product, included_days: int, price: int) -> SupportOffer:
    offer, _ = SupportOffer.objects.select_for_update().get_or_create(product=product)
    offer.included_days, offer.price = included_days, price
    offer.full_clean(exclude=["product"])
    offer.save()
    # What owners are offered shows in their libraries, cached per buyer under the catalog.
    catalog_changed()
    return offer


def included_until(*, offer: SupportOffer, purchase: PurchasedProduct):
    """When the support included with `purchase` ends; None when the offer includes none."""
    if not offer.included_days:
        return None
    return purchase.granted_at + timedelta(days=offer.included_days)


def check_attachment(upload: UploadedFile) -> CheckedFile:
    """The upload, checked as product files are (type sniffed, size, safe name) against what a
    support message may carry; a ValidationError saying why not otherwise."""
    return check_upload(
        upload, allowed=ATTACHMENT_TYPES, max_bytes=settings.SUPPORT_ATTACHMENT_MAX_BYTES
    )


def _check_count(files: Sequence[CheckedFile]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise SupportRefused(f"Attach at most {MAX_ATTACHMENTS} files to a message.")


def _attachment_storage():
    return SupportAttachment._meta.get_field("file").storage


@contextmanager
def _attachments_stored(files: Sequence[CheckedFile]) -> Iterator[list]:
    """The files stored under random names, as (checked file, stored name) for `_attach`;
    deleted again if the block fails. Entered outside any transaction (storage is slow I/O)."""
    uploads = [(attachment_path(None, checked.name), checked.upload) for checked in files]
    with stored_files(_attachment_storage(), uploads) as paths:
        yield list(zip(files, paths, strict=True))


def _attach(message: SupportMessage, stored: list) -> None:
    SupportAttachment.objects.bulk_create(
        SupportAttachment(
            message=message,
            file=path,
            original_name=checked.name,
            size=checked.size,
            sha256=checked.sha256,
            content_type=checked.content_type,
        )
        for checked, path in stored
    )


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise SupportRefused("Write a message first.")
    if len(body) > MAX_BODY:
        raise SupportRefused(f"Keep a message under {MAX_BODY:,} characters.")
    return body


def _clean_subject(subject: str) -> str:
    subject = " ".join(subject.split())
    if not subject:
        raise SupportRefused("Give your request a subject.")
    return subject[:120]


def _owned(*, buyer: User, product: Product) -> PurchasedProduct:
    purchase = owned_purchase(user=buyer, product_id=product.pk)
    if purchase is None:
        raise SupportRefused("Support is for products in your library.")
    return purchase


def _create(**fields) -> SupportRequest:
    try:
        with transaction.atomic():
            request = SupportRequest.objects.create(**fields)
    except IntegrityError:
        # support_one_active_request: a second one, opened at the same time or not.
        raise SupportRefused(
            "You already have a support request open for this product: continue it there."
        ) from None
    _changed(request)
    return request


def request_open_included(
    *,
    buyer: User,
    product: Product,
    subject: str,
    body: str,
    files: Sequence[CheckedFile] = (),
) -> SupportRequest:
    """A request on support included with the buyer's purchase, with its first message and
    the files attached to it."""
    purchase = _owned(buyer=buyer, product=product)
    offer = support_offer(product=product)
    until = included_until(offer=offer, purchase=purchase)
    if until is None:
        raise SupportRefused("This product comes with no included support.")
    if timezone.now() > until:
        raise SupportRefused(f"The support included with your purchase ended on {until:%d %B %Y}.")
    subject, body = _clean_subject(subject), _clean_body(body)
    _check_count(files)
    with _attachments_stored(files) as stored, transaction.atomic():
        request = _create(
            buyer=buyer,
            product=product,
            purchase=purchase,
            funding=SupportRequest.Funding.INCLUDED,
            subject=subject,
        )
        message = SupportMessage.objects.create(
            request=request, author=buyer, body=body, at=request.opened_at
        )
        _attach(message, stored)
        _notify(request, "opened", key=f"support-{request.pk}-opened", message=message)
    return request


@transaction.atomic
def request_grant(
    *, buyer: User, product: Product, actor: User, reason: str, subject: str = ""
) -> SupportRequest:
    """A free request for an owner, granted by the product's seller or by staff."""
    if not (actor.is_staff or actor.pk == product.seller_id):
        raise SupportRefused("Only the product's seller or staff may grant support.")
    reason = " ".join(reason.split())
    if not reason:
        raise SupportRefused("Say why support is granted.")
    purchase = _owned(buyer=buyer, product=product)
    return _create(
        buyer=buyer,
        product=product,
        purchase=purchase,
        funding=SupportRequest.Funding.GRANTED,
        granted_by=actor,
        grant_reason=reason[:200],
        subject=_clean_subject(subject or f"Support for {product.title}"),
    )


def request_start_paid(
    *,
    buyer: User,
    product: Product,
    subject: str,
    body: str,
    files: Sequence[CheckedFile] = (),
) -> SupportRequest:
    """A request bought per request: kept awaiting payment, with its first message (and its
    files) and a pending order for the offer's price, until billing's webhook opens it
    (`support_paid`). A request already awaiting payment for the product is the one to pay:
    it is returned, and nothing of the new one is kept."""
    purchase = _owned(buyer=buyer, product=product)
    offer = support_offer(product=product)
    if not offer.price:
        raise SupportRefused("Support for this product is not sold.")
    waiting = (
        SupportRequest.objects.filter(buyer=buyer, product=product, status=S.AWAITING_PAYMENT)
        .select_related("order")
        .first()
    )
    if waiting is not None:
        request_payment_order(request=waiting)
        return waiting
    subject, body = _clean_subject(subject), _clean_body(body)
    _check_count(files)
    # One started meanwhile (another tab) is refused by support_one_active_request in _create.
    with _attachments_stored(files) as stored, transaction.atomic():
        try:
            order = order_start(
                buyer=buyer,
                product=product,
                provider=get_provider().name,
                item=ITEM,
                amount=offer.price,
            )
        except OrderRefused as refusal:  # the product's own seller
            raise SupportRefused(str(refusal)) from None
        request = _create(
            buyer=buyer,
            product=product,
            purchase=purchase,
            funding=SupportRequest.Funding.PAID,
            order=order,
            subject=subject,
            status=S.AWAITING_PAYMENT,
        )
        message = SupportMessage.objects.create(
            request=request, author=buyer, body=body, at=request.opened_at
        )
        _attach(message, stored)
    return request


@transaction.atomic
def request_payment_order(*, request: SupportRequest) -> Order:
    """The order to pay for a request awaiting payment: its own while pending; a new one, at
    today's price, when that payment failed or was cancelled."""
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != S.AWAITING_PAYMENT:
        raise SupportRefused(f"This request is {request.get_status_display().lower()}.")
    if request.order.status == Order.Status.PENDING:
        return request.order
    offer = support_offer(product=request.product)
    if not offer.price:
        raise SupportRefused("Support for this product is not sold any more.")
    request.order = order_start(
        buyer=request.buyer,
        product=request.product,
        provider=get_provider().name,
        item=ITEM,
        amount=offer.price,
    )
    request.save(update_fields=["order"])
    return request.order


def support_paid(*, order: Order) -> None:
    """Billing's fulfilment of a support order (the webhook's transaction): its request opens;
    one cancelled by a chargeback opens again when the dispute is won."""
    request = SupportRequest.objects.select_for_update().filter(order=order).first()
    if request is None:
        request = _awaiting_another_order(order)
    if request is None or request.status not in (S.AWAITING_PAYMENT, S.CANCELLED):
        why = f"its request is {request.get_status_display().lower()}" if request else "none"
        order_flag(order=order, problem=f"paid for support, but no request awaited it ({why})")
        return
    if owned_purchase(user=request.buyer, product_id=request.product_id) is None:
        # Eligibility is access's alone: paid for after access was revoked, it stays shut.
        _end(request, S.CANCELLED, "access was revoked before the payment arrived")
        order_flag(order=order, problem="paid for support after access was revoked")
        return
    request.status, request.ended_at, request.end_reason = S.OPEN, None, ""
    request.save(update_fields=["status", "ended_at", "end_reason"])
    _changed(request)
    _notify(request, "opened", key=f"support-{request.pk}-opened", message=request.messages.first())


def _awaiting_another_order(order: Order) -> SupportRequest | None:
    """A support order paid late (cancelled or expired, its checkout still open at the
    provider) after its request went on to a new order: the request is the buyer's one awaiting
    payment for the product. It takes this payment, and the new order, now not needed, is
    cancelled (paid all the same, it is flagged for a refund like any payment with no request)."""
    request = (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("order")
        .filter(buyer_id=order.buyer_id, product_id=order.product_id, status=S.AWAITING_PAYMENT)
        .first()
    )
    if request is None:
        return None
    order_cancel(order=request.order)
    request.order = order
    request.save(update_fields=["order"])
    return request


def support_refunded(*, order: Order, reason: str) -> None:
    """Billing's undoing of a support order: refunded or charged back, its request is
    cancelled, whatever it had come to."""
    request = SupportRequest.objects.select_for_update().filter(order=order).first()
    if request is None or request.status == S.CANCELLED:
        return
    _end(request, S.CANCELLED, PAYMENT_UNDONE.get(reason, reason))


def _locked(request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update().get(pk=request.pk)


def message_post(
    *, request: SupportRequest, author: User, body: str, files: Sequence[CheckedFile] = ()
) -> SupportMessage:
    """A message in the thread, with the files attached to it: the seller's answers it, the
    buyer's (re)opens it."""
    _check_count(files)
    with _attachments_stored(files) as stored, transaction.atomic():
        request = _locked(request)
        is_seller = author.pk == request.product.seller_id
        if author.pk != request.buyer_id and not is_seller:
            raise SupportRefused("Only the buyer and the seller write in a request.")
        if request.status not in (S.OPEN, S.ANSWERED):
            raise SupportRefused(f"This request is {request.get_status_display().lower()}.")
        message = SupportMessage.objects.create(
            request=request, author=author, body=_clean_body(body)
        )
        _attach(message, stored)
        request.last_message_at = message.at
        if is_seller:
            request.status = S.ANSWERED
            request.first_answer_at = request.first_answer_at or message.at
        else:
            request.status = S.OPEN
        request.save(update_fields=["status", "first_answer_at", "last_message_at"])
        _changed(request)
        kind = "seller_reply" if is_seller else "buyer_reply"
        _notify(request, kind, key=f"support-message-{message.pk}", message=message)
    return message


@transaction.atomic
def message_delete(*, message: SupportMessage, actor: User) -> None:
    """Staff take a message out of its thread (what should never have been posted there). Its
    attachments go with it; their files are deleted from storage once that is committed."""
    if not STAFF.held_by(actor):
        raise SupportRefused("Only staff may delete a message.")
    request = SupportRequest.objects.select_related("product").get(pk=message.request_id)
    paths = list(message.attachments.values_list("file", flat=True))
    message.delete()
    _changed(request)
    storage = _attachment_storage()
    for path in paths:
        # robust: a file storage cannot delete now is an orphan to sweep, not a failed delete.
        transaction.on_commit(partial(storage.delete, path), robust=True)


@transaction.atomic
def request_resolve(*, request: SupportRequest, actor: User) -> SupportRequest:
    """Done: the seller, the buyer or staff says the question is answered."""
    request = _locked(request)
    if not (actor.is_staff or actor.pk in (request.buyer_id, request.product.seller_id)):
        raise SupportRefused("Only the buyer, the seller or staff may resolve a request.")
    if request.status not in (S.OPEN, S.ANSWERED):
        raise SupportRefused(f"This request is {request.get_status_display().lower()}.")
    request.status, request.resolved_at = S.RESOLVED, timezone.now()
    request.ended_at = request.resolved_at
    request.save(update_fields=["status", "resolved_at", "ended_at"])
    _changed(request)
    if actor.pk != request.buyer_id:
        _notify(request, "resolved", key=f"support-{request.pk}-resolved")
    return request


def _end(request: SupportRequest, status: str, reason: str) -> SupportRequest:
    request.status, request.ended_at, request.end_reason = status, timezone.now(), reason[:200]
    request.save(update_fields=["status", "ended_at", "end_reason"])
    _changed(request)
    return request


@transaction.atomic
def request_close(*, request: SupportRequest, actor: User, reason: str) -> SupportRequest:
    """Ended without an answer: by the buyer (withdrawn), the seller or staff."""
    request = _locked(request)
    if not (actor.is_staff or actor.pk in (request.buyer_id, request.product.seller_id)):
        raise SupportRefused("Only the buyer, the seller or staff may close a request.")
    if not request.is_active:
        raise SupportRefused(f"This request is {request.get_status_display().lower()}.")
    return _end(request, S.CLOSED, reason or "closed")


def requests_close_for_revoked(purchase: PurchasedProduct, reason: str) -> None:
    """Access to the product was revoked (access.services.register_on_revoke): the requests
    resting on it end with that reason, in the revoking transaction."""
    for request in SupportRequest.objects.active().select_for_update().filter(purchase=purchase):
        _end(request, S.CLOSED, f"access revoked: {reason}")
