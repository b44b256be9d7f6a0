import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import path

from ops.models import Backup, Notice
from ops.tasks import back_up

logger = logging.getLogger(__name__)


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


@admin.register(Backup)
class BackupAdmin(admin.ModelAdmin):
    """Backups, read-only: every attempt, failures with their error, and a button that queues
    one now (the same task the schedule runs)."""

    list_display = ["name", "status", "started_at", "finished_at", "size_shown", "checksum_short"]
    list_filter = ["status"]
    search_fields = ["name"]
    readonly_fields = ["name", "status", "started_at", "finished_at", "size", "checksum", "error"]

    @admin.display(description="size", ordering="size")
    def size_shown(self, backup: Backup) -> str:
        return filesizeformat(backup.size) if backup.size is not None else "-"

    @admin.display(description="checksum")
    def checksum_short(self, backup: Backup) -> str:
        return backup.checksum[:12]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        back_up_now = self.admin_site.admin_view(self.back_up_now)
        return [
            path("back-up-now/", back_up_now, name="ops_backup_back_up_now"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        can = request.user.has_perm("ops.add_backup")
        return super().changelist_view(request, {**(extra_context or {}), "can_back_up": can})

    def back_up_now(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("ops.add_backup"):
            raise PermissionDenied
        try:
            back_up()
        except Exception:
            logger.exception("could not queue a backup")
            messages.error(request, "The task queue could not be reached: no backup was queued.")
        else:
            messages.success(request, "A backup is queued; it shows here once it has started.")
        return redirect("admin:ops_backup_changelist")
