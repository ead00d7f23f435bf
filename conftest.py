"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from gaoxin.accounts import roles
from gaoxin.accounts.models import User
from gaoxin.accounts.services import user_create
from gaoxin.common.actors import OPERATOR

ALL_ROLES = [role.code for role in roles.ROLES]
PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(*role_codes: str, username: str | None = None, **extra: Any) -> User:
        name = username or f"{'-'.join(role_codes) or 'norole'}-{next(counter)}"
        user = user_create(
            actor=OPERATOR, username=name, password=PASSWORD, role_codes=list(role_codes)
        )
        for key, value in extra.items():
            setattr(user, key, value)
        if extra:
            user.save()
        return user

    return make


@pytest.fixture
def client_for(make_user: Callable[..., User]) -> Callable[[str | None], Client]:
    """A logged-in test client for a role ("anonymous" or None for a visitor)."""

    def make(role: str | None) -> Client:
        client = Client()
        if role and role != "anonymous":
            client.force_login(make_user(role))
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """The default cache keeps published data per batch code for a while (housing selectors);
    tests reuse batch codes, so each test starts with it empty."""
    caches["default"].clear()
    yield


@pytest.fixture(autouse=True)
def _fresh_audit_journal(tmp_path_factory: Any, settings: Any, monkeypatch: Any) -> None:
    """Each test its own checkpoint journal (common/checkpoints.py), for itself and for the
    processes it starts: the database is rolled back between tests, a file is not."""
    path = tmp_path_factory.mktemp("audit") / "checkpoints.jsonl"
    settings.GAOXIN_AUDIT_JOURNAL = path
    monkeypatch.setenv("GAOXIN_AUDIT_JOURNAL", str(path))
