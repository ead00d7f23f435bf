"""Approvals desk benchmarks (docs/benchmarks.md, "## approvals").

    .venv/bin/python bench/approvals.py --projects 10000 --open-items 50000

In a throwaway PostgreSQL cluster started here, in a fresh database (`make run`'s settings):

1. the default template, N enterprises and N projects (at least --projects, and enough for
   --open-items items in review) with their four stages and ten items each, written in bulk
   (not timed): the earlier stages closed with their items decided (dates, working days and
   serial days stored as the services store them), the current stage's items in review —
   spread over the six departments, a tenth of the projects on the green channel, deadlines
   from 30 days past to 30 days ahead;
2. a department's queue page (`/approvals/queue/`, the reviewer of 自然资源和规划局) and the
   zone dashboard (`/approvals/dashboard/`, the leadership) through Django's test client, 20
   requests each after one warm-up: p50 and p95 (target: p95 < 300 ms);
3. the deadline sweep (`services.sweep`: due-soon and overdue alerts with their notifications
   and audit events) over the OPEN items in review, once (target: < 10 s).

The audit chain of the bulk-written history is not written (the sweep's own events are).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._harness import report as harness_report  # noqa: E402
from bench._harness import run_per_backend  # noqa: E402


def _timed(client: Any, path: str, n: int = 20) -> dict[str, float]:
    client.get(path)  # warm-up
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return {
        "p50_ms": round(times[len(times) // 2], 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
    }


def child(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.config.settings.local")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from gaoxin.accounts import roles
    from gaoxin.accounts.choices import ScopeKind
    from gaoxin.accounts.models import RoleGrant
    from gaoxin.accounts.services import user_create
    from gaoxin.approvals import services
    from gaoxin.approvals.choices import ItemStatus, StageStatus
    from gaoxin.approvals.models import Project, ProjectItem, ProjectStage, TemplateVersion
    from gaoxin.approvals.services.template import DEPARTMENTS
    from gaoxin.common.actors import OPERATOR, SCHEDULER
    from gaoxin.registry.models import Enterprise

    result: dict[str, Any] = {"backend": connection.vendor}
    call_command("migrate", verbosity=0)
    with connection.cursor() as c:
        c.execute("SHOW server_version")
        result["server"] = "PostgreSQL " + c.fetchone()[0]
    rng = random.Random(16)
    version = services.template_default(actor=OPERATOR)
    assert isinstance(version, TemplateVersion)
    stage_defs = list(version.stages.prefetch_related("items").order_by("order"))
    today = date(2026, 12, 4)
    # Every project has one stage in review (2.5 items on average): enough projects for the
    # open items asked for, at least --projects.
    n = max(args.projects, args.open_items * 10 // 22 + 1)
    started = time.perf_counter()
    Enterprise.objects.bulk_create(
        [Enterprise(credit_code=f"91370200B{i:08d}X", name=f"企业{i}") for i in range(n)],
        batch_size=5000,
    )
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    projects = Project.objects.bulk_create(
        [
            Project(
                number=f"XM{i:07d}",
                name=f"项目{i}",
                enterprise_id=enterprises[i],
                version=version,
                parcel=f"GX-{i}",
                investment=10000,
                green_channel=i % 10 == 0,
                started_on=today - timedelta(days=rng.randint(30, 700)),
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    # How far each project got: open items in review are the projects' current stage's items.
    total_items = sum(len(s.items.all()) for s in stage_defs)
    stages, items = [], []
    for p in projects:
        current = rng.choice([1, 2, 3, 4])
        for sd in stage_defs:
            closed = sd.order < current
            in_review = sd.order == current
            st = ProjectStage(
                project=p,
                order=sd.order,
                name=sd.name,
                lead_department_id=sd.lead_department_id,
                issues_permit=sd.issues_permit,
                status=(
                    StageStatus.CLOSED
                    if closed
                    else StageStatus.IN_REVIEW
                    if in_review
                    else StageStatus.WAITING
                ),
                opened_on=p.started_on if closed or in_review else None,
                submitted_on=p.started_on if closed or in_review else None,
                dispatched_on=p.started_on if closed or in_review else None,
                closed_on=p.started_on + timedelta(days=20) if closed else None,
                serial_days=sum(i.limit_days for i in sd.items.all()) if closed else 0,
                working_days=rng.randint(5, 15) if closed else None,
            )
            stages.append(st)
            for d in sd.items.all():
                status = (
                    ItemStatus.APPROVED
                    if closed
                    else ItemStatus.IN_REVIEW
                    if in_review
                    else ItemStatus.PENDING
                )
                items.append(
                    ProjectItem(
                        project=p,
                        stage=st,
                        code=d.code,
                        name=d.name,
                        department_id=d.department_id,
                        limit_days=d.limit_days,
                        commitment=d.commitment,
                        prereviewable=d.prereviewable,
                        documents=d.documents,
                        status=status,
                        dispatched_on=p.started_on if closed or in_review else None,
                        due_on=(
                            today + timedelta(days=rng.randint(-30, 30)) if in_review else None
                        ),
                        decided_on=p.started_on + timedelta(days=10) if closed else None,
                        working_days=rng.randint(2, 12) if closed else None,
                    )
                )
        p.serial_days = sum(s.serial_days for s in stages[-4:])
        p.actual_days = sum(s.working_days or 0 for s in stages[-4:])
    ProjectStage.objects.bulk_create(stages, batch_size=10000)
    for it in items:
        it.stage_id = it.stage.pk
    ProjectItem.objects.bulk_create(items, batch_size=10000)
    Project.objects.bulk_update(projects, ["serial_days", "actual_days"], batch_size=5000)
    Project.objects.filter(pk__in=[p.pk for p in projects[::9]]).update(
        land_contract_on=today - timedelta(days=40),
        permit_on=today - timedelta(days=38),
        quick_start=True,
    )
    with connection.cursor() as c:
        c.execute("ANALYZE")
    result["setup_seconds"] = round(time.perf_counter() - started, 1)
    result["projects"] = n
    result["items"] = len(items)
    result["template_items"] = total_items
    result["open_items"] = ProjectItem.objects.filter(status=ItemStatus.IN_REVIEW).count()

    def person(name: str, role: str, kind: str = "", key: str = "") -> Any:
        user = user_create(
            actor=OPERATOR,
            username=name,
            password="bench-pass-2026x",  # noqa: S106 - a throwaway database
            role_codes=[],
            validate_password=False,
        )
        RoleGrant.objects.create(user=user, role=role, scope_kind=kind, scope_key=key)
        return user

    dept = ScopeKind.APPROVAL_DEPARTMENT
    reviewer = person("rev-zrzy", roles.APPROVAL_REVIEWER, dept, "zrzy")
    leader = person("leader", roles.LEADERSHIP)
    for code, _name in DEPARTMENTS:
        person(f"head-{code}", roles.APPROVAL_HEAD, dept, code)
    rc = Client(HTTP_HOST="127.0.0.1")
    rc.force_login(reviewer)
    lc = Client(HTTP_HOST="127.0.0.1")
    lc.force_login(leader)
    result["queue"] = _timed(rc, "/approvals/queue/")
    result["dashboard"] = _timed(lc, "/approvals/dashboard/")
    started = time.perf_counter()
    counts = services.sweep(actor=SCHEDULER, today=today)
    result["sweep_seconds"] = round(time.perf_counter() - started, 2)
    result["sweep"] = counts
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--open-items", type=int, default=50_000)
    parser.add_argument("--backends", default="postgres")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args)), flush=True)
        return
    results = run_per_backend(
        __file__,
        args.backends,
        ["--projects", str(args.projects), "--open-items", str(args.open_items)],
    )
    report = harness_report("bench/approvals.py", results, args.json)
    print(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Measured {report['date']} on {report['nproc']} cores ({report['cpu']}), "
        f"Python {report['python']}: `{report['command']}`",
        "",
        "| backend | projects | items (open in review) | queue p50 / p95 | dashboard p50 / p95 | "
        "deadline sweep |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        lines.append(
            f"| {r['server']} | {r['projects']:,} | {r['items']:,} ({r['open_items']:,}) | "
            f"{r['queue']['p50_ms']} / **{r['queue']['p95_ms']} ms** | "
            f"{r['dashboard']['p50_ms']} / **{r['dashboard']['p95_ms']} ms** | "
            f"**{r['sweep_seconds']} s** ({r['sweep']['overdue']:,} overdue, "
            f"{r['sweep']['due_soon']:,} due soon alerted) |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
