from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from accounts.models import TelegramLink, User
from accounts.services import display_name_clean, telegram_link_disconnect, user_start_selling

# Google's client is read from settings (GOOGLE_CLIENT_ID), and no Google token is kept: a row
# made here would be ignored. A user's connected Google account stays listed, to remove.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)


class _NormalizedEmail:
    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])


class UserCreateForm(_NormalizedEmail, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserEditForm(_NormalizedEmail, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_display_name(self) -> str:
        # The rules sellers meet in the studio; a seller's cannot be emptied (the database's
        # check refuses it, and the model's validation says so).
        value = self.cleaned_data["display_name"]
        return display_name_clean(value, user=self.instance) if value.strip() else ""


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    ordering = ["-date_joined"]
    list_display = [
        "email",
        "name",
        "display_name",
        "role_badges",
        "is_active",
        "date_joined",
        "last_login",
    ]
    list_filter = ["is_customer", "is_seller", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name", "display_name"]
    readonly_fields = ["role_badges", "is_seller", "seller_since", "date_joined", "last_login"]
    actions = ["start_selling"]
    fieldsets = [
        (None, {"fields": ["email", "password", "name", "display_name"]}),
        (
            "Roles",
            {
                "description": "Selling is turned on with the “Start selling” action, which "
                "records when it started.",
                "fields": ["role_badges", "is_customer", "is_seller", "seller_since", "is_staff"],
            },
        ),
        ("Permissions", {"fields": ["is_active", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        )
    ]

    @admin.display(description="Roles")
    def role_badges(self, user: User) -> str:
        return format_html_join(" ", "<strong>{}</strong>", ((role,) for role in user.roles)) or "—"

    @admin.action(description="Start selling (turn on the seller role)")
    def start_selling(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_start_selling(user=user)
        self.message_user(request, f"{queryset.count()} user(s) can now sell.", messages.SUCCESS)


@admin.register(TelegramLink)
class TelegramLinkAdmin(admin.ModelAdmin):
    """Staff see who gets notices in Telegram and can disconnect a chat; connecting is the
    seller's own, from the studio."""

    list_display = ["user", "connected_at", "chat_id"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__name"]
    readonly_fields = [field.name for field in TelegramLink._meta.fields]
    actions = ["disconnect"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Disconnect Telegram", permissions=["change"])
    def disconnect(self, request: HttpRequest, queryset: QuerySet[TelegramLink]) -> None:
        for link in queryset.select_related("user"):
            telegram_link_disconnect(user=link.user)
        messages.success(request, f"Disconnected {queryset.count()} Telegram chat(s).")
