"""What every `safeguard` subcommand shares: the error a person can fix, date arguments, today.

The app commands (`safeguard.<app>.commands`) import these from here, never from
`safeguard.cli`, which only assembles the subcommands and runs them."""

from __future__ import annotations

import argparse
import datetime as dt


class UserError(Exception):
    """A problem the person can fix; its message is shown as it is."""


def date_argument(text: str) -> dt.date:
    """An argparse type: a date typed as YYYY-MM-DD or DD/MM/YYYY."""
    from safeguard.domain.date_text import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
        ) from None


def today() -> dt.date:
    """Today in the installation's time zone (Django must be set up)."""
    from django.utils import timezone

    return timezone.localdate()
