"""`safeguard user add NAME --role chair --area NAME [--area NAME] | --all-areas`."""

import pytest

from safeguard.accounts.models import User
from safeguard.cli import build_parser
from safeguard.console import UserError
from tests.factories import make_area

pytestmark = pytest.mark.django_db


def _run(*argv):
    args = build_parser().parse_args(list(argv))
    return args.handler(args)


def test_user_add_gives_a_chair_the_areas_named(capsys):
    north, east = make_area("North"), make_area("East")
    make_area("South")

    assert _run("user", "add", "cara", "--role", "chair", "--area", "north", "--area", "East") == 0

    user = User.objects.get(username="cara")
    assert set(user.areas.all()) == {north, east}
    assert not user.all_areas
    assert "Areas: North, East." in capsys.readouterr().out


def test_user_add_with_every_area(capsys):
    assert _run("user", "add", "bea", "--role", "business_support", "--all-areas") == 0
    assert User.objects.get(username="bea").all_areas
    assert "Areas: every area." in capsys.readouterr().out


def test_user_add_without_areas_says_the_chair_sees_no_area_yet(capsys):
    assert _run("user", "add", "cal", "--role", "chair") == 0
    assert "Areas: no area yet." in capsys.readouterr().out


def test_an_unknown_area_is_refused_and_no_account_is_created():
    make_area("North")
    with pytest.raises(UserError, match="No area is named Nowhere"):
        _run("user", "add", "cara", "--role", "chair", "--area", "Nowhere")
    assert not User.objects.filter(username="cara").exists()
