"""The conferences table leaves room on its pages for timeliness updates (PostgreSQL)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.postgresql
def test_conference_pages_keep_room_for_in_place_timeliness_updates():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'conferences_conference'")
        (options,) = cursor.fetchone()
    assert "fillfactor=70" in (options or [])
