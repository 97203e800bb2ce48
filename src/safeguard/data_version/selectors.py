"""Reading the data version (see the package's docstring)."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

from .models import DataVersion
from .services import WRITES_ATTRIBUTE


def data_version_current(*, using: str = DEFAULT_DB_ALIAS) -> str:
    """The data version as this connection sees it: it differs after any committed write to the
    records, and inside a transaction after each of its own writes.

    Read it BEFORE reading the records that a cached result is built from: a write committed in
    between then makes the result newer than its version, never older."""
    connection = connections[using]
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    own = "changed_in = txid_current_if_assigned()" if connection.vendor == "postgresql" else "0"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, token, {own} FROM {table} ORDER BY id")  # noqa: S608
        slots = cursor.fetchall()
    version = ";".join(f"{pk}:{token}" for pk, token, _ in slots) or "empty"
    if any(mine for _, _, mine in slots):  # this transaction has written (PostgreSQL)
        version += f"+{getattr(connection, WRITES_ATTRIBUTE, 0)}"
    return version
