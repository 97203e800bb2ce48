"""Writing many rows at once, fast, on SQLite and PostgreSQL alike.

Django's `bulk_update` builds one CASE expression per row and field, which takes minutes for the
tens of thousands of verdicts an import recomputes. `rows_update` loads the new values into a
temporary table and applies them with one UPDATE ... FROM (SQLite 3.33+, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

from django.db import connection, models

BATCH = 5000


def rows_update(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Set `fields` of the rows whose primary keys lead each tuple of `rows`.

    `fields` are column-backed field names (use `plan_id`, not `plan`)."""
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name).column for name in fields]
    db_types = [model._meta.get_field(name).db_type(connection) for name in fields]
    pk_column = model._meta.pk.column
    temporary = connection.ops.quote_name(f"new_{model._meta.db_table}")
    quoted = [connection.ops.quote_name(c) for c in columns]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temporary}")
        definitions = ", ".join(
            f"{q} {t.replace('AUTOINCREMENT', '').replace('serial', 'integer')}"
            for q, t in zip(quoted, db_types, strict=True)
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temporary} (row_pk bigint PRIMARY KEY, {definitions})"
        )
        placeholders = ", ".join(["%s"] * (len(fields) + 1))
        prepared = [
            tuple(
                field.get_db_prep_save(value, connection)
                for field, value in zip(
                    [model._meta.pk, *(model._meta.get_field(n) for n in fields)], row, strict=True
                )
            )
            for row in rows
        ]
        iterator = iter(prepared)
        while batch := list(islice(iterator, BATCH)):
            cursor.executemany(f"INSERT INTO {temporary} VALUES ({placeholders})", batch)  # noqa: S608 - names are quoted identifiers from the model, values are parameters
        assignments = ", ".join(f"{q} = {temporary}.{q}" for q in quoted)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {temporary} "  # noqa: S608 - quoted identifiers
            f"WHERE {table}.{connection.ops.quote_name(pk_column)} = {temporary}.row_pk"
        )
        cursor.execute(f"DROP TABLE {temporary}")
    return len(rows)
