"""Keep personal data out of the logs.

Django's request loggers attach the request (with its POST body and cookies) to each record,
and exception messages can quote the values of a failed database write (a name, a date of
birth). These filters drop the request, strip query strings and the one-time part of enrolment
links, and replace exception messages by their type, keeping the traceback's file and line
numbers, which is what an operator needs.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Mapping

_QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
# An enrolment link's one-time part: after '#' (as links are made), or in the path (as they
# were made before; such a request is still logged as "Not Found").
_ENROLMENT_TOKEN = re.compile(r"(/enrol/)(?!set-up/)[^\s\"']+")


def _scrub(text: str) -> str:
    return _ENROLMENT_TOKEN.sub(r"\1…", _QUERY_STRING.sub(r"\1?…", text))


def _scrub_arg(arg: object) -> object:
    return _scrub(arg) if isinstance(arg, str) else arg


class DropRequestDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        if isinstance(record.msg, str):
            record.msg = _scrub(record.msg)
        if isinstance(record.args, Mapping):  # logging's %(name)s form, as gunicorn's
            record.args = {key: _scrub_arg(value) for key, value in record.args.items()}
        elif record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(_scrub_arg(a) for a in args)
        return True


class RedactingFormatter(logging.Formatter):
    def formatException(self, ei) -> str:  # noqa: N802 (the logging API's name)
        exc_type, _, tb = ei
        frames = "".join(traceback.format_tb(tb))
        name = getattr(exc_type, "__qualname__", str(exc_type))
        return f"Traceback (most recent call last):\n{frames}{name}: (message withheld)"
