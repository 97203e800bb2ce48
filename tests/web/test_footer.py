"""The footer names the person signed in, not their username."""

import pytest

from safeguard.accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_footer_names_the_person_signed_in(signed_in_client):
    user = make_user(Role.CHAIR, username="chair7", first_name="Grace", last_name="Hopper")
    page = signed_in_client(user=user).get("/").content.decode()
    assert "Signed in as Grace Hopper (Chair)" in page


def test_a_person_without_a_name_is_shown_by_username(signed_in_client):
    user = make_user(Role.CHAIR, username="chair8")
    assert "Signed in as chair8 (Chair)" in signed_in_client(user=user).get("/").content.decode()
