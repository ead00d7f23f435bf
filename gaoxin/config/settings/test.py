"""Test settings. The database comes from DATABASE_URL, which the test run sets when it starts
its own PostgreSQL cluster (gaoxin/testing/postgres.py); otherwise SQLite."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import database_from_url

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "sqlite://:memory:"))}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run inside the caller; fault tests start real workers with the database backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "GAOXIN_TEST_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
GAOXIN_PAUSE_POINTS = True  # common/faults.py: fault tests stop a process at a named point
ALLOWED_HOSTS = ["*"]
PUBLISHED_DIR = Path(tempfile.mkdtemp(prefix="gaoxin-published-"))
# The checkpoint key and journal: one pair for the test run, inherited by the processes tests
# start (a worker, a restore); conftest.py gives every test a journal of its own.
_AUDIT_DIR = Path(tempfile.mkdtemp(prefix="gaoxin-test-audit-"))
GAOXIN_AUDIT_KEY_FILE = Path(
    os.environ.setdefault("GAOXIN_AUDIT_KEY_FILE", str(_AUDIT_DIR / "audit-ed25519.pem"))
)
GAOXIN_AUDIT_JOURNAL = Path(
    os.environ.setdefault("GAOXIN_AUDIT_JOURNAL", str(_AUDIT_DIR / "checkpoints.jsonl"))
)
# Periodic jobs run only when a test ticks the scheduler itself (common/tests/test_scheduler.py).
GAOXIN_SCHEDULER_ENABLED = False
# Every test client comes from 127.0.0.1: a high limit here; the rate-limit tests set their own.
GAOXIN_LOOKUP_RATE = "10000/m"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "gaoxin.common.countercache.SQLiteCounterCache",
        "LOCATION": f"{tempfile.mkdtemp(prefix='gaoxin-test-ratelimit-')}/counters.sqlite3",
        "TIMEOUT": 600,
    },
}
