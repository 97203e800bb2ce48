"""The Senior Liaison Officers' quarterly digests: what each holds, that they add up to the
report, that previews send nothing, and that sending twice sends once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.cli import build_parser
from safeguard.domain.periods import Period
from safeguard.escalations.services import liaison_officer_record
from safeguard.notifications.digests import digests_issue
from safeguard.notifications.models import DeliveryStatus, Notification, NotificationKind
from safeguard.notifications.outbox import Delivery
from safeguard.notifications.quarters import Quarter
from safeguard.notifications.selectors import digest_build, liaison_cover_check
from safeguard.reporting.selectors import report_build

from .conftest import CHILD_FAMILY, CHILD_GIVEN

Q3 = Quarter(2022, 3)
AFTER_Q3 = dt.date(2022, 10, 3)


def _send(**kwargs):
    return digests_issue(quarter=Q3, send=True, by=None, as_of=AFTER_Q3, **kwargs)


def test_a_digest_holds_the_formal_escalations_of_the_quarter_within_the_cover(small_authority):
    digest = digest_build(officer=small_authority["officers"]["raman"], quarter=Q3)
    assert [e.escalation_id for e in digest.entries] == ["E1", "E2"]  # not E6, E7, E8
    assert digest.by_organisation == (("GP's", 2),)
    assert digest.by_reason == (("No report", 1), ("No report and no apologies", 1))
    assert digest.open_count == 1
    assert digest.subject == (
        "Child protection conference escalations, July-September 2022: North (Health)"
    )


def test_an_escalation_without_an_area_goes_to_the_officer_covering_unassigned_areas(
    small_authority,
):
    digest = digest_build(officer=small_authority["officers"]["hollis"], quarter=Q3)
    assert [e.escalation_id for e in digest.entries] == ["E4", "E3"]  # in the order raised


def test_the_digests_add_up_to_the_escalations_the_report_counts_for_the_quarter(
    small_authority,
):
    outcomes = _send()
    report = report_build(period=Period(Q3.start_on, Q3.end_on), generated_on=AFTER_Q3)
    assert report.escalations_total == 5
    assert sum(o.total for o in outcomes) == report.escalations_total
    assert liaison_cover_check(quarter=Q3).partitioned


def test_escalations_in_nobodys_cover_or_in_two_are_named(small_authority):
    officers = small_authority["officers"]
    officers["hollis"].covers_unassigned_areas = False
    officers["hollis"].save()
    officers["raman"].areas.add(small_authority["areas"][1])  # now South too, like Hollis
    check = liaison_cover_check(quarter=Q3)
    assert check.total == 5
    assert check.uncovered == ("E4",)
    assert check.overlapping == (("E3", ("Janet Hollis", "Priya Raman")),)
    assert not check.partitioned


def test_without_send_each_digest_is_written_as_an_eml_file_and_nothing_is_sent(
    small_authority, tmp_path
):
    outcomes = digests_issue(quarter=Q3, send=False, out_dir=tmp_path, by=None)
    assert len(outcomes) == 3 and {o.delivery for o in outcomes} == {Delivery.WRITTEN}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "digest-2022Q3-janet-hollis.eml",
        "digest-2022Q3-priya-raman.eml",
        "digest-2022Q3-tom-whitaker.eml",
    ]
    message = email.message_from_bytes(
        (tmp_path / "digest-2022Q3-priya-raman.eml").read_bytes(), policy=email.policy.default
    )
    assert message["To"] == "Priya Raman <raman@agency.example.org>"
    assert message["Subject"].endswith("July-September 2022: North (Health)")
    body = message.get_content()
    assert "Riverside Medical Practice" in body and "E1" in body and "E2" in body
    assert mail.outbox == []
    assert not Notification.objects.exists()
    # a preview may be written again, and the quarter may still be under way
    digests_issue(quarter=Quarter(2030, 1), send=False, out_dir=tmp_path, by=None)


def test_sending_emails_each_officer_their_digest(small_authority):
    outcomes = _send()
    assert {o.delivery for o in outcomes} == {Delivery.SENT}
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {
        "Priya Raman <raman@agency.example.org>",
        "Janet Hollis <hollis@agency.example.org>",
        "Tom Whitaker <whitaker@agency.example.org>",
    }
    police = by_recipient["Tom Whitaker <whitaker@agency.example.org>"]
    assert police.subject.endswith("July-September 2022: Tom Whitaker")  # no cover name: name
    assert "PPU" in police.body and "Non-attendance" in police.body and "E5" in police.body
    assert "1 formal escalation was raised; 1 is not yet resolved." in police.body
    raman = by_recipient["Priya Raman <raman@agency.example.org>"]
    assert "2 formal escalations were raised; 1 is not yet resolved." in raman.body
    assert "resolved 20 Jul 2022" in raman.body and "stage 2; not yet resolved" in raman.body


def test_a_digest_is_sent_once_per_quarter_and_officer_however_often_it_runs(small_authority):
    _send()
    again = _send()
    assert len(mail.outbox) == 3
    assert {o.delivery for o in again} == {Delivery.ALREADY_SENT}
    assert Notification.objects.filter(kind=NotificationKind.DIGEST).count() == 3
    keys = set(Notification.objects.values_list("key", flat=True))
    assert {f"digest:2022Q3:{o.pk}" for o in small_authority["officers"].values()} == keys
    # a new officer gets theirs; the others are not sent theirs again
    liaison_officer_record(
        name="New Officer", email="new@agency.example.org", organisation_types=["PPU"],
        areas=["North"], by=None,
    )  # fmt: skip
    _send()
    assert len(mail.outbox) == 4 and mail.outbox[-1].to == ["New Officer <new@agency.example.org>"]


def test_every_sending_is_audited(small_authority):
    _send()
    _send()
    entries = AuditEntry.objects.filter(action=AuditAction.SEND, record_type="notification")
    assert entries.count() == 3
    assert all(
        e.summary.startswith("Sent 'Child protection conference escalations") for e in entries
    )


def test_a_quarter_that_has_not_ended_cannot_be_sent(small_authority):
    with pytest.raises(ValidationError, match="has not ended yet"):
        digests_issue(quarter=Q3, send=True, by=None, as_of=dt.date(2022, 9, 30))
    assert mail.outbox == []


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_digest_that_could_not_be_sent_is_not_marked_sent_and_goes_next_time(small_authority):
    refusing = override_settings(EMAIL_BACKEND=f"{__name__}.RefusingBackend")
    with refusing:
        outcomes = _send()
    assert {o.delivery for o in outcomes} == {Delivery.FAILED}
    assert all("the mail server is down" in o.error for o in outcomes)
    assert not Notification.objects.exists()
    assert {o.delivery for o in _send()} == {Delivery.SENT}
    assert len(mail.outbox) == 3


def test_no_digest_names_a_child_or_gives_their_id(small_authority, tmp_path):
    _send()
    digests_issue(quarter=Q3, send=False, out_dir=tmp_path, by=None)
    texts = [m.subject + m.body for m in mail.outbox]
    texts += [p.read_text() for p in tmp_path.iterdir()]
    texts += list(Notification.objects.values_list("body", flat=True))
    for text in texts:
        assert CHILD_GIVEN not in text and CHILD_FAMILY not in text
        assert small_authority["child"].child_id not in text


def test_an_officer_with_nothing_in_the_quarter_is_told_so(small_authority):
    liaison_officer_record(
        name="Quiet Officer", email="quiet@agency.example.org", organisation_types=["PPU"],
        areas=["North"], by=None,
    )  # fmt: skip
    _send()
    (quiet,) = [m for m in mail.outbox if "quiet@" in m.to[0]]
    assert "No formal escalations were raised within your cover in July-September 2022." in (
        quiet.body
    )


def test_an_officer_is_recorded_only_with_organisation_types_and_areas_that_exist(db):
    with pytest.raises(ValidationError, match="Nowhere"):
        liaison_officer_record(
            name="X", email="x@example.org", organisation_types=[], areas=["Nowhere"], by=None
        )


# ---- the command ----------------------------------------------------------------------------


def _run(*argv):
    args = build_parser().parse_args(list(argv))
    return args.handler(args)


def test_the_command_names_each_file_it_writes_and_the_totals(small_authority, tmp_path, capsys):
    assert _run("digests", "--quarter", "2022Q3", "--out", str(tmp_path)) == 0
    out = capsys.readouterr().out
    for name in ("janet-hollis", "priya-raman", "tom-whitaker"):
        assert str(tmp_path / f"digest-2022Q3-{name}.eml") in out
    assert "5 formal escalations were raised in July-September 2022; the digests hold 5." in out
    assert "Nothing was sent" in out
    assert mail.outbox == []


def test_the_command_with_send_names_each_recipient_and_never_sends_twice(
    small_authority, capsys, monkeypatch
):
    import safeguard.notifications.digests as services

    monkeypatch.setattr(services.timezone, "localdate", lambda: AFTER_Q3)
    _run("digests", "--quarter", "2022Q3", "--send")
    assert "Sent to Priya Raman <raman@agency.example.org>  (2 escalations)" in (
        capsys.readouterr().out
    )
    _run("digests", "--quarter", "2022Q3", "--send")
    assert "not sent again" in capsys.readouterr().out
    assert len(mail.outbox) == 3


def test_the_command_warns_of_escalations_in_nobodys_cover(small_authority, tmp_path, capsys):
    small_authority["officers"]["hollis"].delete()
    _run("digests", "--quarter", "2022Q3", "--out", str(tmp_path))
    captured = capsys.readouterr()
    assert "the digests hold 3" in captured.out
    assert "2 escalations are in no officer's cover" in captured.err and "E3, E4" in captured.err


def test_a_quarter_is_refused_unless_written_like_2022Q3():
    with pytest.raises(SystemExit):
        build_parser().parse_args(["digests", "--quarter", "Q3"])


# ---- one officer's failure is not everyone's (issue 18, finding 12) --------------------------


def test_a_line_break_in_a_cover_name_or_a_name_sends_every_digest_on_one_header_line(
    small_authority,
):
    raman = small_authority["officers"]["raman"]
    raman.cover_name = "North\n(Health)"
    raman.save()
    whitaker = small_authority["officers"]["whitaker"]
    whitaker.name = "Tom\r\nBcc: everyone@example.org"
    whitaker.save()

    outcomes = _send()

    assert {o.delivery for o in outcomes} == {Delivery.SENT}
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        raw = message.message().as_bytes()
        headers = email.message_from_bytes(raw, policy=email.policy.default)
        assert headers["Bcc"] is None
        assert "\n" not in headers["Subject"] and "\n" not in headers["To"]
    subjects = {m.subject for m in mail.outbox}
    assert "Child protection conference escalations, July-September 2022: North (Health)" in (
        subjects
    )
    assert ["Tom Bcc: everyone@example.org <whitaker@agency.example.org>"] in [
        m.to for m in mail.outbox
    ]


def test_one_officers_failure_is_recorded_and_the_others_still_get_theirs(
    small_authority, monkeypatch
):
    from safeguard.notifications import digests as services

    raman = small_authority["officers"]["raman"]
    real_build = services.digest_build

    def failing_for_raman(*, officer, quarter):
        if officer.pk == raman.pk:
            raise ValueError("Header values can't contain newlines")
        return real_build(officer=officer, quarter=quarter)

    monkeypatch.setattr(services, "digest_build", failing_for_raman)

    outcomes = _send()

    by_officer = {o.officer: o for o in outcomes}
    assert by_officer["Priya Raman"].delivery is Delivery.FAILED
    assert by_officer["Janet Hollis"].delivery is Delivery.SENT
    assert by_officer["Tom Whitaker"].delivery is Delivery.SENT
    assert len(mail.outbox) == 2
    failure = AuditEntry.objects.get(record_id=f"digest:2022Q3:{raman.pk}")
    assert "Could not issue the escalation digest" in failure.summary
    assert not Notification.objects.filter(key=f"digest:2022Q3:{raman.pk}").exists()
    monkeypatch.setattr(services, "digest_build", real_build)
    assert {o.delivery for o in _send()} == {Delivery.SENT, Delivery.ALREADY_SENT}
    assert len(mail.outbox) == 3  # Raman's goes the next time


def test_the_command_names_a_failed_digest_and_exits_non_zero(
    small_authority, tmp_path, capsys, monkeypatch
):
    from safeguard.notifications import digests as services

    hollis = small_authority["officers"]["hollis"]
    real_build = services.digest_build

    def failing_for_hollis(*, officer, quarter):
        if officer.pk == hollis.pk:
            raise OSError("disk full")
        return real_build(officer=officer, quarter=quarter)

    monkeypatch.setattr(services, "digest_build", failing_for_hollis)
    args = build_parser().parse_args(["digests", "--quarter", "2022Q3", "--out", str(tmp_path)])

    assert args.handler(args) == 1

    captured = capsys.readouterr()
    assert "the digest for Janet Hollis could not be written (OSError: disk full)" in captured.err
    assert len(list(tmp_path.glob("*.eml"))) == 2


def test_with_a_real_mail_server_down_then_back_the_digests_go_and_each_recipient_is_recorded(
    small_authority, smtp_server
):
    smtp_server.stop()
    assert {o.delivery for o in _send()} == {Delivery.FAILED}
    assert not Notification.objects.exists()  # nothing marked as sent: the next run sends
    smtp_server.start()
    assert {o.delivery for o in _send()} == {Delivery.SENT}
    assert sorted(smtp_server.recipients) == [
        "hollis@agency.example.org",
        "raman@agency.example.org",
        "whitaker@agency.example.org",
    ]
    deliveries = [d for n in Notification.objects.all() for d in n.deliveries.all()]
    assert len(deliveries) == 3 and {d.status for d in deliveries} == {DeliveryStatus.SENT}


def test_a_digest_lists_each_agencys_reports_due_and_overdue_for_booked_conferences(
    small_authority,
):
    """Issue 19: reports not received for booked meetings within the cover, as of the day the
    digest is built; a received report, another area's or a held meeting's are not listed."""
    from safeguard.conferences.models import Conference, Invitation, Meeting
    from safeguard.escalations.models import OrganisationType
    from tests.factories import make_child

    north, south = small_authority["areas"]
    gp = OrganisationType.objects.get(name="GP's")
    northern = small_authority["child"]
    northern.area = north
    northern.save()
    southern = make_child(child_id="C-SOUTH", area=south)

    def meeting(reference, child, status):
        booked = Meeting.objects.create(reference=reference, held_on=dt.date(2022, 10, 20))
        Conference.objects.create(
            conference_id=f"{reference}-C", child=child, meeting=booked, kind="review",
            held_on=booked.held_on, status=status,
        )  # fmt: skip
        return booked

    def invite(at, name, due_on, **fields):
        Invitation.objects.create(
            meeting=at, organisation_type=gp, organisation_name=name, report_due_on=due_on,
            **fields,
        )  # fmt: skip

    booked = meeting("M-BOOKED", northern, "booked")
    invite(booked, "Riverside Medical Practice", dt.date(2022, 10, 1))  # overdue on 3 October
    invite(booked, "Hill Surgery", dt.date(2022, 10, 13))  # due
    invite(booked, "Received Surgery", dt.date(2022, 10, 1), report_received_on=AFTER_Q3)
    invite(meeting("M-SOUTH", southern, "booked"), "Hill Surgery", dt.date(2022, 10, 1))
    held = Meeting.objects.create(reference="M-HELD", held_on=dt.date(2022, 9, 20))
    Conference.objects.create(
        conference_id="M-HELD-C", child=northern, meeting=held, kind="review",
        held_on=held.held_on,
    )  # fmt: skip
    invite(held, "Hill Surgery", dt.date(2022, 9, 15))

    digest = digest_build(officer=small_authority["officers"]["raman"], quarter=Q3, as_of=AFTER_Q3)

    assert [(r.agency, r.due, r.overdue) for r in digest.reports] == [
        ("GP's: Hill Surgery", 1, 0),
        ("GP's: Riverside Medical Practice", 0, 1),
    ]
    body = _send()[0]  # the digests still send
    assert body.delivery is Delivery.SENT
    text = next(m.body for m in mail.outbox if "Raman" in m.to[0])
    assert "Agencies' reports to conferences booked, as of 3 Oct 2022" in text
    assert "Riverside Medical Practice" in text and "1 overdue" in text
