"""Uploaded bundles, between the check and the import.

An upload streams straight into a private folder under SAFEGUARD_DATA_DIR (`uploads/`, mode
0700), never the system's shared temporary folder, and stops at SAFEGUARD_MAX_UPLOAD_BYTES. It
is checked with a dry run; when the person confirms, it is imported and deleted. The page knows
it only by an opaque token kept in the person's session; no path ever reaches a URL or a form.
Uploads left unconfirmed are deleted after a day, at the next upload."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.text import get_valid_filename

from .importer import ImportResult, bundle_apply
from .reader import BundleError, BundleRefused, Problem, read_bundle

SESSION_KEY = "safeguard_pending_import"
STALE_AFTER_SECONDS = 24 * 60 * 60


def upload_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def uploads_tidy(*, older_than_seconds: int = STALE_AFTER_SECONDS) -> None:
    """Delete uploads nobody confirmed."""
    cutoff = time.time() - older_than_seconds
    for entry in upload_folder().iterdir():
        if entry.stat().st_mtime >= cutoff:
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


class BundleUploadHandler(FileUploadHandler):
    """Writes an uploaded file into its own folder in the private upload folder, and skips it
    (deleting what was written) once it passes the size limit."""

    def __init__(self, request: Any = None):
        super().__init__(request)
        self.limit = int(settings.SAFEGUARD_MAX_UPLOAD_BYTES)
        self.too_large = False
        self._folder: Path | None = None
        self._file: Any = None
        self._size = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._folder = upload_folder() / secrets.token_urlsafe(18)
        self._folder.mkdir(mode=0o700)
        name = get_valid_filename(Path(self.file_name or "bundle.zip").name) or "bundle.zip"
        self._file = open(self._folder / name, "wb")  # noqa: SIM115 (closed in file_complete)
        self._size = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._size += len(raw_data)
        if self._size > self.limit:
            self.too_large = True
            self._discard()
            raise SkipFile
        self._file.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self._file is None:
            return None
        self._file.close()
        path = Path(self._file.name)
        uploaded = UploadedFile(
            file=open(path, "rb"),  # noqa: SIM115 (Django closes request files)
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
        )
        uploaded.stored_path = path  # type: ignore[attr-defined]
        self._file = None
        return uploaded

    def upload_interrupted(self) -> None:
        self._discard()

    def _discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


@dataclass(frozen=True)
class PendingImport:
    token: str
    name: str  # the name the person's file had
    replace: bool
    uploaded_at: str

    def path(self) -> Path | None:
        folder = upload_folder() / self.token
        files = sorted(folder.iterdir()) if folder.is_dir() else []
        return files[0] if files else None


def pending_store(*, session: Any, uploaded: UploadedFile, replace: bool) -> PendingImport:
    """Remember the upload in the session under a new opaque token (forgetting, and deleting,
    any earlier one)."""
    pending_discard(session=session)
    stored: Path = uploaded.stored_path  # type: ignore[attr-defined]
    uploaded.close()
    pending = PendingImport(
        token=stored.parent.name,
        name=Path(uploaded.name or stored.name).name,
        replace=replace,
        uploaded_at=dt.datetime.now(dt.UTC).isoformat(),
    )
    session[SESSION_KEY] = pending.__dict__.copy()
    return pending


def pending_get(*, session: Any, token: str) -> PendingImport | None:
    """The session's pending upload, if `token` names it and its file is still there."""
    stored = session.get(SESSION_KEY)
    if not stored or not token or not secrets.compare_digest(stored.get("token", ""), token):
        return None
    pending = PendingImport(**stored)
    return pending if pending.path() is not None else None


def pending_discard(*, session: Any) -> None:
    """Delete the session's pending upload, if any, and forget it."""
    stored = session.pop(SESSION_KEY, None)
    if stored and stored.get("token"):
        token = Path(stored["token"]).name  # a bare folder name, never a path
        shutil.rmtree(upload_folder() / token, ignore_errors=True)


def upload_discard(uploaded: UploadedFile) -> None:
    stored = getattr(uploaded, "stored_path", None)
    uploaded.close()
    if stored is not None:
        shutil.rmtree(Path(stored).parent, ignore_errors=True)


# A zip that is not one, is damaged or encrypted, or uses an unknown compression, fails in one
# of these ways while it is read; the person sees a sentence, never a trace.
_UNREADABLE = (BundleError, zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
               NotImplementedError, ValueError)  # fmt: skip
UNREADABLE_MESSAGE = (
    "The file could not be opened as a .zip file of the exchange format's CSV files. "
    "Check that it is the bundle (not a single CSV or a damaged download) and upload it again."
)


def uploaded_bundle_apply(
    *, path: Path, name: str, by: Any, replace: bool, dry_run: bool
) -> ImportResult:
    """Check (`dry_run`) or import the uploaded bundle at `path`, audited under the name the
    person's file had. A file that cannot be read gives one problem, not an exception."""
    if not zipfile.is_zipfile(path):
        return ImportResult(problems=[Problem(name, 0, "", UNREADABLE_MESSAGE)])
    try:
        bundle = read_bundle(path)
    except BundleRefused as error:
        return ImportResult(problems=[Problem(name, 0, "", str(error))])
    except _UNREADABLE:
        return ImportResult(problems=[Problem(name, 0, "", UNREADABLE_MESSAGE)])
    return bundle_apply(bundle=bundle, source_name=name, by=by, replace=replace, dry_run=dry_run)
