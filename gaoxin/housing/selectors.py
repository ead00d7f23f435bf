"""Reads for housing pages and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin import fairdraw
from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.common.todos import Todo
from gaoxin.fairdraw.results import RESULTS_HEADER
from gaoxin.registry.selectors import bound_person

from .choices import (
    ApplicationStatus,
    BatchStatus,
    Condition,
    JobStatus,
    OverrideStatus,
    Pool,
    Relation,
    ReviewOutcome,
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
    EligibilityReview,
    Objection,
    Override,
    SaleBatch,
    SalesOffice,
    Unit,
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


def draw_winners_per_round(draw: Draw, batch: SaleBatch) -> list[dict[str, Any]]:
    """Winners per round. A draw never changes once it has run, so this is computed once per
    process and draw (keyed by the protocol digest too, which names the results)."""
    key = f"housing:winners-per-round:{draw.pk}:{draw.protocol_digest}"
    rows: list[dict[str, Any]] | None = cache.get(key)
    if rows is None:
        counts = dict(
            draw.results.filter(outcome="won").values_list("round").annotate(n=Count("pk"))
        )
        # in the order the rounds were drawn (the batch's rules), every round even without a
        # winner; a round only the results name (none expected) after them
        order = [r["name"] for r in batch.config.get("draw", {}).get("rounds", [])]
        order += sorted(name for name in counts if name not in order)
        rows = [{"round": name, "n": counts.get(name, 0)} for name in order]
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
        offices = roles.scopes(user, roles.DEVELOPER, ScopeKind.SALES_OFFICE)
        batches = batches.filter(project__sales_office_id__in=_ids(offices))
    return batches.order_by("-created_at")


def _ids(keys: Iterable[str]) -> list[int]:
    return [int(key) for key in keys if key.isdigit()]


def sales_office_choices() -> list[tuple[str, str]]:
    """The sales offices a developer role can be granted in (the roles page's scope list)."""
    offices = SalesOffice.objects.order_by("name", "pk").values_list("pk", "name")
    return [(str(pk), name) for pk, name in offices]


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
    """The user's applications with what application_stage reads of each (one query)."""
    return (
        Application.objects.filter(user=user)
        .select_related(
            "batch", "batch__project", "eligibility", "draw_result", "turn", "turn__unit"
        )
        .order_by("-created_at")
    )


def live_applications_of_user_in(*, user: Any, batch: SaleBatch) -> list[Application]:
    """The households this user registered in `batch` and has not withdrawn (the registration
    page says so before the form)."""
    return list(
        Application.objects.filter(
            user=user, batch=batch, status=ApplicationStatus.SUBMITTED
        ).order_by("number")
    )


def applications_awaiting_confirmation(*, user: Any) -> list[Application]:
    """Sales offices' entries naming the person the account is bound to as the principal
    applicant, waiting for that account's confirmation while registration is open."""
    person = bound_person(user)
    if person is None:
        return []
    return list(
        Application.objects.filter(
            status=ApplicationStatus.UNCONFIRMED,
            batch__status=BatchStatus.REGISTRATION,
            members__relation=Relation.APPLICANT,
            members__id_number=person.id_number,
        )
        .select_related("batch", "batch__project", "batch__project__sales_office")
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


REVIEW_PAGE_SIZE = 50


def _has_condition(condition: str) -> Q:
    """Decisions with a failed `condition` among their reasons. The reasons are a JSON list of
    {pool, condition, zh, en}; both databases write a key and its value as `"key": "value"`
    (json.dumps on SQLite, jsonb's text on PostgreSQL), so one LIKE finds it without reading
    every row into Python. `condition` is one of choices.Condition (the view checks it)."""
    return Q(reasons__icontains=f'"condition": "{condition}"')


_OUTCOME_FILTERS: dict[str, Q] = {
    ReviewOutcome.ATTENTION: Q(needs_attention=True, overridden=False),
    ReviewOutcome.OVERRIDDEN: Q(overridden=True),
    ReviewOutcome.INELIGIBLE: Q(general=False),
    ReviewOutcome.ELIGIBLE: Q(needs_attention=False),
    ReviewOutcome.ALL: Q(),
}


@dataclass(frozen=True)
class ReviewQueue:
    """One page of the review queue and what its filters show: counts by outcome (of every
    live decision) and by failed condition (of those with a failed condition)."""

    page: Page[Any]
    outcome: str
    condition: str
    query: str
    outcome_counts: dict[str, int]
    condition_counts: list[tuple[str, Any, int]]  # (condition, label, n), n > 0 only

    @property
    def total(self) -> int:
        return self.outcome_counts.get(ReviewOutcome.ALL, 0)


def review_queue_page(
    batch: SaleBatch,
    *,
    outcome: str = ReviewOutcome.ATTENTION,
    condition: str = "",
    query: str = "",
    page: int | str = 1,
    per_page: int = REVIEW_PAGE_SIZE,
) -> ReviewQueue:
    """The reviewers' queue of a batch's decisions at volume: filtered by outcome, by a failed
    condition, by a registration number or an applicant's name (`query`), a page at a time.
    Counts are three aggregate queries whatever the batch's size; a page reads its rows, their
    overrides and their applicants (names masked where shown)."""
    outcome = outcome if outcome in _OUTCOME_FILTERS else ReviewOutcome.ATTENTION
    condition = condition if condition in Condition.values else ""
    query = query.strip()[:50]
    live = Eligibility.objects.filter(
        application__batch=batch, application__status=ApplicationStatus.SUBMITTED
    )
    outcome_counts = live.aggregate(
        **{str(name): Count("pk", filter=q) for name, q in _OUTCOME_FILTERS.items()}
    )
    with_reason = live.filter(needs_attention=True).aggregate(
        **{c: Count("pk", filter=_has_condition(c)) for c in Condition.values}
    )
    condition_counts = [
        (c.value, c.label, with_reason[c.value]) for c in Condition if with_reason[c.value]
    ]
    rows = live.filter(_OUTCOME_FILTERS[outcome])
    if condition:
        rows = rows.filter(_has_condition(condition))
    if query:
        named = ApplicationMember.objects.filter(
            application=OuterRef("application"), name__icontains=query
        )
        rows = rows.filter(Q(application__number__icontains=query) | Exists(named))
    applicants = ApplicationMember.objects.filter(relation=Relation.APPLICANT)
    rows = (
        rows.select_related("application")
        .prefetch_related(
            Prefetch(
                "application__overrides",
                queryset=Override.objects.select_related("proposed_by", "approved_by").order_by(
                    "pk"
                ),
            ),
            Prefetch("application__members", queryset=applicants, to_attr="applicants"),
        )
        .order_by("application__number")
    )
    return ReviewQueue(
        page=Paginator(rows, per_page).get_page(page),
        outcome=outcome,
        condition=condition,
        query=query,
        outcome_counts=outcome_counts,
        condition_counts=condition_counts,
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
        .order_by(F("answered_at").asc(nulls_first=True), "pk")  # open ones first
    )


@dataclass(frozen=True)
class HistoryStep:
    """One step of an objection's history, as the objections page lists it."""

    at: Any  # datetime
    kind: str  # filed | answered | upheld | proposed | approved | rejected
    who: Any  # the user, or None for the household
    text: str = ""
    pool: str = ""
    eligible: bool | None = None


@dataclass(frozen=True)
class ObjectionView:
    objection: Objection
    history: list[HistoryStep]
    upheld: bool
    pending: Override | None  # the change that waits for a second reviewer


def objections_with_history(batch: SaleBatch) -> list[ObjectionView]:
    """The batch's objections, open ones first, each with the decision it is about and its
    history: filed, answered (upheld or dismissed), the change proposed and decided."""
    objections = (
        objections_of_batch(batch)
        .select_related("application__eligibility")
        .prefetch_related(
            Prefetch(
                "overrides",
                queryset=Override.objects.select_related("proposed_by", "approved_by").order_by(
                    "pk"
                ),
            )
        )
    )
    views = []
    for objection in objections:
        overrides = list(objection.overrides.all())
        upheld = bool(overrides)
        history = [HistoryStep(objection.created_at, "filed", None, objection.text)]
        if objection.answered_at is not None:
            history.append(
                HistoryStep(
                    objection.answered_at,
                    "upheld" if upheld else "answered",
                    objection.answered_by,
                    objection.answer,
                )
            )
        for override in overrides:
            history.append(
                HistoryStep(
                    override.created_at,
                    "proposed",
                    override.proposed_by,
                    pool=override.pool,
                    eligible=override.eligible,
                )
            )
            if override.decided_at is not None:
                history.append(
                    HistoryStep(
                        override.decided_at,
                        override.status,
                        override.approved_by,
                        pool=override.pool,
                        eligible=override.eligible,
                    )
                )
        pending = next((o for o in overrides if o.status == OverrideStatus.PROPOSED), None)
        views.append(ObjectionView(objection, history, upheld, pending))
    return views


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

    if batch.status not in PUBLIC_STATUSES:
        return []  # a draft has no public page yet
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


def roster_entries(batch: SaleBatch) -> list[fairdraw.RosterEntry]:
    """The eligible applications as fairdraw roster entries (registration number, the pools the
    household is eligible for, the identity commitment)."""
    eligible = (
        Eligibility.objects.filter(
            application__batch=batch, general=True, application__status=ApplicationStatus.SUBMITTED
        )
        .select_related("application")
        .order_by("application__number")
    )
    entries = [
        fairdraw.RosterEntry.make(
            e.application.number, e.eligible_pools, e.application.identity_commitment
        )
        for e in eligible
    ]
    return sorted(entries, key=lambda entry: entry.registration_number)  # bytewise, as fairdraw


def results_csv(draw: Draw) -> bytes:
    """The results file re-exported from the stored rows (fairdraw's format, byte for byte);
    `fairdraw verify` compares its SHA-256 with the protocol's results digest."""
    rows = sorted(draw.results.iterator(chunk_size=10_000), key=lambda row: row.number)
    lines = [RESULTS_HEADER, *(row.line() for row in rows)]  # bytewise order, as fairdraw's
    return ("\n".join(lines) + "\n").encode("utf-8")


def current_turn(batch: SaleBatch) -> ChoiceTurn | None:
    """Whose turn it is: the first waiting place in the queue, while a unit is still available
    (a unit is available when nobody has chosen it or its chooser did not sign)."""
    if not batch.units.filter(status=UnitStatus.AVAILABLE).exists():
        return None
    return (
        ChoiceTurn.objects.filter(batch=batch, status=TurnStatus.WAITING)
        .select_related("application")
        .order_by("position")
        .first()
    )


# -- what a page offers: the actions available to this user now ---------------------------------
# Templates and views ask these instead of comparing status strings: each flag is the batch's
# state machine (states.BATCH) and the access rule of the service behind it.

_PAST_REGISTRATION = {
    BatchStatus.REVIEW,
    BatchStatus.NOTICE,
    BatchStatus.FROZEN,
    BatchStatus.DRAWN,
    BatchStatus.UNIT_CHOICE,
    BatchStatus.CLOSED,
}


_UNREAD: Any = object()


class BatchActions:
    """What the back office may do with a batch now, and which of its sections exist. Each
    flag is read when a page asks for it (a page pays only for the flags it shows): the batch's
    state machine (states.BATCH) and the access rule of the service behind the action."""

    def __init__(
        self, batch: SaleBatch, user: Any, *, review: Any = _UNREAD, request: Any = _UNREAD
    ) -> None:
        from .states import BATCH

        self.batch, self.user = batch, user
        self._review, self._request = review, request
        self.status = BatchStatus(batch.status)
        self._allowed = lambda target: BATCH.allowed(self.status, target)

    # what the flags rest on, each read once
    @cached_property
    def _access(self) -> Any:
        from . import access

        return access

    @cached_property
    def _set_up(self) -> bool:
        return bool(self._access.can_set_up_sales(self.user))

    @cached_property
    def _manage(self) -> bool:
        return bool(self._access.can_manage_project(self.user, self.batch.project))

    @cached_property
    def _confirmed(self) -> bool:
        roster = getattr(self.batch, "roster", None)
        return roster is not None and roster.confirmed_at is not None

    @cached_property
    def _review_done(self) -> bool:
        review = review_latest(self.batch) if self._review is _UNREAD else self._review
        return review is not None and bool(review.is_done)

    @cached_property
    def _draw_running(self) -> bool:
        request = draw_request_latest(self.batch) if self._request is _UNREAD else self._request
        return request is not None and bool(request.is_active)

    # set-up (draft)
    @cached_property
    def edit_rules(self) -> bool:
        return self.status == BatchStatus.DRAFT and self._set_up

    @cached_property
    def import_units(self) -> bool:
        return self.status == BatchStatus.DRAFT and self._manage

    @cached_property
    def publish(self) -> bool:
        return self._allowed(BatchStatus.REGISTRATION) and self._set_up

    # registration
    @cached_property
    def import_registrations(self) -> bool:
        return self.status == BatchStatus.REGISTRATION and self._manage

    @cached_property
    def close_registration(self) -> bool:
        return self._allowed(BatchStatus.REVIEW) and self._set_up

    # review and notice
    @cached_property
    def start_review(self) -> bool:
        return self._allowed(BatchStatus.NOTICE) and self._access.can_run_review(
            self.user, self.batch
        )

    @cached_property
    def review_must_run(self) -> bool:
        """The notice waits for a finished automatic review: the batch page says where to run
        it, to the zone administrator and to the reviewers who may run it."""
        return (self.start_notice or self.start_review) and not self._review_done

    @cached_property
    def start_notice(self) -> bool:
        return self._allowed(BatchStatus.NOTICE) and self._set_up

    @cached_property
    def freeze_roster(self) -> bool:
        return self._allowed(BatchStatus.FROZEN) and self._set_up

    @cached_property
    def confirm_roster(self) -> bool:
        roster = getattr(self.batch, "roster", None)
        return (
            roster is not None
            and not self._confirmed
            and self._access.can_confirm_roster(self.user, self.batch)
        )

    # the draw
    @cached_property
    def shows_draw(self) -> bool:
        return self._allowed(BatchStatus.DRAWN) and self._confirmed

    # The draw's order (issue #13, item 6): the administrator's values, the notary's reveal,
    # the draw. Each step waits for the one before; the page says who is awaited.
    @cached_property
    def values_entered(self) -> bool:
        return getattr(self.batch, "draw_values", None) is not None

    @cached_property
    def revealed(self) -> bool:
        return getattr(self.batch, "reveal", None) is not None

    @cached_property
    def enter_values(self) -> bool:
        """Enter (or correct) the public values: until the notary has revealed."""
        return (
            self.shows_draw
            and not self.revealed
            and self._access.can_run_draw(self.user, self.batch)
        )

    @cached_property
    def reveal(self) -> bool:
        return (
            self.shows_draw
            and self.values_entered
            and not self.revealed
            and self._access.can_reveal_secret(self.user, self.batch)
        )

    @cached_property
    def run_draw(self) -> bool:
        return (
            self.shows_draw
            and self.values_entered
            and self.revealed
            and not self._draw_running
            and self._access.can_run_draw(self.user, self.batch)
        )

    # unit choice and closing
    @cached_property
    def start_unit_choice(self) -> bool:
        return self._allowed(BatchStatus.UNIT_CHOICE) and self._access.can_start_unit_choice(
            self.user, self.batch
        )

    @cached_property
    def record_unit_choice(self) -> bool:
        return self.choosing and self._access.can_record_unit_choice(self.user, self.batch)

    @cached_property
    def close_sale(self) -> bool:
        return self.choosing and self._access.can_start_unit_choice(self.user, self.batch)

    # overrides and objections (two reviewers)
    @cached_property
    def _reviewer(self) -> bool:
        return bool(self._access.can_review(self.user, self.batch))

    @cached_property
    def propose_override(self) -> bool:
        """Any decision changes (two-person) while in review; during the notice only by
        upholding an objection (uphold_objection)."""
        return self.status == BatchStatus.REVIEW and self._reviewer

    @cached_property
    def uphold_objection(self) -> bool:
        return self.status == BatchStatus.NOTICE and self._reviewer

    @cached_property
    def decide_override(self) -> bool:
        return self.status in {BatchStatus.REVIEW, BatchStatus.NOTICE} and self._reviewer

    # sections of the pages
    @property
    def shows_review(self) -> bool:
        return self.status in _PAST_REGISTRATION

    @property
    def drawn(self) -> bool:
        return self.status in _DRAWN_ON

    @property
    def choosing(self) -> bool:
        return self._allowed(BatchStatus.CLOSED)

    @property
    def closed(self) -> bool:
        return self.status == BatchStatus.CLOSED


def batch_actions(
    batch: SaleBatch, user: Any, *, review: Any = _UNREAD, request: Any = _UNREAD
) -> BatchActions:
    """`review` and `request`: the latest review and draw request when the caller has read them
    already (the batch page shows both)."""
    return BatchActions(batch, user, review=review, request=request)


@dataclass(frozen=True)
class ApplicationActions:
    """What the applicant's page offers now."""

    withdraw: bool
    awaits_confirmation: bool  # a sales office's entry the applicant has not confirmed
    confirm: bool
    object: bool
    shows_decision: bool  # the review's decision is shown to the household once published


def application_actions(application: Application, user: Any) -> ApplicationActions:
    from . import access

    status = BatchStatus(application.batch.status)
    own = application.user_id == user.pk
    live = application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNCONFIRMED)
    unconfirmed = application.status == ApplicationStatus.UNCONFIRMED
    return ApplicationActions(
        withdraw=live
        and status == BatchStatus.REGISTRATION
        and access.can_withdraw_application(user, application),
        awaits_confirmation=unconfirmed,
        confirm=unconfirmed
        and status == BatchStatus.REGISTRATION
        and access.can_confirm_application(user, application),
        object=status == BatchStatus.NOTICE and access.can_object(user, application),
        shows_decision=not own or status not in {BatchStatus.REGISTRATION, BatchStatus.REVIEW},
    )


def registration_open(batch: SaleBatch) -> bool:
    """The batch takes registrations now (its status; the window is checked at registration)."""
    return batch.status == BatchStatus.REGISTRATION


def notice_published(batch: SaleBatch) -> bool:
    """The public notice exists from the notice on."""
    return batch.status in _NOTICE_ON


# -- the applicant's own application, followed step by step (issue #14) -------------------------


@dataclass(frozen=True)
class PoolDecision:
    """The review's decision for one pool the household claimed, with the failed conditions of
    that pool (a reason set aside by an approved override says so: `overridden`)."""

    pool: str
    eligible: bool | None
    reasons: list[dict[str, Any]]


@dataclass(frozen=True)
class Step:
    """One step of an application's timeline: `key` names it (the template words it), `state`
    is done, now (waiting for the household or for this step), bad (it ended here) or later."""

    key: str
    state: str
    at: Any = None
    detail: dict[str, Any] = field(default_factory=dict)


_ORDER = [
    BatchStatus.REGISTRATION,
    BatchStatus.REVIEW,
    BatchStatus.NOTICE,
    BatchStatus.FROZEN,
    BatchStatus.DRAWN,
    BatchStatus.UNIT_CHOICE,
    BatchStatus.CLOSED,
]


def _reached(batch: SaleBatch, status: str) -> bool:
    current = batch.status
    if current not in _ORDER:
        return False
    return _ORDER.index(BatchStatus(current)) >= _ORDER.index(BatchStatus(status))


def pool_decisions(application: Application, eligibility: Eligibility) -> list[PoolDecision]:
    """The conditions everyone must meet, then each pool claimed: eligible or not, with the
    failed conditions of that pool under it."""
    reasons = eligibility.reasons or []
    return [
        PoolDecision(
            pool,
            eligibility.general if pool == "general" else getattr(eligibility, pool),
            [r for r in reasons if r.get("pool") == pool],
        )
        for pool in ["general", *[p for p in application.pools if p != "general"]]
    ]


TIMELINE = ("registered", "review", "notice", "roster", "draw", "choice", "contract")


def application_timeline(application: Application, *, shows_decision: bool) -> list[Step]:
    """The application from registration to contract as its household follows it: what
    happened, what waits now and what comes later (every step up to the contract, unless the
    way ended at a step). `shows_decision`: the review's decision is shown (to the household
    only once the notice has started)."""
    steps = _steps_so_far(application, shows_decision=shows_decision)
    ended = any(step.state == "bad" for step in steps)
    if not ended and application.batch.status != BatchStatus.CANCELLED:
        present = {step.key for step in steps}
        last = max(TIMELINE.index(step.key) for step in steps)
        steps += [Step(key, "later") for key in TIMELINE[last + 1 :] if key not in present]
    return steps


def _steps_so_far(application: Application, *, shows_decision: bool) -> list[Step]:
    batch = application.batch
    withdrawn = application.status == ApplicationStatus.WITHDRAWN
    steps = [
        Step(
            "registered",
            "bad" if withdrawn else "done",
            application.created_at,
            {"pools": application.pools, "withdrawn_at": application.withdrawn_at},
        )
    ]
    if withdrawn:
        return steps
    eligibility = getattr(application, "eligibility", None) if shows_decision else None
    if eligibility is None:
        review_state = "now" if _reached(batch, BatchStatus.REVIEW) else "later"
        steps.append(Step("review", review_state, detail={"closes": batch.registration_closes_at}))
        return steps
    steps.append(
        Step(
            "review",
            "done" if eligibility.general else "bad",
            detail={
                "decisions": pool_decisions(application, eligibility),
                "overridden": eligibility.overridden,
            },
        )
    )
    if batch.status == BatchStatus.NOTICE:
        steps.append(Step("notice", "now", batch.notice_ends_at))
    elif _reached(batch, BatchStatus.NOTICE):
        steps.append(Step("notice", "done", batch.notice_ends_at))
    if not eligibility.general:
        return steps
    roster = getattr(batch, "roster", None) if _reached(batch, BatchStatus.FROZEN) else None
    if roster is None:
        return steps
    steps.append(Step("roster", "done", roster.created_at, {"size": roster.size}))
    result = getattr(application, "draw_result", None)
    if result is None:
        return steps
    draw_at = batch.draw.created_at
    if result.outcome == "won":
        steps.append(Step("draw", "done", draw_at, {"result": result}))
    elif result.waitlist is not None:
        steps.append(Step("draw", "now", draw_at, {"result": result}))
    else:
        steps.append(Step("draw", "bad", draw_at, {"result": result}))
        return steps
    turn = turn_of(application)
    if turn is None:  # unit choice has not started
        steps.append(Step("choice", "later", detail={"result": result}))
        return steps
    if turn.status == TurnStatus.WAITING:
        serving = current_turn(batch)
        steps.append(
            Step(
                "choice",
                "now",
                detail={"turn": turn, "serving": serving.position if serving else None},
            )
        )
    elif turn.status in {TurnStatus.CHOSEN, TurnStatus.CONTRACTED}:
        steps.append(Step("choice", "done", turn.decided_at, {"turn": turn}))
        contracted = turn.status == TurnStatus.CONTRACTED
        steps.append(Step("contract", "done" if contracted else "now", detail={"turn": turn}))
    else:  # declined, did not come, did not sign, not called
        steps.append(Step("choice", "bad", turn.decided_at, {"turn": turn}))
    return steps


def application_stage(application: Application, *, shows_decision: bool) -> str:
    """Where the application stands, in a few words (the applicant's list of applications).
    Reads the relations the caller selected (applications_of_user)."""
    from django.utils.translation import get_language

    from .choices import round_label

    if application.status == ApplicationStatus.WITHDRAWN:
        return _("Withdrawn")
    batch = application.batch
    if batch.status == BatchStatus.CANCELLED:
        return _("The sale was cancelled")
    eligibility = getattr(application, "eligibility", None) if shows_decision else None
    if eligibility is None:
        if _reached(batch, BatchStatus.REVIEW):
            return _("Being reviewed")
        return _("Registered; the review follows the close of registration")
    if not eligibility.general:
        return _("Not eligible")
    turn = getattr(application, "turn", None)
    if turn is not None and turn.status != TurnStatus.WAITING:
        if turn.status == TurnStatus.CONTRACTED:
            return _("Contract signed for unit %(unit)s") % {"unit": turn.unit}
        if turn.status == TurnStatus.CHOSEN:
            return _("Chose unit %(unit)s; the contract is next") % {"unit": turn.unit}
        return str(TurnStatus(turn.status).label)
    result = getattr(application, "draw_result", None)
    if result is not None:
        if result.outcome == "won":
            return _("Won in %(round)s; unit-choice order %(n)s") % {
                "round": round_label(result.round),
                "n": result.choice,
            }
        if result.waitlist is not None:
            return _("On the waitlist at place %(n)s") % {"n": result.waitlist}
        return _("Not drawn")
    if _reached(batch, BatchStatus.FROZEN):
        return _("In the roster; waiting for the draw")
    separator = "、" if (get_language() or "zh").startswith("zh") else ", "
    pools = separator.join(str(Pool(p).label) for p in eligibility.eligible_pools)
    return _("Eligible: %(pools)s") % {"pools": pools}


# -- each role's to-do list on its home page (common/todos.py) ----------------------------------


def todos_for(user: Any) -> list[Todo]:
    """What waits for `user` in the housing sales now, per role they hold: a few aggregate
    queries over the batches in the stages where that role has work, never one per
    application."""
    from . import access

    items: list[Todo] = []
    if roles.has_role(user, roles.REVIEWER):
        items += _reviewer_todos(user)
    if access.can_set_up_sales(user):
        items += _admin_todos()
    if roles.has_role(user, roles.NOTARY):
        items += _notary_todos()
    offices = _ids(roles.scopes(user, roles.DEVELOPER, ScopeKind.SALES_OFFICE))
    if offices:
        items += _developer_todos(offices)
    if access.can_register(user):
        items += _applicant_todos(user)
    return items


def _manage(batch: SaleBatch | str, name: str = "housing:manage_batch") -> str:
    return reverse(name, args=[batch if isinstance(batch, str) else batch.code])


def _per_batch(rows: QuerySet[Any], batch_field: str) -> dict[int, int]:
    """{batch id: count} of `rows` grouped by the batch they belong to (one query)."""
    counted = rows.order_by().values_list(batch_field).annotate(n=Count("pk"))
    return {batch_id: n for batch_id, n in counted}


def _reviewer_todos(user: Any) -> list[Todo]:
    items: list[Todo] = []
    reviewing = list(SaleBatch.objects.filter(status=BatchStatus.REVIEW).order_by("code"))
    ids = [batch.pk for batch in reviewing]
    done = set(
        EligibilityReview.objects.filter(batch_id__in=ids, status=JobStatus.DONE).values_list(
            "batch_id", flat=True
        )
    )
    attention = _per_batch(
        Eligibility.objects.filter(
            application__batch_id__in=ids,
            application__status=ApplicationStatus.SUBMITTED,
            needs_attention=True,
            overridden=False,
        ),
        "application__batch_id",
    )
    running = set(
        EligibilityReview.objects.filter(
            batch_id__in=ids, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).values_list("batch_id", flat=True)
    )
    for batch in reviewing:
        if batch.pk in running:
            label = _("%(code)s: the automatic review is running") % {"code": batch.code}
            items.append(
                Todo(roles.REVIEWER, label, _manage(batch, "housing:review_queue"), None, 10)
            )
        elif batch.pk not in done:
            label = _("%(code)s: run the automatic review") % {"code": batch.code}
            items.append(
                Todo(roles.REVIEWER, label, _manage(batch, "housing:review_queue"), None, 10)
            )
        else:
            label = _("%(code)s: applications with a failed condition to look at") % {
                "code": batch.code
            }
            url = _manage(batch, "housing:review_queue") + "?outcome=attention"
            items.append(Todo(roles.REVIEWER, label, url, attention.get(batch.pk, 0), 20))
    second = (
        Override.objects.filter(status=OverrideStatus.PROPOSED)
        .exclude(proposed_by=user)
        .order_by()
        .values_list("application__batch__code")
        .annotate(n=Count("pk"))
    )
    for code, n in sorted(second):
        label = _("%(code)s: overrides waiting for your approval as second reviewer") % {
            "code": code
        }
        items.append(Todo(roles.REVIEWER, label, _manage(code, "housing:review_queue"), n, 15))
    objections = (
        Objection.objects.filter(
            answered_at__isnull=True, application__batch__status=BatchStatus.NOTICE
        )
        .order_by()
        .values_list("application__batch__code")
        .annotate(n=Count("pk"))
    )
    for code, n in sorted(objections):
        label = _("%(code)s: objections to answer") % {"code": code}
        items.append(Todo(roles.REVIEWER, label, _manage(code, "housing:objections"), n, 12))
    return items


def _admin_task(
    batch: SaleBatch, *, done: set[int], pending: dict[int, int], open_objections: dict[int, int]
) -> Any:
    """The zone administrator's next step with `batch`, or None while it waits for others."""
    now = timezone.now()
    status = batch.status
    if status == BatchStatus.DRAFT:
        return _("%(code)s: set the rules and publish the batch")
    if status == BatchStatus.REGISTRATION and batch.registration_closes_at <= now:
        return _("%(code)s: the registration window is over; close registration")
    if status == BatchStatus.REVIEW and batch.pk not in done:
        return _("%(code)s: run the automatic review (reviewers may run it too)")
    if status == BatchStatus.REVIEW and not pending.get(batch.pk):
        return _("%(code)s: the review is done; start the public notice")
    if (
        status == BatchStatus.NOTICE
        and batch.notice_ends_at is not None
        and batch.notice_ends_at <= now
        and not pending.get(batch.pk)
        and not open_objections.get(batch.pk)
    ):
        return _("%(code)s: the notice is over; freeze and publish the roster")
    if status == BatchStatus.FROZEN:
        roster = getattr(batch, "roster", None)
        confirmed = roster is not None and roster.confirmed_at is not None
        if confirmed and getattr(batch, "reveal", None) is not None:
            return _("%(code)s: the notary has revealed; run the draw")
    if status == BatchStatus.DRAWN:
        return _("%(code)s: drawn; open unit choice")
    if status == BatchStatus.UNIT_CHOICE:
        return _("%(code)s: unit choice is under way; close the sale when it is over")
    return None


def _admin_todos() -> list[Todo]:
    active = list(
        SaleBatch.objects.exclude(status__in=[BatchStatus.CLOSED, BatchStatus.CANCELLED])
        .select_related("roster", "reveal")
        .order_by("code")
    )
    ids = [batch.pk for batch in active]
    done = set(
        EligibilityReview.objects.filter(batch_id__in=ids, status=JobStatus.DONE).values_list(
            "batch_id", flat=True
        )
    )
    pending = _per_batch(
        Override.objects.filter(application__batch_id__in=ids, status=OverrideStatus.PROPOSED),
        "application__batch_id",
    )
    open_objections = _per_batch(
        Objection.objects.filter(application__batch_id__in=ids, answered_at__isnull=True),
        "application__batch_id",
    )
    items: list[Todo] = []
    for batch in active:
        task = _admin_task(batch, done=done, pending=pending, open_objections=open_objections)
        if task is None:
            continue
        choosing = batch.status in {BatchStatus.DRAWN, BatchStatus.UNIT_CHOICE}
        url = _manage(batch, "housing:unit_choice") if choosing else _manage(batch)
        items.append(Todo(roles.ZONE_ADMIN, task % {"code": batch.code}, url, None, 20))
    return items


def _notary_todos() -> list[Todo]:
    items: list[Todo] = []
    frozen = SaleBatch.objects.filter(status=BatchStatus.FROZEN).select_related("roster", "reveal")
    for batch in frozen.order_by("code"):
        roster = getattr(batch, "roster", None)
        if roster is not None and roster.confirmed_at is None:
            label = _("%(code)s: check the frozen roster and confirm it") % {"code": batch.code}
            items.append(Todo(roles.NOTARY, label, _manage(batch), None, 10))
        elif roster is not None and getattr(batch, "reveal", None) is None:
            label = _("%(code)s: reveal your secret for the draw") % {"code": batch.code}
            items.append(Todo(roles.NOTARY, label, _manage(batch), None, 20))
    return items


def _developer_todos(offices: list[int]) -> list[Todo]:
    own = list(
        SaleBatch.objects.filter(
            project__sales_office_id__in=offices,
            status__in=[BatchStatus.DRAFT, BatchStatus.REGISTRATION, BatchStatus.UNIT_CHOICE],
        ).order_by("code")
    )
    ids = [batch.pk for batch in own]
    units = _per_batch(Unit.objects.filter(batch_id__in=ids), "batch_id")
    registered = _per_batch(
        Application.objects.filter(batch_id__in=ids, status=ApplicationStatus.SUBMITTED),
        "batch_id",
    )
    turns = ChoiceTurn.objects.filter(batch_id__in=ids)
    waiting = _per_batch(turns.filter(status=TurnStatus.WAITING), "batch_id")
    to_sign = _per_batch(turns.filter(status=TurnStatus.CHOSEN), "batch_id")
    items: list[Todo] = []
    for batch in own:
        code = {"code": batch.code}
        if batch.status == BatchStatus.DRAFT:
            label = _("%(code)s: import the units for sale (units so far)") % code
            items.append(Todo(roles.DEVELOPER, label, _manage(batch), units.get(batch.pk, 0), 10))
        elif batch.status == BatchStatus.REGISTRATION:
            label = (
                _(
                    "%(code)s: registration is open; import the registrations taken at your "
                    "sales office (registered so far)"
                )
                % code
            )
            n = registered.get(batch.pk, 0)
            items.append(Todo(roles.DEVELOPER, label, _manage(batch), n, 20))
        else:
            desk = _manage(batch, "housing:unit_choice")
            label = _("%(code)s: households waiting for their unit-choice turn") % code
            items.append(Todo(roles.DEVELOPER, label, desk, waiting.get(batch.pk, 0), 30))
            label = _("%(code)s: units chosen, contract still to record") % code
            items.append(Todo(roles.DEVELOPER, label, desk, to_sign.get(batch.pk, 0), 31))
    return items


def _applicant_todos(user: Any) -> list[Todo]:
    items: list[Todo] = []
    mine = applications_of_user(user=user).filter(status=ApplicationStatus.SUBMITTED)
    for application in mine:
        shows = application_actions(application, user).shows_decision
        label = _("%(number)s: %(stage)s") % {
            "number": application.number,
            "stage": application_stage(application, shows_decision=shows),
        }
        url = reverse("housing:application", args=[application.number])
        items.append(Todo(roles.APPLICANT, label, url, None, 10))
    open_now = SaleBatch.objects.filter(status=BatchStatus.REGISTRATION).count()
    label = _("Sales open for registration")
    items.append(Todo(roles.APPLICANT, label, reverse("housing:announcements"), open_now, 20))
    return items


def notice_open(batch: SaleBatch) -> bool:
    """Objections are taken now: the batch is in its public notice."""
    return batch.status == BatchStatus.NOTICE


def units_summary(batch: SaleBatch) -> dict[str, Any]:
    """How many units the batch has and their total price (one query)."""
    return batch.units.aggregate(count=Count("pk"), total=Sum("price"))


@dataclass(frozen=True)
class VerifierFacts:
    """What the verifier's commands and the browser checks need of a batch: the frozen roster's
    root and size (None before freezing) and whether it is drawn."""

    root: str | None
    size: int | None
    drawn: bool


def verifier_facts(batch: SaleBatch) -> VerifierFacts:
    """One query, kept on the batch object: a page that shows both the commands and the
    browser check asks once."""
    found: VerifierFacts | None = getattr(batch, "_verifier_facts", None)
    if found is None:
        row = (
            SaleBatch.objects.filter(pk=batch.pk)
            .values_list("roster__root", "roster__size", "draw__pk")
            .first()
        )
        root, size, draw = row if row is not None else (None, None, None)
        found = VerifierFacts(root, size, draw is not None)
        batch._verifier_facts = found  # type: ignore[attr-defined]
    return found
