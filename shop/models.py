import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.core.files.storage import storages
from django.db import connection, models
from django.db.models import OuterRef, Q, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from ops.text import validate_single_line

# No 0/O, 1/I/l: a short code read aloud or typed from print must not be ambiguous.
SHORT_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SHORT_CODE_LENGTH = 8
# The smallest paid price, in minor units: payment providers refuse to charge less.
MIN_PAID_PRICE = 50
CURRENCIES = [("USD", "US dollar"), ("EUR", "Euro"), ("GBP", "Pound sterling")]


def private_storage():
    return storages["private"]


def cover_path(product: "Product", filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return f"covers/{uuid.uuid4().hex}{suffix}"


def product_file_path(file: "ProductFile", filename: str) -> str:
    # The stored name never carries the uploader's name: it is neither trusted nor needed.
    return f"products/{uuid.uuid4().hex}"


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True, validators=[validate_single_line])
    slug = models.SlugField(max_length=90, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class SearchDocument(models.Func):
    """What full-text search reads: title, category names, tagline and description, weighted
    in that order (category names after the title: a product called "Templates" comes before
    one filed under Templates).

    Stored in a generated column (with a GIN index, migration 0006) so that ranking reads a
    ready vector instead of parsing every matching description again. A generated column
    reads its own row only, so the category names are copied into the row
    (`Product.category_names`, kept by shop.signals). PostgreSQL only: other databases store
    NULL and search with their fallback. `categories=False` is the first document, without
    them, which migration 0003 made.
    """

    template = "%(expressions)s"
    output_field = SearchVectorField()

    def __init__(self, *, categories: bool = False):
        document = SearchVector("title", weight="A", config="english")
        if categories:
            document += SearchVector("category_names", weight="B", config="english")
        super().__init__(
            document
            + SearchVector("tagline", weight="B", config="english")
            + SearchVector("description", weight="C", config="english")
        )

    def as_sql(self, compiler, connection, **extra):
        if connection.vendor != "postgresql":
            return "NULL", []
        return super().as_sql(compiler, connection, **extra)


def _search_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config="english")


def _singular(word: str) -> str:
    """A naive English singular, for the SQLite fallback: "fonts" finds "font" in "Fonts"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _close_to(text: str):
    """How close `text` comes to a word of the title or of the category names (0 to 1)."""
    return Greatest(
        TrigramWordSimilarity(Value(text), "title"),
        TrigramWordSimilarity(Value(text), "category_names"),
    )


class ProductQuerySet(models.QuerySet):
    def matching(self, text: str):
        """Products matching `text`. PostgreSQL: full-text search (English stems) over title,
        category names, tagline and description. Elsewhere (SQLite, the embedded default):
        every word, or its naive singular, must appear in one of those fields."""
        text = text.strip()
        if not text:
            return self
        if connection.vendor == "postgresql":
            return self.filter(search_document=_search_query(text))
        matches = self
        for word in text.split()[:8]:
            word = _singular(word)
            matches = matches.filter(
                Q(title__icontains=word)
                | Q(category_names__icontains=word)
                | Q(tagline__icontains=word)
                | Q(description__icontains=word)
            )
        return matches

    def close_to(self, text: str):
        """Products whose title or category names come close to `text`, misspelt
        ("tempaltes"): trigram word similarity at least pg_trgm.word_similarity_threshold,
        through the trigram indexes. PostgreSQL only; elsewhere nothing is close."""
        text = text.strip()
        if not text or connection.vendor != "postgresql":
            return self.none()
        return self.filter(
            Q(title__trigram_word_similar=text) | Q(category_names__trigram_word_similar=text)
        )

    def ranked(self, text: str, *, close: bool = False):
        """Annotated with `rank` for `text` (for `close` matches, their similarity), without
        filtering."""
        text = text.strip()
        if not text:
            rank = models.Value(0.0, output_field=models.FloatField())
        elif connection.vendor == "postgresql":
            if close:
                rank = _close_to(text)
            else:
                rank = SearchRank(models.F("search_document"), _search_query(text))
            # As double precision: a real (float4) reaches Python written short, and that
            # number, sent back in a page's cursor, no longer equals the real it came from.
            rank = Cast(rank, models.FloatField())
        else:
            rank = models.Case(
                models.When(title__icontains=text, then=models.Value(1.0)),
                default=models.Value(0.5),
                output_field=models.FloatField(),
            )
        return self.annotate(rank=rank)

    def update_category_names(self) -> int:
        """Copy each product's category names into its row, where its search document (a
        generated column, which cannot read another table) finds them."""
        names = (
            Product.categories.through.objects.filter(product=OuterRef("pk"))
            .order_by()
            .values("product")
            .annotate(names=StringAgg("category__name", Value(" ")))
            .values("names")
        )
        return self.update(category_names=Coalesce(Subquery(names), Value("")))

    def published(self):
        return self.filter(status=Product.Status.PUBLISHED)

    def of_seller(self, seller):
        return self.filter(seller=seller)

    def visible_to(self, user):
        """Published products, plus the user's own in any status."""
        if user.is_authenticated:
            return self.filter(Q(status=Product.Status.PUBLISHED) | Q(seller=user))
        return self.published()


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        PUBLISHED = "published"
        ARCHIVED = "archived"

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="products"
    )
    title = models.CharField(max_length=120, validators=[validate_single_line])
    slug = models.SlugField(max_length=140, unique=True, editable=False)
    tagline = models.CharField(max_length=160, blank=True, validators=[validate_single_line])
    description = models.TextField(blank=True, help_text="Markdown. Raw HTML is not rendered.")
    price = models.PositiveIntegerField(default=0, help_text="In minor units (cents); 0 is free.")
    currency = models.CharField(max_length=3, choices=CURRENCIES, default="USD")
    cover = models.ImageField(upload_to=cover_path, blank=True)
    categories = models.ManyToManyField(Category, related_name="products", blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    featured = models.BooleanField(default=False, help_text="Shown on the home page (staff only).")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The category names, copied for search (shop.signals keeps them): never edited.
    category_names = models.TextField(blank=True, default="", editable=False)
    search_document = models.GeneratedField(
        expression=SearchDocument(categories=True),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0), name="shop_product_price_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(price=0) | Q(price__gte=MIN_PAID_PRICE),
                name="shop_product_published_price_chargeable",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "archived"]),
                name="shop_product_status_known",
            ),
            # The catalog pages through published products by publication time.
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="shop_product_published_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"], name="shop_product_listing")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.price == 0


class ProductVersion(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(max_length=40, validators=[validate_single_line])
    changelog = models.TextField(blank=True)
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-released_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "label"], name="shop_version_label_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.label}"


class ProductFile(models.Model):
    version = models.ForeignKey(ProductVersion, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=product_file_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["original_name", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ShortLink(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="short_links")
    code = models.CharField(max_length=SHORT_CODE_LENGTH, unique=True, default=new_short_code)
    label = models.CharField(
        max_length=80,
        blank=True,
        validators=[validate_single_line],
        help_text="A campaign or a channel.",
    )
    is_active = models.BooleanField(default=True)
    visits = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.code
