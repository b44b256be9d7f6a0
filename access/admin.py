"""Access in the admin: a record to read, moved only through the grant and revoke services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from access.models import AccessEvent, Download, PurchasedProduct
from access.services import access_grant, access_revoke
from accounts.admin import UserAdmin
from ops.admin_actions import BOTH_PAGES, answered, ask_before_action
from ops.admin_records import NoWrites, RecordAdmin
from shop.admin import ProductAdmin

VIA = "staff"


def _grant_reason() -> forms.CharField:
    return forms.CharField(
        max_length=200, help_text="Kept in the access log with your name: a ticket, a press copy…"
    )


class GrantReasonForm(forms.Form):
    reason = _grant_reason()


class RevokeReasonForm(forms.Form):
    reason = forms.ChoiceField(choices=[("", "---------"), *PurchasedProduct.RevokeReason.choices])
    note = forms.CharField(
        max_length=200, required=False, help_text="Kept in the access log with your name."
    )


class GrantAddForm(forms.ModelForm):
    reason = _grant_reason()

    class Meta:
        model = PurchasedProduct
        fields = ["user", "product"]

    def clean(self):
        cleaned = super().clean()
        user, product = cleaned.get("user"), cleaned.get("product")
        if not (user and product):
            return cleaned
        if PurchasedProduct.objects.owned_by(user).filter(product=product).exists():
            raise ValidationError(f"{user} already has access to {product}.")
        return cleaned

    def validate_constraints(self) -> None:
        # A revoked grant of the same product is not a clash: access_grant restores that row.
        pass


class _ReadOnlyInline(NoWrites, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return self.fields


class AccessEventInline(_ReadOnlyInline):
    model = AccessEvent
    fields = ["kind", "at", "actor", "via", "reason", "reference"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccessEvent]:
        return super().get_queryset(request).select_related("actor")


class _GrantsInline(_ReadOnlyInline):
    model = PurchasedProduct
    show_change_link = True
    newest = 50

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        # `obj` is the parent. None means its add page, where an empty table would make the add
        # form demand this formset's data.
        return obj is not None and super().has_view_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PurchasedProduct]:
        # Not the inline's own, which asks for view permission without a parent and so would
        # always be empty here; get_inline_instances() has asked with the parent already.
        return PurchasedProduct.objects.all()

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        newest = self.newest

        class NewestGrants(formset):
            # A popular product has thousands of owners; the changelist has them all.
            def get_queryset(self):
                return super().get_queryset()[:newest]

        return NewestGrants


class OwnedProductsInline(_GrantsInline):
    fk_name = "user"
    fields = ["product", "status", "source", "granted_at"]
    verbose_name_plural = f"Owned products (newest {_GrantsInline.newest})"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PurchasedProduct]:
        return super().get_queryset(request).select_related("product")


class OwnersInline(_GrantsInline):
    fk_name = "product"
    fields = ["user", "status", "source", "granted_at"]
    verbose_name_plural = f"Owners (newest {_GrantsInline.newest})"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PurchasedProduct]:
        return super().get_queryset(request).select_related("user")


UserAdmin.inlines = [*UserAdmin.inlines, OwnedProductsInline]
ProductAdmin.inlines = [*ProductAdmin.inlines, OwnersInline]


@admin.register(PurchasedProduct)
class PurchasedProductAdmin(admin.ModelAdmin):
    list_display = ["user", "product", "status", "source", "granted_at", "revoked_at"]
    list_filter = ["status", "source", "revoke_reason"]
    search_fields = ["user__email", "user__name", "product__title"]
    list_select_related = ["user", "product"]
    autocomplete_fields = ["user", "product"]
    actions = ["grant", "revoke"]
    fields = [
        "user",
        "product",
        "status",
        "source",
        "granted_at",
        "revoked_at",
        "revoke_reason",
        "last_downloaded_at",
    ]

    def get_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["user", "product", "reason"] if obj is None else self.fields

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = GrantAddForm
        return super().get_form(request, obj, **kwargs)

    def get_inlines(self, request: HttpRequest, obj=None) -> list:
        return [] if obj is None else [AccessEventInline]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A grant's page is a record. A plain save would write every column back, stale ones
        # included, over a revoke made meanwhile; state moves through the actions instead.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_grant_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("access.add_purchasedproduct")

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("access.change_purchasedproduct")

    def save_model(self, request: HttpRequest, obj: PurchasedProduct, form, change: bool) -> None:
        purchase = access_grant(
            user=obj.user,
            product=obj.product,
            source=PurchasedProduct.Source.STAFF,
            via=VIA,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        obj.pk = purchase.pk
        obj.refresh_from_db()

    def _ask_reason(self, request: HttpRequest, queryset, form: forms.Form, *, action: str):
        title = "Grant access" if action == "grant" else "Revoke access"
        count = queryset.count()
        return ask_before_action(
            self,
            request,
            queryset.select_related("user", "product"),
            form,
            action=action,
            title=title,
            intro=f"{title} for {count} grant{'s' * (count != 1)}. Rows are kept; the access "
            "log records the reason and your name.",
            describe=lambda grant: f"{grant.user} · {grant.product} ({grant.get_status_display()})",
        )

    @admin.action(description="Grant access", permissions=["grant"], location=BOTH_PAGES)
    def grant(self, request: HttpRequest, queryset: QuerySet[PurchasedProduct]):
        form = answered(request, GrantReasonForm)
        if not form.is_valid():
            return self._ask_reason(request, queryset, form, action="grant")
        restored = unchanged = 0
        for purchase in queryset.select_related("user", "product"):
            was_active = purchase.is_active
            access_grant(
                user=purchase.user,
                product=purchase.product,
                source=PurchasedProduct.Source.STAFF,
                via=VIA,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            if was_active:
                unchanged += 1
            else:
                restored += 1
        self.message_user(request, f"{restored} grant(s) restored.", messages.SUCCESS)
        if unchanged:
            self.message_user(request, f"{unchanged} already active, unchanged.", messages.INFO)
        return None

    @admin.action(description="Revoke access", permissions=["revoke"], location=BOTH_PAGES)
    def revoke(self, request: HttpRequest, queryset: QuerySet[PurchasedProduct]):
        form = answered(request, RevokeReasonForm)
        if not form.is_valid():
            return self._ask_reason(request, queryset, form, action="revoke")
        revoked = unchanged = 0
        for purchase in queryset.select_related("user", "product"):
            was_active = purchase.is_active
            access_revoke(
                user=purchase.user,
                product=purchase.product,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                via=VIA,
                actor=request.user,
            )
            if was_active:
                revoked += 1
            else:
                unchanged += 1
        self.message_user(request, f"{revoked} grant(s) revoked.", messages.SUCCESS)
        if unchanged:
            self.message_user(request, f"{unchanged} already revoked, unchanged.", messages.INFO)
        return None


class _LogAdmin(RecordAdmin):
    """A log: counting all of a long one for every page costs more than it tells."""

    show_full_result_count = False


@admin.register(AccessEvent)
class AccessEventAdmin(_LogAdmin):
    list_display = ["at", "purchase", "kind", "actor", "via", "reason", "reference"]
    list_filter = ["kind", "via"]
    search_fields = ["purchase__user__email", "purchase__product__title", "reference"]
    list_select_related = ["purchase__user", "purchase__product", "actor"]


@admin.register(Download)
class DownloadAdmin(_LogAdmin):
    list_display = ["at", "user", "product", "file", "ip"]
    list_filter = ["at"]
    date_hierarchy = "at"
    search_fields = ["user__email", "product__title", "file__original_name", "ip"]
    list_select_related = ["user", "product", "file"]
