from django.contrib import admin, messages

from billing.models import Order, WebhookEvent
from billing.services import webhook_process


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "public_id",
        "buyer",
        "product",
        "amount",
        "currency",
        "status",
        "provider",
        "created_at",
    ]
    list_filter = ["status", "provider", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["public_id", "buyer__email", "product__title", "payment_id"]
    list_select_related = ["buyer", "product"]
    # Orders move only through their webhooks and services, never by hand.
    readonly_fields = [field.name for field in Order._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
