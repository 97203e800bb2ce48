"""On PostgreSQL, the application's own database role may read and add audit entries but never
change, delete or truncate them (docs/operations.md, "PostgreSQL"). When SAFEGUARD_DB_APP_ROLE
names that role, every `migrate` (also the one that ends a restore, which recreates the tables)
grants it what the application needs and revokes UPDATE, DELETE and TRUNCATE on the trail. The
owner role, which runs migrations, backups and restores, keeps its rights; the triggers
(safeguard.audit.triggers) refuse it too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections

from .triggers import TABLE


def app_role_statements(role: str, quote: Callable[[str], str]) -> list[str]:
    name = quote(role)
    return [
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {name}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM {name}",
    ]


def app_role_privileges(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: set the application role's privileges (PostgreSQL, when it is named)."""
    role = getattr(settings, "SAFEGUARD_DB_APP_ROLE", "")
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in app_role_statements(role, connection.ops.quote_name):
            cursor.execute(statement)
