"""`backup_write` and `backup_restore`: the whole database in one checked file, and back.

A backup file is a zip archive (docs/decisions/0007-backups.md) holding

- `manifest.json`: what the file is (`format`, `format_version`), the database engine it came
  from, when and by which version of Safeguard it was made, the migrations applied to the
  database, and the payload's name, size and SHA-256;
- the payload: `database.sqlite3` (a consistent copy made with SQLite's online backup API) or
  `database.pgdump` (`pg_dump --format=custom`).

Restoring checks everything it can before touching the database (the archive, the manifest, the
checksum, the engine, the migrations), then replaces the database in one step: SQLite copies the
checked file into the live database with the same backup API, in one transaction; PostgreSQL
runs the dump's SQL with psql in a single transaction, after dropping the tables it will
recreate. A restore that fails leaves the database as it was. Migrations run afterwards, so an
older backup comes up to the installed version."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection, connections

from safeguard.zip_archives import duplicated_member

if TYPE_CHECKING:  # models are imported where used, as the audit modules are below
    from safeguard.accounts.models import User

FORMAT = "safeguard-backup"
FORMAT_VERSION = 1
ZIP_COMMENT = b"Safeguard backup: restore with `safeguard restore FILE`"
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go ahead; the message says why, and nothing was changed."""


@dataclass(frozen=True)
class Manifest:
    engine: str
    created_at: str
    safeguard_version: str
    migrations: tuple[tuple[str, str], ...]
    payload: str
    payload_bytes: int
    payload_sha256: str

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "engine": self.engine,
            "created_at": self.created_at,
            "safeguard_version": self.safeguard_version,
            "migrations": [list(m) for m in self.migrations],
            "payload": self.payload,
            "payload_bytes": self.payload_bytes,
            "payload_sha256": self.payload_sha256,
        }

    @property
    def description(self) -> str:
        return (
            f"a {ENGINE_NAMES.get(self.engine, self.engine)} backup made {self.created_at} by "
            f"Safeguard {self.safeguard_version} ({self.payload_bytes:,} bytes of data)"
        )


# ------------------------------------------------------------------------------------------
# what is installed


def current_engine() -> str:
    vendor = connection.vendor
    if vendor not in PAYLOADS:
        raise BackupError(f"backups of a {vendor} database are not supported")
    return vendor


def safeguard_version() -> str:
    try:
        return metadata.version("safeguard")
    except metadata.PackageNotFoundError:
        return "unknown"


def _applied_migrations() -> tuple[tuple[str, str], ...]:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return tuple(sorted(recorder.applied_migrations()))


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def database_description() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"the SQLite database {settings['NAME']}"
    host = settings.get("HOST") or "localhost"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"the PostgreSQL database {settings['NAME']} on {host}{port}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------
# PostgreSQL client tools


def _pg_environment() -> dict[str, str]:
    """libpq's environment for the database Django uses (the password never goes on argv)."""
    settings = connection.settings_dict
    env = dict(os.environ)
    for key, name in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = settings.get(name)
        if value:
            env[key] = str(value)
        else:
            env.pop(key, None)
    options = settings.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _pg_tool(name: str) -> str:
    """The path of pg_dump, pg_restore or psql, refusing one older than the server."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools of the server's version "
            f"(on Debian: apt-get install postgresql-client-{_server_major()})"
        )
    output = subprocess.run(
        [path, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    tool_major = int(found.group(1)) if found else 0
    server_major = _server_major()
    if tool_major < server_major:
        raise BackupError(
            f"{name} is version {tool_major} but the database server is PostgreSQL "
            f"{server_major}: install postgresql-client-{server_major} (an older {name} cannot "
            "read a newer server)"
        )
    return path


def _server_major() -> int:
    connection.ensure_connection()
    # Only PostgreSQL's connection has pg_version (this runs on PostgreSQL only).
    return connection.pg_version // 10000  # type: ignore[attr-defined]


def _run(command: list[str], *, what: str, **kwargs: Any) -> None:
    completed = subprocess.run(
        command, capture_output=True, text=True, env=_pg_environment(), check=False, **kwargs
    )
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {detail[0] if detail else 'no message'}")


# ------------------------------------------------------------------------------------------
# backup


def _sqlite_copy(target: Path) -> None:
    connection.ensure_connection()
    live = connection.connection
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)  # a consistent copy, even while others write
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        _sqlite_check(copy, target.name)
    finally:
        copy.close()


def _sqlite_check(db: sqlite3.Connection, name: str) -> None:
    try:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        has_migrations = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{name} is not a usable SQLite database ({error})") from None
    if verdict != "ok":
        raise BackupError(f"{name} failed SQLite's integrity check: {verdict}")
    if not has_migrations:
        raise BackupError(f"{name} is not a Safeguard database (it has no migration records)")


def _pg_dump(target: Path) -> None:
    pg_dump = _pg_tool("pg_dump")
    _run(
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
        what="pg_dump",
    )


def backup_write(*, path: Path, now: dt.datetime | None = None, by: User | None = None) -> Manifest:
    """Write a backup of the whole database to `path` (which must not exist yet), and record it
    in the audit trail (after the backup, so the entry is not in the file it describes).

    The file appears only when it is complete: it is written beside `path` and renamed."""
    from safeguard.audit.models import AuditAction
    from safeguard.audit.services import audit_record

    path = Path(path)
    if path.exists():
        raise BackupError(
            f"{path} already exists: choose a new name (backups are never overwritten)"
        )
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder")
    engine = current_engine()
    now = now or dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".safeguard-backup-") as folder:
        payload = Path(folder) / PAYLOADS[engine]
        if engine == "sqlite":
            _sqlite_copy(payload)
        else:
            _pg_dump(payload)
        manifest = Manifest(
            engine=engine,
            created_at=now.replace(microsecond=0).isoformat(),
            safeguard_version=safeguard_version(),
            migrations=_applied_migrations(),
            payload=payload.name,
            payload_bytes=payload.stat().st_size,
            payload_sha256=_sha256(payload),
        )
        partial = Path(folder) / "backup.zip"
        # A custom-format dump is compressed already; a SQLite file compresses well.
        compression = zipfile.ZIP_DEFLATED if engine == "sqlite" else zipfile.ZIP_STORED
        with zipfile.ZipFile(partial, "w", compression=compression, allowZip64=True) as archive:
            archive.comment = ZIP_COMMENT
            archive.writestr(MANIFEST, json.dumps(manifest.to_json(), indent=1) + "\n")
            archive.write(payload, payload.name)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, path)
    audit_record(
        actor=by,
        action=AuditAction.BACKUP,
        record_type="database",
        record_id=path.name[:100],
        summary=f"Backed up the database to {path} (SHA-256 of the data {manifest.payload_sha256})",
    )
    return manifest


# ------------------------------------------------------------------------------------------
# checking a backup file


def _not_ours(path: Path, why: str) -> BackupError:
    return BackupError(f"{path} is not a Safeguard backup ({why}); nothing was changed")


def _damaged(path: Path, why: str) -> BackupError:
    return BackupError(f"{path} is damaged ({why}); nothing was changed")


def _read_manifest(path: Path, archive: zipfile.ZipFile) -> Manifest:
    twice = duplicated_member(archive.namelist())
    if twice is not None:
        raise _damaged(path, f"the archive holds {twice[0]} twice")
    names = set(archive.namelist())
    if MANIFEST not in names:
        raise _not_ours(path, "it is a zip file without a Safeguard manifest")
    try:
        data = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (zipfile.BadZipFile, zlib.error, OSError) as error:
        raise _damaged(path, f"the manifest cannot be read: {error}") from None
    except (UnicodeDecodeError, ValueError):
        raise _damaged(path, "the manifest is not valid JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _not_ours(path, "its manifest does not describe a Safeguard backup")
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"{path} is a backup of format {version!r}, newer than this Safeguard reads "
            f"({FORMAT_VERSION}): upgrade Safeguard first; nothing was changed"
        )
    try:
        manifest = Manifest(
            engine=str(data["engine"]),
            created_at=str(data["created_at"]),
            safeguard_version=str(data["safeguard_version"]),
            migrations=tuple((str(a), str(n)) for a, n in data["migrations"]),
            payload=str(data["payload"]),
            payload_bytes=int(data["payload_bytes"]),
            payload_sha256=str(data["payload_sha256"]),
        )
    except (KeyError, TypeError, ValueError):
        raise _damaged(path, "the manifest lacks some of its entries") from None
    if manifest.engine not in PAYLOADS or manifest.payload != PAYLOADS[manifest.engine]:
        raise _damaged(path, f"the manifest names an unknown engine {manifest.engine!r}")
    if manifest.payload not in names:
        raise _damaged(path, f"the archive does not hold {manifest.payload}")
    return manifest


def _extract_checked(
    path: Path, archive: zipfile.ZipFile, manifest: Manifest, folder: Path
) -> Path:
    """The payload written to `folder`, after checking its size and SHA-256 against the
    manifest (and the zip's own CRC, which zipfile checks on reading)."""
    info = archive.getinfo(manifest.payload)
    if info.file_size != manifest.payload_bytes:
        raise _damaged(path, "the data is not the size the manifest records")
    target = folder / manifest.payload
    digest = hashlib.sha256()
    written = 0
    try:
        with archive.open(info) as source, target.open("wb") as out:
            while block := source.read(CHUNK):
                written += len(block)
                if written > manifest.payload_bytes:
                    raise _damaged(path, "the data is longer than the manifest records")
                digest.update(block)
                out.write(block)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
        raise _damaged(path, f"the data cannot be read: {error}") from None
    if digest.hexdigest() != manifest.payload_sha256:
        raise _damaged(path, "the data does not match the checksum in its manifest")
    return target


def _open_archive(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        if not zipfile.is_zipfile(path):
            with path.open("rb") as handle:
                start = handle.read(4)
            if start == b"PK\x03\x04":
                raise _damaged(path, "the archive is incomplete or corrupt")
            raise _not_ours(path, "it is not a backup archive")
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise _damaged(path, f"the archive cannot be read: {error}") from None
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error}") from None


def backup_check(*, path: Path, folder: Path | None = None) -> tuple[Manifest, Path | None]:
    """Check the backup at `path` whole, refusing it (BackupError) if it is foreign, damaged,
    of another engine or from a newer Safeguard. With `folder`, the checked payload is left
    there and its path returned."""
    path = Path(path)
    with _open_archive(path) as archive:
        manifest = _read_manifest(path, archive)
        engine = current_engine()
        if manifest.engine != engine:
            raise BackupError(
                f"{path} is a backup of a {ENGINE_NAMES[manifest.engine]} database, but this "
                f"installation uses {ENGINE_NAMES[engine]}: restore it into "
                f"{ENGINE_NAMES[manifest.engine]}, then move the records with `safeguard export` "
                "and `safeguard import`; nothing was changed"
            )
        unknown = sorted(set(manifest.migrations) - _known_migrations())
        if unknown:
            app, name = unknown[0]
            raise BackupError(
                f"{path} was made by a newer Safeguard ({manifest.safeguard_version}; its "
                f"database has migration {app}.{name}, which this version does not know): "
                "upgrade Safeguard first; nothing was changed"
            )
        if folder is None:
            with tempfile.TemporaryDirectory() as scratch:
                payload = _extract_checked(path, archive, manifest, Path(scratch))
                if engine == "sqlite":
                    _sqlite_payload_check(path, payload)
            return manifest, None
        payload = _extract_checked(path, archive, manifest, folder)
        if engine == "sqlite":
            _sqlite_payload_check(path, payload)
        return manifest, payload


def _sqlite_payload_check(path: Path, payload: Path) -> None:
    try:
        db = sqlite3.connect(f"file:{payload}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise _damaged(path, f"the database cannot be opened: {error}") from None
    try:
        _sqlite_check(db, path.name)
    except BackupError as error:
        raise _damaged(path, str(error)) from None
    finally:
        db.close()


# ------------------------------------------------------------------------------------------
# restore


def _sqlite_restore(payload: Path) -> None:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("a restore cannot run inside a transaction")
    source = sqlite3.connect(f"file:{payload}?mode=ro", uri=True)
    try:
        # One step (pages=-1): the live database is replaced in a single write transaction,
        # so readers see the old records or the restored ones, never a mixture.
        source.backup(connection.connection, pages=-1)
    except sqlite3.Error as error:
        raise BackupError(f"the restore failed and nothing was changed: {error}") from None
    finally:
        source.close()


# Drop what the dump will recreate (Django's tables; their sequences go with them), keeping the
# schema itself and its ownership; then the dump's SQL, all in one transaction.
_PG_CLEAR = """
SET lock_timeout = '60s';
DO $$
DECLARE item record;
BEGIN
  FOR item IN SELECT viewname FROM pg_views WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP VIEW IF EXISTS public.%I CASCADE', item.viewname);
  END LOOP;
  FOR item IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', item.tablename);
  END LOOP;
  FOR item IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', item.sequencename);
  END LOOP;
  -- functions of ours (the audit trail's trigger function), not those of an extension
  FOR item IN SELECT p.oid FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
    EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.oid::regprocedure);
  END LOOP;
END $$;
"""


def _pg_restore(payload: Path, folder: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    psql = _pg_tool("psql")
    script = folder / "restore.sql"
    # The whole script is written and checked first: a dump that cannot be read fails here,
    # before psql runs anything.
    _run(
        [pg_restore, "--no-owner", "--no-privileges", f"--file={script}", str(payload)],
        what="pg_restore (reading the backup)",
    )
    connections.close_all()  # no idle connection of ours holds a lock on a table
    _run(
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--command={_PG_CLEAR}",
            f"--file={script}",
        ],
        what="the restore (nothing was changed)",
    )


def backup_restore(*, path: Path, by: User | None = None) -> Manifest:
    """Replace the whole database with the backup at `path`, after checking it; then apply the
    migrations the backup lacks; then carry the audit trail over (safeguard.audit.continuity:
    the entries written since the backup are appended again, and the restore is recorded)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from safeguard.audit.continuity import trail_carry_over, trail_save
    from safeguard.data_version.services import data_version_bump

    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="safeguard-restore-") as scratch:
        folder = Path(scratch)
        manifest, payload = backup_check(path=path, folder=folder)
        assert payload is not None
        trail = folder / "audit-trail.jsonl"
        trail_save(trail)
        if manifest.engine == "sqlite":
            _sqlite_restore(payload)
        else:
            _pg_restore(payload, folder)
        ContentType.objects.clear_cache()
        call_command("migrate", verbosity=0, interactive=False)
        trail_carry_over(saved=trail, by=by, description=f"{manifest.description} from {path}")
    data_version_bump()  # whatever was kept from before the restore is out of date
    return manifest
