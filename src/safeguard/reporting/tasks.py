"""The worker's task for the report (django-tasks, database backend; run by `safeguard worker`).

`issue_edition` issues the edition a manager asked for on the web (reporting.editions
.edition_request): preparing every file of both versions takes up to a minute at a large
authority, too long for a request."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django_tasks import task

log = logging.getLogger(__name__)


@task()
def issue_edition(request_id: int) -> str:
    """Issue the edition that request `request_id` asks for; returns its status."""
    from .editions import edition_request_run

    return str(edition_request_run(request_id).status)


def issue_edition_after_commit(request_id: int) -> None:
    """Hand the request to the worker once the current transaction commits. A failure to
    enqueue is logged, not raised at the manager: the request stays waiting, and the editions
    page says so after a while (is the worker running?)."""
    transaction.on_commit(partial(_enqueue, request_id), robust=True)


def _enqueue(request_id: int) -> None:
    issue_edition.enqueue(request_id)
