import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.factories"]

LEFT_OUT_ON_POSTGRESQL = pytest.StashKey[int]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of PostgreSQL's own features are deselected, not skipped, on another database; on
    PostgreSQL, the tests that never reach a database are deselected, as `make test` runs them
    on SQLite (`make test-sqlite`) and they would only repeat it (docs/operations.md, "10. The
    tests").

    A clean clone then runs every test it collects: a skip always means something is missing."""
    from django.db import connection

    if connection.vendor == "postgresql":
        left_out = [item for item in items if not _reaches_a_database(item)]
        if left_out and not config.getoption("all_tests_on_postgresql"):
            _deselect(config, items, left_out)
            config.stash[LEFT_OUT_ON_POSTGRESQL] = len(left_out)
            if hasattr(config, "workeroutput"):  # a pytest-xdist worker: tell the controller
                config.workeroutput["left_out_on_postgresql"] = len(left_out)
        return
    _deselect(config, items, [i for i in items if i.get_closest_marker("postgresql") is not None])


def _reaches_a_database(item: pytest.Item) -> bool:
    """The test opens the test database (`django_db`, or a fixture built on it, such as a
    module's data loaded once), or says it reads the configured database (`both_databases`)."""
    return (
        item.get_closest_marker("django_db") is not None
        or item.get_closest_marker("both_databases") is not None
        or "django_db_setup" in getattr(item, "fixturenames", ())
    )


def _deselect(config: pytest.Config, items: list[pytest.Item], left_out: list[pytest.Item]) -> None:
    if left_out:
        gone = set(left_out)
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in gone]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """pytest-xdist: a worker's count of the tests it left out on PostgreSQL."""
    if left_out := getattr(node, "workeroutput", {}).get("left_out_on_postgresql"):
        node.config.stash[LEFT_OUT_ON_POSTGRESQL] = left_out


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if left_out := config.stash.get(LEFT_OUT_ON_POSTGRESQL, 0):
        terminalreporter.write_line(
            f"PostgreSQL: {left_out} tests that use no database were left out, as the SQLite run"
            " runs them (--all-tests-on-postgresql runs them here too)"
        )


BROWSER_TESTS = "tests/browser/"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`-n 3 --dist loadgroup` (`make test-sqlite`): the browser tests go to one process, one at a
    time, as their timings (the session time-out) expect, first, as the longest piece of work;
    each other test goes to whichever process is free. (pytest-xdist's own `xdist_group` marker
    does nothing under pytest 9, whose test ids it can no longer rewrite.)"""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return BROWSER_TESTS if nodeid.startswith(BROWSER_TESTS) else nodeid

    return BrowserTestsTogether(config, log)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--all-tests-on-postgresql",
        action="store_true",
        help="On PostgreSQL, run the tests that use no database too (by default only on SQLite).",
    )


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
