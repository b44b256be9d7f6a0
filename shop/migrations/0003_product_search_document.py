import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

import shop.models

EXPRESSION_INDEX = "shop_product_search"
DOCUMENT_INDEX = GinIndex(fields=["search_document"], name="shop_product_document")


def use_document_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {EXPRESSION_INDEX}")
        schema_editor.add_index(apps.get_model("shop", "Product"), DOCUMENT_INDEX)


def drop_document_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("shop", "Product"), DOCUMENT_INDEX)


class Migration(migrations.Migration):
    """Search reads a stored, weighted tsvector with its own GIN index (PostgreSQL only) in
    place of an index on an expression that ranking had to recompute row by row."""

    dependencies = [("shop", "0002_product_search_index")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=shop.models.SearchDocument(),
                output_field=django.contrib.postgres.search.SearchVectorField(null=True),
            ),
        ),
        migrations.RunPython(use_document_index, drop_document_index),
    ]
