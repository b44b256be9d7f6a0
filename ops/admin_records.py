"""Admin pages for records the shop writes itself (the outbox, backups, access logs): read in
the admin, never added, changed or deleted there."""

from django.contrib import admin
from django.http import HttpRequest


class NoWrites:
    """Mixed into a ModelAdmin or an inline: nothing added, changed or deleted through it."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class RecordAdmin(NoWrites, admin.ModelAdmin):
    pass
