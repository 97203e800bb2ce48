"""Bumping the data version (see the package's docstring)."""

from __future__ import annotations

import secrets

from django.db import DEFAULT_DB_ALIAS, connections

from .models import DataVersion

# On PostgreSQL, the writes of the current transaction after its first bump, by connection: the
# slot is not rewritten for them (a row updated thousands of times in one transaction slows
# every update), but the transaction's own readers must still see the version move.
WRITES_ATTRIBUTE = "safeguard_data_version_writes"


def data_version_bump(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give the data version a new value, inside the caller's transaction (call it after the
    write it records when there is none: a reader must not see the new version before the new
    records).

    Cheap enough to call once per write: one or two single-row statements."""
    connection = connections[using]
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    token = secrets.token_hex(16)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            setattr(connection, WRITES_ATTRIBUTE, getattr(connection, WRITES_ATTRIBUTE, 0) + 1)
            # NULL until the transaction has written: then it holds no slot yet.
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE changed_in = txid_current_if_assigned()"  # noqa: S608 - the model's table
            )
            if cursor.fetchone():
                return
            cursor.execute(
                f"UPDATE {table} SET token = %s, changed_in = txid_current() WHERE id = "  # noqa: S608
                f"(SELECT id FROM {table} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)",
                [token],
            )
        else:
            cursor.execute(
                f"UPDATE {table} SET token = %s WHERE id = (SELECT MIN(id) FROM {table})",  # noqa: S608
                [token],
            )
        if cursor.rowcount == 0:  # no slot yet (a new or emptied table), or all held by others
            changed_in = "txid_current()" if connection.vendor == "postgresql" else "NULL"
            cursor.execute(
                f"INSERT INTO {table} (token, changed_in) VALUES (%s, {changed_in})",  # noqa: S608
                [token],
            )
