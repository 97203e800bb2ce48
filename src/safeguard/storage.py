"""Writing many rows at once, fast, on SQLite and PostgreSQL alike.

Django's `bulk_update` builds one CASE expression per row and field, which takes minutes for the
tens of thousands of verdicts an import recomputes. `rows_update` loads the new values into a
temporary table and applies them with one UPDATE ... FROM (SQLite 3.33+, PostgreSQL).

Django's `bulk_create` spends most of its time compiling SQL: one placeholder expression and one
`get_db_prep_save` per cell (about 0.3 ms a row, so 3 s for an authority's 30,000 rows and hours
for England's). `rows_insert` prepares one INSERT statement and hands the rows to the driver's
`executemany` (on PostgreSQL, to COPY); the values are prepared once per field kind, exactly as
Django would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from contextlib import suppress
from itertools import chain, islice
from operator import itemgetter
from typing import Protocol, cast

from django.db import connection, models

from safeguard.data_version.services import data_version_bump

BATCH = 5000
# Values that the driver takes as they are: Django's preparation of a str for a text field, a
# bool for a boolean field and an int for an integer field (a key) returns them unchanged.
_UNCHANGED = {
    "CharField": str,
    "TextField": str,
    "EmailField": str,
    "BooleanField": bool,
    "ForeignKey": int,
    "OneToOneField": int,
    "IntegerField": int,
    "PositiveIntegerField": int,
    "PositiveSmallIntegerField": int,
    "SmallIntegerField": int,
    "BigIntegerField": int,
    "AutoField": int,
    "BigAutoField": int,
    "SmallAutoField": int,
}


_A_DAY = dt.date(2000, 1, 1)


def _unchanged_type(field: models.Field) -> type | None:
    """The type of value that `field` hands to the driver as it is, if any."""
    if type(field).__name__ == "DateField":
        # PostgreSQL's adapter passes dates through; SQLite's turns them into text.
        passes_through = connection.ops.adapt_datefield_value(_A_DAY) is _A_DAY
        return dt.date if passes_through else None
    return _UNCHANGED.get(type(field).__name__)


def _date_adapter(field: models.Field):
    """For a date field, what `get_db_prep_save` comes down to for a date: the backend's
    adapter, or the same as the C method `date.isoformat` where that is what it does (SQLite)."""
    if type(field).__name__ != "DateField":
        return None
    adapt = connection.ops.adapt_datefield_value
    return dt.date.isoformat if adapt(_A_DAY) == _A_DAY.isoformat() else adapt


def _preparer(field: models.Field):
    """A function preparing `field`'s values for the database, as `get_db_prep_save` does."""
    unchanged = _unchanged_type(field)
    prepare = field.get_db_prep_save
    adapt_date = _date_adapter(field)

    def prepared(value):
        if value is None or (unchanged is not None and type(value) is unchanged):
            return value
        if adapt_date is not None and type(value) is dt.date:
            return adapt_date(value)
        return prepare(value, connection)

    return prepared


def _default(field: models.Field):
    """A function giving `field`'s value when a row leaves it out, as Model.__init__ would."""
    if field.has_default() and callable(field.default):
        return field.get_default
    value = field.get_default()
    return lambda: value


def _column(rows: Sequence[dict], field: models.Field, default) -> list:
    """One field's values down `rows`, in order: the row's `<key>_id`, else its name, else the
    field's default."""
    attname, name = field.attname, field.name
    # Every row holding the same key is the usual case, and C-fast.
    with suppress(KeyError):
        return list(map(itemgetter(attname), rows))
    if name != attname and not any(attname in row for row in rows):
        with suppress(KeyError):
            return list(map(itemgetter(name), rows))
    return [
        row[attname] if attname in row else row[name] if name in row else default() for row in rows
    ]


def _prepared_column(column: list, unchanged: type | None, prepare, adapt_date) -> list:
    """`column` as the driver takes it: left alone when every value is of the type the field
    passes through (checked in one sweep), else each value prepared as Django would."""
    kinds = set(map(type, column))
    kinds.discard(type(None))
    if not kinds or (unchanged is not None and kinds == {unchanged}):
        return column
    if kinds == {dt.date} and adapt_date is not None:
        return [None if value is None else adapt_date(value) for value in column]
    return list(map(prepare, column))


def rows_insert(model: type[models.Model], rows: Sequence[dict]) -> int:
    """Insert one record per dict of `rows` (field names, or `<key>_id` for foreign keys), the
    fields a dict leaves out taking their defaults; returns the number inserted.

    For plain models only: no auto_now fields, no signals (bulk_create sends none either)."""
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            raise ValueError(f"{model.__name__}.{field.name}: rows_insert cannot fill auto_now")
    # Per field: its default, the type passed through unprepared, and its preparation.
    plan = [(f, _default(f), _unchanged_type(f), _preparer(f), _date_adapter(f)) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model

    def values(batch: Sequence[dict]) -> list[tuple]:
        # Column by column: a cell at a time in Python was most of the cost of large imports.
        prepared = [
            _prepared_column(_column(batch, field, default), unchanged, prepare, adapt_date)
            for field, default, unchanged, prepare, adapt_date in plan
        ]
        return list(zip(*prepared, strict=True))

    batches = (values(rows[start : start + BATCH]) for start in range(0, len(rows), BATCH))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One COPY for the table: the server takes in a batch while the next is prepared.
            _copy_rows(cursor, table, columns, chain.from_iterable(batches))
        else:
            for batch in batches:
                cursor.executemany(sql, batch)
    data_version_bump()  # no signals here: the cached report must still see the change
    return len(rows)


def _copy_rows(cursor, table: str, columns: str, rows: Iterable[tuple]) -> None:
    """PostgreSQL's COPY: several times faster than executemany's INSERTs for many rows."""
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def stored_field(model: type[models.Model], name: str) -> models.Field:
    """The field `name` (or its attname, `plan_id`) of `model`: one stored in a column."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise ValueError(f"{model.__name__}.{name} is not stored in a column")
    return field


def _column_type(field: models.Field) -> str:
    """The column type of `field` for a temporary table: a plain integer for an auto key."""
    db_type = field.db_type(connection)
    if db_type is None:
        raise ValueError(f"{field} has no column type")
    return db_type.replace("AUTOINCREMENT", "").replace("serial", "integer")


def rows_update(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Set `fields` of the rows whose primary keys lead each tuple of `rows`.

    `fields` are column-backed field names (use `plan_id`, not `plan`)."""
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    stored = [stored_field(model, name) for name in fields]
    columns = [field.column for field in stored]
    db_types = [_column_type(field) for field in stored]
    pk_column = model._meta.pk.column
    temporary = connection.ops.quote_name(f"new_{model._meta.db_table}")
    quoted = [connection.ops.quote_name(c) for c in columns]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temporary}")
        definitions = ", ".join(f"{q} {t}" for q, t in zip(quoted, db_types, strict=True))
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temporary} (row_pk bigint PRIMARY KEY, {definitions})"
        )
        placeholders = ", ".join(["%s"] * (len(fields) + 1))
        preparers = [_preparer(f) for f in [model._meta.pk, *stored]]
        prepared = [
            tuple(prepare(value) for prepare, value in zip(preparers, row, strict=True))
            for row in rows
        ]
        if connection.vendor == "postgresql":
            _copy_rows(cursor, temporary, ", ".join(["row_pk", *quoted]), prepared)
        else:
            iterator = iter(prepared)
            while batch := list(islice(iterator, BATCH)):
                cursor.executemany(f"INSERT INTO {temporary} VALUES ({placeholders})", batch)  # noqa: S608 - names are quoted identifiers from the model, values are parameters
        assignments = ", ".join(f"{q} = {temporary}.{q}" for q in quoted)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {temporary} "  # noqa: S608 - quoted identifiers
            f"WHERE {table}.{connection.ops.quote_name(pk_column)} = {temporary}.row_pk"
        )
        cursor.execute(f"DROP TABLE {temporary}")
    data_version_bump()
    return len(rows)


class Versioned(Protocol):
    """What optimistic locking needs of a model beside being one: its `version` field. Python's
    types cannot say "a Model that also has a version", so a record is cast to this where its
    version is read or set."""

    version: int


class StaleRecordError(Exception):
    """Somebody else saved the record since it was read; the later save is refused.

    `current` is the record as it now stands, so the person can see the other change."""

    def __init__(self, current: models.Model) -> None:
        super().__init__(
            f"{str(current._meta.verbose_name).capitalize()} {current} was changed by somebody else "
            "after you opened it. Your changes have not been saved: check the record as it now "
            "stands and make them again."
        )
        self.current = current


def versioned_save(instance: models.Model, *, expected_version: int, values: dict) -> models.Model:
    """Write `values` to `instance` only if its stored version is still `expected_version`.

    The check and the write are one UPDATE, so two people saving at once cannot both succeed."""
    model = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        **values, version=expected_version + 1
    )
    if not updated:
        raise StaleRecordError(model._default_manager.get(pk=instance.pk))
    data_version_bump()
    for name, value in values.items():
        setattr(instance, name, value)
    cast(Versioned, instance).version = expected_version + 1
    return instance
