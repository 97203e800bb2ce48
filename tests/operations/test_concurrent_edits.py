"""Two people change the same record: the later save is refused with an explanation that shows
the other person's change, and the stored record keeps the first save whole. Never a lost
update, whether the two saves come one after the other or at the same instant."""

from __future__ import annotations

import datetime as dt
import threading
import time
from html.parser import HTMLParser

import pytest
from django.db import OperationalError, connections

from safeguard.accounts.models import Role
from safeguard.conferences.models import Conference
from safeguard.conferences.services import chair_named, conference_update, meeting_record
from safeguard.escalations.models import Escalation
from safeguard.escalations.services import escalation_update
from safeguard.storage import StaleRecordError
from tests.factories import make_area, make_child, make_escalation, make_user

TODAY = dt.date(2024, 6, 3)


class _FormValues(HTMLParser):
    """The values a browser would send for each POST form of a page, as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form = True
            self.values = {}
            self.forms.append(self.values)
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.values[name] = a.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form = False


def form_values(html: str) -> dict[str, str]:
    """The values of the page's edit form (the POST form carrying the record's version)."""
    parser = _FormValues()
    parser.feed(html)
    return next(form for form in parser.forms if "version" in form)


@pytest.fixture
def conference(db):
    child = make_child(child_id="CONC-1", area=make_area("North"))
    by = make_user(Role.CHAIR, username="recorder")
    meeting = meeting_record(
        children=[child],
        kind="initial",
        held_on=dt.date(2024, 5, 1),
        strategy_discussion_on=dt.date(2024, 4, 24),
        by=by,
        today=TODAY,
        chair=chair_named("Chair One"),
        outcome="plan",
    )
    return meeting.conferences.get()


def test_the_later_of_two_conference_saves_is_refused_with_the_other_change_shown(
    conference, signed_in_client
):
    first = signed_in_client(Role.CHAIR)
    second = signed_in_client(Role.CHAIR)
    url = f"/conferences/{conference.conference_id}/edit/"
    first_form = form_values(first.get(url).content.decode())
    second_form = form_values(second.get(url).content.decode())
    assert first_form["version"] == second_form["version"] == str(conference.version)

    first_form["out_of_timescale_reason"] = "Family asked to move the date (first person)"
    response = first.post(url, first_form)
    assert response.status_code == 302, response.content.decode()[:2000]

    second_form["out_of_timescale_reason"] = "Chair was ill (second person)"
    response = second.post(url, second_form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Somebody else changed this record" in page
    assert "Your changes have not been saved" in page
    assert "Family asked to move the date (first person)" in page  # their change, shown
    assert "Chair was ill (second person)" in page  # and theirs kept in the form

    stored = Conference.objects.get(pk=conference.pk)
    assert stored.out_of_timescale_reason == "Family asked to move the date (first person)"
    assert stored.version == conference.version + 1


def test_the_later_of_two_escalation_saves_is_refused_with_the_other_change_shown(
    db, signed_in_client
):
    escalation = make_escalation(raised_on=dt.date(2024, 5, 2), organisation_name="Surgery")
    first = signed_in_client(Role.CHAIR)
    second = signed_in_client(Role.MANAGER)
    url = f"/escalations/{escalation.escalation_id}/edit/"
    first_form = form_values(first.get(url).content.decode())
    second_form = form_values(second.get(url).content.decode())

    first_form["organisation_name"] = "Riverside Surgery"
    assert first.post(url, first_form).status_code == 302

    second_form["organisation_name"] = "Hillside Surgery"
    response = second.post(url, second_form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Somebody else changed this record" in page
    assert "Riverside Surgery" in page
    assert Escalation.objects.get(pk=escalation.pk).organisation_name == "Riverside Surgery"


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_instant_one_wins_whole_and_the_other_is_refused():
    escalation = make_escalation(raised_on=dt.date(2024, 5, 2))
    people = [make_user(Role.CHAIR), make_user(Role.MANAGER)]
    names = ["First Surgery", "Second Surgery"]
    start = threading.Barrier(2)
    outcomes: list[str] = [""] * 2

    def save(number: int) -> None:
        try:
            record = Escalation.objects.get(pk=escalation.pk)  # both read version 1
            start.wait()
            for _ in range(500):
                try:
                    escalation_update(
                        escalation=record,
                        expected_version=record.version,  # the version read before, always
                        by=people[number],
                        organisation_name=names[number],
                        resolved_on=dt.date(2024, 5, 10 + number),
                    )
                    break
                except OperationalError as error:
                    # SQLite's shared-cache test database answers "table is locked" at once
                    # instead of waiting: waiting for the lock is not a refusal, so try again.
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.01)
            else:
                raise AssertionError("the database stayed locked")
            outcomes[number] = "saved"
        except StaleRecordError as error:
            assert "changed by somebody else" in str(error)
            outcomes[number] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "saved"]
    winner = outcomes.index("saved")
    stored = Escalation.objects.get(pk=escalation.pk)
    # The winner's values, both of them: never a mixture of the two saves.
    assert stored.organisation_name == names[winner]
    assert stored.resolved_on == dt.date(2024, 5, 10 + winner)
    assert stored.version == 2


def test_a_stale_save_through_the_service_changes_nothing(conference):
    by = make_user(Role.CHAIR)
    conference_update(
        conference=Conference.objects.get(pk=conference.pk),
        expected_version=conference.version,
        by=by,
        out_of_timescale_reason="first",
    )
    with pytest.raises(StaleRecordError) as refused:
        conference_update(
            conference=Conference.objects.get(pk=conference.pk),
            expected_version=conference.version,
            by=by,
            out_of_timescale_reason="second",
        )
    assert refused.value.current.out_of_timescale_reason == "first"
    assert Conference.objects.get(pk=conference.pk).out_of_timescale_reason == "first"
