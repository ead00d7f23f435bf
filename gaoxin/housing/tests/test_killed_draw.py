"""A draw killed halfway and re-run publishes the identical protocol (PostgreSQL).

The draw runs in another OS process, which stops at the pause point after its DrawResult rows
started streaming into the database and before its commit; the test SIGKILLs it there."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from gaoxin.common.models import AuditEvent
from gaoxin.housing import services
from gaoxin.housing.models import Draw, DrawResult, SaleBatch
from gaoxin.testing.processes import python, start_paused

from .builders import SECRET, VALUES, revealed_batch
from .independent import independent_draw, published_files, verify

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]

DRAW = """
import sys, django
django.setup()
from gaoxin.accounts.models import User
from gaoxin.housing import services
from gaoxin.housing.models import SaleBatch
code, admin, *values = sys.argv[1:]
services.draw_execute(
    actor=User.objects.get(pk=admin), batch=SaleBatch.objects.get(code=code), values=values
)
"""


def _rows_being_written_by_another_backend() -> bool:
    """Another connection holds the lock an INSERT/COPY into housing_drawresult takes."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
               WHERE c.relname = 'housing_drawresult' AND l.mode = 'RowExclusiveLock'
               AND l.pid <> pg_backend_pid()"""
        )
        return cursor.fetchone()[0] > 0


def test_a_draw_killed_halfway_leaves_nothing_and_the_rerun_is_identical(make_user, tmp_path):
    batch = revealed_batch(make_user, households=300)
    admin = make_user("zone_admin")
    events = AuditEvent.objects.count()

    paused = start_paused(
        python(DRAW, batch.code, str(admin.pk), *VALUES),
        point="housing.draw.results_written",
        log=tmp_path / "draw.log",
    )
    assert _rows_being_written_by_another_backend()
    paused.kill()

    # Nothing of the draw is in the database; the batch is still frozen; the chain is intact.
    assert not Draw.objects.filter(batch=batch).exists()
    assert not DrawResult.objects.exists()
    assert SaleBatch.objects.get(pk=batch.pk).status == "frozen"
    assert AuditEvent.objects.count() == events
    call_command("audit_verify")  # exits 1 on a broken chain

    draw = services.draw_execute(actor=admin, batch=batch, values=VALUES)
    assert DrawResult.objects.filter(draw=draw).count() == 300

    expected_protocol, expected_results = independent_draw(batch, VALUES, SECRET, tmp_path / "x")
    files = published_files(batch.code, tmp_path / "published")
    assert files["protocol.json"].read_bytes() == expected_protocol
    assert files["results.csv"].read_bytes() == expected_results
    checked = verify(files)
    assert checked.returncode == 0, checked.stdout + checked.stderr
