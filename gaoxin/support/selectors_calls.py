"""Reads of the open calls (揭榜挂帅): the lists, the actions a page may offer, an expert's own
applications and scores (never another expert's), the registry ties that exclude an expert,
and the ranking (the zone's pages only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.registry.models import Employment, Enterprise, IdentityBinding

from . import access, scoring, states
from .choices import CallStatus, ConflictTie
from .models import (
    CallApplication,
    CallConflict,
    CallCriterion,
    CallExpert,
    CallObjection,
    CallScore,
    OpenCall,
)

# An employment that ended less than this long ago still ties an expert to the employer.
TIE_AFTER_LEAVING = timedelta(days=3 * 365)
PUBLIC = (
    CallStatus.OPEN,
    CallStatus.CLOSED,
    CallStatus.REVIEW,
    CallStatus.DECIDED,
    CallStatus.NOTICE,
    CallStatus.CONFIRMED,
)


def call_list() -> QuerySet[OpenCall]:
    return OpenCall.objects.select_related("programme").order_by("-id")


def public_calls() -> QuerySet[OpenCall]:
    return call_list().filter(status__in=PUBLIC)


def call_get(pk: int) -> OpenCall | None:
    return (
        call_list()
        .select_related("winner__enterprise", "winner__lead", "award")
        .prefetch_related("criteria")
        .filter(pk=pk)
        .first()
    )


def public_call_get(pk: int) -> OpenCall | None:
    found = call_get(pk)
    return found if found is not None and found.status in PUBLIC else None


def applications(call: OpenCall) -> QuerySet[CallApplication]:
    return call.applications.select_related("enterprise", "lead", "submitted_by").order_by("id")


def own_applications(user: Any) -> QuerySet[CallApplication]:
    return (
        CallApplication.objects.filter(submitted_by_id=user.pk)
        .select_related("call", "enterprise", "lead")
        .order_by("-id")
    )


def panel(call: OpenCall) -> list[Any]:
    return [row.user for row in CallExpert.objects.filter(call=call).select_related("user")]


def conflicts(call: OpenCall) -> QuerySet[CallConflict]:
    return (
        CallConflict.objects.filter(application__call=call)
        .select_related("application", "expert")
        .order_by("application_id", "id")
    )


def objections(call: OpenCall) -> QuerySet[CallObjection]:
    return call.objections.select_related("author", "answered_by").order_by("id")


def open_objections(call: OpenCall) -> int:
    return call.objections.filter(answered_at__isnull=True).count()


def call_actions(user: Any, call: OpenCall) -> dict[str, bool]:
    """The transitions (and edits) the zone's call page offers this user now."""
    manage = access.can_manage_calls(user)
    offered = {name: False for name in states.CALL.transitions.values()}
    if manage:
        for target in states.CALL.targets(call.status):
            offered[states.CALL.ensure(call.status, target)] = True
    offered["edit"] = manage and call.status == CallStatus.DRAFT
    offered["panel"] = manage and call.status in (
        CallStatus.DRAFT,
        CallStatus.OPEN,
        CallStatus.CLOSED,
    )
    offered["answer"] = manage and call.status == CallStatus.NOTICE
    return offered


def accepting(call: OpenCall) -> bool:
    return call.status == CallStatus.OPEN and timezone.now() < call.deadline


def notice_running(call: OpenCall) -> bool:
    return (
        call.status == CallStatus.NOTICE
        and call.notice_ends_at is not None
        and timezone.now() < call.notice_ends_at
    )


# -- registry ties (conflicts of interest) ---------------------------------------------------------


def expert_ties(user: Any) -> dict[int, str]:  # enterprise pk -> ConflictTie
    """The enterprises the registry ties an expert to, with the reason: employment (current,
    or ended less than three years ago) of the person the account is bound to, and the
    enterprises the account acts for (enterprise user)."""
    ties: dict[int, str] = {}
    person_id = (
        IdentityBinding.objects.filter(user_id=user.pk).values_list("person_id", flat=True).first()
    )
    if person_id is not None:
        since = timezone.localdate() - TIE_AFTER_LEAVING
        rows = Employment.objects.filter(person_id=person_id).filter(
            ended_on__isnull=True
        ) | Employment.objects.filter(person_id=person_id, ended_on__gte=since)
        for enterprise_id in rows.values_list("enterprise_id", flat=True):
            ties[enterprise_id] = ConflictTie.EMPLOYED
    codes = roles.scopes(user, roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE)
    if codes:
        for pk in Enterprise.objects.filter(credit_code__in=codes).values_list("pk", flat=True):
            ties.setdefault(pk, ConflictTie.ACTS_FOR)
    return ties


def expert_person_id(user: Any) -> int | None:
    return (
        IdentityBinding.objects.filter(user_id=user.pk).values_list("person_id", flat=True).first()
    )


def applicant_enterprises(application: CallApplication) -> set[int]:
    """The enterprise that applied, or the current employers of a team's lead."""
    if application.enterprise_id is not None:
        return {application.enterprise_id}
    lead = Employment.objects.filter(person=application.lead, ended_on__isnull=True)
    return set(lead.values_list("enterprise_id", flat=True))


# -- the expert's own view (blind) ----------------------------------------------------------------


def _excluded(expert_field: str = "expert") -> Exists:
    return Exists(
        CallConflict.objects.filter(
            application_id=OuterRef("application_id"), expert_id=OuterRef(expert_field)
        )
    )


def expert_applications(user: Any) -> QuerySet[CallApplication]:
    """Applications of the calls under review on whose panel the user sits, from which they are
    not excluded."""
    if not access.is_expert(user):
        return CallApplication.objects.none()
    return (
        CallApplication.objects.filter(
            call__status=CallStatus.REVIEW,
            call__panel__user_id=user.pk,
        )
        .exclude(conflicts__expert_id=user.pk)
        .select_related("call", "enterprise", "lead")
        .order_by("call_id", "id")
    )


def expert_unscored_count(user: Any) -> int:
    """Applications assigned to the expert on which they have not scored yet."""
    return (
        expert_applications(user).exclude(scores__expert_id=user.pk).values("pk").distinct().count()
    )


def unanswered_objections() -> int:
    return CallObjection.objects.filter(
        call__status=CallStatus.NOTICE, answered_at__isnull=True
    ).count()


def expert_exclusions(user: Any) -> QuerySet[CallConflict]:
    return (
        CallConflict.objects.filter(expert_id=user.pk, application__call__status=CallStatus.REVIEW)
        .select_related("application__call")
        .order_by("application_id")
    )


def own_scores(user: Any, application_ids: list[int]) -> dict[tuple[int, int], int]:
    """(application, criterion) -> value, of this expert's scores only."""
    rows = CallScore.objects.filter(expert_id=user.pk, application_id__in=application_ids)
    return {(r.application_id, r.criterion_id): r.value for r in rows}


def criteria_of(call_ids: list[int]) -> dict[int, list[CallCriterion]]:
    found: dict[int, list[CallCriterion]] = {}
    for criterion in CallCriterion.objects.filter(call_id__in=call_ids).order_by("call_id", "seq"):
        found.setdefault(criterion.call_id, []).append(criterion)
    return found


# -- the ranking (zone only) ----------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionCell:
    criterion: CallCriterion
    n: int
    mean: Decimal | None
    trimmed: bool


@dataclass(frozen=True)
class RankRow:
    rank: int | None
    application: CallApplication
    cells: list[CriterionCell]
    total: Decimal | None
    excluded: int


def ranking(call: OpenCall) -> list[RankRow]:
    """Every application with its per-criterion results and total under the panel's rule
    (scoring.py), best first; scores of excluded experts never count. Two queries."""
    criteria = list(call.criteria.order_by("seq"))
    apps = list(applications(call))
    values: dict[tuple[int, int], list[int]] = {}
    rows = (
        CallScore.objects.filter(application__call=call)
        .annotate(excluded=_excluded())
        .filter(excluded=False)
        .values_list("application_id", "criterion_id", "value")
    )
    for app_id, criterion_id, value in rows:
        values.setdefault((app_id, criterion_id), []).append(value)
    excluded_count: dict[int, int] = {}
    for app_id in CallConflict.objects.filter(application__call=call).values_list(
        "application_id", flat=True
    ):
        excluded_count[app_id] = excluded_count.get(app_id, 0) + 1
    unranked: list[tuple[CallApplication, list[CriterionCell], Decimal | None]] = []
    for app in apps:
        cells = []
        for criterion in criteria:
            got = values.get((app.pk, criterion.pk), [])
            mean, trimmed = scoring.criterion_result(got, call.trim_from)
            cells.append(CriterionCell(criterion, len(got), scoring.rounded(mean), trimmed))
        total = scoring.weighted_total(
            [
                (
                    scoring.criterion_result(values.get((app.pk, c.pk), []), call.trim_from)[0],
                    c.weight,
                )
                for c in criteria
            ]
        )
        unranked.append((app, cells, total))
    unranked.sort(key=lambda r: (r[2] is None, -(r[2] or 0), r[0].pk))
    result = []
    for place, (app, cells, total) in enumerate(unranked, start=1):
        result.append(
            RankRow(
                place if total is not None else None,
                app,
                cells,
                total,
                excluded_count.get(app.pk, 0),
            )
        )
    return result
