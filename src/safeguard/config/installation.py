"""Secrets each installation makes for itself on first use and keeps in its data folder.

Read while the settings load (no Django here): `installation_secret` for the local settings'
secret key and the pseudonym key; `published_in_source` for the production settings' refusal
of any key that Safeguard's own source shows."""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import stat
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Keys that were once in the source and are no more: published all the same.
FORMERLY_PUBLISHED = ("local-only-not-secret-" + "x" * 40,)


def installation_secret(path: Path) -> str:
    """The secret kept in `path`; a random one (mode 0600) written there on first use.

    The file appears whole or not at all (written aside, then linked into place), so two
    processes starting together agree on one secret."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
            with contextlib.suppress(FileExistsError):  # another process made it first
                os.link(aside, path)
        finally:
            aside.unlink(missing_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ImproperlyConfigured(
            f"{path} can be read by other users (mode {mode:o}): it holds this installation's "
            f"secret. Run: chmod 600 {path}"
        )
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 50:
        raise ImproperlyConfigured(
            f"{path} does not hold a secret of at least 50 characters: remove it, and a new one "
            "is made (which signs everybody out and changes the pseudonyms of later exports)."
        )
    return secret


@functools.cache
def _package_source() -> tuple[str, ...]:
    """The text of every .py file of the package, read once however many keys are checked."""
    texts = []
    for module in PACKAGE_DIR.rglob("*.py"):
        try:
            texts.append(module.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return tuple(texts)


def published_in_source(key: str) -> bool:
    """Whether `key` is one that Safeguard's source shows (any .py file of the package)."""
    return key in FORMERLY_PUBLISHED or any(key in text for text in _package_source())
