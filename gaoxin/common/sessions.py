"""Django's database session store, except that failing to extend a session because the
database takes no writes (a full disk, a read-only database) does not turn the page into a
500: SESSION_SAVE_EVERY_REQUEST saves the session on every request, reads included. The page
is served, the session keeps its old expiry, and the log says why. Creating a session (logging
in) still needs a working database."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from .storagefaults import storage_fault

logger = logging.getLogger(__name__)


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except Exception as error:
            fault = storage_fault(error)
            if must_create or fault is None:
                raise
            logger.warning("session not extended, %s", fault)
