"""The pseudonym key is each installation's own: made at random on first use and kept with mode
0600 in its data folder (or given as SAFEGUARD_PSEUDONYM_KEY), never derived from the secret key.
`safeguard export --pseudonymised PATH` writes the analysts' bundle, as the web offers it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.urls import reverse

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.cli import main
from safeguard.exchange.pseudonymised import Pseudonymiser, pseudonym_key
from tests.exchange.test_pseudonymised import NAMES, all_text, files_of, load_named_authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def installation(settings, tmp_path):
    """Point the settings at a data folder of their own: a fresh installation."""
    settings.SAFEGUARD_PSEUDONYM_KEY = ""

    def use(name: str) -> Path:
        settings.DATA_DIR = tmp_path / name
        return settings.DATA_DIR

    return use


def _child_pseudonyms(path: Path) -> set[str]:
    return {row["child_id"] for row in files_of(path)["children.csv"]}


def test_two_fresh_installations_give_the_same_child_different_pseudonyms(
    installation, tmp_path, capsys
):
    load_named_authority(tmp_path / "in")
    installation("first")
    assert main(["export", "--pseudonymised", str(tmp_path / "first.zip")]) == 0
    assert main(["export", "--pseudonymised", str(tmp_path / "first-again.zip")]) == 0
    installation("second")
    assert main(["export", "--pseudonymised", str(tmp_path / "second.zip")]) == 0

    first = _child_pseudonyms(tmp_path / "first.zip")
    assert _child_pseudonyms(tmp_path / "first-again.zip") == first  # same installation
    assert first.isdisjoint(_child_pseudonyms(tmp_path / "second.zip"))  # another one


def test_the_key_is_made_on_first_use_and_kept_to_the_installation(installation):
    folder = installation("fresh")
    key = pseudonym_key()

    kept = folder / "pseudonym-key"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert pseudonym_key() == key
    assert len(key) >= 32


def test_the_key_does_not_follow_the_secret_key(installation, settings):
    installation("one")
    before = Pseudonymiser(pseudonym_key()).pseudonym("child", "C1")
    settings.SECRET_KEY = "another-secret-key-" + "z" * 40
    assert Pseudonymiser(pseudonym_key()).pseudonym("child", "C1") == before
    assert settings.SECRET_KEY.encode() not in pseudonym_key()


def test_the_configured_key_overrides_the_kept_one(installation, settings):
    installation("one")
    kept = pseudonym_key()
    settings.SAFEGUARD_PSEUDONYM_KEY = "held-by-the-authority-elsewhere"
    assert pseudonym_key() == b"held-by-the-authority-elsewhere" != kept


def test_the_command_line_writes_the_bundle_the_web_offers_and_audits_it(
    installation,
    tmp_path,
    signed_in_client,
    capsys,
):
    installation("one")
    load_named_authority(tmp_path / "in")

    assert main(["export", "--pseudonymised", str(tmp_path / "cli.zip")]) == 0
    out = capsys.readouterr().out
    assert "children.csv" in out and "pseudonymised" in out.lower()

    text = all_text(tmp_path / "cli.zip")
    assert not [name for name in NAMES if name in text]
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert entry.summary.startswith("Pseudonymised")
    assert entry.record_id == "cli.zip"

    web = signed_in_client(Role.ANALYST).post(reverse("exchange:export-pseudonymised"))
    assert web.status_code == 200
    (tmp_path / "web.zip").write_bytes(web.content)
    assert files_of(tmp_path / "web.zip") == files_of(tmp_path / "cli.zip")


def test_a_pseudonymised_export_to_a_folder_works_too(installation, tmp_path):
    installation("one")
    load_named_authority(tmp_path / "in")
    assert main(["export", "--pseudonymised", str(tmp_path / "out")]) == 0
    children = (tmp_path / "out" / "children.csv").read_text()
    assert "Amelia" not in children and "C-" in children
