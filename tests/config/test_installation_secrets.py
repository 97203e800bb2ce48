"""Each installation makes its own secret key on first use, kept with mode 0600 in its data
folder; no installation runs on a key published in Safeguard's source.

Settings are read once per process, so each installation here is a fresh Python process."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import safeguard

OLD_PUBLISHED_KEY = "local-only-not-secret-" + "x" * 40  # local.py's fallback until 2026-12
SETTINGS_FOLDER = Path(safeguard.__file__).parent / "config" / "settings"


def _environment(data_dir: Path, **environment: str) -> dict[str, str]:
    """A fresh installation: its own data folder and embedded database, no key given."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAFEGUARD_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(
        PYTHONPATH=os.pathsep.join(sys.path),
        SAFEGUARD_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="safeguard.config.settings.local",
    )
    env.update(environment)
    return env


def _run(arguments: list[str], data_dir: Path, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *arguments],
        env=_environment(data_dir, **environment),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _python(code: str, data_dir: Path, **environment: str) -> subprocess.CompletedProcess:
    return _run(["-c", code], data_dir, **environment)


def _secret_key(data_dir: Path, **environment: str) -> str:
    done = _python(
        "from django.conf import settings; print(settings.SECRET_KEY)", data_dir, **environment
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _production(key: str, data_dir: Path, *command: str) -> subprocess.CompletedProcess:
    """`safeguard COMMAND` as a server runs it, under the production settings."""
    return _run(
        ["-m", "safeguard.cli", *command],
        data_dir,
        DJANGO_SETTINGS_MODULE="safeguard.config.settings.production",
        SAFEGUARD_SECRET_KEY=key,
        SAFEGUARD_ALLOWED_HOSTS="safeguard.example.gov.uk",
    )


def test_a_fresh_installation_makes_its_own_secret_key_and_keeps_it_to_itself(tmp_path):
    first = _secret_key(tmp_path / "a")

    kept = tmp_path / "a" / "secret-key"
    assert kept.read_text().strip() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert len(first) >= 50
    assert first != OLD_PUBLISHED_KEY
    assert _secret_key(tmp_path / "a") == first  # the same installation, the same key
    assert _secret_key(tmp_path / "b") != first  # another installation, another key


def test_the_environment_still_overrides_the_kept_key(tmp_path):
    chosen = "chosen-by-the-operator-" + "k" * 40
    assert _secret_key(tmp_path, SAFEGUARD_SECRET_KEY=chosen) == chosen
    assert not (tmp_path / "secret-key").exists()


def test_a_kept_key_that_others_can_read_is_refused_with_a_clear_message(tmp_path):
    _secret_key(tmp_path)
    (tmp_path / "secret-key").chmod(0o644)
    done = _python("import django; django.setup()", tmp_path)
    assert done.returncode != 0
    assert "chmod 600" in done.stderr


def test_no_settings_module_holds_the_old_published_key_or_the_key_local_settings_use(tmp_path):
    local = _secret_key(tmp_path)
    for module in SETTINGS_FOLDER.glob("*.py"):
        text = module.read_text()
        assert local not in text
        assert OLD_PUBLISHED_KEY not in text


@pytest.mark.parametrize(
    "published",
    [
        pytest.param(OLD_PUBLISHED_KEY, id="the-old-local-fallback"),
        pytest.param("from-the-test-settings", id="the-test-settings-key"),
    ],
)
def test_production_refuses_a_key_published_in_the_source_with_a_clear_message(published, tmp_path):
    if published == "from-the-test-settings":
        from django.conf import settings

        published = settings.SECRET_KEY  # the test settings' fixed key, printed in test.py
        assert published in (SETTINGS_FOLDER / "test.py").read_text()
    done = _production(published, tmp_path, "due")

    assert done.returncode == 1
    assert "published in Safeguard's source" in done.stderr
    assert "Traceback" not in done.stderr


def test_production_takes_a_key_of_its_own(tmp_path):
    done = _production("an-authority-own-key-" + "q" * 40, tmp_path, "due")
    assert done.returncode == 0, done.stderr


def test_production_refuses_the_secret_key_as_the_pseudonym_key(tmp_path):
    key = "an-authority-own-key-" + "q" * 40
    done = _run(
        ["-m", "safeguard.cli", "due"],
        tmp_path,
        DJANGO_SETTINGS_MODULE="safeguard.config.settings.production",
        SAFEGUARD_SECRET_KEY=key,
        SAFEGUARD_PSEUDONYM_KEY=key,
        SAFEGUARD_ALLOWED_HOSTS="safeguard.example.gov.uk",
    )
    assert done.returncode == 1
    assert "SAFEGUARD_PSEUDONYM_KEY must be a random value of its own" in done.stderr
    assert "Traceback" not in done.stderr
