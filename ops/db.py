"""Database helpers the ORM does not offer."""

from django.db import connections, models, router
from django.db.models.signals import post_save, pre_save


def insert_if_absent(obj: models.Model, *, unique: list[str]) -> bool:
    """Insert `obj` unless a row with the same `unique` fields exists, in one statement
    (INSERT ... ON CONFLICT DO NOTHING RETURNING), and set its pk; True when it was inserted.

    `get_or_create` takes four statements (and a savepoint) for the same, and Django's
    `bulk_create(ignore_conflicts=True)` cannot say whether the row was new. Sends pre_save and
    post_save as `save()` would."""
    model = type(obj)
    meta = model._meta
    if not isinstance(meta.pk, models.AutoField) or any(
        field.has_db_default() for field in meta.concrete_fields
    ):
        raise TypeError(f"insert_if_absent: {model.__name__} needs an auto pk and no db_default")
    using = router.db_for_write(model, instance=obj)
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = [
        field
        for field in meta.concrete_fields
        if not field.primary_key and not isinstance(field, models.GeneratedField)
    ]
    pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    values = [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]
    conflict = ", ".join(quote(meta.get_field(name).column) for name in unique)
    # Only identifiers from the model's own metadata, quoted, are formatted in; values are
    # parameters.
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, using
    post_save.send(
        sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using
    )
    return True
