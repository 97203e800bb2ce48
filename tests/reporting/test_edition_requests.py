"""A manager issues an edition on the web through the task worker (issue 20, item 3): the page
answers at once, says the report is being issued and refreshes itself; the edition is listed
once the worker has stored its files; a failure is a plain sentence, never a traceback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguard.reporting import editions
from safeguard.reporting.models import Edition, EditionRequest, EditionRequestStatus
from safeguard.reporting.renderers import ReportFormat
from tests.notifications.outbox import committed, run_worker
from tests.reporting.test_editions import ISSUE_FORM
from tests.reporting.test_views import load_authority

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def light_editions(monkeypatch):
    monkeypatch.setattr(editions, "EDITION_FORMATS", (ReportFormat.json,))


@pytest.fixture
def manager(tmp_path, signed_in_client):
    load_authority(tmp_path / "authority", 2)
    return signed_in_client("manager")


def ask(manager, form=ISSUE_FORM):
    with committed():
        return manager.post("/reports/editions/issue/", form)


def test_the_request_answers_at_once_and_the_page_says_the_report_is_being_issued(manager):
    response = ask(manager)

    assert response.status_code == 302
    assert not Edition.objects.exists()
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    assert waiting.task_path == "safeguard.reporting.tasks.issue_edition"
    page = manager.get("/reports/editions/").content.decode()
    assert "is being issued. It is listed here once its files are ready" in page
    assert "is waiting to be issued (asked by" in page
    assert '<meta http-equiv="refresh" content="10">' in page


def test_the_worker_issues_it_and_the_list_shows_the_edition(manager):
    ask(manager)

    assert run_worker() == 0

    edition = Edition.objects.get()
    request = EditionRequest.objects.get()
    assert request.status == EditionRequestStatus.ISSUED and request.edition == edition
    assert edition.issued_by is not None and edition.issued_by_name == request.requested_by_name
    assert edition.generated_on == timezone.localdate()
    page = manager.get("/reports/editions/").content.decode()
    assert edition.edition_id in page
    assert ">Being issued</h2>" not in page and 'http-equiv="refresh"' not in page


def test_a_second_click_while_it_is_being_issued_is_refused(manager):
    ask(manager)

    again = ask(manager)

    assert again.status_code == 400
    assert "is already being issued" in again.content.decode()
    assert EditionRequest.objects.count() == 1


def test_a_failure_is_a_plain_sentence_and_nothing_is_half_issued(manager, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the PDF renderer fell over")

    monkeypatch.setattr(editions, "render", broken)
    ask(manager)

    assert run_worker() == 0

    assert not Edition.objects.exists()
    request = EditionRequest.objects.get()
    assert request.status == EditionRequestStatus.FAILED
    page = manager.get("/reports/editions/").content.decode()
    assert "was not issued" in page
    assert "could not be prepared, so no edition was issued" in page
    assert "RuntimeError" not in page and "Traceback" not in page
    assert 'http-equiv="refresh"' not in page


def test_a_request_the_worker_never_took_says_to_check_the_worker(manager):
    ask(manager)
    EditionRequest.objects.update(requested_at=timezone.now() - dt.timedelta(minutes=11))

    page = manager.get("/reports/editions/").content.decode()

    assert "the task worker (<code>safeguard worker</code>) may not be running" in page
    assert 'http-equiv="refresh"' not in page
    assert ask(manager).status_code == 302  # the manager may ask again


def test_with_the_immediate_backend_the_edition_is_issued_on_commit(manager, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    ask(manager)

    assert EditionRequest.objects.get().status == EditionRequestStatus.ISSUED
    assert Edition.objects.count() == 1


def test_the_command_line_still_issues_at_once(manager, capsys):
    from safeguard.cli import main

    assert main(["report", "--from", "2022-01-01", "--to", "2022-06-30", "--issue"]) == 0

    assert capsys.readouterr().out.split()[-1] == Edition.objects.get().edition_id
    assert not EditionRequest.objects.exists() and not DBTaskResult.objects.exists()
