"""The draw's documents for a large batch (docs/benchmarks.md, "## documents").

    .venv/bin/python bench/documents.py --applications 200000 --units 2000

On a throwaway PostgreSQL cluster started here, in a fresh database: a frozen batch of A
eligible applications (written in bulk, synthetic names) whose roster is confirmed, the draw
run by the app's own service (`services.draw_execute`: fairdraw plus 200,000 DrawResult rows),
then the announcement PDF (`documents.announcement_pdf`, winners and waitlist listed: 2 × units
rows) and the results XLSX (`documents.results_xlsx`, every entry) built as the public URLs
build them, in a second process. Figures: wall time and size of each, and that process's peak
memory (Django, reportlab and both documents; the rows are streamed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
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

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕彬鹏辉俊峰浩然子涵"


def child(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from gaoxin import fairdraw
    from gaoxin.accounts.models import User
    from gaoxin.fairdraw.roster import roster_csv
    from gaoxin.housing import services
    from gaoxin.housing.models import (
        Application,
        ApplicationMember,
        DrawValues,
        HousingProject,
        NotaryReveal,
        Roster,
        SaleBatch,
        SalesOffice,
    )
    from gaoxin.housing.rules import Rules, rules_config

    result: dict[str, Any] = {"applications": args.applications, "units": args.units}
    call_command("migrate", verbosity=0)
    secret = "bench-notary-secret"  # noqa: S105 (a benchmark's public test value)
    tz = dt.timezone(dt.timedelta(hours=8))
    started = time.perf_counter()
    with transaction.atomic():
        office = SalesOffice.objects.create(name="合肥某置业有限公司")
        project = HousingProject.objects.create(
            name="高新雅苑", address="合肥市高新区创新大道 1 号", sales_office=office
        )
        batch = SaleBatch.objects.create(
            project=project,
            name="第一批次",
            code="BENCH",
            status="frozen",
            registration_opens_at=dt.datetime(2025, 12, 1, 9, tzinfo=tz),
            registration_closes_at=dt.datetime(2025, 12, 31, 17, tzinfo=tz),
            config={"rules": Rules().__dict__, "draw": rules_config(Rules(), units=args.units)},
            entropy={
                "sources": [{"name": "上证综指收盘点位×100", "declared": "登记截止后首个交易日"}],
                "notary_commitment": fairdraw.notary_commitment(secret),
                "notary_secret": None,
            },
        )
        apps, entries = [], []
        for n in range(1, args.applications + 1):
            number, salt = f"BENCH-{n:06d}", f"{n:032x}"
            commitment = fairdraw.identity_commitment(f"id{n}", salt)
            first_home, key_industry = n % 3 == 0, n % 3 == 1
            apps.append(
                Application(
                    batch=batch,
                    number=number,
                    claims_first_home=first_home,
                    claims_key_industry=key_industry,
                    channel="import",
                    salt=salt,
                    identity_commitment=commitment,
                )
            )
            pools = ["general", *(["first_home"] if first_home else [])]
            pools += ["key_industry"] if key_industry else []
            entries.append(fairdraw.RosterEntry.make(number, pools, commitment))
        Application.objects.bulk_create(apps, batch_size=5000)
        ids = dict(Application.objects.filter(batch=batch).values_list("number", "id"))
        ApplicationMember.objects.bulk_create(
            [
                ApplicationMember(
                    application_id=ids[f"BENCH-{n:06d}"],
                    batch=batch,
                    relation="applicant",
                    id_number=f"{n:018d}",
                    name=SURNAMES[n % len(SURNAMES)]
                    + GIVEN[n % 37 % len(GIVEN)]
                    + GIVEN[n % len(GIVEN)],
                )
                for n in range(1, args.applications + 1)
            ],
            batch_size=5000,
        )
        entries.sort(key=lambda entry: entry.registration_number)
        Roster.objects.create(
            batch=batch,
            root=fairdraw.merkle_root(entries),
            size=len(entries),
            csv=roster_csv(entries).encode("utf-8"),
            audit_head="0:" + "0" * 64,
            confirmed_at=timezone.now(),
        )
        notary = User.objects.create(username="bench-notary")
        # the administrator's values first, then the notary's reveal (written directly here)
        DrawValues.objects.create(batch=batch, values=["338712"])
        NotaryReveal.objects.create(batch=batch, secret=secret, revealed_by=notary)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    result["setup_seconds"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    services.draw_execute(actor=OPERATOR, batch=batch, values=["338712"])
    result["draw_seconds"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return result


def build_documents(args: argparse.Namespace) -> dict[str, Any]:
    """In a fresh process, so that its peak memory is the documents' own."""
    import django

    django.setup()
    from gaoxin.housing import documents
    from gaoxin.housing.models import SaleBatch

    result: dict[str, Any] = {}
    for name, build in (("pdf", documents.announcement_pdf), ("xlsx", documents.results_xlsx)):
        batch = SaleBatch.objects.select_related("project", "project__sales_office", "draw").get(
            code="BENCH"
        )
        draw = batch.draw
        started = time.perf_counter()
        data = build(batch, draw)
        result[f"{name}_seconds"] = round(time.perf_counter() - started, 1)
        result[f"{name}_bytes"] = len(data)
        if name == "pdf":
            result["pdf_listed"] = draw.results.filter(outcome="won").count() + (
                draw.results.filter(waitlist__isnull=False).count()
            )
            result["pdf_pages"] = len(re.findall(rb"/Type /Page\b(?!s)", data))
        Path(args.out, f"BENCH.{name}").write_bytes(data)
        del data
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--out", default=None, help="keep the PDF and XLSX in this folder")
    parser.add_argument("--child", choices=["setup", "documents"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = child if args.child == "setup" else build_documents
        print("RESULT " + json.dumps(run(args)), flush=True)
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
            result: dict[str, Any] = {}
            for step in ("setup", "documents"):
                output = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        step,
                        "--applications",
                        str(args.applications),
                        "--units",
                        str(args.units),
                        "--out",
                        args.out or work,
                    ],
                    env=env,
                    check=False,
                    capture_output=True,
                    text=True,
                    cwd=REPO,
                )
                if output.returncode != 0:
                    sys.exit(output.stdout[-2000:] + output.stderr[-5000:])
                line = [x for x in output.stdout.splitlines() if x.startswith("RESULT ")][-1]
                result.update(json.loads(line[len("RESULT ") :]))
    finally:
        stop_cluster(cluster)
    cpu = cpu_model()
    print(
        f"Measured {dt.datetime.now(dt.UTC).date()} on {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, PostgreSQL {bindir.parent.name}: "
        f"`python bench/documents.py {' '.join(sys.argv[1:])}`\n"
    )
    print(
        "| applications | units | draw (s) | PDF rows listed | PDF pages | PDF (s) | PDF size | "
        "XLSX rows | XLSX (s) | XLSX size | peak RSS (documents) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {result['applications']:,} | {result['units']:,} | {result['draw_seconds']} "
        f"| {result['pdf_listed']:,} | {result['pdf_pages']:,} | {result['pdf_seconds']} "
        f"| {result['pdf_bytes'] / 1e6:.1f} MB | {result['applications']:,} "
        f"| {result['xlsx_seconds']} | {result['xlsx_bytes'] / 1e6:.1f} MB "
        f"| {result['peak_rss_mb']} MB |"
    )


if __name__ == "__main__":
    main()
