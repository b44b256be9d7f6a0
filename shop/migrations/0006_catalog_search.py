import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models
from django.db.models import OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Coalesce

import shop.models

DOCUMENT_INDEX = GinIndex(fields=["search_document"], name="shop_product_document")


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


def add_document_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("shop", "Product"), DOCUMENT_INDEX)


def remove_document_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("shop", "Product"), DOCUMENT_INDEX)


class Migration(migrations.Migration):
    """Search finds category names ("templates", "fonts").

    A generated column reads its own row only, so the category names are copied into the row
    and the search document is made again with them (a generated column cannot be altered,
    only dropped and added; dropping it drops its GIN index, made again after).
    Published products always have a publication time (product_publish sets it); the
    catalog's keyset pages rely on it, so the database says so too.
    """

    dependencies = [("shop", "0005_single_line_titles_and_labels")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="category_names",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(copy_category_names, migrations.RunPython.noop),
        # Backwards, the first document gets its index back once it is added again.
        migrations.RunPython(migrations.RunPython.noop, add_document_index),
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
        migrations.RunPython(add_document_index, remove_document_index),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "published"), _negated=True)
                | models.Q(published_at__isnull=False),
                name="shop_product_published_has_time",
            ),
        ),
    ]
