"""Load and fault figures on gunicorn + PostgreSQL (docs/benchmarks.md "## public results
lookup"; docs/reliability.md "Load" and "Faults").

How to run (from the repository root; needs PostgreSQL's server binaries, and for `lookup`
Debian's wrk: `apt-get install wrk`):

    .venv/bin/python bench/load.py lookup                     # 200,000 drawn applications
    .venv/bin/python bench/load.py surge --rates 20,40,60,80,90   # 120 s per rate
    .venv/bin/python bench/load.py surge --rates 60 --fault kill-worker
    .venv/bin/python bench/load.py surge --rates 60 --fault restart-db
    .venv/bin/python bench/load.py surge --rates 60,60 --seconds 40 --fault kill-worker,restart-db
    .venv/bin/python bench/load.py surge --closed 12 --seconds 45  # capacity, back to back
    .venv/bin/python bench/load.py smoke                      # both faults, small: ~35 s

Every run:

1. starts its own PostgreSQL cluster (`gaoxin.testing.postgres`, as the `postgres` user when
   run as root) with PostgreSQL's durable defaults (fsync and synchronous commit on);
2. migrates, collects static files, and seeds a sale batch through the app's services (lookup:
   A applications, eligible, frozen, confirmed and drawn with `services.draw_execute`; surge: a
   batch open for registration and N applicant accounts with sessions);
3. starts gunicorn with the production settings (`gaoxin.config.settings.production`: DEBUG
   off, a random SECRET_KEY, `X-Forwarded-Proto: https` sent as nginx would) on 127.0.0.1,
   as docs/deploy.md runs it (`-c python:gaoxin.config.gunicorn`: sync workers, 2 × cores + 1,
   preloaded, garbage frozen before fork, each connection closed after its answer;
   `--workers`/`--threads`/`--worker-class` override the layout, docs/benchmarks.md compares),
   and waits for /healthz;
4. generates load on loopback only, bounded in request count and in wall time:
   - lookup: wrk (`--latency`, a Lua script choosing registration numbers at random, 4 in 5 in
     the roster), closed loop with `--connections` clients, once as htmx asks (the answer
     alone) and once for the whole page;
   - surge: an open-loop generator (asyncio + httpx) sending registrations of the web form at a
     constant rate for `--seconds` per rate, latency measured from each request's scheduled
     time (no coordinated omission); afterwards every acknowledged registration (a redirect to
     its application page) is looked up in the database, and so is every failed one;
   - faults (`--fault`, one per step): `kill-worker` SIGKILLs a gunicorn worker `--kills`
     times spread over the step, each time one that is inside a request: its database
     connection (named `gaoxin-web-<pid>` by the gunicorn settings) has a transaction open in
     `pg_stat_activity` (a registration being written or committed, or the session saved after
     it; looked for every 2 ms for up to 5 s, else any live worker, reported as not busy; every
     other kill first waits for one at the end of its registration: the audit chain's head
     written, the COMMIT, the session's save);
     `restart-db` runs `pg_ctl restart -m fast` halfway. Requests whose connection dropped are
     "unknown", and those answered with a server error are "server_error" (a 5xx; the
     registration may have committed before it): after the run both are sent again (same
     user, same household, same form), which must give the existing application back (same
     number, when the first try had committed), never a second one; "failed" is a definite
     refusal (the form shown again with its error, a 400, a 403, a 429), which must have
     written nothing. gunicorn's log is summarised beside the requests: one error entry
     ("Internal Server Error", "Service Unavailable") per request answered 5xx. A
     fault step with no acknowledged request after the fault is followed by registrations one at
     a time until one is acknowledged (at most 30 s), so that the app recovering on its own does
     not depend on how long the fault took compared with the rest of the step;
5. prints one JSON summary and stops everything it started.

The load generator shares the 2 cores with gunicorn and PostgreSQL: its CPU time is part of
what limits the figures (see the docs).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gaoxin.common.actors import OPERATOR

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._harness import cpu_model  # noqa: E402

BIN = Path(sys.executable).parent
LOOKUP_CODE = "LOAD26"
SURGE_CODE = "SURGE26"
NOTARY_SECRET = "bench-notary-secret-2026"  # noqa: S105  (a benchmark's throwaway value)
DRAW_VALUES = ["338712"]
PROBE_HOUSEHOLDS = 120  # per fault step: at most 30 s of one registration every 0.25 s
HEADERS = {"X-Forwarded-Proto": "https"}  # what nginx sets; production redirects plain http


# -- seeding (runs in a child process with the server's settings) ----------------------------


def _child_setup() -> None:
    import django

    django.setup()


def _bench_users() -> tuple[Any, Any]:
    from gaoxin.accounts import roles
    from gaoxin.accounts.models import User
    from gaoxin.accounts.services import user_create

    admin = User.objects.filter(username="bench-admin").first() or user_create(
        actor=OPERATOR, username="bench-admin", password=None, role_codes=[roles.ZONE_ADMIN]
    )
    notary = User.objects.filter(username="bench-notary").first() or user_create(
        actor=OPERATOR, username="bench-notary", password=None, role_codes=[roles.NOTARY]
    )
    return admin, notary


def _batch(
    code: str, *, units: int, opens: dt.datetime, closes: dt.datetime, rules: Any = None
) -> Any:
    from gaoxin import fairdraw
    from gaoxin.housing import services

    admin, _notary = _bench_users()
    office = services.sales_office_create(actor=OPERATOR, name=f"bench office {code}")
    project = services.project_create(
        actor=OPERATOR, name=f"bench project {code}", address="合肥市高新区", sales_office=office
    )
    batch = services.batch_create(
        actor=OPERATOR,
        project=project,
        name="bench",
        code=code,
        registration_opens_at=opens,
        registration_closes_at=closes,
    )
    lines = ["楼栋,单元,房号,建筑面积,总价"]
    lines += [f"{1 + i // 100},1,{1000 + i},89.50,{1500000 + i}" for i in range(units)]
    services.units_import(
        actor=admin, batch=batch, data="\n".join(lines).encode(), filename="units.csv"
    )
    if rules is not None:
        services.batch_set_rules(actor=OPERATOR, batch=batch, rules=rules)
    services.batch_declare_entropy(
        actor=OPERATOR,
        batch=batch,
        sources=[("上证综指收盘点位×100", "登记截止后首个交易日收盘")],
        notary_commitment=fairdraw.notary_commitment(NOTARY_SECRET),
    )
    services.batch_publish(actor=OPERATOR, batch=batch)
    batch.refresh_from_db()
    return batch


def seed_lookup(
    applications: int, units: int, *, code: str = LOOKUP_CODE, rules: Any = None
) -> dict[str, Any]:
    """A drawn batch of `applications` households (all eligible), through the services where
    it matters for what the lookup reads (roster freeze, confirmation, reveal, draw)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from gaoxin import fairdraw
    from gaoxin.housing import services
    from gaoxin.housing.models import Application, ApplicationMember, Eligibility, SaleBatch
    from gaoxin.registry.identifiers import make_id_number

    started = time.perf_counter()
    now = timezone.now()
    batch = _batch(
        code,
        units=units,
        rules=rules,
        opens=now - dt.timedelta(days=30),
        closes=now - dt.timedelta(days=20),
    )
    _admin, notary = _bench_users()
    # Registration is not what this measures: applications are written in bulk.
    with transaction.atomic():
        apps = []
        for n in range(1, applications + 1):
            salt = f"{n:032x}"
            apps.append(
                Application(
                    batch=batch,
                    number=f"{code}-{n:06d}",
                    claims_first_home=n % 3 == 0,
                    claims_key_industry=n % 3 == 1,
                    channel="web",
                    salt=salt,
                    identity_commitment=fairdraw.identity_commitment(_person(n), salt),
                )
            )
        Application.objects.bulk_create(apps, batch_size=5000)
        ids = dict(Application.objects.filter(batch=batch).values_list("number", "pk"))
        ApplicationMember.objects.bulk_create(
            (
                ApplicationMember(
                    application_id=ids[f"{code}-{n:06d}"],
                    batch=batch,
                    relation="applicant",
                    id_number=_person(n),
                    name="测试申请人",
                )
                for n in range(1, applications + 1)
            ),
            batch_size=5000,
        )
        Eligibility.objects.bulk_create(
            (
                Eligibility(
                    application_id=pk,
                    general=True,
                    first_home=int(number[-6:]) % 3 == 0,
                    key_industry=int(number[-6:]) % 3 == 1,
                )
                for number, pk in ids.items()
            ),
            batch_size=5000,
        )
        SaleBatch.objects.filter(pk=batch.pk).update(
            status="notice", notice_ends_at=now, next_number=applications + 1
        )
    del make_id_number
    batch.refresh_from_db()
    roster = services.roster_freeze(actor=OPERATOR, batch=batch)
    services.roster_confirm(actor=notary, batch=batch, size=roster.size, root=roster.root)
    services.draw_enter_values(actor=OPERATOR, batch=batch, values=DRAW_VALUES)
    services.draw_reveal(actor=notary, batch=batch, secret=NOTARY_SECRET)
    draw_started = time.perf_counter()
    draw = services.draw_execute(actor=OPERATOR, batch=batch, values=DRAW_VALUES)
    draw_seconds = time.perf_counter() - draw_started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "code": code,
        "applications": applications,
        "roster": roster.size,
        "winners": draw.results.filter(outcome="won").count(),
        "draw_seconds": round(draw_seconds, 1),
        "seed_seconds": round(time.perf_counter() - started, 1),
    }


def _person(n: int) -> str:
    """A distinct valid resident ID number for every n < 3,650,000."""
    from gaoxin.registry.identifiers import make_id_number

    born = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
    return make_id_number("340104", born, n % 1000)


def seed_surge(households: int) -> dict[str, Any]:
    """A batch open for registration, `households` applicant accounts, one logged-in session
    each (written directly: logging in is not what this measures)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone

    from gaoxin.accounts import roles
    from gaoxin.accounts.models import RoleGrant, User
    from gaoxin.registry.imports.loaders import new_person
    from gaoxin.registry.models import IdentityBinding, Person

    now = timezone.now()
    _batch(
        SURGE_CODE,
        units=100,
        opens=now - dt.timedelta(hours=1),
        closes=now + dt.timedelta(days=7),
    )
    unusable = make_password(None)
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=f"surge-{n}", password=unusable) for n in range(households)],
            batch_size=5000,
        )
        RoleGrant.objects.bulk_create(
            [RoleGrant(user_id=u.pk, role=roles.APPLICANT) for u in users], batch_size=5000
        )
        store = SessionStore()
        sessions, clients = [], []
        expires = now + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        for n, user in enumerate(users):
            key = secrets.token_hex(16)
            data = {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "gaoxin.accounts.backends.RoleBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
            sessions.append(
                Session(session_key=key, session_data=store.encode(data), expire_date=expires)
            )
            clients.append({"session": key, "id_number": _person(n + 1)})
        Session.objects.bulk_create(sessions, batch_size=5000)
        # Each account bound to its registry person, as the counter or the identity service
        # would bind it (written directly: binding is not what this measures).
        numbers = [_person(n + 1) for n in range(households)]
        Person.objects.bulk_create(
            [new_person(number, "测试申请人") for number in numbers],
            batch_size=5000,
            ignore_conflicts=True,
        )
        people = dict(Person.objects.filter(id_number__in=numbers).values_list("id_number", "pk"))
        IdentityBinding.objects.bulk_create(
            [
                IdentityBinding(
                    user_id=user.pk,
                    person_id=people[numbers[n]],
                    method="counter",
                    bound_at=now,
                    evidence="bench",
                )
                for n, user in enumerate(users)
            ],
            batch_size=5000,
        )
    return {"code": SURGE_CODE, "clients": clients}


def account_surge(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Compare what the clients were told with what the database holds."""
    from django.db.models import Count

    from gaoxin.common.audit import verify_chain
    from gaoxin.housing.models import Application, ApplicationMember

    members = list(
        ApplicationMember.objects.filter(batch__code=SURGE_CODE).values_list(
            "id_number", "application__number", "live"
        )
    )
    by_person: dict[str, list[str]] = {}
    for id_number, number, _live in members:
        by_person.setdefault(id_number, []).append(number)
    applications = Application.objects.filter(batch__code=SURGE_CODE)
    numbers = list(applications.values_list("number", flat=True))
    duplicated_numbers = len(numbers) - len(set(numbers))
    per_app = applications.annotate(n=Count("members")).exclude(n=1).count()
    out: Counter[str] = Counter()
    told_present: list[str] = []
    present_numbers: dict[str, str] = {}
    for record in records:
        found = by_person.get(record["id_number"], [])
        kind = record["kind"]
        if kind == "acknowledged":
            if found == [record["number"]]:
                out["acknowledged_present_once"] += 1
            elif not found:
                out["acknowledged_lost"] += 1
            elif len(found) > 1:
                out["acknowledged_duplicated"] += 1
            else:
                out["acknowledged_wrong_number"] += 1
        elif kind == "failed":
            out["failed_present" if found else "failed_absent"] += 1
            if found:  # what the client was told, for the report
                told_present.append(record.get("error", ""))
        elif kind in ("unknown", "server_error"):
            out[f"{kind}_present" if found else f"{kind}_absent"] += 1
            if len(found) > 1:
                out[f"{kind}_duplicated"] += 1
            if found:  # the application a resend must return
                present_numbers[record["id_number"]] = found[0]
    told = {r["id_number"] for r in records}
    out["in_database_but_never_sent"] = sum(1 for person in by_person if person not in told)
    out["people_in_two_applications"] = sum(1 for v in by_person.values() if len(v) > 1)
    out["duplicate_registration_numbers"] = duplicated_numbers
    out["applications_without_exactly_one_member"] = per_app
    out["applications_in_database"] = len(numbers)
    report = verify_chain()
    out["audit_events_checked"] = report.checked
    out["audit_chain_problems"] = len(report.problems or [])
    return {
        **out,
        **({"failed_present_told": told_present} if told_present else {}),
        "unknown_present_numbers": present_numbers,
    }


def child_main(args: argparse.Namespace) -> None:
    _child_setup()
    if args.child == "seed-lookup":
        result = seed_lookup(args.applications, args.units)
    elif args.child == "seed-surge":
        result = seed_surge(args.households)
    elif args.child == "account":
        result = account_surge(json.loads(Path(args.records).read_text()))
    else:
        raise SystemExit(f"unknown child {args.child}")
    Path(args.out).write_text(json.dumps(result))


# -- the server ----------------------------------------------------------------------------------


@dataclass
class Stack:
    """A PostgreSQL cluster, a migrated database with static files, and gunicorn."""

    workers: int
    lookup_rate: str
    threads: int = 0
    worker_class: str = ""
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="gaoxin-load-")))
    cluster: dict[str, Any] = field(default_factory=dict)
    port: int = 0
    gunicorn: subprocess.Popen[bytes] | None = None
    listener: socket.socket | None = None
    log_file: Any = None

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "gaoxin.config.settings.production",
            "SECRET_KEY": self.secret,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://gaoxin@127.0.0.1:{self.cluster['port']}/postgres",
            "GAOXIN_VAR_DIR": str(self.work / "var"),
            "STATIC_ROOT": str(self.work / "static"),
            "GAOXIN_LOOKUP_RATE": self.lookup_rate,
            "GAOXIN_RATELIMIT_DIR": str(self.ratelimit_dir),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO),
        }

    def __post_init__(self) -> None:
        self.secret = secrets.token_urlsafe(64)
        # tmpfs, as docs/deploy.md recommends for the counters (/run/gaoxin in production)
        self.ratelimit_dir = Path(tempfile.mkdtemp(prefix="gaoxin-load-ratelimit-", dir="/dev/shm"))

    def start_database(self) -> None:
        from gaoxin.testing.postgres import find_bindir, start_cluster

        bindir = find_bindir()
        if bindir is None:
            sys.exit("PostgreSQL server binaries not found (pg_config --bindir)")
        self.cluster = start_cluster(bindir, durable=True, max_connections=100)
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, str(REPO / "manage.py"), *args],
            env=self.env(),
            check=True,
            cwd=REPO,
        )

    def child(self, name: str, **options: Any) -> Any:
        out = self.work / f"{name}.json"
        extra = [f"--{key.replace('_', '-')}={value}" for key, value in options.items()]
        subprocess.run(
            [sys.executable, __file__, "--child", name, "--out", str(out), *extra],
            env=self.env(),
            check=True,
            cwd=REPO,
        )
        return json.loads(out.read_text())

    def start_gunicorn(self) -> None:
        # The listening socket is bound here, on a port the kernel picks, and handed to gunicorn
        # (fd://): no other process can take the port between choosing it and binding it.
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(2048)
        self.port = int(self.listener.getsockname()[1])
        self.log_file = log = (self.work / "gunicorn.log").open("ab")
        self.gunicorn = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                # as docs/deploy.md runs it: the production gunicorn settings
                "-c",
                "python:gaoxin.config.gunicorn",
                "--bind",
                f"fd://{self.listener.fileno()}",
                *(["--worker-class", self.worker_class] if self.worker_class else []),
                *(["--workers", str(self.workers)] if self.workers else []),
                *(["--threads", str(self.threads)] if self.threads else []),
            ],
            env=self.env(),
            cwd=REPO,
            stdout=log,
            stderr=log,
            pass_fds=(self.listener.fileno(),),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.healthy():
                from gaoxin.config import gunicorn as deployed

                self.worker_class = self.worker_class or deployed.worker_class
                self.workers = self.workers or deployed.workers
                self.threads = self.threads or deployed.threads
                return
            if self.gunicorn.poll() is not None:
                break
            time.sleep(0.25)
        sys.exit(f"gunicorn did not become healthy; see {self.work / 'gunicorn.log'}")

    def healthy(self) -> bool:
        request = urllib.request.Request(f"{self.url}/healthz", headers=HEADERS)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The gunicorn master's live workers (not one killed and not yet reaped)."""
        assert self.gunicorn is not None
        children = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children")
        return [int(pid) for pid in children.read_text().split() if _alive(int(pid))]

    def log_summary(self) -> dict[str, Any]:
        """What gunicorn's log says happened: the 5xx entries of django.request (one per failed
        request, to compare with the 5xx answers the clients counted), the sessions not
        extended, worker deaths and boots, and the exception lines of the tracebacks by type (a
        traceback of chained exceptions has several)."""
        import re

        text = (self.work / "gunicorn.log").read_text(errors="replace")
        kinds: Counter[str] = Counter()
        exceptions: Counter[str] = Counter()
        for line in text.splitlines():
            found = re.match(r"^([a-zA-Z_.]+(?:Error|Exception|Interrupted)): ", line)
            if found:
                exceptions[found.group(1)] += 1
            elif " ERROR django.request " in line:  # Internal Server Error, Service Unavailable
                kinds["error_entries_5xx"] += 1
                kinds[line.split(" ERROR django.request ", 1)[1].split(":", 1)[0]] += 1
            elif "session not extended" in line:
                kinds["session_not_extended_warnings"] += 1
            elif "WORKER TIMEOUT" in line or "was sent SIGKILL" in line:
                kinds["worker killed"] += 1
            elif "Booting worker" in line:
                kinds["worker booted"] += 1
        return {**kinds, "exception_lines": dict(exceptions)}

    def stop(self) -> None:
        from gaoxin.testing.postgres import stop_cluster

        if self.gunicorn is not None and self.gunicorn.poll() is None:
            self.gunicorn.send_signal(signal.SIGTERM)
            try:
                self.gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.gunicorn.kill()
        if self.listener is not None:
            self.listener.close()
        if self.log_file is not None:
            self.log_file.close()
        if self.cluster:
            stop_cluster(self.cluster)
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.ratelimit_dir, ignore_errors=True)


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


# -- lookup: wrk --------------------------------------------------------------------------------

WRK_SCRIPT = r"""
-- Registration numbers at random: 4 in 5 in the roster, 1 in 5 not; stop after a fixed count.
local code = "%(code)s"
local size = %(size)d
local limit = %(per_thread)d
local seen = 0
local threads = 0
wrk.headers["X-Forwarded-Proto"] = "https"
%(extra_headers)s

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  math.randomseed(os.time() * 100 + id)
end

function request()
  local n
  if math.random() < 0.8 then n = math.random(1, size) else n = size + math.random(1, size) end
  return wrk.format("GET", string.format("/housing/%%s/results/?number=%%s-%%06d", code, code, n))
end

function response(status, headers, body)
  seen = seen + 1
  if seen >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, ' ..
    '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}, ' ..
    '"latency_us": {"p50": %%d, "p95": %%d, "p99": %%d, "max": %%d, "mean": %%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def run_wrk(
    stack: Stack,
    *,
    size: int,
    connections: int,
    seconds: int,
    max_requests: int,
    threads: int,
    htmx: bool = False,
) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    script = stack.work / "lookup.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "code": LOOKUP_CODE,
            "size": size,
            "per_thread": max(max_requests // threads, 1),
            "extra_headers": 'wrk.headers["HX-Request"] = "true"' if htmx else "",
        }
    )
    output = subprocess.run(
        [
            wrk,
            "--latency",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"{stack.url}/",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    line = next(x for x in output.stdout.splitlines() if x.startswith("WRKJSON "))
    raw = json.loads(line[len("WRKJSON ") :])
    seconds_run = raw["duration_us"] / 1e6
    errors = {k: v for k, v in raw["errors"].items() if v}
    return {
        "requests": raw["requests"],
        "seconds": round(seconds_run, 1),
        "rps": round(raw["requests"] / seconds_run, 1),
        "latency_ms": {k: round(v / 1000, 1) for k, v in raw["latency_us"].items()},
        "errors": errors,
        "non_2xx_3xx": raw["errors"]["status"],
    }


def lookup(args: argparse.Namespace) -> dict[str, Any]:
    stack = Stack(
        workers=args.workers,
        lookup_rate=args.lookup_rate,
        threads=args.threads,
        worker_class=args.worker_class,
    )
    try:
        stack.start_database()
        seeded = stack.child("seed-lookup", applications=args.applications, units=args.units)
        stack.start_gunicorn()
        # Warm up every worker (imports, templates, the per-batch caches), not measured.
        run_wrk(
            stack,
            size=args.applications,
            connections=args.connections,
            seconds=5,
            max_requests=2000,
            threads=2,
        )
        measured = {
            # what a browser with JavaScript asks (the page's form uses htmx): the answer alone
            "htmx_fragment": run_wrk(
                stack,
                size=args.applications,
                connections=args.connections,
                seconds=args.seconds,
                max_requests=args.max_requests,
                threads=2,
                htmx=True,
            ),
            # the whole page, as without JavaScript or from a shared link
            "full_page": run_wrk(
                stack,
                size=args.applications,
                connections=args.connections,
                seconds=args.seconds,
                max_requests=args.max_requests,
                threads=2,
            ),
        }
    finally:
        stack.stop()
    return {
        "scenario": "lookup",
        "seed": seeded,
        "connections": args.connections,
        "worker_class": stack.worker_class,
        "workers": stack.workers,
        "threads": stack.threads,
        "lookup_rate_setting": args.lookup_rate,
        "result": measured,
        "target": {"rps": 500, "p99_ms": 50},
    }


# -- surge: open-loop registrations ------------------------------------------------------------


@dataclass
class Shot:
    scheduled: float
    id_number: str
    session: str
    kind: str = "unknown"  # acknowledged, failed, server_error or unknown (module docstring)
    n: int = 0  # the form it sent (`_form`), sent again as it was
    status: int = 0
    number: str = ""
    error: str = ""
    latency: float = 0.0


def _form(client: dict[str, Any], csrf: str, n: int) -> dict[str, str]:
    form = {
        "csrfmiddlewaretoken": csrf,
        "applicant_name": "测试申请人",
        "applicant_id": client["id_number"],
        "phone": f"139{n % 100_000_000:08d}",
        "consent": "on",
    }
    if n % 2:
        form["pools"] = "first_home"
    return form


async def _post(http: Any, stack: Stack, shot: Shot, form: dict[str, str], csrf: str) -> None:
    import httpx

    headers = {
        **HEADERS,
        "Origin": f"https://127.0.0.1:{stack.port}",
        "Cookie": f"sessionid={shot.session}; csrftoken={csrf}",
    }
    try:
        response = await http.post(
            f"{stack.url}/housing/{SURGE_CODE}/register/", data=form, headers=headers
        )
    except httpx.HTTPError as error:
        shot.kind, shot.error = "unknown", type(error).__name__
    else:
        shot.status = response.status_code
        location = response.headers.get("location", "")
        if response.status_code == 302 and "/housing/applications/" in location:
            shot.kind = "acknowledged"
            shot.number = location.rstrip("/").rsplit("/", 1)[-1]
        else:
            # A 5xx does not say that nothing was written: the registration's COMMIT may have
            # succeeded with its answer lost (the database restarting), an outcome the server
            # cannot know either. Anything else that is not the application is a refusal
            # ("failed": the form again with its error, a 400, a 403, a 429) and must have
            # written nothing; a 400 for a saved registration (Django's SessionInterrupted when
            # the session's save failed after the commit) is the bug of issue 20, counted as
            # failed_present.
            broke = response.status_code >= 500
            shot.kind = "server_error" if broke else "failed"
            shot.error = f"HTTP {response.status_code}"
            if response.status_code == 200:  # the form again, with an error on it
                text = response.text
                start = text.find('class="errorlist')
                shot.error += " " + (text[start : start + 160] if start >= 0 else "form")
    shot.latency = time.monotonic() - shot.scheduled


async def _open_loop(
    stack: Stack, clients: list[dict[str, Any]], *, rate: float, seconds: float, fault: Any
) -> list[Shot]:
    import httpx

    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret
    count = int(rate * seconds)
    shots: list[Shot] = []
    tasks = []
    # More connections than requests can be in flight: httpx's pool slows down badly when
    # requests queue for a connection, which would make the generator the bottleneck.
    limits = httpx.Limits(max_connections=4096, max_keepalive_connections=256)
    async with httpx.AsyncClient(timeout=30.0, limits=limits) as http:
        start = time.monotonic() + 0.5
        fault_task = asyncio.ensure_future(fault(start)) if fault else None
        for i in range(count):
            when = start + i / rate
            # Behind schedule the loop still yields, so the requests already due are sent.
            await asyncio.sleep(max(when - time.monotonic(), 0))
            client = clients[i]
            shot = Shot(
                scheduled=when, id_number=client["id_number"], session=client["session"], n=i
            )
            shots.append(shot)
            tasks.append(
                asyncio.ensure_future(_post(http, stack, shot, _form(client, csrf, i), csrf))
            )
        await asyncio.gather(*tasks)
        if fault_task is not None:
            await fault_task
    return shots


async def _closed_loop(
    stack: Stack, clients: list[dict[str, Any]], *, users: int, seconds: float
) -> tuple[list[Shot], float]:
    """`users` clients each sending registrations one after another for `seconds` (or until
    the clients run out): the most the server completes, for comparing two versions side by
    side. Returns the shots and the wall time."""
    import httpx

    csrf = secrets.token_hex(16)
    shots: list[Shot] = []
    queue = iter(enumerate(clients))
    start = time.monotonic()

    async def user(http: Any) -> None:
        for i, client in queue:
            if time.monotonic() - start >= seconds:
                return
            shot = Shot(time.monotonic(), client["id_number"], client["session"], n=i)
            shots.append(shot)
            await _post(http, stack, shot, _form(client, csrf, i), csrf)

    async with httpx.AsyncClient(timeout=30.0) as http:
        await asyncio.gather(*(user(http) for _ in range(users)))
    return shots, time.monotonic() - start


async def _warm_up(stack: Stack, clients: list[dict[str, Any]]) -> None:
    """Open every worker's database connection and compile the form's template (not counted):
    GETs of the registration page."""
    import httpx

    async with httpx.AsyncClient(timeout=30.0) as http:
        await asyncio.gather(
            *(
                http.get(
                    f"{stack.url}/housing/{SURGE_CODE}/register/",
                    headers={**HEADERS, "Cookie": f"sessionid={client['session']}"},
                )
                for client in clients
            )
        )


async def _retry(stack: Stack, shots: list[Shot]) -> list[Shot]:
    """Send every registration of unknown outcome (connection dropped, server error) again, the
    same form, as a person would press again."""
    import httpx

    csrf = secrets.token_hex(16)
    again = []
    async with httpx.AsyncClient(timeout=30.0) as http:
        for old in shots:
            shot = Shot(time.monotonic(), old.id_number, old.session, n=old.n)
            form = _form({"id_number": old.id_number}, csrf, old.n)
            await _post(http, stack, shot, form, csrf)
            again.append(shot)
    return again


async def _until_acknowledged(
    stack: Stack, clients: list[dict[str, Any]], *, seconds: float = 30.0
) -> list[Shot]:
    """Registrations one at a time, a quarter of a second apart, until one is acknowledged or
    `seconds` pass (or the clients run out): did the app answer again on its own?"""
    import httpx

    csrf = secrets.token_hex(16)
    shots: list[Shot] = []
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=30.0) as http:
        for i, client in enumerate(clients):
            shot = Shot(time.monotonic(), client["id_number"], client["session"], n=i)
            shots.append(shot)
            await _post(http, stack, shot, _form(client, csrf, i), csrf)
            if shot.kind == "acknowledged" or time.monotonic() >= deadline:
                break
            await asyncio.sleep(0.25)
    return shots


def _summary(shots: list[Shot], rate: float, seconds: float) -> dict[str, Any]:
    latencies = sorted(s.latency for s in shots)

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 1)

    kinds = Counter(s.kind for s in shots)
    errors = Counter(s.error for s in shots if s.error)
    return {
        "rate": rate,
        "seconds": seconds,
        "sent": len(shots),
        "acknowledged": kinds["acknowledged"],
        # answered but not acknowledged: refusals and server errors (the docs' tables)
        "failed": kinds["failed"] + kinds["server_error"],
        "server_error": kinds["server_error"],
        "unknown": kinds["unknown"],
        "errors": dict(errors),
        "latency_ms": {
            "p50": pct(50),
            "p95": pct(95),
            "p99": pct(99),
            "max": round(latencies[-1] * 1000, 1) if latencies else 0.0,
        },
    }


def surge(args: argparse.Namespace) -> dict[str, Any]:
    rates = [float(r) for r in args.rates.split(",")]
    needed = sum(int(r * args.seconds) for r in rates)
    if args.closed:  # enough households for the fastest server imaginable here
        needed = min(args.max_requests, 200 * args.seconds)
    if needed > args.max_requests:
        sys.exit(f"{needed} registrations exceed --max-requests {args.max_requests}")
    faults = [] if args.fault == "none" else args.fault.split(",")
    unknown_faults = set(faults) - {"kill-worker", "restart-db", "none"}
    if unknown_faults:
        sys.exit(f"unknown fault(s) {', '.join(sorted(unknown_faults))}")
    # households kept for the recovery probe after each fault step (`_until_acknowledged`)
    spare = PROBE_HOUSEHOLDS * sum(1 for kind in faults[: len(rates)] if kind != "none")
    stack = Stack(
        workers=args.workers,
        lookup_rate=args.lookup_rate,
        threads=args.threads,
        worker_class=args.worker_class,
    )
    steps: list[dict[str, Any]] = []
    try:
        stack.start_database()
        clients = stack.child("seed-surge", households=needed + spare)["clients"]
        clients, probes = clients[:needed], clients[needed:]
        stack.start_gunicorn()
        asyncio.run(_warm_up(stack, clients[:30]))
        all_shots: list[Shot] = []
        offset = 0
        if args.closed:
            shots, wall = asyncio.run(
                _closed_loop(stack, clients, users=args.closed, seconds=args.seconds)
            )
            all_shots += shots
            step = _summary(shots, 0.0, args.seconds)
            step["closed_loop_users"] = args.closed
            step["completed_per_second"] = round(step["acknowledged"] / wall, 1)
            step["held"] = False  # not a rate
            steps.append(step)
            rates = []
        for index, rate in enumerate(rates):
            fault = None
            fault_log: dict[str, Any] = {}
            if index < len(faults) and faults[index] != "none":
                fault = _fault(stack, faults[index], args.seconds, fault_log, args.kills)
            batch = clients[offset : offset + int(rate * args.seconds)]
            offset += len(batch)
            shots = asyncio.run(
                asyncio.wait_for(
                    _open_loop(stack, batch, rate=rate, seconds=args.seconds, fault=fault),
                    timeout=args.seconds + 120,
                )
            )
            all_shots += shots
            step = _summary(shots, rate, args.seconds)
            step["held"] = (
                step["failed"] == 0 and step["unknown"] == 0 and step["latency_ms"]["p99"] < 1000
            )
            if fault is not None:
                step["fault"] = {"kind": faults[index], **fault_log}
                step["recovery"] = _recovery(shots, fault_log)
                if step["recovery"].get("first_success_s_after_fault_over") is None:
                    # Nothing sent after the fault was over was acknowledged within the step
                    # (the fault took longer than the rest of it): the app is asked again until
                    # it answers.
                    probe = asyncio.run(_until_acknowledged(stack, probes[:PROBE_HOUSEHOLDS]))
                    probes = probes[PROBE_HOUSEHOLDS:]
                    all_shots += probe
                    step["recovery"] = _recovery(shots + probe, fault_log)
                    step["recovery"]["probe"] = dict(Counter(s.kind for s in probe))
            steps.append(step)
            print(json.dumps(step), file=sys.stderr, flush=True)
            if not step["held"] and not faults:
                break  # the rate that did not hold was found
        records_path = stack.work / "records.json"

        def account(shots: list[Shot]) -> Any:
            records_path.write_text(
                json.dumps(
                    [
                        {"id_number": s.id_number, "kind": s.kind, "number": s.number}
                        | ({"error": f"{s.error} (status {s.status})"} if s.error else {})
                        for s in shots
                    ]
                )
            )
            return stack.child("account", records=str(records_path))

        accounting = account(all_shots)
        present_before = accounting.pop("unknown_present_numbers")
        # Then every unknown outcome (connection dropped, server error) is sent again, as a
        # person would press again: each must come back with one application (the one already
        # there, if the first try committed).
        unknown = [s for s in all_shots if s.kind in ("unknown", "server_error")]
        retried = asyncio.run(_retry(stack, unknown)) if unknown else []
        retry_summary: dict[str, Any] = {
            "retried": len(retried),
            "acknowledged": sum(1 for s in retried if s.kind == "acknowledged"),
            "outcomes": dict(Counter(s.error or s.kind for s in retried)),
            "resends": _resends(unknown, retried, present_before),
        }
        if retried:
            after = account(retried)
            after.pop("unknown_present_numbers")
            retry_summary["accounting"] = {
                k: v for k, v in after.items() if k != "in_database_but_never_sent"
            }
        server_log = stack.log_summary()
        # Counted from the requests, not from the log: one failed request must be one entry.
        server_log["requests_answered_5xx"] = sum(1 for s in all_shots + retried if s.status >= 500)
        if args.keep_log:
            shutil.copy(stack.work / "gunicorn.log", args.keep_log)
    finally:
        stack.stop()
    held = [s["rate"] for s in steps if s["held"]]
    return {
        "scenario": "surge",
        "fault": args.fault,
        "worker_class": stack.worker_class,
        "workers": stack.workers,
        "threads": stack.threads,
        "steps": steps,
        "highest_rate_held": max(held) if held else None,
        "accounting": accounting,
        "retry_of_unknown": retry_summary,
        "server_log": server_log,
    }


def _resends(
    first: list[Shot], again: list[Shot], present_before: dict[str, str]
) -> dict[str, int]:
    """How each resend of an outcome the client could not know ended, by what the database
    held before it: committed before the fault (the resend must return that application, same
    number) or not (the resend must create it, once)."""
    out: Counter[str] = Counter()
    for old, new in zip(first, again, strict=True):
        kind = "unknown" if old.kind == "unknown" else "server_error"
        before = present_before.get(old.id_number)
        if before is not None:
            same = new.kind == "acknowledged" and new.number == before
            out[f"{kind}_committed_resend_{'same_application' if same else 'DIFFERENT'}"] += 1
        else:
            made = new.kind == "acknowledged"
            out[f"{kind}_absent_resend_{'registered' if made else 'NOT_REGISTERED'}"] += 1
    return dict(out)


def _fault(stack: Stack, kind: str, seconds: float, log: dict[str, Any], kills: int) -> Any:
    """kill-worker: SIGKILL a worker `kills` times, evenly over the middle of the step (gunicorn
    starts a new one each time); restart-db: `pg_ctl restart -m fast` halfway."""

    async def act(start: float) -> None:
        if kind == "kill-worker":
            log["kills"] = []
            for n in range(kills):
                at = start + seconds * (n + 1) / (kills + 1)
                await asyncio.sleep(max(at - time.monotonic(), 0))
                log.setdefault("at_monotonic", time.monotonic())
                log.setdefault("at_s", round(time.monotonic() - start, 2))
                # In a thread: the generator keeps sending while the victim is looked for.
                # Every other kill waits for a worker at the end of its registration.
                kill = await asyncio.to_thread(_kill_busy_worker, stack, n, late=n % 2 == 1)
                log["kills"].append({"at_s": round(time.monotonic() - start, 2), **kill})
            log["kills_inside_a_transaction"] = sum(1 for k in log["kills"] if k["busy"])
        elif kind == "restart-db":
            from gaoxin.testing.postgres import restart_cluster

            await asyncio.sleep(max(start + seconds / 2 - time.monotonic(), 0))
            log["at_s"] = round(time.monotonic() - start, 2)
            log["at_monotonic"] = time.monotonic()
            await asyncio.to_thread(restart_cluster, stack.cluster)
            log["pg_ctl_restart_s"] = round(time.monotonic() - log["at_monotonic"], 2)
        log["done_monotonic"] = time.monotonic()

    return act


BUSY_SQL = """
SELECT pid, application_name, state, left(query, 60) FROM pg_stat_activity
WHERE application_name LIKE 'gaoxin-web-%' AND xact_start IS NOT NULL AND pid <> pg_backend_pid()
ORDER BY xact_start
"""


def _late(query: str) -> bool:
    """The registration's last statement (the audit chain's head), its COMMIT, or the
    session's save after it: a kill now most likely finds the registration committed."""
    return query.startswith("COMMIT") or "auditchainhead" in query or "django_session" in query


def _kill_busy_worker(
    stack: Stack, n: int, *, wait: float = 5.0, late: bool = False
) -> dict[str, Any]:
    """SIGKILL a worker that is inside a request: one whose database connection (named
    `gaoxin-web-<pid>` by gaoxin/config/gunicorn.py) has a transaction open in
    pg_stat_activity — a registration under way, its commit, or the session's save after it.
    Asked every 2 ms for at most `wait` seconds; when none is seen in that time, a live worker
    is killed all the same and the kill is reported as not busy. `late`: for the first half of
    the wait, only a worker at the end of its registration (`_late`), so that some kills come
    after the commit and before the answer."""
    import psycopg

    started = time.monotonic()
    deadline = started + wait
    polls = 0
    with psycopg.connect(
        f"postgresql://gaoxin@127.0.0.1:{stack.cluster['port']}/postgres",
        autocommit=True,
        application_name="load-harness",
    ) as conn:
        while time.monotonic() < deadline:
            polls += 1
            live = set(stack.worker_pids())
            choosy = late and time.monotonic() < started + wait / 2
            for backend, name, state, query in conn.execute(BUSY_SQL).fetchall():
                pid = int(name.rsplit("-", 1)[1])
                if pid in live and not (choosy and not _late(query)):
                    os.kill(pid, signal.SIGKILL)
                    return {
                        "pid": pid,
                        "busy": True,
                        "backend": backend,
                        "state": state,
                        "query": " ".join(query.split()),
                        "polls": polls,
                    }
            time.sleep(0.002)
    pids = stack.worker_pids()
    pid = pids[n % len(pids)]
    os.kill(pid, signal.SIGKILL)
    return {"pid": pid, "busy": False, "polls": polls}


def _recovery(shots: list[Shot], log: dict[str, Any]) -> dict[str, Any]:
    """Errors around the fault, and how long after it began the app answered again; and
    whether a request sent after the fault was over (the last kill made, PostgreSQL restarted)
    was acknowledged: a request sent as the fault began may be served before it takes effect."""
    at = log.get("at_monotonic")
    if at is None:
        return {}
    bad = [s for s in shots if s.kind != "acknowledged"]
    last_bad = max((s.scheduled for s in bad), default=None)

    def first_good(since: float) -> float | None:
        good = (s.scheduled for s in shots if s.kind == "acknowledged" and s.scheduled >= since)
        first = min(good, default=None)
        return None if first is None else round(first - at, 2)

    done = log.get("done_monotonic", at)
    return {
        "not_acknowledged": len(bad),
        "last_failure_s_after_fault": None if last_bad is None else round(last_bad - at, 2),
        "first_success_s_after_fault": first_good(at),
        "first_success_s_after_fault_over": first_good(done),
    }


# -- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scenario", nargs="?", choices=["lookup", "surge", "smoke"])
    parser.add_argument(
        "--worker-class", default="", help="gunicorn worker class (default: as deployed)"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn worker processes (default: as deployed)"
    )
    parser.add_argument(
        "--threads", type=int, default=0, help="threads per worker (default: as deployed)"
    )
    parser.add_argument("--applications", type=int, default=200_000, help="lookup: roster size")
    parser.add_argument("--units", type=int, default=2_000, help="lookup: units (winners)")
    parser.add_argument("--connections", type=int, default=32, help="lookup: wrk clients")
    parser.add_argument(
        "--seconds",
        type=int,
        default=0,
        help="per measurement (default: 30 for lookup, 120 per rate for surge)",
    )
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="upper bound on requests sent"
    )
    parser.add_argument("--rates", default="20,40,60", help="surge: registrations/s, stepped")
    parser.add_argument(
        "--fault",
        default="none",
        help="surge: kill-worker or restart-db during the first rate's step; comma-separated, "
        "one per step (e.g. kill-worker,restart-db)",
    )
    parser.add_argument("--kills", type=int, default=5, help="kill-worker: how many kills")
    parser.add_argument(
        "--closed",
        type=int,
        default=0,
        help="surge: instead of rates, N clients sending back to back for --seconds (capacity)",
    )
    parser.add_argument(
        "--lookup-rate",
        default="1000000/s",
        help="GAOXIN_LOOKUP_RATE for the server (raised: wrk sends everything from one address)",
    )
    parser.add_argument("--keep-log", help="surge: copy gunicorn's log to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--households", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--records", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args)
        return
    if args.scenario is None:
        parser.error("choose a scenario: lookup, surge or smoke")
    started = dt.datetime.now(dt.UTC)
    header = {
        "command": "python bench/load.py " + " ".join(sys.argv[1:]),
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}",
        "load_average_before": os.getloadavg(),
    }
    if args.scenario == "lookup":
        args.seconds = args.seconds or 30
        result = lookup(args)
    elif args.scenario == "surge":
        args.seconds = args.seconds or 120
        result = surge(args)
    else:
        # Both faults on a small surge, checked by tests/test_load_smoke.py in `make test`.
        args.rates, args.seconds, args.fault, args.kills = "10,10", 6, "kill-worker,restart-db", 2
        result = {**surge(args), "scenario": "smoke"}
    result = {**header, **result, "wall_seconds": round(time.time() - started.timestamp(), 1)}
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
