from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from access.selectors import owned_purchase
from ops.admin_actions import BOTH_PAGES, answered, ask_before_action
from shop.templatetags.shop import amount
from support.models import SupportAttachment, SupportMessage, SupportOffer, SupportRequest
from support.services import message_delete, request_close, request_grant, support_offer_set


class CloseReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, help_text="Shown to the buyer and the seller.")


class GrantForm(forms.ModelForm):
    """Staff grant a free request to an owner (support.services.request_grant decides)."""

    reason = forms.CharField(max_length=200, help_text="Kept on the request with your name.")

    class Meta:
        model = SupportRequest
        fields = ["buyer", "product", "subject"]

    def clean(self):
        cleaned = super().clean()
        buyer, product = cleaned.get("buyer"), cleaned.get("product")
        if buyer and product:
            if owned_purchase(user=buyer, product_id=product.pk) is None:
                raise forms.ValidationError(f"{buyer} does not own {product}.")
            if SupportRequest.objects.active().filter(buyer=buyer, product=product).exists():
                raise forms.ValidationError(f"{buyer} already has a request open on {product}.")
        return cleaned

    def validate_constraints(self) -> None:
        # Checked in clean() with a sentence; the constraint still decides under a race.
        pass


def _download_link(attachment: SupportAttachment) -> str:
    url = reverse("support:attachment", args=[attachment.pk])
    return format_html(
        '<a href="{}">{}</a> ({})', url, attachment.original_name, filesizeformat(attachment.size)
    )


class MessageInline(admin.TabularInline):
    model = SupportMessage
    fields = ["at", "author", "body", "attached"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    # To the message's own page, where staff may delete it (SupportMessageAdmin).
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupportMessage]:
        return (
            super().get_queryset(request).select_related("author").prefetch_related("attachments")
        )

    @admin.display(description="Attachments")
    def attached(self, message: SupportMessage) -> str:
        links = [(_download_link(a),) for a in message.attachments.all()]
        return format_html_join(", ", "{}", links) or "—"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ["subject", "buyer", "product", "funding", "status", "opened_at"]
    list_filter = ["status", "funding", "opened_at"]
    search_fields = ["subject", "buyer__email", "product__title", "product__seller__email"]
    list_select_related = ["buyer", "product"]
    date_hierarchy = "opened_at"
    actions = ["close"]
    fields = [
        "subject",
        "buyer",
        "product",
        "purchase",
        "funding",
        "order",
        "granted_by",
        "grant_reason",
        "status",
        "opened_at",
        "first_answer_at",
        "last_message_at",
        "resolved_at",
        "ended_at",
        "end_reason",
    ]
    readonly_fields = fields

    def get_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["buyer", "product", "subject", "reason"] if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [] if obj is None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = GrantForm
        return super().get_form(request, obj, **kwargs)

    def get_inlines(self, request: HttpRequest, obj=None) -> list:
        return [] if obj is None else [MessageInline]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A request moves through services (the close action), never by editing its row.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_close_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("support.change_supportrequest")

    def save_model(self, request: HttpRequest, obj: SupportRequest, form, change: bool) -> None:
        granted = request_grant(
            buyer=obj.buyer,
            product=obj.product,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            subject=obj.subject,
        )
        obj.pk = granted.pk
        obj.refresh_from_db()

    @admin.action(description="Close with a reason", permissions=["close"], location=BOTH_PAGES)
    def close(self, request: HttpRequest, queryset: QuerySet[SupportRequest]):
        form = answered(request, CloseReasonForm)
        if not form.is_valid():
            return ask_before_action(
                self,
                request,
                queryset.select_related("buyer", "product"),
                form,
                action="close",
                title="Close support requests",
                intro="The buyer and the seller see the reason; the thread is kept.",
                describe=lambda r: f"{r.subject} · {r.buyer} · {r.product} ({r.status})",
            )
        closed = 0
        for support_request in queryset:
            if support_request.is_active:
                request_close(
                    request=support_request, actor=request.user, reason=form.cleaned_data["reason"]
                )
                closed += 1
        self.message_user(request, f"Closed {closed}; {queryset.count() - closed} already ended.")
        return None


class AttachmentInline(admin.TabularInline):
    model = SupportAttachment
    fields = ["download", "content_type", "sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="File")
    def download(self, attachment: SupportAttachment) -> str:
        return _download_link(attachment)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SupportMessage)
class SupportMessageAdmin(admin.ModelAdmin):
    """Messages are read here, never written or edited; one that should never have been
    posted is deleted with its files, through support.services.message_delete."""

    list_display = ["__str__", "request", "at"]
    list_select_related = ["author", "request"]
    search_fields = ["request__subject", "author__email"]
    date_hierarchy = "at"
    fields = ["request", "author", "at", "body"]
    readonly_fields = fields
    inlines = [AttachmentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: SupportMessage) -> None:
        message_delete(message=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SupportMessage]) -> None:
        for message in queryset:
            message_delete(message=message, actor=request.user)


@admin.register(SupportOffer)
class SupportOfferAdmin(admin.ModelAdmin):
    """Staff set an offer through the service the studio uses (support_offer_set: the
    libraries and the catalog that show it are forgotten); support is switched off by zeros,
    never by deleting the row."""

    list_display = ["product", "included_days", "paid_price", "updated_at"]
    search_fields = ["product__title"]
    list_select_related = ["product"]
    raw_id_fields = ["product"]
    fields = ["product", "included_days", "price"]

    @admin.display(description="Price of a paid request", ordering="price")
    def paid_price(self, offer: SupportOffer) -> str:
        return amount(offer.price, offer.product.currency) if offer.price else "Not sold"

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["product"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: SupportOffer, form, change: bool) -> None:
        saved = support_offer_set(
            product=obj.product, included_days=obj.included_days, price=obj.price
        )
        obj.pk = saved.pk
        obj.refresh_from_db()
