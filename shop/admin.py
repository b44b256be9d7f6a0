from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from shop.models import Category, Product, ProductFile, ProductVersion, ShortLink
from shop.services import product_set_featured, product_set_status, short_link_set_active
from shop.templatetags.shop import money


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ProductVersionInline(admin.TabularInline):
    model = ProductVersion
    extra = 0
    fields = ["label", "released_at", "changelog"]
    show_change_link = True


class ProductFileInline(admin.TabularInline):
    model = ProductFile
    extra = 0
    fields = ["original_name", "size", "content_type", "sha256", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ShortLinkInline(admin.TabularInline):
    model = ShortLink
    extra = 0
    fields = ["code", "label", "is_active", "visits", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["title", "seller", "status", "list_price", "featured", "published_at"]
    list_filter = ["status", "featured", "categories", ("seller", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "slug", "seller__email"]
    list_select_related = ["seller"]
    # Status and featuring change through actions that call the services, so publishing is
    # validated and cached short links are cleared.
    readonly_fields = ["slug", "status", "featured", "created_at", "updated_at", "published_at"]
    autocomplete_fields = ["seller"]
    filter_horizontal = ["categories"]
    inlines = [ProductVersionInline, ShortLinkInline]
    actions = ["feature", "unfeature", "publish", "unpublish", "archive"]

    @admin.display(description="Price", ordering="price")
    def list_price(self, product: Product) -> str:
        return money(product.price, product.currency)

    def _move(self, request: HttpRequest, queryset: QuerySet[Product], status: str) -> None:
        moved, refused = 0, []
        for product in queryset:
            try:
                product_set_status(product=product, status=status)
                moved += 1
            except ValidationError as error:
                refused.append(f"{product}: {' '.join(error.messages)}")
        if moved:
            self.message_user(request, f"{moved} product(s) now {status}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.ERROR)

    @admin.action(description="Publish")
    def publish(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        self._move(request, queryset, Product.Status.PUBLISHED)

    @admin.action(description="Unpublish (back to draft)")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        self._move(request, queryset, Product.Status.DRAFT)

    @admin.action(description="Archive")
    def archive(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        self._move(request, queryset, Product.Status.ARCHIVED)

    @admin.action(description="Feature on the home page")
    def feature(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        changed = product_set_featured(products=queryset, featured=True)
        self.message_user(request, f"{changed} product(s) featured.", messages.SUCCESS)

    @admin.action(description="Stop featuring")
    def unfeature(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        changed = product_set_featured(products=queryset, featured=False)
        self.message_user(request, f"{changed} product(s) no longer featured.", messages.SUCCESS)


@admin.register(ProductVersion)
class ProductVersionAdmin(admin.ModelAdmin):
    list_display = ["product", "label", "released_at"]
    search_fields = ["product__title", "label"]
    list_select_related = ["product"]
    inlines = [ProductFileInline]


@admin.register(ShortLink)
class ShortLinkAdmin(admin.ModelAdmin):
    list_display = ["code", "product", "label", "is_active", "visits", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["code", "label", "product__title"]
    list_select_related = ["product"]
    readonly_fields = ["product", "code", "is_active", "visits", "created_at"]
    actions = ["enable", "disable"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Enable")
    def enable(self, request: HttpRequest, queryset: QuerySet[ShortLink]) -> None:
        for link in queryset.select_related("product"):
            short_link_set_active(link=link, active=True)

    @admin.action(description="Disable")
    def disable(self, request: HttpRequest, queryset: QuerySet[ShortLink]) -> None:
        for link in queryset.select_related("product"):
            short_link_set_active(link=link, active=False)
