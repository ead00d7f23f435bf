"""The deadline sweep (every 15 minutes on the scheduler): items due soon alert their
department's head; overdue items alert the head and the leadership; promised (容缺) documents
past their date suspend the items that need them. Set-based: one query per kind of alert, one
notification per department, one audit statement for all the items it marks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction

from gaoxin.common import audit, notifications
from gaoxin.common.actors import Actor

from .. import clock
from ..choices import DocumentStatus, ItemStatus
from ..models import ProjectDocument, ProjectItem
from ..states import ITEM
from ._common import lock_items, lock_project, recipients

DUE_SOON_DAYS = 2  # calendar days before the deadline


@transaction.atomic
def sweep(*, actor: Actor, today: date | None = None) -> dict[str, int]:
    today = today or clock.today()
    counts = {"due_soon": 0, "overdue": 0, "suspended": 0}
    for level, cond, key in (
        (2, {"due_on__lt": today}, "overdue"),
        (
            1,
            {"due_on__gte": today, "due_on__lte": today + timedelta(days=DUE_SOON_DAYS)},
            "due_soon",
        ),
    ):
        rows = list(
            ProjectItem.objects.select_for_update(skip_locked=True)
            .filter(status=ItemStatus.IN_REVIEW, alert_level__lt=level, **cond)
            .values_list("pk", "department__code", "project__number", "code", "due_on")
        )
        if not rows:
            continue
        ProjectItem.objects.filter(pk__in=[r[0] for r in rows]).update(alert_level=level)
        per_dept: dict[str, list[str]] = defaultdict(list)
        for _pk, dept, number, code, due in rows:
            per_dept[dept].append(f"{number}/{code}（{due}）")
        word = "已超期 overdue" if level == 2 else "即将到期 due soon"
        notifications.notify_many(
            (
                recipients([dept], leadership=level == 2),
                f"审批事项{word}: {len(lines)}",
                "\n".join(lines[:200]),
                "/approvals/queue/",
            )
            for dept, lines in sorted(per_dept.items())
        )
        audit.record_many(
            actor=actor,
            changes=[
                audit.Change(
                    action=f"approvals.item.{key}",
                    obj=ProjectItem(pk=pk),
                    after={"due_on": str(due), "alert_level": level},
                )
                for pk, _dept, _n, _c, due in rows
            ],
        )
        counts[key] = len(rows)
    broken = list(
        ProjectDocument.objects.filter(
            status=DocumentStatus.PROMISED, promised_on__lt=today, promise_broken=False
        ).values_list("pk", "project_id", "code")
    )
    for doc_pk, project_pk, code in broken:
        project = lock_project(project_pk)
        ProjectDocument.objects.filter(pk=doc_pk).update(promise_broken=True)
        depts = set()
        for it in lock_items(project):
            if not any(d[0] == code for d in it.documents):
                continue
            if ITEM.allowed(it.status, ItemStatus.SUSPENDED):
                it.suspended_from = it.status
                it.version += 1
                ITEM.apply(
                    actor=actor,
                    obj=it,
                    target=ItemStatus.SUSPENDED,
                    after={"document": code},
                    update_fields=["suspended_from", "version"],
                )
                counts["suspended"] += 1
                depts.add(it.department.code)
        notifications.notify(
            recipients=recipients(depts, leadership=True)
            + ([project.agent] if project.agent else []),
            subject=f"容缺材料逾期未补 Promised document overdue: {project.number} {code}",
            body="相关事项已暂停 / the items that need it are suspended",
            link=f"/approvals/projects/{project.pk}/",
        )
    return counts
