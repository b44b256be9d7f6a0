import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models import OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Coalesce

import shop.models

DOCUMENT_INDEX = GinIndex(fields=["search_document"], name="shop_product_document")
TRIGRAM_INDEXES = [
    GinIndex(OpClass("title", name="gin_trgm_ops"), name="shop_product_title_trgm"),
    GinIndex(OpClass("category_names", name="gin_trgm_ops"), name="shop_product_categories_trgm"),
]


def copy_category_names(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    names = (
        Product.categories.through.objects.filter(product=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(names=StringAgg("category__name", Value(" ")))
        .values("names")
    )
    Product.objects.update(category_names=Coalesce(Subquery(names), Value("")))


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        Product = apps.get_model("shop", "Product")
        for index in [DOCUMENT_INDEX, *TRIGRAM_INDEXES]:
            schema_editor.add_index(Product, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        Product = apps.get_model("shop", "Product")
        for index in [DOCUMENT_INDEX, *TRIGRAM_INDEXES]:
            schema_editor.remove_index(Product, index)


def add_first_document_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("shop", "Product"), DOCUMENT_INDEX)


class Migration(migrations.Migration):
    """Search finds category names ("templates", "fonts") and, on PostgreSQL, misspelt titles
    and category names ("tempaltes"), and the catalog pages by publication time.

    A generated column reads its own row only, so the category names are copied into the row
    and the search document is made again with them (a generated column cannot be altered,
    only dropped and added; dropping it drops its GIN index, made again after). pg_trgm and
    trigram GIN indexes on the title and the category names serve the misspelt searches.
    Published products always have a publication time (product_publish sets it); the
    catalog's keyset pages rely on it, so the database says so too.
    """

    dependencies = [("shop", "0005_single_line_titles_and_labels")]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="product",
            name="category_names",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(copy_category_names, migrations.RunPython.noop),
        # Backwards, the first document gets its index back once it is added again.
        migrations.RunPython(migrations.RunPython.noop, add_first_document_index),
        migrations.RemoveField(model_name="product", name="search_document"),
        migrations.AddField(
            model_name="product",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=shop.models.SearchDocument(categories=True),
                output_field=django.contrib.postgres.search.SearchVectorField(null=True),
            ),
        ),
        migrations.RunPython(add_indexes, remove_indexes),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "published"), _negated=True)
                | models.Q(published_at__isnull=False),
                name="shop_product_published_has_time",
            ),
        ),
    ]
