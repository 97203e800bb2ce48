import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.factories"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of PostgreSQL's own features are deselected, not skipped, on another database.

    A clean clone then runs every test it collects: a skip always means something is missing."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def _flush_past_the_audit_triggers() -> None:
    """Tests that commit (django_db(transaction=True)) end with Django's flush, which on SQLite
    deletes every row, audit entries included; the triggers refuse that (as they should in
    service). For the test database only, the flush lifts them and puts them back."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    from safeguard.audit.triggers import SQLITE_CREATE, SQLITE_DROP, TABLE

    sql_flush = DatabaseOperations.sql_flush

    def flush(self, style, tables, **kwargs):
        statements = sql_flush(self, style, tables, **kwargs)
        if TABLE not in tables:
            return statements
        return [*SQLITE_DROP, *statements, *SQLITE_CREATE]

    DatabaseOperations.sql_flush = flush


def pytest_configure(config):
    _flush_past_the_audit_triggers()
