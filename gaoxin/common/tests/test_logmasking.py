"""Personal data stays out of the logs on every path a record takes: the message, its
arguments, the traceback printed with it, and every handler any logger writes to (Django's own
defaults included: its console handler and runserver's request lines)."""

from __future__ import annotations

import logging
import sys
from typing import Any

from gaoxin.common.logfilters import PersonalDataFilter

ID_NUMBER = "340104199001011234"
PHONE = "13912345678"


def _record_with_traceback() -> logging.LogRecord:
    try:
        raise ValueError(  # as a database error names the duplicate key
            f"duplicate key value violates unique constraint DETAIL: Key (id_number)=({ID_NUMBER}) "
            f"phone {PHONE}"
        )
    except ValueError:
        return logging.LogRecord("x", logging.ERROR, "f", 1, "import crashed", (), sys.exc_info())


def test_the_traceback_is_masked_too():
    record = _record_with_traceback()
    PersonalDataFilter().filter(record)
    printed = logging.Formatter("%(message)s").format(record)
    assert "Traceback" in printed and "duplicate key" in printed
    assert ID_NUMBER not in printed and "340104********1234" in printed
    assert PHONE not in printed and "139****5678" in printed


def test_stack_info_is_masked():
    record = logging.LogRecord("x", logging.INFO, "f", 1, "here", (), None, sinfo=f"at {ID_NUMBER}")
    PersonalDataFilter().filter(record)
    assert ID_NUMBER not in logging.Formatter().format(record)


def _handlers() -> list[tuple[str, logging.Handler]]:
    loggers: list[tuple[str, logging.Logger]] = [("root", logging.getLogger())]
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            loggers.append((name, logger))
    found = []
    for name, logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's capture, not a log anyone keeps
            if isinstance(handler, logging.NullHandler):
                continue  # libraries' default: prints nothing
            found.append((name, handler))
    return found


def test_every_handler_of_every_logger_masks():
    logging.getLogger("django.server")  # runserver's request lines (query strings included)
    handlers = _handlers()
    assert handlers, "the console handler is configured"
    unmasked = [
        (name, type(handler).__name__)
        for name, handler in handlers
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters)
    ]
    assert not unmasked, f"handlers that print personal data unmasked: {unmasked}"


def test_a_refused_request_is_one_line_without_a_traceback(make_user):
    """Issue #14: each expected 403 printed a full traceback in the server log."""
    import io
    import logging.config

    from django.conf import settings
    from django.test import Client

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    from gaoxin.common.logfilters import ExpectedRefusalFilter, PersonalDataFilter

    handler.addFilter(ExpectedRefusalFilter())
    handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client = Client()
        client.force_login(make_user("applicant"))
        assert client.get("/audit/").status_code == 403
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "Forbidden" in text and "Traceback" not in text
    logging_config: dict[str, Any] = settings.LOGGING
    assert "quiet_refusals" in logging_config["handlers"]["console"]["filters"]
