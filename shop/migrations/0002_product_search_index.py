from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(
    SearchVector("title", "tagline", "description", config="english"),
    name="shop_product_search",
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("shop", "Product"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("shop", "Product"), INDEX)


class Migration(migrations.Migration):
    """Full-text search index, on PostgreSQL only (SQLite searches without it)."""

    dependencies = [("shop", "0001_initial")]

    operations = [migrations.RunPython(add_index, remove_index)]
