import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import path

from ops.admin_records import RecordAdmin
from ops.models import Backup, Maintenance, Notice
from ops.services import (
    MaintenanceRefused,
    maintenance_check_end,
    maintenance_end,
    maintenance_start,
)
from ops.tasks import back_up

logger = logging.getLogger(__name__)


@admin.register(Notice)
class NoticeAdmin(RecordAdmin):
    """The outbox, read-only: what was sent, what waits, what keeps failing and why."""

    list_display = ["key", "channel", "created_at", "sent_at", "attempts", "due_at", "last_error"]
    list_filter = ["channel", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["key"]
    date_hierarchy = "created_at"


# Maintenance mode: one row, switched through ops.services.


class MaintenanceForm(forms.ModelForm):
    class Meta:
        model = Maintenance
        fields = ["is_on", "message", "ends_at"]
        help_texts = {
            "is_on": "Visitors and customers get the closed page; signed-in staff, the admin, "
            "payment and Telegram webhooks and /healthz keep working. Unticking opens the shop "
            "and clears the message and expected end."
        }

    def clean(self):
        data = super().clean()
        if data.get("is_on"):
            try:
                maintenance_check_end(data.get("ends_at"))
            except MaintenanceRefused as refusal:
                self.add_error("ends_at", str(refusal))
        return data


@admin.register(Maintenance)
class MaintenanceAdmin(admin.ModelAdmin):
    """The single switch: its list shows the state, its page turns it on or off."""

    form = MaintenanceForm
    list_display = ["__str__", "message", "ends_at", "changed_at", "changed_by"]
    list_display_links = ["__str__"]
    readonly_fields = ["changed_at", "changed_by"]
    fields = ["is_on", "message", "ends_at", "changed_at", "changed_by"]

    # The row is made by its migration and never deleted. Should it be missing all the same
    # (a database flushed since), its page shows it open, and saving makes it.
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None and object_id == str(Maintenance.SINGLE_PK):
            return Maintenance(pk=Maintenance.SINGLE_PK)
        return found

    def changelist_view(self, request, extra_context=None):
        if not Maintenance.objects.exists():
            return redirect("admin:ops_maintenance_change", Maintenance.SINGLE_PK)
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if data["is_on"]:
            row = maintenance_start(
                message=data["message"], ends_at=data["ends_at"], by=request.user
            )
        else:
            row = maintenance_end(by=request.user)
        obj.pk = row.pk
        obj.refresh_from_db()


# Backups: read-only, and a button that queues one.


@admin.register(Backup)
class BackupAdmin(RecordAdmin):
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
