"""Housing benchmarks (docs/benchmarks.md, "## housing").

    .venv/bin/python bench/housing.py --persons 500000 --applications 200000

On a throwaway PostgreSQL cluster started here, in a fresh database:

1. `manage.py synth --persons N` loads a synthetic zone (N people, 24 months of insurance);
2. A sale batch closing on 2025-12-31 gets A applications from A of those people (written in
   bulk: this benchmark is about the review, not registration), a third claiming the
   first-home pool and a third the key-industry pool;
3. the eligibility review runs exactly as the background task does
   (`housing.review_run.run_review`): facts from the registry in set-based queries, a
   decision with reasons per application, every decision written in one transaction. Its
   wall time is the figure (target: ≤ 60 s for 200,000 applications on a 500,000-person
   registry).

    .venv/bin/python bench/housing.py --draw --applications 200000 [--units 2000] [--repeat 3]

The draw (issue 6: the app, storing every result, at most 2× fairdraw alone). For each backend
(a throwaway PostgreSQL cluster started here, and an SQLite file) in a fresh database: a frozen,
confirmed roster of A eligible applications (a third claiming first-home, a third key-industry;
written in bulk) and the notary's reveal; then, side by side in the same process, `--repeat`
times each:

- fairdraw alone: what `fairdraw run` does without files — parse the roster CSV, reveal the
  entropy, `fairdraw.run_draw` (seed, allocation, results digest), the protocol JSON;
- the app: `housing.services.draw_execute`, exactly what the worker runs — lock the batch, load
  and parse the stored roster, the same `run_draw`, store the protocol and one DrawResult row per
  entry, the batch transition and its audit event, commit. (Between runs the draw is deleted,
  untimed.) The protocols must be byte-identical.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from gaoxin.common.actors import OPERATOR

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._harness import cpu_model  # noqa: E402


def child(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from gaoxin import fairdraw
    from gaoxin.housing.models import (
        Application,
        ApplicationMember,
        Eligibility,
        EligibilityReview,
        HousingProject,
        SaleBatch,
        SalesOffice,
    )
    from gaoxin.housing.review_run import run_review
    from gaoxin.housing.rules import Rules, rules_config
    from gaoxin.registry.models import InsuranceContribution, Person

    result: dict[str, Any] = {"persons": args.persons, "applications": args.applications}
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("synth", persons=args.persons, seed=7, no_progress=True, verbosity=0)
    result["synth_seconds"] = round(time.perf_counter() - started, 1)
    result["synth_insurance_rows"] = InsuranceContribution.objects.count()
    if not args.sparse:
        _densify_insurance(connection)
    result["insurance_rows"] = InsuranceContribution.objects.count()

    tz = dt.timezone(dt.timedelta(hours=8))
    with transaction.atomic():
        office = SalesOffice.objects.create(name="bench")
        project = HousingProject.objects.create(name="bench", address="-", sales_office=office)
        batch = SaleBatch.objects.create(
            project=project,
            name="bench",
            code="BENCH",
            status="review",
            registration_opens_at=dt.datetime(2025, 12, 1, 9, tzinfo=tz),
            registration_closes_at=dt.datetime(2025, 12, 31, 17, tzinfo=tz),
            config={
                "rules": Rules().__dict__,
                "draw": rules_config(Rules(), units=max(args.applications // 10, 10)),
            },
        )
    started = time.perf_counter()
    people = list(
        Person.objects.filter(birth_date__lte=dt.date(2005, 1, 1))
        .order_by("id")
        .values_list("id_number", "name")[: args.applications]
    )
    apps, members = [], []
    for n, (number, _name) in enumerate(people, start=1):
        salt = f"{n:032x}"
        apps.append(
            Application(
                batch=batch,
                number=f"BENCH-{n:06d}",
                claims_first_home=n % 3 == 0,
                claims_key_industry=n % 3 == 1,
                channel="import",
                salt=salt,
                identity_commitment=fairdraw.identity_commitment(number, salt),
            )
        )
    with transaction.atomic():
        Application.objects.bulk_create(apps, batch_size=5000)
        ids = dict(Application.objects.filter(batch=batch).values_list("number", "id"))
        for n, (number, name) in enumerate(people, start=1):
            members.append(
                ApplicationMember(
                    application_id=ids[f"BENCH-{n:06d}"],
                    batch=batch,
                    relation="applicant",
                    id_number=number,
                    name=name,
                )
            )
        ApplicationMember.objects.bulk_create(members, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    result["applications"] = len(apps)
    result["setup_seconds"] = round(time.perf_counter() - started, 1)

    review = EligibilityReview.objects.create(batch=batch)
    started = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(run_review, review.pk)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    else:
        run_review(review.pk)
    result["review_seconds"] = round(time.perf_counter() - started, 1)
    decided = Eligibility.objects.filter(application__batch=batch)
    result["decisions"] = decided.count()
    result["eligible"] = decided.filter(general=True).count()
    result["first_home"] = decided.filter(first_home=True).count()
    result["key_industry"] = decided.filter(key_industry=True).count()
    result["with_reasons"] = decided.filter(needs_attention=True).count()
    return result


def _densify_insurance(connection: Any) -> None:
    """Give every person a row for every month of the synthetic history (500,000 × 24 = 12 M
    rows, the issue's volume): the months synth left empty get a contribution paid outside the
    zone, which changes no in-zone fact but makes the table as large as a full agency export."""
    from gaoxin.registry.models import Enterprise, InsuranceContribution, Person

    table = InsuranceContribution._meta.db_table
    people = Person._meta.db_table
    employer = Enterprise.objects.order_by("pk").values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (person_id, employer_id, month, in_zone, is_makeup, paid_on)
            SELECT p.id, %s, m.month, FALSE, FALSE, NULL
            FROM {people} p CROSS JOIN (SELECT DISTINCT month FROM {table}) m
            WHERE NOT EXISTS (
                SELECT 1 FROM {table} c WHERE c.person_id = p.id AND c.month = m.month
            )
            """,  # noqa: S608  (our table names)
            [employer],
        )
        cursor.execute("ANALYZE")


SECRET = "bench-notary-secret"  # noqa: S105 (a benchmark's, public)
VALUES = ["338712", "4 0 7"]


def child_draw(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from gaoxin import fairdraw
    from gaoxin.accounts.models import User
    from gaoxin.fairdraw.roster import parse_roster_csv, roster_csv
    from gaoxin.housing import services
    from gaoxin.housing.models import (
        Application,
        Draw,
        DrawResult,
        DrawValues,
        HousingProject,
        NotaryReveal,
        Roster,
        SaleBatch,
        SalesOffice,
    )
    from gaoxin.housing.rules import Rules, rules_config

    call_command("migrate", verbosity=0)
    result: dict[str, Any] = {"backend": connection.vendor, "applications": args.applications}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            result["server"] = "PostgreSQL " + cursor.fetchone()[0]
        else:
            import sqlite3

            result["server"] = "SQLite " + sqlite3.sqlite_version

    started = time.perf_counter()
    tz = dt.timezone(dt.timedelta(hours=8))
    declaration = fairdraw.EntropyDeclaration(
        (
            fairdraw.EntropySource("上证综指收盘点位×100", "登记截止后首个交易日"),
            fairdraw.EntropySource("福彩3D", "登记截止后首期"),
        ),
        notary_commitment=fairdraw.notary_commitment(SECRET),
    )
    entries, apps = [], []
    with transaction.atomic():
        office = SalesOffice.objects.create(name="bench")
        project = HousingProject.objects.create(name="bench", address="-", sales_office=office)
        batch = SaleBatch.objects.create(
            project=project,
            name="bench",
            code="DRAW",
            status="frozen",
            registration_opens_at=dt.datetime(2025, 12, 1, 9, tzinfo=tz),
            registration_closes_at=dt.datetime(2025, 12, 31, 17, tzinfo=tz),
            config={"rules": Rules().__dict__, "draw": rules_config(Rules(), units=args.units)},
            entropy=declaration.to_dict(),
        )
        for n in range(1, args.applications + 1):
            number = f"DRAW-{n:06d}"
            commitment = fairdraw.identity_commitment(f"{n:018d}", f"{n:032x}")
            pools = ["first_home"] if n % 3 == 0 else ["key_industry"] if n % 3 == 1 else []
            apps.append(
                Application(
                    batch=batch,
                    number=number,
                    claims_first_home=n % 3 == 0,
                    claims_key_industry=n % 3 == 1,
                    channel="import",
                    salt=f"{n:032x}",
                    identity_commitment=commitment,
                )
            )
            entries.append(fairdraw.RosterEntry.make(number, [*pools, "general"], commitment))
        Application.objects.bulk_create(apps, batch_size=5000)
        notary = User.objects.create(username="bench-notary")
        Roster.objects.create(
            batch=batch,
            root=fairdraw.merkle_root(entries),
            size=len(entries),
            csv=roster_csv(entries).encode("utf-8"),
            audit_head="0:" + "0" * 64,
            confirmed_by=notary,
            confirmed_at=timezone.now(),
        )
        # the administrator's values first, then the notary's reveal (written directly here)
        DrawValues.objects.create(batch=batch, values=list(VALUES))
        NotaryReveal.objects.create(batch=batch, secret=SECRET, revealed_by=notary)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result["setup_seconds"] = round(time.perf_counter() - started, 1)
    roster = Roster.objects.get(batch=batch)
    roster_text = bytes(roster.csv).decode("utf-8")
    del apps, entries

    def fairdraw_alone() -> tuple[float, str]:
        started = time.perf_counter()
        parsed = parse_roster_csv(roster_text, source="roster.csv")
        config = fairdraw.DrawConfig.from_dict(batch.config["draw"])
        entropy = fairdraw.EntropyDeclaration.from_dict(batch.entropy).reveal(VALUES, SECRET)
        entropy.check()
        drawn = fairdraw.run_draw(
            parsed,
            config,
            entropy,
            publisher={"batch": batch.code, "roster_audit_head": roster.audit_head},
        )
        text = drawn.protocol_json()
        return time.perf_counter() - started, text

    def app() -> tuple[float, str]:
        started = time.perf_counter()
        draw = services.draw_execute(actor=OPERATOR, batch=batch, values=VALUES)
        elapsed = time.perf_counter() - started
        if DrawResult.objects.filter(draw=draw).count() != args.applications:
            raise SystemExit("the app did not store every result")
        return elapsed, draw.protocol

    def undo() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            table = DrawResult._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {table}")
            else:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our table name)
            Draw.objects.filter(batch=batch).delete()
            SaleBatch.objects.filter(pk=batch.pk).update(status="frozen")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {DrawResult._meta.db_table}")

    alone: list[float] = []
    through_app: list[float] = []
    for _ in range(args.repeat):
        seconds, expected = fairdraw_alone()
        alone.append(seconds)
        if args.profile and not through_app:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            seconds, protocol = app()
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        else:
            seconds, protocol = app()
        through_app.append(seconds)
        if protocol != expected:
            raise SystemExit("the app's protocol differs from fairdraw's")
        undo()
    result["fairdraw_seconds"] = [round(x, 2) for x in alone]
    result["app_seconds"] = [round(x, 2) for x in through_app]
    result["ratio_median"] = round(statistics.median(through_app) / statistics.median(alone), 2)
    result["ratio_best"] = round(min(through_app) / min(alone), 2)
    return result


def main_draw(args: argparse.Namespace, bindir: Any) -> None:
    from gaoxin.testing.postgres import start_cluster, stop_cluster

    results = []
    for backend in args.backends.split(","):
        cluster = start_cluster(bindir) if backend == "postgres" else None
        try:
            with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as work:
                url = (
                    f"postgres://gaoxin@127.0.0.1:{cluster['port']}/postgres"
                    if cluster
                    else f"sqlite:///{work}/bench.sqlite3"
                )
                argv = [
                    sys.executable,
                    __file__,
                    "--child",
                    "--draw",
                    "--applications",
                    str(args.applications),
                    "--units",
                    str(args.units),
                    "--repeat",
                    str(args.repeat),
                    *(["--profile"] if args.profile else []),
                ]
                results.append(_run_child(argv, work, url, args.profile))
        finally:
            if cluster is not None:
                stop_cluster(cluster)
    _print_machine(args, bindir)
    print(
        "| backend | applications | units | fairdraw alone (s) | app, storing every result (s) "
        "| app ÷ fairdraw (median) | best ÷ best |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['server']} | {r['applications']:,} | {args.units:,} "
            f"| {' / '.join(map(str, r['fairdraw_seconds']))} "
            f"| {' / '.join(map(str, r['app_seconds']))} | **{r['ratio_median']}** "
            f"| {r['ratio_best']} |"
        )


def _run_child(argv: list[str], work: str, url: str, profile: bool) -> dict[str, Any]:
    env = {
        **os.environ,
        "GAOXIN_VAR_DIR": work,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "gaoxin.config.settings.local",
        "DATABASE_URL": url,
    }
    output = subprocess.run(argv, env=env, check=False, capture_output=True, text=True, cwd=REPO)
    if profile:
        print(output.stderr[-12000:], file=sys.stderr)
    if output.returncode != 0:
        sys.exit(output.stdout[-2000:] + output.stderr[-5000:])
    line = [x for x in output.stdout.splitlines() if x.startswith("RESULT ")][-1]
    result: dict[str, Any] = json.loads(line[len("RESULT ") :])
    return result


def _print_machine(args: argparse.Namespace, bindir: Any) -> None:
    cpu = cpu_model()
    print(
        f"Measured {dt.datetime.now(dt.UTC).date()} on {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, PostgreSQL {bindir.parent.name}: "
        f"`python bench/housing.py {' '.join(sys.argv[1:])}`\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--profile", action="store_true", help="print the review's profile")
    parser.add_argument(
        "--sparse",
        action="store_true",
        help="keep synth's insurance rows as they are (no out-of-zone fill to 24 months each)",
    )
    parser.add_argument("--draw", action="store_true", help="time the draw, not the review")
    parser.add_argument("--units", type=int, default=2000, help="--draw: units in the batch")
    parser.add_argument("--repeat", type=int, default=3, help="--draw: runs of each, side by side")
    parser.add_argument(
        "--backends", default="postgres,sqlite", help="--draw: postgres, sqlite or both"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child_draw(args) if args.draw else child(args)), flush=True)
        return

    from gaoxin.testing.postgres import find_bindir, start_cluster, stop_cluster

    bindir = find_bindir()
    if bindir is None:
        sys.exit("PostgreSQL server binaries not found (pg_config --bindir)")
    if args.draw:
        main_draw(args, bindir)
        return
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
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--persons",
                    str(args.persons),
                    "--applications",
                    str(args.applications),
                    *(["--profile"] if args.profile else []),
                    *(["--sparse"] if args.sparse else []),
                ],
                env=env,
                check=False,
                capture_output=True,
                text=True,
                cwd=REPO,
            )
    finally:
        stop_cluster(cluster)
    if args.profile:
        print(output.stderr[-12000:], file=sys.stderr)
    if output.returncode != 0:
        sys.exit(output.stdout[-2000:] + output.stderr[-5000:])
    line = [x for x in output.stdout.splitlines() if x.startswith("RESULT ")][-1]
    result = json.loads(line[len("RESULT ") :])
    cpu = cpu_model()
    print(
        f"Measured {dt.datetime.now(dt.UTC).date()} on {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, PostgreSQL {bindir.parent.name}: "
        f"`python bench/housing.py {' '.join(sys.argv[1:])}`\n"
    )
    print(
        "| registry people | insurance rows | applications | review (s) | target | "
        "eligible | first-home | key-industry | with reasons | synth (s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {result['persons']:,} | {result['insurance_rows']:,} | {result['applications']:,} "
        f"| {result['review_seconds']} | ≤ 60 s | {result['eligible']:,} | "
        f"{result['first_home']:,} | {result['key_industry']:,} | {result['with_reasons']:,} "
        f"| {result['synth_seconds']} |"
    )


if __name__ == "__main__":
    main()
