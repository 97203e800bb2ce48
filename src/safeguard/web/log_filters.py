"""Keep personal data out of the logs.

Django's request loggers attach the request (with its POST body and cookies) to each record,
and exception messages can quote the values of a failed database write (a name, a date of
birth). These filters drop the request, strip query strings, and replace exception messages by
their type, keeping the traceback's file and line numbers, which is what an operator needs.
"""

from __future__ import annotations

import logging
import re
import traceback

_QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


class DropRequestDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        if isinstance(record.msg, str):
            record.msg = _QUERY_STRING.sub(r"\1?…", record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(
                _QUERY_STRING.sub(r"\1?…", a) if isinstance(a, str) else a for a in args
            )
        return True


class RedactingFormatter(logging.Formatter):
    def formatException(self, ei) -> str:  # noqa: N802 (the logging API's name)
        exc_type, _, tb = ei
        frames = "".join(traceback.format_tb(tb))
        name = getattr(exc_type, "__qualname__", str(exc_type))
        return f"Traceback (most recent call last):\n{frames}{name}: (message withheld)"
