"""Demo data for `make run`: the default template, the departments' people, and seventeen
projects replayed through the services on the dates they happened (clock.on) — ten that
achieved 拿地即开工 (one with its land contract on 15 June and its construction permit on
30 June), and projects in flight at every stage, some with 容缺 documents and corrections.
Every figure on the dashboard is counted from these rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.accounts.demo import demo_user as _user
from gaoxin.common import workdays
from gaoxin.common.actors import DEMO
from gaoxin.registry.models import Enterprise

from . import clock, services
from .models import Project, ProjectItem, ProjectStage
from .services.template import DEPARTMENTS

YEAR = 2026


class _Walk:
    """One project's history, step by step, each on its day."""

    def __init__(self, people: dict[str, Any], project: Project) -> None:
        self.people, self.p = people, project
        self.cal = workdays.calendar()

    def next_day(self, day: date, n: int = 1) -> date:
        return self.cal.add(day, n).due

    def stage(self, order: int) -> ProjectStage:
        return ProjectStage.objects.select_related("lead_department").get(
            project=self.p, order=order
        )

    def items(self, order: int) -> list[ProjectItem]:
        return list(
            ProjectItem.objects.select_related("department").filter(
                project=self.p, stage__order=order
            )
        )

    def submit(self, order: int, day: date, deferred: dict[str, date] | None = None) -> None:
        deferred = deferred or {}
        s = self.stage(order)
        codes = {d[0] for it in self.items(order) for d in it.documents}
        with clock.on(day):
            services.package_submit(
                actor=self.people["agent"],
                stage_pk=s.pk,
                uploads={
                    c: services.Upload(f"{c}.pdf", f"{self.p.number} {c}".encode())
                    for c in codes
                    if c not in deferred
                },
                promises=deferred,
            )

    def dispatch(self, order: int, day: date) -> None:
        s = self.stage(order)
        with clock.on(day):
            services.package_dispatch(
                actor=self.people[f"window-{s.lead_department.code}"], stage_pk=s.pk
            )

    def decide(self, code: str, day: date, decision: str = "approve", text: str = "") -> None:
        it = ProjectItem.objects.select_related("department").get(project=self.p, code=code)
        with clock.on(day):
            services.item_decide(
                actor=self.people[f"reviewer-{it.department.code}"],
                item_pk=it.pk,
                decision=decision,
                version=it.version,
                text=text,
            )

    def answer(self, code: str, day: date) -> None:
        it = ProjectItem.objects.get(project=self.p, code=code)
        with clock.on(day):
            services.correction_answer(actor=self.people["agent"], item_pk=it.pk, note="已补正")

    def prereview(self, code: str, day: date) -> None:
        it = ProjectItem.objects.select_related("department").get(project=self.p, code=code)
        with clock.on(day):
            services.item_prereview(
                actor=self.people[f"reviewer-{it.department.code}"], item_pk=it.pk
            )

    def upload(self, code: str, day: date) -> None:
        with clock.on(day):
            services.document_receive(
                actor=self.people["agent"],
                project_pk=self.p.pk,
                code=code,
                upload=services.Upload(f"{code}.pdf", f"{self.p.number} {code}".encode()),
            )

    def land(self, day: date) -> None:
        with clock.on(day):
            services.land_contract_enter(
                actor=self.people["agent"], project_pk=self.p.pk, signed_on=day
            )

    def stage_one(self, day: date, *, correction: bool = False) -> date:
        """Stage 1 end to end from `day`; the day it closed."""
        self.submit(1, day)
        d = self.next_day(day)
        self.dispatch(1, d)
        self.decide("S1-01", self.next_day(d, 2))
        if correction:
            self.decide("S1-02", self.next_day(d, 2), "correction", "用地红线图比例不符，请补正")
            self.answer("S1-02", self.next_day(d, 5))
        self.decide("S1-02", self.next_day(d, 7))
        self.decide("S1-03", self.next_day(d, 8))
        return self.next_day(d, 8)

    def quick_start(self, day: date, land: date, *, permit_later: date | None = None) -> None:
        """Stage 1, then stage 2 and the permit stage pre-reviewed before `land`; with
        `permit_later`, the fire design review is reviewed after land and decided that day."""
        closed = self.stage_one(day)
        s2 = self.next_day(closed)
        self.submit(2, s2, {"D03": land})
        self.dispatch(2, self.next_day(s2))
        pre = self.next_day(s2, 3)
        self.upload("D05", pre)
        self.upload("D07", pre)
        for code in ("S2-01", "S2-02", "S2-03", "S3-02"):
            self.prereview(code, pre)
        if permit_later is None:
            self.prereview("S3-01", pre)
        self.land(land)
        self.upload("D03", land)
        if permit_later is not None:
            self.submit(3, land)
            self.dispatch(3, land)
            self.decide("S3-01", permit_later)


@transaction.atomic
def load_demo_approvals() -> list[str]:
    if Project.objects.exists():
        return []
    services.template_default(actor=DEMO)
    enterprises = list(Enterprise.objects.order_by("pk")[:17])
    if len(enterprises) < 17:
        return ["approvals: the registry's demo enterprises are missing; nothing loaded"]
    dept = ScopeKind.APPROVAL_DEPARTMENT
    people: dict[str, Any] = {
        "agent": _user("agent", "帮办代办专员（演示）", roles.APPROVAL_AGENT),
    }
    for code, name in DEPARTMENTS:
        people[f"reviewer-{code}"] = _user(
            f"reviewer-{code}", f"{name}审批人（演示）", roles.APPROVAL_REVIEWER, dept, code
        )
        _user(f"head-{code}", f"{name}负责人（演示）", roles.APPROVAL_HEAD, dept, code)
        people[f"window-{code}"] = _user(
            f"window-{code}", f"{name}综合窗口（演示）", roles.APPROVAL_INTAKE, dept, code
        )
    names = [
        "智能装备",
        "新能源电池",
        "集成电路封测",
        "生物医药",
        "新材料",
        "光伏组件",
        "工业机器人",
        "汽车零部件",
        "智能家电",
        "医疗器械",
        "精密模具",
        "储能系统",
        "半导体设备",
        "无人机",
        "智能传感器",
        "高端纺织",
        "数据中心",
    ]
    walks = []
    for i, enterprise in enumerate(enterprises):
        with clock.on(date(YEAR, 1, 5) + timedelta(days=7 * i)):
            project = services.project_start(
                actor=people["agent"],
                credit_code=enterprise.credit_code,
                name=f"{names[i]}产业化项目",
                parcel=f"GX{YEAR}-{i + 1:02d}",
                investment=str(20000 + 5000 * i),
                green_channel=i % 4 == 0,
                agent_authorisation=f"授权委托书 {YEAR}-{i + 1:03d}",
            )
        walks.append(_Walk(people, project))
    # Ten projects achieved 拿地即开工; the third: land on 15 June, permit on 30 June.
    lands = [
        date(YEAR, 3, 2),
        date(YEAR, 3, 23),
        date(YEAR, 6, 15),
        date(YEAR, 4, 13),
        date(YEAR, 5, 11),
        date(YEAR, 5, 25),
        date(YEAR, 7, 6),
        date(YEAR, 7, 20),
        date(YEAR, 8, 10),
        date(YEAR, 9, 7),
    ]
    for i, land in enumerate(lands):
        start = date(YEAR, 1, 5) + timedelta(days=7 * i)
        later = date(YEAR, 6, 30) if land == date(YEAR, 6, 15) else None
        walks[i].quick_start(start, land, permit_later=later)
    today = clock.today()
    # In flight: stage 1 open; submitted awaiting intake; in review with a correction (clock
    # stopped) and a 容缺 document; stage 2 in review; stage 3 in review; one fully complete.
    w = walks[10]
    w.submit(1, today - timedelta(days=1))
    w = walks[11]
    w.submit(1, today - timedelta(days=14), {"D06": today + timedelta(days=20)})
    d = w.next_day(today - timedelta(days=14))
    w.dispatch(1, d)
    w.decide("S1-02", w.next_day(d, 2), "correction", "选址意见书附图缺少坐标，请补正")
    w = walks[12]
    closed = w.stage_one(today - timedelta(days=40), correction=True)
    w.submit(2, w.next_day(closed), {"D03": today + timedelta(days=30)})
    w.dispatch(2, w.next_day(closed, 2))
    w = walks[13]
    closed = w.stage_one(today - timedelta(days=60))
    w.submit(2, w.next_day(closed))
    w.dispatch(2, w.next_day(closed, 2))
    for code in ("S2-01", "S2-02", "S2-03"):
        w.decide(code, w.next_day(closed, 6))
    # 15 working days of the fire design review end after today: it is in review now.
    w.submit(3, w.next_day(closed, 7))
    w.dispatch(3, w.next_day(closed, 8))
    w = walks[14]
    # Pre-reviewed too, but its fire design review took six weeks after land: no 拿地即开工.
    w.quick_start(
        today - timedelta(days=150),
        today - timedelta(days=100),
        permit_later=today - timedelta(days=58),
    )
    # Long past its land date; the fire inspection asked for a correction at acceptance.
    w.submit(4, today - timedelta(days=20))
    d = w.next_day(today - timedelta(days=20))
    w.dispatch(4, d)
    w.decide("S4-01", w.next_day(d, 3), "correction", "消防验收资料缺少检测报告")
    # One project went through all four stages the ordinary way (no pre-review).
    w = walks[15]
    closed = w.stage_one(date(YEAR, 1, 5) + timedelta(days=7 * 15))
    w.land(w.next_day(closed))
    w.submit(2, w.next_day(closed))
    w.dispatch(2, w.next_day(closed, 2))
    for code in ("S2-01", "S2-02", "S2-03"):
        w.decide(code, w.next_day(closed, 10))
    w.submit(3, w.next_day(closed, 11))
    w.dispatch(3, w.next_day(closed, 12))
    w.decide("S3-01", w.next_day(closed, 20))
    w.decide("S3-02", w.next_day(closed, 22))
    w.submit(4, w.next_day(closed, 60))
    w.dispatch(4, w.next_day(closed, 61))
    w.decide("S4-01", w.next_day(closed, 70))
    w.decide("S4-02", w.next_day(closed, 72))
    # walks[16]: just started, stage 1 open.
    quick = Project.objects.filter(quick_start=True).count()
    return [f"approvals: {len(walks)} projects, {quick} achieved 拿地即开工"]
