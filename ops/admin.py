from django import forms
from django.contrib import admin
from django.shortcuts import redirect

from ops.models import Maintenance, Notice
from ops.services import (
    MaintenanceRefused,
    maintenance_check_end,
    maintenance_end,
    maintenance_start,
)


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
