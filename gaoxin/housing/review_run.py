"""Running the eligibility review of a batch: facts in a few set-based queries over the whole
batch, decisions in memory, then every decision written in one transaction (a crash leaves the
previous state, and the review can simply be run again). Progress is written in its own small
transactions so the page can show it while the review runs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from gaoxin.common import audit, worker
from gaoxin.common.actors import WORKER
from gaoxin.common.errors import GaoxinError
from gaoxin.common.faults import pause_point

from . import errors
from .choices import JobStatus, OverrideStatus
from .eligibility import Decision, decide, gather_facts, live_entries, mark_overridden
from .models import Eligibility, EligibilityReview, Override, SaleBatch
from .states import JOB

COLUMNS = (
    "created_at",
    "updated_at",
    "application_id",
    "general",
    "first_home",
    "key_industry",
    "reasons",
    "facts",
    "needs_attention",
    "overridden",
)


def _progress(review: EligibilityReview, **fields: object) -> None:
    EligibilityReview.objects.filter(pk=review.pk).update(**fields, updated_at=timezone.now())


def run_review(review_id: int, *, attempt: int = 1) -> None:
    """Run a queued review. Safe to run again after a lost worker (attempt > 1): the decisions
    are written in one transaction, so the killed run left the previous state; a finished review
    is not run twice, and one whose worker was lost too often fails with a message."""
    review = EligibilityReview.objects.select_related("batch", "started_by").get(pk=review_id)
    if review.status in JOB.terminal():
        return
    batch = review.batch
    if worker.gave_up(attempt):
        lost = GaoxinError(errors.WORKER_LOST, attempts=attempt - 1)
        with transaction.atomic():
            JOB.ensure(review.status, JobStatus.FAILED)
            _progress(review, status=JobStatus.FAILED, **review.fail_with(lost))
            audit.record(
                actor=review.started_by or WORKER,
                action="housing.review.failed",
                obj=batch,
                after={"review": review.pk, "error": lost.code},
            )
        return
    rules = batch.config.get("rules", {})
    try:
        entries = live_entries(batch)
        JOB.ensure(review.status, JobStatus.RUNNING)
        review.status = JobStatus.RUNNING
        _progress(
            review,
            status=JobStatus.RUNNING,
            stage="registry",
            total=len(entries),
            done=0,
            attempts=attempt,
            started_at=timezone.now(),
        )
        facts = gather_facts(
            batch, entries, rules, progress=lambda stage: _progress(review, stage=stage)
        )
        decisions = [(entry.pk, decide(entry, facts, rules)) for entry in entries]
        _progress(review, stage="writing", done=len(decisions))
        with transaction.atomic():
            # The batch lock first (the module's lock order): an override approved meanwhile
            # either committed before (and is re-applied below) or waits for this rewrite.
            SaleBatch.objects.select_for_update().only("pk").get(pk=batch.pk)
            approved = list(
                Override.objects.filter(
                    application__batch=batch, status=OverrideStatus.APPROVED
                ).order_by("pk")
            )
            Eligibility.objects.filter(application__batch=batch).delete()
            _insert(decisions)
            pause_point("housing.review.written")
            _reapply(approved)
            summary = {
                "applications": len(decisions),
                "eligible": sum(1 for _pk, d in decisions if d.general),
                "first_home": sum(1 for _pk, d in decisions if d.first_home),
                "key_industry": sum(1 for _pk, d in decisions if d.key_industry),
            }
            JOB.ensure(review.status, JobStatus.DONE)
            EligibilityReview.objects.filter(pk=review.pk).update(
                status=JobStatus.DONE, stage="done", done=len(decisions), finished_at=timezone.now()
            )
            audit.record(
                actor=review.started_by or WORKER,
                action="housing.review.finished",
                obj=batch,
                after=summary,
            )
    except Exception as error:
        crashed = GaoxinError(errors.REVIEW_CRASHED, detail=type(error).__name__)
        _progress(
            review,
            status=JobStatus.FAILED,
            **review.fail_with(crashed),
            finished_at=timezone.now(),
        )
        raise


def _rows(decisions: Sequence[tuple[int, Decision]]) -> Iterable[tuple[Any, ...]]:
    now = timezone.now()
    for pk, d in decisions:
        yield (
            now,
            now,
            pk,
            d.general,
            d.first_home,
            d.key_industry,
            json.dumps([r.as_dict() for r in d.reasons], ensure_ascii=False),
            json.dumps(d.facts, ensure_ascii=False),
            bool(d.reasons),
            False,
        )


def _insert(decisions: Sequence[tuple[int, Decision]]) -> None:
    """200,000 decisions: PostgreSQL's COPY, or one executemany on SQLite (the ORM's
    bulk_create builds a model instance and a parameter list per row, several times slower)."""
    table = Eligibility._meta.db_table
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in _rows(decisions):
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (our names)
                list(_rows(decisions)),
            )


def _reapply(approved: list[Override]) -> None:
    """Approved overrides survive a re-run of the automatic review."""
    for override in approved:
        current = Eligibility.objects.get(application_id=override.application_id)
        mark_overridden(current, override)
        current.save(update_fields=[override.pool, "overridden", "reasons", "updated_at"])
