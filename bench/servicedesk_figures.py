"""Grid service desk at 100× the source page's volume (docs/benchmarks.md, "## servicedesk").

    .venv/bin/python bench/servicedesk_figures.py [--enterprises 120000] [--requests 2800000]
        [--open 100000] [--overdue 5000] [--repeat 20]

On a throwaway PostgreSQL cluster started here, in a fresh database: 24 grids (the page's
grids, so each grid holds 1/24 of everything), E enterprises assigned to them, R requests over
ten years (written with set-based SQL: this benchmark is about reading them), of which O are
still open and V of those overdue. Then, in the same process:

1. the zone's dashboard (`/servicedesk/dashboard/`, the last 12 months against the 12 before)
   and one grid's (`?grid=G01`) as the leadership sees them, each requested `--repeat` times
   through Django's test client: p50 and p95 (target: p95 ≤ 500 ms);
2. the zone's monthly report of the last whole month (`monthly.pdf`, `monthly.xlsx`), each
   requested `--repeat` times the same way (no target: a download, not a page);
3. the escalation job (`escalation.escalate_overdue`) over the O open requests, exactly as the
   scheduler runs it: wall time (target: ≤ 10 s) and how many it moved (must be V)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def child(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from gaoxin.accounts import roles
    from gaoxin.accounts.models import RoleGrant, User
    from gaoxin.registry import identifiers
    from gaoxin.servicedesk.services import escalation

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO servicedesk_grid (code, name, boundary, created_at, updated_at) "
            "SELECT 'G' || lpad(g::text, 2, '0'), '第' || g || '网格', '{}'::jsonb, now(), now() "
            "FROM generate_series(1, 24) g"
        )
        codes = [
            identifiers.make_credit_code("91", "340100", f"B{i:07d}")
            for i in range(args.enterprises)
        ]
        with cur.copy(
            "COPY registry_enterprise (credit_code, name, registered_address, sector, "
            "status, created_at, updated_at) FROM STDIN"
        ) as copy:
            for i, code in enumerate(codes):
                copy.write_row(
                    (code, f"基准企业{i}", "", "", "active", timezone.now(), timezone.now())
                )
        cur.execute(
            "INSERT INTO servicedesk_enterpriseassignment (enterprise_id, grid_id, valid_from) "
            "SELECT e.id,"
            " (SELECT id FROM servicedesk_grid ORDER BY code OFFSET mod(e.id, 24) LIMIT 1),"
            " DATE '2016-01-01' FROM registry_enterprise e"
        )
        # Requests over ten years: resolved and closed, except the newest `open` ones, of which
        # the oldest `overdue` are past their step's deadline. Figures' columns filled as the
        # services fill them.
        cur.execute(
            """
            INSERT INTO servicedesk_servicerequest (
                number, enterprise_id, grid_id, category_id, channel, title, description, contact,
                status, level, accepted_on, step_started_on, step_due, due_provisional, pauses,
                reply, redone, rating, rating_comment, resolved_on, resolved_level,
                resolved_on_time, working_days, closed_on, overdue_steps, version, last_change,
                last_changed_by, created_at, updated_at)
            SELECT
                'B' || lpad(n::text, 9, '0'),
                e.id,
                a.grid_id,
                (SELECT id FROM servicedesk_category ORDER BY code OFFSET (mod(n, 9)) LIMIT 1),
                'phone', '基准诉求', '基准', '',
                CASE WHEN n > %(total)s - %(open)s THEN 'in_progress' ELSE 'closed' END,
                CASE WHEN mod(n, 10) = 0 THEN 3 WHEN mod(n, 7) = 0 THEN 2 ELSE 1 END,
                d, d,
                CASE WHEN n > %(total)s - %(open)s AND n <= %(total)s - %(open)s + %(overdue)s
                     THEN %(today)s::date - 3
                     WHEN n > %(total)s - %(open)s THEN %(today)s::date + 1 + mod(n, 5)
                     ELSE d + 7 END,
                false, '[]'::jsonb, '', false,
                CASE WHEN n > %(total)s - %(open)s THEN NULL WHEN mod(n, 9) = 0 THEN NULL
                     ELSE 1 + (mod(n, 5)) END,
                '',
                CASE WHEN n > %(total)s - %(open)s THEN NULL ELSE d + (mod(n, 12)) END,
                CASE WHEN n > %(total)s - %(open)s THEN NULL
                     WHEN mod(n, 10) = 0 THEN 3 WHEN mod(n, 7) = 0 THEN 2 ELSE 1 END,
                CASE WHEN n > %(total)s - %(open)s THEN NULL ELSE mod(n, 4) <> 0 END,
                CASE WHEN n > %(total)s - %(open)s THEN NULL ELSE mod(n, 12) END,
                CASE WHEN n > %(total)s - %(open)s THEN NULL ELSE d + (mod(n, 12)) + 2 END,
                0, 1, 'bench', 'bench', now(), now()
            FROM (
                SELECT n,
                       (%(today)s::date - 3650 + (n::bigint * 3650 / %(total)s)::int) AS d,
                       1 + mod(n::bigint * 7919, %(enterprises)s) AS eid
                FROM generate_series(1, %(total)s) n
            ) g
            JOIN registry_enterprise e ON e.id = g.eid
            JOIN servicedesk_enterpriseassignment a ON a.enterprise_id = e.id
            """,
            {
                "total": args.requests,
                "open": args.open,
                "overdue": args.overdue,
                "today": today,
                "enterprises": args.enterprises,
            },
        )
        cur.execute("VACUUM ANALYZE")  # as autovacuum leaves a settled table
    loaded = time.perf_counter() - started
    # The rows were written past the services: count every month into the figures' store once
    # (what `demo_data` and a migration's first read do), timed apart.
    from gaoxin.servicedesk import figurestore

    t = time.perf_counter()
    months_counted = figurestore.rebuild()
    rebuilt = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("ANALYZE servicedesk_figuremonth")

    leader = User.objects.create(username="bench-leader")
    RoleGrant.objects.create(user=leader, role=roles.LEADERSHIP)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(leader)

    def timed(path: str, before: Any = None) -> dict[str, float]:
        client.get(path)  # warm
        times = []
        for _ in range(args.repeat):
            if before is not None:
                before()
            t = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
        times.sort()
        return {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
            "max_ms": round(times[-1], 1),
        }

    slow: list[tuple[float, str]] = []

    def clock_queries(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            slow.append(((time.perf_counter() - t) * 1000, sql[:160]))

    with connection.execute_wrapper(clock_queries):
        client.get("/servicedesk/dashboard/")
    slowest = [f"{ms:.0f} ms {sql}" for ms, sql in sorted(slow, reverse=True)[:5]]
    zone = timed("/servicedesk/dashboard/")
    grid = timed("/servicedesk/dashboard/?grid=G01")
    # The same after a request of this month changed each time (a month to recount first).
    zone_changed = timed("/servicedesk/dashboard/", before=lambda: figurestore.changed([today]))
    # What the charts add to the zone's dashboard: their one grouped query and the drawing.
    from gaoxin.servicedesk import charts, selectors

    chart_times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        months = selectors.figures_by_month(selectors.twelve_months(today), today=today)
        per_grid = selectors.figures(selectors.last_twelve_months(today), group="grid", today=today)
        charts.svg_charts(months, [(str(f.key), f) for f in per_grid])
        chart_times.append((time.perf_counter() - t) * 1000)
    month = f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"  # the last whole month
    monthly_pdf = timed(f"/servicedesk/dashboard/monthly.pdf?month={month}")
    monthly_xlsx = timed(f"/servicedesk/dashboard/monthly.xlsx?month={month}")
    t = time.perf_counter()
    moved = escalation.escalate_overdue()
    job = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM servicedesk_servicerequest")
        rows = cur.fetchone()[0]
    return {
        "requests": rows,
        "load_s": round(loaded, 1),
        "store_rebuild_s": round(rebuilt, 1),
        "store_months": months_counted,
        "store_rows": figurestore.FigureMonth.objects.count(),
        "zone_dashboard": zone,
        "zone_dashboard_after_a_change": zone_changed,
        "grid_dashboard": grid,
        "zone_charts_p50_ms": round(statistics.median(chart_times), 1),
        "zone_monthly_pdf": monthly_pdf,
        "zone_monthly_xlsx": monthly_xlsx,
        "escalation_s": round(job, 2),
        "escalated": moved,
        "zone_dashboard_queries": len(slow),
        "slowest_queries": slowest,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=120_000)
    parser.add_argument("--requests", type=int, default=2_800_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--overdue", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args)), flush=True)
        return
    from gaoxin.testing.postgres import find_bindir, start_cluster, stop_cluster

    bindir = find_bindir()
    if bindir is None:
        sys.exit("PostgreSQL server binaries not found (pg_config --bindir)")
    cluster = start_cluster(bindir)
    try:
        with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as work:
            env = {
                **os.environ,
                "GAOXIN_VAR_DIR": work,
                "DEBUG": "0",
                "DJANGO_SETTINGS_MODULE": "gaoxin.config.settings.local",
                "DATABASE_URL": f"postgres://gaoxin@127.0.0.1:{cluster['port']}/postgres",
            }
            output = subprocess.run(
                [sys.executable, __file__, "--child", *sys.argv[1:]],
                env=env,
                check=False,
                capture_output=True,
                text=True,
                cwd=REPO,
            )
    finally:
        stop_cluster(cluster)
    if output.returncode != 0:
        sys.exit(output.stdout[-2000:] + output.stderr[-5000:])
    result = json.loads(output.stdout.split("RESULT ", 1)[1])
    result["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
