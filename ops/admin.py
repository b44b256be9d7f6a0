from django.contrib import admin

from ops.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent, what waits, what keeps failing and why."""

    list_display = ["key", "channel", "created_at", "sent_at", "attempts", "due_at", "last_error"]
    list_filter = ["channel", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["key"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
