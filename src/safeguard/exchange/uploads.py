"""Uploaded bundles, between the check and the import.

An upload streams straight into a private folder under SAFEGUARD_DATA_DIR (`uploads/`, mode
0700), never the system's shared temporary folder, and stops at SAFEGUARD_MAX_UPLOAD_BYTES. It
is checked with a dry run; when the person confirms, it is imported and deleted. The page knows
it only by an opaque token kept in the person's session; no path ever reaches a URL or a form.
Uploads left unconfirmed are deleted after a day, at the next upload.

One upload holds one file: a second file, under any field name, stops it and nothing is kept.
The limit holds for the request as a whole: its declared length is checked before it is read
(the limit plus UPLOAD_ALLOWANCE_BYTES for the form's other fields), and the bytes of its files
are counted together as they arrive."""

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
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.utils.text import get_valid_filename

from safeguard.accounts.models import User

from .importer import ImportResult, bundle_apply
from .reader import BundleError, BundleRefused, Problem, read_bundle

SESSION_KEY = "safeguard_pending_import"
STALE_AFTER_SECONDS = 24 * 60 * 60
UPLOAD_ALLOWANCE_BYTES = 1024 * 1024


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


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def too_large_message() -> str:
    return f"The file must be smaller than {_megabytes(settings.SAFEGUARD_MAX_UPLOAD_BYTES)}"


SEVERAL_FILES_MESSAGE = (
    "Upload one bundle at a time: this upload held more than one file, and none of them was kept"
)
INCOMPLETE_MESSAGE = "The upload did not complete, and nothing of it was kept. Upload it again."


def upload_refusal_before_reading(request: HttpRequest) -> str | None:
    """A request whose declared size is over the limit (the file's limit, plus an allowance for
    the form's other fields) is refused before a byte of it is read."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None  # Django reads such a request as empty
    if declared > int(settings.SAFEGUARD_MAX_UPLOAD_BYTES) + UPLOAD_ALLOWANCE_BYTES:
        return too_large_message()
    return None


class BundleUploadHandler(FileUploadHandler):
    """Writes the one uploaded file into its own folder in the private upload folder.

    It counts the bytes of every file in the request together, and refuses the upload (deleting
    what was written) once they pass the size limit, or as soon as a second file begins, under
    any field name. `problem` then says why. Every folder it made is remembered, so that
    `discard` deletes them all whatever happened (the view calls it in a `finally`)."""

    def __init__(self, request: HttpRequest | None = None):
        super().__init__(request)
        self.limit = int(settings.SAFEGUARD_MAX_UPLOAD_BYTES)
        self.problem: str | None = None
        self._folders: list[Path] = []
        self._uploaded: list[UploadedFile] = []
        self._file: Any = None
        self._received = 0

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict[str, bytes] | None = None,
    ) -> None:
        super().new_file(
            field_name, file_name, content_type, content_length, charset, content_type_extra
        )
        if self._folders:
            self._refuse(SEVERAL_FILES_MESSAGE)
        folder = upload_folder() / secrets.token_urlsafe(18)
        folder.mkdir(mode=0o700)
        self._folders.append(folder)
        name = get_valid_filename(Path(self.file_name or "bundle.zip").name) or "bundle.zip"
        self._file = open(folder / name, "wb")  # noqa: SIM115 (closed in file_complete)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._received += len(raw_data)
        if self._received > self.limit:
            self._refuse(too_large_message())
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
        self._uploaded.append(uploaded)
        self._file = None
        return uploaded

    def upload_interrupted(self) -> None:
        self.discard()

    def discard(self, *, keep: str | None = None) -> None:
        """Delete every folder this upload made, but the one named `keep` (a pending import),
        and close every file it opened."""
        if self._file is not None:
            self._file.close()
            self._file = None
        for uploaded in self._uploaded:
            uploaded.close()
        for folder in self._folders:
            if folder.name != keep:
                shutil.rmtree(folder, ignore_errors=True)

    def _refuse(self, problem: str) -> None:
        self.problem = self.problem or problem
        self.discard()
        # The rest of this file is read and dropped; the form's other fields (the CSRF token
        # among them) are still read, and any further file is refused as it begins.
        raise SkipFile


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


def pending_store(*, session: SessionBase, uploaded: UploadedFile, replace: bool) -> PendingImport:
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


def pending_get(*, session: SessionBase, token: str) -> PendingImport | None:
    """The session's pending upload, if `token` names it and its file is still there."""
    stored = session.get(SESSION_KEY)
    if not stored or not token or not secrets.compare_digest(stored.get("token", ""), token):
        return None
    pending = PendingImport(**stored)
    return pending if pending.path() is not None else None


def pending_discard(*, session: SessionBase) -> None:
    """Delete the session's pending upload, if any, and forget it."""
    stored = session.pop(SESSION_KEY, None)
    if stored and stored.get("token"):
        token = Path(stored["token"]).name  # a bare folder name, never a path
        shutil.rmtree(upload_folder() / token, ignore_errors=True)


# A zip that is not one, is damaged or encrypted, or uses an unknown compression, fails in one
# of these ways while it is read; the person sees a sentence, never a trace.
_UNREADABLE = (BundleError, zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
               NotImplementedError, ValueError)  # fmt: skip
UNREADABLE_MESSAGE = (
    "The file could not be opened as a .zip file of the exchange format's CSV files. "
    "Check that it is the bundle (not a single CSV or a damaged download) and upload it again."
)


def uploaded_bundle_apply(
    *, path: Path, name: str, by: User, replace: bool, dry_run: bool
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
