"""Demo data for visits, work safety and notices (called from demo.py): a quarter (and the one
before) of visits against N = 1 a quarter, a fire-safety checklist in two versions, inspections
with hazards (most rectified on time, some late, some open, one overdue in G01 for the demo
officer) and a notice with partial acknowledgements. Written in bulk; one audit event names what
was loaded."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.common import audit, workdays
from gaoxin.common.actors import DEMO
from gaoxin.registry.models import Enterprise

from .choices import HazardLevel, NoticeKind, Severity
from .choices import HazardStatus as H
from .fieldwork import quarter_of
from .models import (
    ChecklistTemplate,
    ChecklistVersion,
    FieldSettings,
    Grid,
    Hazard,
    HazardCheck,
    Inspection,
    Notice,
    NoticeRecipient,
    Visit,
)

ITEMS_V1 = [
    "消防通道、安全出口畅通",
    "灭火器、消火栓完好有效",
    "电气线路无私拉乱接",
    "危险化学品分类存放、台账齐全",
    "员工安全培训记录完整",
]
ITEMS_V2 = [*ITEMS_V1[:4], "有限空间作业审批手续齐全", "员工安全培训记录完整"]
NOTES = ["了解企业经营情况，宣传惠企政策", "走访生产车间，听取企业诉求", "与企业负责人座谈"]
FINDINGS = ["希望对接高校招聘资源", "厂房扩租需协调", "咨询研发费用加计扣除", ""]
HAZARDS = [
    "消防通道堆放杂物",
    "配电箱前堆放可燃物",
    "灭火器过期未更换",
    "化学品仓库无通风设施",
    "车间临时电线私拉乱接",
]


def load(
    rng: random.Random,
    grids: list[Grid],
    by_grid: dict[int, list[Enterprise]],
    officers: dict[int, list[User]],
    today: date,
    ours: Enterprise,
) -> str:
    settings_row = FieldSettings.objects.create(pk=1, visits_per_quarter=1)
    cal = workdays.calendar()
    now_q = quarter_of(today)
    last_q = quarter_of(now_q.start - timedelta(days=1))
    visits = []
    for grid in grids:
        team = officers[grid.pk]
        for enterprise in by_grid[grid.pk]:
            for period, share, end in ((last_q, 0.93, last_q.end), (now_q, 0.78, today)):
                if rng.random() > share:
                    continue
                span = max((end - period.start).days, 0)
                day = period.start + timedelta(days=rng.randrange(span + 1))
                visits.append(
                    Visit(
                        enterprise=enterprise,
                        grid=grid,
                        officer=rng.choice(team),
                        visited_on=day,
                        notes=rng.choice(NOTES),
                        findings=rng.choice(FINDINGS),
                    )
                )
    Visit.objects.bulk_create(visits, batch_size=1000)

    template = ChecklistTemplate.objects.create(code="fire", name="消防与生产安全检查表")
    v1 = ChecklistVersion.objects.create(template=template, number=1, items=ITEMS_V1)
    v2 = ChecklistVersion.objects.create(template=template, number=2, items=ITEMS_V2)
    inspections = []
    for n in range(120):
        grid = grids[n % len(grids)]
        enterprise = ours if n == 0 else rng.choice(by_grid[grid.pk])
        day = today - timedelta(days=rng.randrange(2, 170))
        version = v1 if day < today - timedelta(days=90) else v2
        results = [rng.random() > 0.15 for _ in version.items]
        inspections.append(
            Inspection(
                enterprise=enterprise,
                grid=grid,
                officer=officers[grid.pk][0],
                version=version,
                inspected_on=day,
                results=results,
            )
        )
    inspections = Inspection.objects.bulk_create(inspections)
    hazards = []
    for n, inspection in enumerate(inspections):
        if n % 3 and n != 0:
            continue
        severity = [Severity.GENERAL, Severity.GENERAL, Severity.SERIOUS, Severity.MAJOR][n % 4]
        found = inspection.inspected_on
        if n == 0:  # G01, found a month ago, never rectified: overdue with the grid leader
            found = today - timedelta(days=30)
        due = cal.add(found, settings_row.days(severity))
        hazard = Hazard(
            number=f"YH{found.year}-D{n + 1:05d}",
            inspection=inspection,
            enterprise=inspection.enterprise,
            grid=inspection.grid,
            description=rng.choice(HAZARDS),
            severity=severity,
            found_on=found,
            due_on=due.due,
            due_provisional=due.provisional,
            step_due=due.due,
        )
        roll = rng.random()
        if n == 0:
            hazard.level = HazardLevel.LEADER
            hazard.escalations = 1
            hazard.step_due = cal.add(due.due + timedelta(days=1), settings_row.days(severity)).due
        elif due.due < today and roll < 0.8:
            hazard.status = H.CLOSED
            hazard.rectified_on = found + timedelta(days=rng.randrange(1, 6))
            hazard.rectified_on_time = hazard.rectified_on <= due.due
        elif due.due < today and roll < 0.9:
            hazard.status = H.CLOSED
            hazard.rectified_on = due.due + timedelta(days=rng.randrange(2, 10))
            hazard.rectified_on_time = False
        elif due.due < today:
            hazard.status = H.REPORTED
            hazard.reported_on = due.due - timedelta(days=1)
        hazards.append(hazard)
    hazards = Hazard.objects.bulk_create(hazards)
    HazardCheck.objects.bulk_create(
        [
            HazardCheck(
                hazard=h, kind="found", text=h.description, author_name="demo", on=h.found_on
            )
            for h in hazards
        ]
    )

    sender = User.objects.filter(username="leadership").first() or officers[grids[0].pk][0]
    notice = Notice.objects.create(
        number=f"TZ{today.year}-D0001",
        kind=NoticeKind.EMERGENCY,
        title="关于做好寒潮天气安全防范工作的通知",
        body="受强冷空气影响，未来三天我区将出现大风降温天气。请各企业落实安全生产主体责任，"
        "检查消防设施、供暖设备和室外设施，做好防冻、防火、防风措施。",
        grids=[g.code for g in grids[:4]],
        sent_by=sender,
        sent_on=today - timedelta(days=2),
    )
    moment = timezone.now() - timedelta(days=1)
    recipients = [
        NoticeRecipient(
            notice=notice,
            enterprise=e,
            grid=g,
            acknowledged_at=moment if e != ours and rng.random() < 0.7 else None,
        )
        for g in grids[:4]
        for e in by_grid[g.pk]
    ]
    NoticeRecipient.objects.bulk_create(recipients, batch_size=1000)
    summary = (
        f"{len(visits)} visits, {len(inspections)} inspections, {len(hazards)} hazards, "
        f"1 notice to {len(recipients)} enterprises"
    )
    audit.record(
        actor=DEMO,
        action="servicedesk.demo_field_loaded",
        object_type="servicedesk.visit",
        after={"visits": len(visits), "hazards": len(hazards), "notices": 1},
    )
    return summary
