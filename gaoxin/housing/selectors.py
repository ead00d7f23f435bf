"""Reads for housing pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet

from gaoxin import fairdraw
from gaoxin.accounts import roles

from .choices import ApplicationStatus, BatchStatus
from .models import Application, Draw, DrawResult, Eligibility, Objection, Override, SaleBatch

PUBLIC_STATUSES = [s for s in BatchStatus.values if s not in {BatchStatus.DRAFT}]


def batch_public_list() -> QuerySet[SaleBatch]:
    return (
        SaleBatch.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("project")
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("-registration_opens_at")
    )


def batch_public_get(*, code: str) -> SaleBatch | None:
    return batch_public_list().filter(code=code.upper()).first()


PUBLIC_CACHE_SECONDS = 30


def drawn_batch_public_get(*, code: str) -> SaleBatch | None:
    """A drawn batch with its project and draw (not the protocol text: the results page shows
    its digest; the download reads it). A draw never changes once it has run and a drawn batch
    stays public, so the answer is kept per process for PUBLIC_CACHE_SECONDS (a renamed batch
    shows its new name within that time)."""
    key = f"housing:drawn-batch:{code.upper()}"
    batch = cache.get(key)
    if batch is None:
        batch = (
            SaleBatch.objects.filter(
                status__in=PUBLIC_STATUSES, code=code.upper(), draw__isnull=False
            )
            .select_related("project", "draw")
            .defer("draw__protocol", "draw__values", "config", "entropy")
            .first()
        )
        if batch is not None:
            cache.set(key, batch, PUBLIC_CACHE_SECONDS)
    return batch


RESULT_FIELDS = ("number", "round", "rank", "outcome", "waitlist", "choice")
_RESULT_SQL = (
    f"SELECT {', '.join(RESULT_FIELDS)} FROM {DrawResult._meta.db_table} "  # noqa: S608
    "WHERE draw_id = %s AND number = %s LIMIT 1"
)


def draw_result_get(*, draw: Draw, number: str) -> dict[str, Any] | None:
    """One roster entry's result (the fields the public page shows), by registration number.
    The public lookup's hot path: one indexed query written out, which costs a fifth of what
    building it with the ORM does on every request (docs/benchmarks.md)."""
    with connection.cursor() as cursor:
        cursor.execute(_RESULT_SQL, [draw.pk, number])
        row = cursor.fetchone()
    return None if row is None else dict(zip(RESULT_FIELDS, row, strict=True))


def draw_winners_per_round(draw: Draw) -> list[dict[str, Any]]:
    """Winners per round. A draw never changes once it has run, so this is computed once per
    process and draw (keyed by the protocol digest too, which names the results)."""
    key = f"housing:winners-per-round:{draw.pk}:{draw.protocol_digest}"
    rows: list[dict[str, Any]] | None = cache.get(key)
    if rows is None:
        rows = list(
            draw.results.filter(outcome="won")
            .values("round")
            .annotate(n=Count("pk"))
            .order_by("round")
        )
        cache.set(key, rows, None)
    return rows


def batch_admin_list(*, user: Any) -> QuerySet[SaleBatch]:
    """Every batch for zone staff; a developer's sales office sees only its own projects'."""
    batches = SaleBatch.objects.select_related("project", "project__sales_office").annotate(
        unit_count=Count("units", distinct=True),
        application_count=Count(
            "applications",
            filter=Q(applications__status=ApplicationStatus.SUBMITTED),
            distinct=True,
        ),
    )
    staff = (roles.ZONE_ADMIN, roles.REVIEWER, roles.NOTARY, roles.AUDITOR)
    if not any(roles.has_role(user, code) for code in staff):
        batches = batches.filter(project__sales_office__members=user)
    return batches.order_by("-created_at")


def batch_get(*, code: str) -> SaleBatch | None:
    return (
        SaleBatch.objects.select_related("project", "project__sales_office")
        .filter(code=code.upper())
        .first()
    )


@dataclass(frozen=True)
class RoundView:
    name: str
    pool: str
    quota: str
    seats: int


def batch_rounds(batch: SaleBatch) -> list[RoundView]:
    """The allocation rounds in precedence order with their reserved seats, for the public."""
    draw = batch.config.get("draw")
    if not draw:
        return []
    config = fairdraw.DrawConfig.from_dict(draw)
    return [
        RoundView(r.name, r.pool, r.rule.text(), config.reserved_seats(i))
        for i, r in enumerate(config.rounds)
    ]


def applications_of_user(*, user: Any) -> QuerySet[Application]:
    return (
        Application.objects.filter(user=user)
        .select_related("batch", "batch__project")
        .order_by("-created_at")
    )


def application_get(*, number: str) -> Application | None:
    return (
        Application.objects.select_related(
            "batch", "batch__project", "batch__project__sales_office"
        )
        .prefetch_related("members")
        .filter(number=number.upper())
        .first()
    )


def batch_counts(batch: SaleBatch) -> dict[str, int]:
    live = Q(status=ApplicationStatus.SUBMITTED)
    return batch.applications.aggregate(
        applications=Count("pk", filter=live),
        first_home=Count("pk", filter=live & Q(claims_first_home=True)),
        key_industry=Count("pk", filter=live & Q(claims_key_industry=True)),
        withdrawn=Count("pk", filter=Q(status=ApplicationStatus.WITHDRAWN)),
    )


def review_latest(batch: SaleBatch) -> Any:
    return batch.reviews.first()


def review_queue(batch: SaleBatch) -> QuerySet[Any]:
    """Applications that need a person's look: any failed condition, newest decisions first."""
    return (
        Eligibility.objects.filter(application__batch=batch, needs_attention=True)
        .select_related("application")
        .prefetch_related("application__overrides")
        .order_by("application__number")
    )


def pending_overrides(batch: SaleBatch) -> QuerySet[Any]:
    return (
        Override.objects.filter(application__batch=batch, status="proposed")
        .select_related("application", "proposed_by")
        .order_by("pk")
    )


def notice_list(batch: SaleBatch) -> QuerySet[Any]:
    """The public notice: every live application with its decision (names masked on render)."""
    return (
        Eligibility.objects.filter(
            application__batch=batch, application__status=ApplicationStatus.SUBMITTED
        )
        .select_related("application")
        .prefetch_related("application__members")
        .order_by("application__number")
    )


def objections_of_batch(batch: SaleBatch) -> QuerySet[Any]:
    return (
        Objection.objects.filter(application__batch=batch)
        .select_related("application", "answered_by")
        .order_by("answered_at", "pk")
    )
