"""The one answer to "does this user own this product?"; everything that needs it asks here."""

import functools

from django.db import connection
from django.db.models import Count

from access.models import PurchasedProduct
from shop.models import Product, ProductFile, ProductVersion


def user_owns(*, user, product: Product) -> bool:
    return PurchasedProduct.objects.owned_by(user).filter(product=product).exists()


def owned_purchase(*, user, product_id: int) -> PurchasedProduct | None:
    """The user's active grant for the product, or None."""
    return PurchasedProduct.objects.owned_by(user).filter(product_id=product_id).first()


def owned_file(*, user, file_id: int) -> ProductFile | None:
    """The file, if it belongs to any version of a product the user owns (an active grant, as
    in `owned_by`), with its `product_id`; one query. Written out, since it is the whole of
    every download's work and the ORM took four times as long to build it as to run it."""
    if not user.is_authenticated or not 0 < file_id < 2**63:  # ids are 64-bit
        return None
    with connection.cursor() as cursor:
        cursor.execute(_owned_file_sql(), [file_id, user.pk, PurchasedProduct.Status.ACTIVE])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (column, converters) in zip(row, _owned_file_converters(), strict=False):
        for convert in converters:  # as the ORM would (SQLite's dates come back as text)
            value = convert(value, column, connection)
        values.append(value)
    fields = ProductFile._meta.concrete_fields
    file = ProductFile.from_db(connection.alias, [f.attname for f in fields], values)
    file.product_id = row[-1]
    return file


@functools.cache
def _owned_file_converters() -> list:
    table = ProductFile._meta.db_table
    converters = []
    for field in ProductFile._meta.concrete_fields:
        column = field.get_col(table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        converters.append((column, found))
    return converters


@functools.cache
def _owned_file_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(f"f.{quote(field.column)}" for field in ProductFile._meta.concrete_fields)
    files, versions = ProductFile._meta.db_table, ProductVersion._meta.db_table
    grants = PurchasedProduct._meta.db_table
    # Only the models' own table and column names are formatted in; values are parameters.
    return (
        f"SELECT {columns}, v.product_id FROM {files} f "  # noqa: S608
        f"JOIN {versions} v ON v.id = f.version_id "
        f"JOIN {grants} g ON g.product_id = v.product_id "
        "WHERE f.id = %s AND g.user_id = %s AND g.status = %s"
    )


def active_owner_counts(*, seller_id: int) -> dict[int, int]:
    """{product id: active owners} for the seller's products that have any; one query."""
    rows = (
        PurchasedProduct.objects.active()
        .filter(product__seller_id=seller_id)
        .values_list("product_id")
        .annotate(owners=Count("pk"))
        .order_by()
    )
    return dict(rows)
