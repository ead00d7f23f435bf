"""Reads of the 雁阵 tiers: an enterprise's assignment with the reason for every criterion of
its tier and of the next tier up (what it lacks), as the housing eligibility review explains
itself; the run's list per tier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet

from .choices import Measure, TierRunStatus
from .models import Tier, TierAssignment, TierRun


@dataclass(frozen=True)
class Reason:
    measure: str
    label: str
    value: Decimal | None
    threshold: Decimal
    passed: bool
    zh: str
    en: str


def _shown(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.quantize(Decimal('0.01')):,}"


def reasons(assignment: TierAssignment, tier: Tier) -> list[Reason]:
    out = []
    for criterion in tier.criteria.all():
        value = getattr(assignment, criterion.measure)
        value = None if value is None else Decimal(value)
        passed = value is not None and value >= criterion.threshold
        label = str(Measure(criterion.measure).label)
        limit = _shown(criterion.threshold)
        if value is None and assignment.months == 12 and criterion.measure == Measure.GROWTH:
            # This year is whole: the year before is what is missing (or had no revenue).
            zh = (
                f"{label}：上一年度数据不全（需 12 个月月报且营业收入大于 0），无法判定，"
                f"要求不低于 {limit}"
            )
            en = (
                f"{label}: the year before is incomplete (12 monthly reports with revenue above "
                f"0 are needed); at least {limit} is required"
            )
        elif value is None and assignment.months == 12:
            zh = f"{label}：本年度营业收入为 0，无法计算，要求不低于 {limit}"
            en = f"{label}: this year's revenue is 0, so it cannot be computed; at least {limit}"
        elif value is None:
            zh = (
                f"{label}：数据不全（本年度月报 {assignment.months}/12），无法判定，"
                f"要求不低于 {limit}"
            )
            en = (
                f"{label}: data incomplete ({assignment.months} of 12 monthly reports); "
                f"at least {limit} is required"
            )
        else:
            verdict_zh, verdict_en = ("符合", "met") if passed else ("不符合", "not met")
            zh = f"{label}：{_shown(value)}，要求不低于 {limit}，{verdict_zh}"
            en = f"{label}: {_shown(value)}, at least {limit} required — {verdict_en}"
        out.append(Reason(criterion.measure, label, value, criterion.threshold, passed, zh, en))
    return out


@dataclass(frozen=True)
class EnterpriseTier:
    run: TierRun
    assignment: TierAssignment
    tier: Tier | None
    previous: Tier | None
    reasons: list[Reason]
    next_tier: Tier | None
    lacking: list[Reason]


def tiers_on(day: date) -> list[Tier]:
    return list(
        Tier.objects.filter(effective_from__lte=day)
        .exclude(effective_to__lt=day)
        .prefetch_related("criteria")
        .order_by("-rank")
    )


def enterprise_tier(enterprise_id: int, *, published_only: bool = True) -> EnterpriseTier | None:
    """The enterprise's tier in the latest (published) run, its reasons, and what it lacks for
    the next tier up."""
    runs = TierRun.objects.order_by("-year")
    if published_only:
        runs = runs.filter(status=TierRunStatus.PUBLISHED)
    for run in runs[:1]:
        assignment = (
            TierAssignment.objects.select_related("tier", "previous_tier")
            .filter(run=run, enterprise_id=enterprise_id)
            .first()
        )
        if assignment is None:
            return None
        tiers = tiers_on(date(run.year, 12, 31))
        current = next((t for t in tiers if t.pk == assignment.tier_id), None)
        above = [t for t in tiers if current is None or t.rank > current.rank]
        next_tier = min(above, key=lambda t: t.rank) if above else None
        lacking = [r for r in reasons(assignment, next_tier) if not r.passed] if next_tier else []
        return EnterpriseTier(
            run=run,
            assignment=assignment,
            tier=current,
            previous=assignment.previous_tier,
            reasons=reasons(assignment, current) if current else [],
            next_tier=next_tier,
            lacking=lacking,
        )
    return None


def run_summary(run: TierRun) -> list[tuple[Tier | None, int]]:
    """Enterprises per tier in a run (one query), highest tier first, no tier last."""
    counts: dict[int | None, int] = dict(
        TierAssignment.objects.filter(run=run)
        .values_list("tier_id")
        .annotate(n=Count("id"))
        .values_list("tier_id", "n")
    )
    tiers = tiers_on(date(run.year, 12, 31))
    rows: list[tuple[Tier | None, int]] = [(t, counts.get(t.pk, 0)) for t in tiers]
    rows.append((None, counts.get(None, 0)))
    return rows


#: The list's movement filter: a tier above or below the previous year's (none counts lowest).
MOVED_UP = Q(tier__isnull=False) & (
    Q(previous_tier__isnull=True) | Q(tier__rank__gt=F("previous_tier__rank"))
)
MOVED_DOWN = Q(previous_tier__isnull=False) & (
    Q(tier__isnull=True) | Q(tier__rank__lt=F("previous_tier__rank"))
)


def run_rows(
    run: TierRun, *, tier: str = "", query: str = "", moved: str = ""
) -> QuerySet[TierAssignment]:
    """A run's assignments, highest tier first then by name: of one tier (its code, or "none"
    for the enterprises in no tier), matching a name or credit code, moved up or down."""
    rows = TierAssignment.objects.filter(run=run).select_related(
        "enterprise", "tier", "previous_tier"
    )
    if tier == "none":
        rows = rows.filter(tier__isnull=True)
    elif tier:
        rows = rows.filter(tier__code=tier)
    query = query.strip()[:60]
    if query:
        rows = rows.filter(
            Q(enterprise__name__icontains=query) | Q(enterprise__credit_code=query.upper())
        )
    if moved == "up":
        rows = rows.filter(MOVED_UP)
    elif moved == "down":
        rows = rows.filter(MOVED_DOWN)
    return rows.order_by(F("tier__rank").desc(nulls_last=True), "enterprise__name", "pk")


def movement(assignment: TierAssignment) -> str:
    """ "up", "down" or "" against the previous year's tier (no tier ranks lowest)."""
    now = assignment.tier.rank if assignment.tier else 0
    before = assignment.previous_tier.rank if assignment.previous_tier else 0
    return "up" if now > before else "down" if now < before else ""
