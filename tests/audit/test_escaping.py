"""`safeguard audit` prints every field escaped: what somebody typed (a username at sign-in) is
stored as typed but can neither forge a line of the output nor send terminal escape codes."""

import pytest
from django.urls import reverse

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.selectors import escaped
from safeguard.cli import build_parser

pytestmark = pytest.mark.django_db

FORGED = "x\n2026-01-01 09:00:00 admin sign_in user 1 forged\x1b[2J\x1b]0;owned\x07"


def _run(*argv):
    args = build_parser().parse_args(list(argv))
    return args.handler(args)


def test_a_username_typed_at_sign_in_cannot_forge_a_line_or_drive_the_terminal(client, capsys):
    client.post(reverse("accounts:sign-in"), {"username": FORGED, "password": "wrong"})
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert entry.actor_name == FORGED[:150]  # stored as typed
    assert _run("audit") == 0
    out = capsys.readouterr().out
    assert out.count("\n") == AuditEntry.objects.count()
    assert "\x1b" not in out and "\x07" not in out
    assert "x\\n2026-01-01 09:00:00 admin sign_in user 1 forged\\x1b[2J\\x1b]0;owned\\x07" in out


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("plain é name", "plain é name"),
        ("a\r\nb", "a\\r\\nb"),
        ("tab\there", "tab\\there"),
        ("back\\slash", "back\\\\slash"),
        ("line\u2028sep", "line\\u2028sep"),
        ("bidi\u202eoverride", "bidi\\u202eoverride"),
        ("nul\x00", "nul\\x00"),
    ],
)
def test_control_and_format_characters_are_written_as_escapes(typed, printed):
    assert escaped(typed) == printed


def test_the_audit_page_escapes_what_was_typed(signed_in_client):
    from safeguard.audit.services import audit_record

    audit_record(
        actor=None,
        actor_name="<script>alert(1)</script>\x1b[2J",
        action=AuditAction.SIGN_IN_FAILED,
        record_type="user",
    )
    page = signed_in_client("auditor").get("/audit/").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
