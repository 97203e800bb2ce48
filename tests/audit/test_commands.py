"""`safeguard audit`, `safeguard retention` and `safeguard user add`, through the CLI's parser."""

import datetime as dt

import pytest

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cases.models import Child
from safeguard.cli import build_parser
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def _run(*argv):
    args = build_parser().parse_args(list(argv))
    return args.handler(args)


def test_audit_prints_the_entries_about_a_child(capsys):
    audit_record(actor=None, actor_name="ann", action=AuditAction.VIEW, child_id="C1")
    audit_record(actor=None, actor_name="ben", action=AuditAction.VIEW, child_id="C2")
    assert _run("audit", "--child", "C1") == 0
    out = capsys.readouterr().out
    assert "ann view" in out and "ben" not in out
    _run("audit", "--user", "ben")
    assert "child=C2" in capsys.readouterr().out


def test_retention_lists_on_a_dry_run_and_deletes_otherwise(capsys):
    make_child(child_id="OLD", date_of_birth=dt.date(1970, 1, 1))
    assert _run("retention", "--dry-run") == 0
    assert "OLD" in capsys.readouterr().out
    assert Child.objects.filter(child_id="OLD").exists()
    assert _run("retention") == 0
    assert not Child.objects.filter(child_id="OLD").exists()


def test_user_add_prints_the_enrolment_link(capsys):
    assert _run("user", "add", "nia", "--role", "auditor") == 0
    assert "/enrol/" in capsys.readouterr().out
    assert User.objects.get(username="nia").role == "auditor"
