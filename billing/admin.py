from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from billing.models import Order, WebhookEvent
from billing.providers import ProviderError
from billing.services import (
    RefundRefused,
    order_refund_forget,
    order_refund_request,
    webhook_process,
)
from ops.admin_actions import answered, ask_before_action
from shop.templatetags.shop import amount


class RefundForm(forms.Form):
    reason = forms.CharField(
        max_length=200, help_text="Sent to the provider, and kept on the order with your name."
    )


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "needs review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("yes", "Yes")]

    def queryset(self, request, queryset):
        return queryset.exclude(needs_review="") if self.value() == "yes" else queryset


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    # Status comes early and the provider is a filter only: the list fits 1280 px with the
    # admin's sidebars open.
    list_display = [
        "public_id",
        "status",
        "total",
        "buyer",
        "item",
        "product",
        "created_at",
        "needs_review",
    ]
    list_filter = ["status", "item", "provider", "created_at", NeedsReviewFilter]
    date_hierarchy = "created_at"
    search_fields = ["public_id", "buyer__email", "product__title", "payment_id"]
    list_select_related = ["buyer", "product"]
    # Orders move only through their webhooks and services, never by hand. The sum is shown
    # in major units with its currency (total), not as the stored minor units.
    exclude = ["amount", "currency"]
    readonly_fields = [
        "total" if field.name == "amount" else field.name
        for field in Order._meta.fields
        if field.name != "currency"
    ]
    actions = ["refund", "forget_refund_request"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Amount", ordering="amount")
    def total(self, order: Order) -> str:
        return amount(order.amount, order.currency)

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("billing.refund_order")

    # The list only: the admin runs an order's own page in a transaction, and the provider
    # must be asked outside one (its webhook may come back before it answers).
    @admin.action(description="Refund through the provider", permissions=["refund"])
    def refund(self, request: HttpRequest, queryset: QuerySet[Order]):
        """Asks the provider; the refund is recorded (and access revoked) by its webhook."""
        form = answered(request, RefundForm)
        if not form.is_valid():
            count = queryset.count()
            return ask_before_action(
                self,
                request,
                queryset.select_related("buyer", "product"),
                form,
                action="refund",
                title="Refund through the provider",
                intro=f"Ask the payment provider to refund {count} order{'s' * (count != 1)} in "
                "full. Each is marked refunded, and its buyer loses access, when the provider "
                "confirms.",
                describe=lambda order: (
                    f"{order.public_id} · {order.buyer} · {order.product} · "
                    f"{amount(order.amount, order.currency)} ({order.get_status_display()})"
                ),
            )
        webhook_url = request.build_absolute_uri(reverse("billing:dodo_webhook"))
        asked = 0
        for order in queryset:
            try:
                order_refund_request(
                    order_id=order.pk,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    webhook_url=webhook_url,
                )
            except RefundRefused as error:
                self.message_user(request, f"{order}: not refunded, {error}.", messages.WARNING)
            except ProviderError as error:
                self.message_user(
                    request, f"{order}: the provider refused: {error}", messages.ERROR
                )
            else:
                asked += 1
        if asked:
            self.message_user(
                request,
                f"{asked} refund(s) asked for; each is recorded when the provider confirms it.",
                messages.SUCCESS,
            )
        return None

    @admin.action(
        description="Forget an unanswered refund request (checked at the provider: no refund)",
        permissions=["refund"],
    )
    def forget_refund_request(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        cleared = sum(order_refund_forget(order_id=order.pk) for order in queryset)
        self.message_user(
            request,
            f"{cleared} refund request(s) forgotten; they can be asked again.",
            messages.INFO,
        )


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["webhook_id", "type", "outcome", "received_at", "processed_at", "order"]
    list_filter = ["outcome", "type"]
    search_fields = ["webhook_id", "payment_id", "order__public_id"]
    list_select_related = ["order"]
    readonly_fields = [field.name for field in WebhookEvent._meta.fields]
    actions = ["reprocess"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Process again (applied events are left alone)")
    def reprocess(self, request, queryset) -> None:
        for event in queryset:
            webhook_process(event_id=event.pk)
        self.message_user(request, f"{queryset.count()} event(s) processed.", messages.SUCCESS)
