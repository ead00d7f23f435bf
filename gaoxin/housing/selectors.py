"""Reads for housing pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, FilteredRelation, Prefetch, Q, QuerySet

from gaoxin import fairdraw
from gaoxin.accounts import roles

from .choices import (
    ApplicationStatus,
    BatchStatus,
    OverrideStatus,
    Relation,
    TurnStatus,
    UnitStatus,
)
from .models import (
    Application,
    ApplicationMember,
    ChoiceTurn,
    Draw,
    DrawResult,
    Eligibility,
    Objection,
    Override,
    SaleBatch,
)

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


@dataclass(frozen=True)
class PublicDraw:
    """What the public results lookup needs to know of a drawn batch: which draw, and its
    protocol digest (which names its results index)."""

    code: str
    draw_id: int
    digest: str


def public_draw_get(*, code: str) -> PublicDraw | None:
    """The drawn public batch `code`'s draw, kept per process for PUBLIC_CACHE_SECONDS (a batch
    taken out of public view stops answering within that time). Three plain values, so the
    cache's copy costs next to nothing on the lookup's hot path."""
    key = f"housing:public-draw:{code.upper()}"
    found: PublicDraw | None = cache.get(key)
    if found is None:
        row = (
            SaleBatch.objects.filter(
                status__in=PUBLIC_STATUSES, code=code.upper(), draw__isnull=False
            )
            .values_list("code", "draw__pk", "draw__protocol_digest")
            .first()
        )
        if row is None:
            return None
        found = PublicDraw(*row)
        cache.set(key, found, PUBLIC_CACHE_SECONDS)
    return found


def public_draw_of(batch: SaleBatch) -> PublicDraw:
    return PublicDraw(batch.code, batch.draw.pk, batch.draw.protocol_digest)


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


def draw_request_latest(batch: SaleBatch) -> Any:
    return batch.draw_requests.select_related("requested_by").first()


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
        Override.objects.filter(application__batch=batch, status=OverrideStatus.PROPOSED)
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


RESULT_FIELDS = ("number", "pools", "round", "rank", "outcome", "waitlist", "choice", "name")


def _results_named(draw: Draw | int) -> QuerySet[Any]:
    """The draw's results as rows of RESULT_FIELDS, `name` the applicant's (unmasked: mask it
    where it is shown); one query, the name by a join, whatever the number of rows."""
    applicant = FilteredRelation(
        "application__members", condition=Q(application__members__relation=Relation.APPLICANT)
    )
    return (
        DrawResult.objects.filter(draw=draw)
        .annotate(applicant=applicant)
        .annotate(name=F("applicant__name"))
        .values_list(*RESULT_FIELDS, named=True)
    )


def draw_results_all(draw: Draw | int) -> QuerySet[Any]:
    """Every roster entry's result, by registration number (the XLSX export, the results
    index of the public lookup)."""
    return _results_named(draw).order_by("number")


def draw_result_named(draw: Draw | int, number: str) -> Any | None:
    """One roster entry's result by registration number (the public lookup when its results
    index cannot be had)."""
    return _results_named(draw).filter(number=number).first()


def draw_winners(draw: Draw, round_name: str) -> QuerySet[Any]:
    """The winners of one round in rank order."""
    return _results_named(draw).filter(round=round_name, outcome="won").order_by("rank")


def draw_waitlist(draw: Draw) -> QuerySet[Any]:
    """The waitlist (候补) in order."""
    return _results_named(draw).filter(waitlist__isnull=False).order_by("waitlist")


# -- unit choice and the closing report --------------------------------------------------------


def _with_applicant(turns: QuerySet[ChoiceTurn]) -> QuerySet[ChoiceTurn]:
    applicants = ApplicationMember.objects.filter(relation=Relation.APPLICANT)
    return turns.select_related("application", "unit").prefetch_related(
        Prefetch("application__members", queryset=applicants, to_attr="applicants")
    )


def choice_board(batch: SaleBatch, *, upcoming: int = 20, recent: int = 30) -> dict[str, Any]:
    """What the sales office's unit-choice page shows: the next places in the queue, the
    households that chose and have not signed yet, the latest decisions, and counts."""
    turns = ChoiceTurn.objects.filter(batch=batch)
    return {
        "upcoming": list(
            _with_applicant(turns.filter(status=TurnStatus.WAITING).order_by("position"))[:upcoming]
        ),
        "pending": list(
            _with_applicant(turns.filter(status=TurnStatus.CHOSEN).order_by("position"))
        ),
        "recent": list(
            _with_applicant(
                turns.exclude(status__in=[TurnStatus.WAITING, TurnStatus.NOT_CALLED]).order_by(
                    "-decided_at", "-position"
                )
            )[:recent]
        ),
        "counts": dict(turns.values_list("status").annotate(n=Count("pk"))),
        "available": list(batch.units.filter(status=UnitStatus.AVAILABLE)),
    }


def turn_of(application: Application) -> ChoiceTurn | None:
    return ChoiceTurn.objects.select_related("unit").filter(application=application).first()


# Which public pages a batch has, by stage (the views answer 404 before): issue #14 — a visitor
# finds every page from the list, and no link leads to a page that does not exist yet.
_NOTICE_ON = {
    BatchStatus.NOTICE,
    BatchStatus.FROZEN,
    BatchStatus.DRAWN,
    BatchStatus.UNIT_CHOICE,
    BatchStatus.CLOSED,
}
_ROSTER_ON = {BatchStatus.FROZEN, BatchStatus.DRAWN, BatchStatus.UNIT_CHOICE, BatchStatus.CLOSED}
_DRAWN_ON = {BatchStatus.DRAWN, BatchStatus.UNIT_CHOICE, BatchStatus.CLOSED}


def batch_public_links(batch: SaleBatch) -> list[tuple[Any, str]]:
    """(label, url) of every public page and file that exists for `batch` now."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    code = batch.code
    links: list[tuple[Any, str]] = [
        (_("Announcement"), reverse("housing:announcement", args=[code]))
    ]
    if batch.status in _NOTICE_ON:
        links.append((_("Public notice (公示)"), reverse("housing:notice", args=[code])))
    if batch.status in _ROSTER_ON:
        links.append((_("Frozen roster (CSV)"), reverse("housing:roster_download", args=[code])))
    if batch.status in _DRAWN_ON:
        links += [
            (_("Draw results and your own entry"), reverse("housing:results", args=[code])),
            (_("Results announcement (PDF)"), reverse("housing:announcement_pdf", args=[code])),
            (_("Results (XLSX)"), reverse("housing:results_xlsx", args=[code])),
            (
                _("Protocol (JSON, for fairdraw verify)"),
                reverse("housing:protocol_download", args=[code]),
            ),
            (
                _("Results file (CSV, for fairdraw verify)"),
                reverse("housing:results_download", args=[code]),
            ),
        ]
    if batch.status == BatchStatus.CLOSED:
        links += [
            (_("Closing report"), reverse("housing:report", args=[code])),
            (_("Closing report (PDF)"), reverse("housing:report_pdf", args=[code])),
        ]
    return links
