"""gunicorn's settings for production (docs/deploy.md), read with

    gunicorn -c python:gaoxin.config.gunicorn

Options given on the command line override these; so do GAOXIN_BIND, GUNICORN_WORKERS and
GUNICORN_THREADS from the environment.

- Sync workers, 2 × cores + 1, behind nginx (which buffers slow clients, as gunicorn's
  documentation asks for sync workers). Each process serves one request at a time, and all of
  them take the next connection from one shared accept queue, so no request waits behind
  another process's backlog and no thread waits for another's turn at Python's interpreter
  lock. On the 2-core benchmark machine they served the public lookups about as fast as any
  threaded layout (about 1,700 requests/s) with half the 99th percentile or less, and
  registrations at 80/s with half the threaded workers' p99 (docs/benchmarks.md, "public
  results lookup"). With GUNICORN_THREADS above 1, gunicorn uses threaded workers instead.
- `preload_app`: the master imports the app once, and `when_ready` loads every URL pattern and
  view module too, so a worker forked later (after `max_requests`, or a crash) serves at once.
- Garbage collection: a full collection looks at every object the process holds, about a
  million once this app is loaded, and paused a worker for 50–150 ms, the slowest of the public
  lookups' responses. The master freezes what it has loaded right before each fork
  (`gc.freeze`, as Python's documentation recommends for pre-forking servers), so a worker's
  collections look only at what it made itself, and the memory it shares with the master stays
  shared.
- Each worker names its database connection `gaoxin-web-<pid>` (`application_name`, through
  libpq's PGAPPNAME), so `pg_stat_activity` says which worker holds which backend: the one
  holding a lock, or in a transaction (the load harness kills workers chosen that way).
"""

from __future__ import annotations

import gc
import os
from typing import Any

wsgi_app = "gaoxin.config.wsgi"
bind = os.environ.get("GAOXIN_BIND", "127.0.0.1:8001")
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
preload_app = True
max_requests = 20_000
max_requests_jitter = 2_000
timeout = 30  # long work (imports, reviews, draws) runs in the background worker
backlog = 2048
# Only for threaded workers (sync workers close each connection after the response): longer
# than nginx keeps an idle upstream connection, so that the server is the side that closes it.
keepalive = 75


def when_ready(server: Any) -> None:
    """Load every URL pattern (so every view module) in the master, before any fork."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports the URL modules and their views)


def pre_fork(server: Any, worker: Any) -> None:
    gc.freeze()


def post_fork(server: Any, worker: Any) -> None:
    """Name this worker's database connections (libpq reads PGAPPNAME when it connects)."""
    os.environ["PGAPPNAME"] = f"gaoxin-web-{os.getpid()}"
