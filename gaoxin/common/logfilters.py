"""Logging filter that keeps personal data out of logs: resident ID numbers (18 characters, GB
11643) and mainland mobile numbers are masked in every message, argument and traceback."""

from __future__ import annotations

import logging
import re

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    text = ID_NUMBER.sub(r"\1********\2", text)
    return MOBILE.sub(r"\1****\2", text)


class PersonalDataFilter(logging.Filter):
    """Masks the message and also the traceback and stack printed with it: a database error
    names the duplicate key's value, an exception message may quote a cell."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            # what Formatter.format would print; it uses exc_text when it is set
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


_TRACEBACKS = logging.Formatter()


class ExpectedRefusalFilter(logging.Filter):
    """A refused request (401, 403, 404, 405) is logged as one line, without the traceback
    Django attaches: a visitor opening a page they may not see is not a fault, and a page of
    traceback per refusal buries the real ones (issue #14)."""

    QUIET = frozenset({401, 403, 404, 405})

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request" and getattr(record, "status_code", None) in self.QUIET:
            record.exc_info = None
            record.exc_text = None
        return True
