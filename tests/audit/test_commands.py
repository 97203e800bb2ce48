"""`safeguard audit` and `safeguard user add`, through the CLI's parser."""

import pytest

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cli import build_parser

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


def test_user_add_prints_the_enrolment_link(capsys):
    assert _run("user", "add", "nia", "--role", "auditor") == 0
    assert "/enrol/" in capsys.readouterr().out
    assert User.objects.get(username="nia").role == "auditor"
