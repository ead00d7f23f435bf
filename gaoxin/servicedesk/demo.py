"""Demo data for `make run`: a zone at the scale of the source page (Qingdao High-tech Zone):
24 grids, 83 grid officers, 1,200 key enterprises and carriers, and a year of about 2,800
requests of which about 98% are closed. The dashboard's figures are whatever this history
produces; nothing is typed in.

The history is generated, not lived: it is written in bulk (steps, replies, ratings) and the
audit chain records one event naming what was loaded. A handful of open requests are left for
the demo accounts to work: `officer`, `gridleader`, `department`, `leadership` and `enterprise`
(passwords demo-<name>-2026)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.accounts.demo import demo_user as _user
from gaoxin.accounts.models import RoleGrant, User
from gaoxin.common import audit, workdays
from gaoxin.common.actors import DEMO
from gaoxin.registry import identifiers
from gaoxin.registry.models import Enterprise

from . import clock, figurestore
from .choices import CarrierKind, Channel, EntryKind, Level
from .choices import RequestStatus as R
from .models import (
    Carrier,
    Category,
    Duty,
    DutyHolder,
    EnterpriseAssignment,
    Grid,
    RequestEntry,
    RequestStep,
    ServiceRequest,
)

GRIDS = 24
OFFICERS = 83
ENTERPRISES = 1_120
CARRIERS = 96
REQUESTS_PER_YEAR = 2_800
SEED = 20260
# The zone's rough extent (lon, lat) for the grids' polygons: a 6 × 4 lattice.
WEST, SOUTH, EAST, NORTH = 117.08, 31.78, 117.26, 31.88
STREETS = ["望江西路", "创新大道", "天达路", "黄山路", "长江西路", "习友路", "科学大道", "石莲南路"]
PARKS = ["创新产业园", "软件园", "留学人员创业园", "智能装备产业园", "生物医药园", "科技企业孵化器"]
DEMO_ACCOUNTS = (
    ("officer", "网格员（演示，第01网格）", roles.GRID_OFFICER, ScopeKind.GRID, "G01"),
    ("gridleader", "网格长（演示，第01网格）", roles.GRID_LEADER, ScopeKind.GRID, "G01"),
    ("department", "人社局承办人（演示）", roles.DEPARTMENT_OFFICER, ScopeKind.DEPARTMENT, "hr"),
    ("leadership", "管委会领导（演示）", roles.LEADERSHIP, "", ""),
    ("enterprise", "企业联络员（演示）", roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE, ""),
)


def _polygon(index: int) -> dict[str, Any]:
    column, row = index % 6, index // 6
    width, height = (EAST - WEST) / 6, (NORTH - SOUTH) / 4
    x0, y0 = WEST + column * width, NORTH - (row + 1) * height
    x1, y1 = x0 + width, y0 + height
    # A slight bulge on one side so the grids do not look like a spreadsheet.
    mid = round(y0 + height * (0.4 + 0.2 * ((index * 7) % 3) / 2), 5)
    ring = [[x0, y0], [x1, y0], [x1, mid], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}


@transaction.atomic
def load_demo_desk() -> list[str]:
    if Grid.objects.exists():
        return []
    rng = random.Random(SEED)  # noqa: S311  (deterministic demo data, not security)
    today = timezone.localdate()
    start = today - timedelta(days=365)
    grids = Grid.objects.bulk_create(
        [
            Grid(code=f"G{i + 1:02d}", name=f"第{i + 1:02d}网格", boundary=_polygon(i))
            for i in range(GRIDS)
        ]
    )
    carriers = Carrier.objects.bulk_create(
        [
            Carrier(
                code=f"C{i + 1:03d}",
                name=f"{rng.choice(PARKS)}{i + 1}号{'楼' if i % 3 else '园区'}",
                kind=[CarrierKind.PARK, CarrierKind.INCUBATOR, CarrierKind.BUILDING][i % 3],
                grid=grids[i % GRIDS],
                address=f"合肥市高新区{rng.choice(STREETS)}{rng.randrange(1, 900)}号",
            )
            for i in range(CARRIERS)
        ]
    )
    existing = list(Enterprise.objects.filter(status="active").order_by("pk")[:ENTERPRISES])
    made = Enterprise.objects.bulk_create(
        [
            Enterprise(
                credit_code=identifiers.make_credit_code("91", "340100", f"GX{i:06d}"),
                name=f"高新区网格演示企业{i + 1}号有限公司",
                registered_address=f"合肥市高新区{rng.choice(STREETS)}{rng.randrange(1, 900)}号",
                sector="软件和信息技术服务业",
                business_in_zone_from=date(2018, 1, 1),
                tax_in_zone_from=date(2018, 1, 1),
            )
            for i in range(ENTERPRISES - len(existing))
        ]
    )
    enterprises = existing + made
    since = date(start.year, 1, 1)
    by_grid: dict[int, list[Enterprise]] = {g.pk: [] for g in grids}
    assignments = []
    for i, enterprise in enumerate(enterprises):
        carrier = carriers[i % CARRIERS]
        assignments.append(
            EnterpriseAssignment(
                enterprise=enterprise, grid=carrier.grid, carrier=carrier, valid_from=since
            )
        )
        by_grid[carrier.grid_id].append(enterprise)
    EnterpriseAssignment.objects.bulk_create(assignments)

    # 83 officers: a leader per grid plus 59 more; each grid's four duties spread over its team.
    duties = list(Duty.objects.filter(active=True).order_by("sort_order"))
    officers: dict[int, list[User]] = {g.pk: [] for g in grids}
    demo_lines = []
    # The demo account signs in; the other 82 officers exist to hold duties and requests (no
    # password: hashing 82 passwords would take a minute of `make run`).
    staff = []
    for n in range(1, OFFICERS):
        user = User(username=f"gy{n + 1:02d}", display_name=f"网格员{n + 1:02d}")
        user.set_unusable_password()
        staff.append(user)
    staff = [_user(*DEMO_ACCOUNTS[0]), *User.objects.bulk_create(staff)]
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(
                user=user,
                role=roles.GRID_OFFICER,
                scope_kind=ScopeKind.GRID,
                scope_key=grids[n % GRIDS].code,
            )
            for n, user in enumerate(staff)
            if n > 0
        ]
    )
    for n, user in enumerate(staff):
        officers[grids[n % GRIDS].pk].append(user)
    for i, grid in enumerate(grids):
        team = officers[grid.pk]
        holders = [
            DutyHolder(grid=grid, duty=duty, officer=team[k % len(team)], valid_from=since)
            for k, duty in enumerate(duties)
        ]
        DutyHolder.objects.bulk_create(holders)
        if i == 0:
            _user(*DEMO_ACCOUNTS[1])
        else:
            RoleGrant.objects.create(
                user=team[-1],
                role=roles.GRID_LEADER,
                scope_kind=ScopeKind.GRID,
                scope_key=grid.code,
            )
    _user(*DEMO_ACCOUNTS[2])
    _user(*DEMO_ACCOUNTS[3])
    ours = by_grid[grids[0].pk][0]
    _user(*DEMO_ACCOUNTS[4][:4], ours.credit_code)
    demo_lines.append(
        "servicedesk demo accounts: officer, gridleader, department, leadership, enterprise "
        f"(passwords demo-<name>-2026; the enterprise is {ours.name} {ours.credit_code})"
    )

    count = _history(rng, grids, by_grid, officers, start, today, ours)
    figurestore.rebuild()  # the history was written in bulk, past the services
    from .demo_field import load as load_field

    field = load_field(rng, grids, by_grid, officers, today, ours)
    from .demo_statistics import load as load_statistics

    field += "; " + load_statistics(rng, grids, by_grid, officers, today, ours)
    audit.record(
        actor=DEMO,
        action="servicedesk.demo_loaded",
        object_type="servicedesk.grid",
        after={"grids": GRIDS, "enterprises": len(enterprises), "requests": count},
    )
    return [
        f"servicedesk: {GRIDS} grids, {len(carriers)} carriers, {len(enterprises)} enterprises, "
        f"{OFFICERS} officers, {count} requests over a year; {field}",
        *demo_lines,
    ]


def _history(
    rng: random.Random,
    grids: list[Grid],
    by_grid: dict[int, list[Enterprise]],
    officers: dict[int, list[User]],
    start: date,
    today: date,
    ours: Enterprise,
) -> int:
    cal = workdays.calendar()
    categories = list(Category.objects.filter(active=True).select_related("department"))
    weights = [6, 4, 2, 3, 3, 3, 2, 2, 1][: len(categories)]
    days = (today - start).days
    requests: list[ServiceRequest] = []
    plans: list[tuple[list[tuple[int, date, date | None, Any]], str]] = []
    for n in range(REQUESTS_PER_YEAR):
        grid = grids[min(int(rng.triangular(0, GRIDS, GRIDS * 0.3)), GRIDS - 1)]
        enterprise = rng.choice(by_grid[grid.pk])
        category = rng.choices(categories, weights)[0]
        accepted = start + timedelta(days=int(days * (n + rng.random()) / REQUESTS_PER_YEAR))
        accepted = min(accepted, today)
        officer = officers[grid.pk][0]
        request = ServiceRequest(
            number=f"{accepted.year}-D{n + 1:06d}",
            enterprise=enterprise,
            grid=grid,
            category=category,
            channel=rng.choices(
                [Channel.ENTERPRISE, Channel.PHONE, Channel.VISIT, Channel.HOTLINE], [5, 3, 3, 2]
            )[0],
            title=f"{category.name_zh}：{rng.choice(_TOPICS[category.code])}",
            description=rng.choice(_TOPICS[category.code]) + "，请网格协调解决。",
            accepted_on=accepted,
            step_started_on=accepted,
            handler=officer,
            last_change="demo",
            last_changed_by="system:demo",
        )
        # How far up the ladder it went, and how long each step took.
        ladder = rng.choices([1, 2, 3, 4], [80, 12, 7, 1])[0]
        steps: list[tuple[int, date, date | None, Any]] = []
        day, late = accepted, 0
        for level in range(1, ladder + 1):
            due = clock.step_deadline(cal, category, level, day).due
            final = level == ladder
            used = rng.choices([0.3, 0.7, 1.0, 1.6], [30, 40, 22, 8])[0] if final else 1.2
            end = cal.add(day, max(0, round(category.limit(level) * used))).due
            if end > due:
                late += 1
            steps.append((level, day, due, end))
            day = end
        resolved = day
        still_open = resolved > today or ((today - accepted).days < 4 and rng.random() < 0.5)
        level, step_start, last_due, _ended = steps[-1]
        request.level = level
        request.step_started_on = step_start
        request.department = category.department if level >= Level.DEPARTMENT else None
        if still_open:
            request.status = rng.choice([R.ASSIGNED, R.IN_PROGRESS, R.IN_PROGRESS, R.WAITING])
            request.step_due = last_due if request.status != R.WAITING else None
            request.waiting_since = today if request.status == R.WAITING else None
            request.overdue_steps = late if resolved <= today else max(0, late - 1)
            request.handler = officer if level == 1 else None
            steps[-1] = (level, step_start, last_due, None)
        else:
            request.status = R.CLOSED
            request.step_due = last_due
            request.reply = f"已协调处理：{rng.choice(_REPLIES)}"
            request.resolved_on = resolved
            request.resolved_level = level
            request.overdue_steps = late
            request.resolved_on_time = late == 0
            request.working_days = cal.count(accepted, resolved).days
            request.closed_on = min(today, cal.add(resolved, 2).due)
            if rng.random() < 0.85:
                request.rating = rng.choices([5, 4, 3, 2, 1], [62, 28, 6, 3, 1])[0]
        requests.append(request)
        plans.append((steps, request.reply))
    # Work for the demo officer of G01: one new, one in hand, one waiting for the enterprise.
    g01 = grids[0]
    for request, status in zip(
        requests[-4:-1], [R.ASSIGNED, R.IN_PROGRESS, R.WAITING], strict=True
    ):
        request.grid, request.enterprise = g01, rng.choice(by_grid[g01.pk])
        request.status, request.level, request.handler = status, Level.OFFICER, officers[g01.pk][0]
        request.department = None
        request.accepted_on = request.step_started_on = today - timedelta(days=1)
        deadline = clock.step_deadline(cal, request.category, Level.OFFICER, request.accepted_on)
        request.step_due = None if status == R.WAITING else deadline.due
        request.due_provisional = deadline.provisional
        request.waiting_since = today if status == R.WAITING else None
        request.reply, request.rating, request.closed_on = "", None, None
        request.resolved_on = request.resolved_level = request.resolved_on_time = None
        request.working_days = None
        request.overdue_steps = 0
        plans[requests.index(request)] = (
            [(Level.OFFICER, request.accepted_on, deadline.due, None)],
            "",
        )
    # The demo enterprise: one resolved request waiting for its rating.
    pending = requests[-1]
    pending.enterprise, pending.grid = ours, grids[0]
    pending.status, pending.rating, pending.closed_on = R.RESOLVED, None, None
    pending.level, pending.handler = Level.OFFICER, officers[grids[0].pk][0]
    pending.resolved_on = pending.resolved_on or today
    pending.resolved_level = pending.resolved_level or Level.OFFICER
    pending.reply = pending.reply or "已协调处理，请确认。"
    ServiceRequest.objects.bulk_create(requests, batch_size=500)
    saved = {r.number: r for r in ServiceRequest.objects.filter(number__contains="-D")}
    steps_rows, entries = [], []
    for request, (steps, reply) in zip(requests, plans, strict=True):
        row = saved[request.number]
        for i, (level, began, step_due, ended) in enumerate(steps):
            steps_rows.append(
                RequestStep(
                    request=row,
                    level=level,
                    department=row.department if level >= Level.DEPARTMENT else None,
                    handler=row.handler if level == Level.OFFICER else None,
                    started_on=began,
                    due_on=step_due,
                    ended_on=ended,
                    how="accepted" if i == 0 else "overdue",
                )
            )
        entries.append(
            RequestEntry(
                request=row, kind=EntryKind.EVENT, author_name="system:demo", text="受理。"
            )
        )
        if reply:
            entries.append(
                RequestEntry(
                    request=row, kind=EntryKind.REPLY, author_name="system:demo", text=reply
                )
            )
    RequestStep.objects.bulk_create(steps_rows, batch_size=1000)
    RequestEntry.objects.bulk_create(entries, batch_size=1000)
    return len(requests)


_TOPICS = {
    "policy": [
        "高新技术企业认定政策咨询",
        "研发费用加计扣除口径",
        "人才公寓申请条件",
        "专精特新申报材料",
    ],
    "hiring": ["急需招聘软件工程师", "技能人才补贴申领", "员工社保转移接续", "校园招聘场地"],
    "financing": ["流动资金贷款对接", "知识产权质押融资", "政策性担保", "股权融资路演"],
    "space": ["扩产需要新增厂房", "孵化器到期续租", "研发楼装修审批", "用地指标咨询"],
    "approvals": ["食品经营许可变更", "消防验收预约", "施工许可办理进度", "环评批复咨询"],
    "utilities": ["园区临时停电", "供水压力不足", "天然气开户", "5G 信号覆盖"],
    "safety": ["危化品仓库隐患整改", "消防通道被占用", "电气线路老化", "有限空间作业审批"],
    "tax": ["增值税留抵退税", "发票额度调整", "出口退税进度", "税收优惠备案"],
    "other": ["周边道路拥堵", "员工通勤班车", "园区食堂", "快递收发点设置"],
}
_REPLIES = [
    "已对接主管部门，企业问题已解决",
    "已现场协调，相关单位当天处理完毕",
    "已提供政策解读并协助准备申报材料",
    "已推荐合作金融机构并完成对接",
    "已督促责任单位整改并复查合格",
]
