"""Django's database session store and session middleware, except that the session never turns
an answer into a failure after the fact.

SESSION_SAVE_EVERY_REQUEST saves the session on every request, reads included, after the view.
By then the view's work may have committed (a registration), so a database that cannot take
the session's write — full, read-only, or its connection just ended by a restart — must not
make the answer say the request failed (Django's store raises UpdateError and its middleware
answers 400 "The request's session was deleted before the request completed"). The answer
stands, the session keeps its old expiry (and any change the view made to it is lost), and one
warning says why. The same holds when the session row was deleted meanwhile (a logout in another
tab): the answer stands and the next request finds no session, as after that logout. Creating a
session (logging in) still needs a working database: that happens inside the view, which fails
as a whole.

When the session could not be read at all (the database down as the request came in), the
request has already failed and been logged; the middleware then leaves the session alone
instead of reading it a second time on the way out, which would fail again and log the same
failure twice (issue 20)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import Error as DatabaseFailure
from django.http import HttpRequest, HttpResponse

from .storagefaults import storage_fault

logger = logging.getLogger(__name__)


class SessionStore(DatabaseSessionStore):
    # Set when reading the session failed: the request cannot be served, and the session is
    # not touched again on the way out (SessionMiddleware below).
    unreadable: bool = False

    def load(self) -> dict[str, Any]:
        try:
            return super().load()
        except DatabaseFailure:
            self.unreadable = True
            raise

    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except (UpdateError, DatabaseFailure) as error:
            if must_create or self.session_key is None:
                raise
            fault = storage_fault(error)
            cause = error.__cause__ or error.__context__ or error
            reason = str(fault) if fault else f"{type(cause).__name__}: {cause}".strip()
            logger.warning("session not extended, the answer stands: %s", reason)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a session that could not be read is left alone on the way out."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(getattr(request, "session", None), "unreadable", False):
            return response
        return super().process_response(request, response)
