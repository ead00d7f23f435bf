"""Reads of enterprise support: programmes with what is committed and paid under them, awards
with the actions a user may take now, and the ledger rows the finance bureau's export holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from . import access
from .choices import AwardStatus, LedgerKind, MilestoneStatus
from .models import Award, LedgerEntry, Programme


@dataclass(frozen=True)
class ProgrammeRow:
    programme: Programme
    committed: int
    paid: int


def programme_rows(year: int) -> list[ProgrammeRow]:
    """Each programme with the sums committed for `year` and paid (two queries)."""
    programmes = list(Programme.objects.select_related("group").order_by("code"))
    committed = dict(
        Award.objects.filter(status=AwardStatus.APPROVED, year=year)
        .values_list("programme_id")
        .annotate(s=Sum("amount"))
        .values_list("programme_id", "s")
    )
    paid = dict(
        LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT, award__year=year)
        .values_list("award__programme_id")
        .annotate(s=Sum("amount"))
        .values_list("award__programme_id", "s")
    )
    return [
        ProgrammeRow(p, int(committed.get(p.pk) or 0), int(paid.get(p.pk) or 0)) for p in programmes
    ]


def award_list() -> QuerySet[Award]:
    return Award.objects.select_related("programme", "enterprise", "person").order_by("-id")


def award_get(pk: int) -> Award | None:
    return award_list().prefetch_related("milestones").filter(pk=pk).first()


def award_actions(user: Any, award: Award) -> dict[str, bool]:
    """What the award page offers this user now."""
    proposed = award.status == AwardStatus.PROPOSED
    return {
        "milestones": proposed and access.can_propose_award(user),
        "approve": proposed and access.can_decide_award(user),
        "refuse": proposed and access.can_decide_award(user),
        "pay": award.status == AwardStatus.APPROVED and access.can_pay_milestone(user),
    }


def award_paid(award: Award) -> int:
    total = award.ledger.filter(kind=LedgerKind.PAYMENT).aggregate(s=Sum("amount"))["s"]
    return int(total or 0)


def next_payable(award: Award) -> int | None:
    """The pk of the first unpaid milestone (milestones are paid in order)."""
    return (
        award.milestones.filter(status=MilestoneStatus.PENDING)
        .order_by("seq")
        .values_list("pk", flat=True)
        .first()
    )


def ledger_rows(year: int | None = None) -> QuerySet[LedgerEntry]:
    rows = LedgerEntry.objects.select_related(
        "award__programme", "award__enterprise", "award__person", "milestone"
    ).order_by("id")
    if year is not None:
        rows = rows.filter(Q(award__year=year))
    return rows
