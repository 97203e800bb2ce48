"""An import killed at any moment (SIGKILL, no chance to clean up) leaves the database exactly as
it was, and the next import succeeds.

`safeguard import --replace` of a synthetic authority (about 11,000 rows) runs in a subprocess
against a database of its own (a SQLite file, or a PostgreSQL database created and dropped
here, on the server the suite uses) and is killed at seeded random moments across the whole of
its run: starting up, reading and checking the bundle, writing, refreshing timeliness."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from safeguard.demo.synthetic import write_synthetic_bundle

# The database the settings name: SQLite, or PostgreSQL under `make test-postgres`.
pytestmark = [pytest.mark.slow, pytest.mark.both_databases]

KILLS = 5
SEED = 20261126
Snapshot = dict[str, tuple[int, str]]


def _digest(rows: list[tuple]) -> tuple[int, str]:
    digest = hashlib.sha256()
    for text in sorted(repr(row) for row in rows):
        digest.update(text.encode())
    return len(rows), digest.hexdigest()


class SqliteDatabase:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "crash.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def snapshot(self) -> Snapshot:
        db = sqlite3.connect(self.path)
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = [
                name
                for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            return {t: _digest(db.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}  # noqa: S608
        finally:
            db.close()

    def copy_to(self, name: str) -> str:
        target = self.path.with_name(name)
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                shutil.copy(source, str(target) + suffix)
        return f"sqlite:///{target}"

    def restore_from(self, url: str) -> None:
        source = Path(url.removeprefix("sqlite:///"))
        for suffix in ("-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            if Path(str(source) + suffix).exists():
                shutil.copy(str(source) + suffix, str(self.path) + suffix)

    def after_kill(self) -> None:
        pass

    def drop(self) -> None:
        pass


class PostgresDatabase:
    def __init__(self) -> None:
        import psycopg

        self.psycopg = psycopg
        server = settings.DATABASES["default"]
        self.params = {
            "host": server.get("HOST") or "127.0.0.1",
            "port": server.get("PORT") or 5432,
            "user": server.get("USER") or "postgres",
            "password": server.get("PASSWORD") or None,
        }
        self.name = f"safeguard_crash_{uuid.uuid4().hex[:8]}"
        self.copies: list[str] = []
        self._admin(f'CREATE DATABASE "{self.name}"')
        self.url = self._url(self.name)

    def _url(self, name: str) -> str:
        p = self.params
        auth = p["user"] + (f":{p['password']}" if p["password"] else "")
        return f"postgresql://{auth}@{p['host']}:{p['port']}/{name}"

    def _admin(self, sql: str) -> None:
        with self.psycopg.connect(dbname="postgres", autocommit=True, **self.params) as db:
            db.execute(sql)

    def after_kill(self) -> None:
        """The server notices a dead client only when it next talks to it; end its session now
        (as the server would) so that its transaction is rolled back before we look."""
        with self.psycopg.connect(dbname="postgres", autocommit=True, **self.params) as db:
            for _ in range(100):
                db.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (self.name,),
                )
                left = db.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (self.name,)
                ).fetchone()[0]
                if not left:
                    return
                time.sleep(0.1)
        raise AssertionError("the killed import's session did not end")

    def snapshot(self) -> Snapshot:
        with self.psycopg.connect(dbname=self.name, **self.params) as db:
            tables = [
                name
                for (name,) in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            return {t: _digest(db.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}  # noqa: S608

    def copy_to(self, name: str) -> str:
        copy = f"{self.name}_{name.split('.')[0]}"
        self._admin(f'CREATE DATABASE "{copy}" TEMPLATE "{self.name}"')
        self.copies.append(copy)
        return self._url(copy)

    def restore_from(self, url: str) -> None:
        source = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE "{self.name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{source}"')

    def drop(self) -> None:
        for name in [*self.copies, self.name]:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(tmp_path):
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        db = PostgresDatabase()
    else:
        db = SqliteDatabase(tmp_path)
    yield db
    db.drop()


def _command(tmp_path: Path, url: str, *args: str) -> tuple[list[str], dict[str, str]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safeguard.config.settings.local",
        "DATABASE_URL": url,
        "SAFEGUARD_DATA_DIR": str(tmp_path / "data"),
    }
    return [sys.executable, "-m", "safeguard.cli", "import", *args], env


def _import(tmp_path: Path, url: str, *args: str) -> float:
    command, env = _command(tmp_path, url, *args)
    started = time.monotonic()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    return time.monotonic() - started


def test_an_import_killed_at_any_moment_leaves_the_database_as_it_was(database, tmp_path):
    base, big = tmp_path / "base", tmp_path / "big"
    write_synthetic_bundle(base, children=300, years=6, seed=1)
    write_synthetic_bundle(big, children=900, years=6, seed=2)
    _import(tmp_path, database.url, str(base))
    before = database.snapshot()
    assert sum(rows for rows, _ in before.values()) > 3000
    pristine = database.copy_to("pristine.sqlite3")

    # How long a whole import takes here, on a copy: the kills are spread across it.
    rehearsal = database.copy_to("rehearsal.sqlite3")
    duration = _import(tmp_path, rehearsal, str(big), "--replace")

    chooser = random.Random(SEED)
    killed_midway = 0
    for _ in range(KILLS):
        # Up to 80% of the rehearsal's time: a run can be quicker than the rehearsal was.
        delay = chooser.uniform(0.05, 0.8) * duration
        command, env = _command(tmp_path, database.url, str(big), "--replace")
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        database.after_kill()
        if process.returncode == 0:  # it finished before the kill: put the database back
            database.restore_from(pristine)
            continue
        assert process.returncode == -signal.SIGKILL
        killed_midway += 1
        after = database.snapshot()
        assert after == before, (
            f"killed after {delay:.2f} s of {duration:.2f} s, the database changed: "
            + ", ".join(t for t in before if after.get(t) != before[t])
        )
    assert killed_midway >= KILLS - 2, "the imports finished before they could be killed"

    # The next import succeeds, and writes what an import that was never interrupted writes.
    _import(tmp_path, database.url, str(big), "--replace")
    final = database.snapshot()
    assert final != before
    rehearsed = _counts_of(database, rehearsal)
    assert {t: rows for t, (rows, _) in final.items()} == rehearsed


def _counts_of(database, url: str) -> dict[str, int]:
    if isinstance(database, SqliteDatabase):
        other = SqliteDatabase.__new__(SqliteDatabase)
        other.path = Path(url.removeprefix("sqlite:///"))
    else:
        other = PostgresDatabase.__new__(PostgresDatabase)
        other.psycopg, other.params = database.psycopg, database.params
        other.name = url.rsplit("/", 1)[1]
    return {t: rows for t, (rows, _) in other.snapshot().items()}
