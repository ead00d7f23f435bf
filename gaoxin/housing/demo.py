"""Demo sales for `make run`: batches at several stages so a new user can look around."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.registry.identifiers import make_id_number

from . import services
from .choices import Channel, Relation
from .models import SaleBatch
from .registration import MemberIn

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "志强",
    "晓东",
    "海燕",
    "建华",
]


def _units(count: int) -> bytes:
    lines = ["楼栋,单元,房号,建筑面积,总价"]
    for i in range(count):
        building, floor, room = 1 + i // 24, 2 + (i % 24) // 2, 1 + i % 2
        area = (89, 105, 120)[i % 3]
        lines.append(f"{building}号楼,1,{floor}0{room},{area}.00,{area * 16800}")
    return ("\n".join(lines) + "\n").encode()


def _household(rng: random.Random, n: int) -> list[MemberIn]:
    def name() -> str:
        return rng.choice(SURNAMES) + rng.choice(GIVEN)

    born = date(1980, 1, 1) + timedelta(days=3 * n)  # unique per n: no two households share
    sequence = rng.randrange(0, 499)
    members = [
        MemberIn(Relation.APPLICANT, name(), make_id_number("340104", born, 2 * sequence + 1))
    ]
    if rng.random() < 0.6:
        members.append(
            MemberIn(Relation.SPOUSE, name(), make_id_number("340111", born, 2 * sequence))
        )
    return members


def load_demo_sales() -> list[str]:
    if SaleBatch.objects.exists():
        return []
    rng = random.Random(2026)  # noqa: S311  (deterministic demo data, not security)
    developer = User.objects.filter(username="developer").first()
    office = services.sales_office_create(
        actor=None, name="合肥高新置业有限公司（演示）", members=[developer] if developer else []
    )
    project = services.project_create(
        actor=None,
        name="高新·职住苑（演示）",
        address="合肥市高新区望江西路与创新大道交口",
        sales_office=office,
        presale_permit="合房预售证第 2026-118 号",
    )
    now = timezone.now()
    lines = []
    for code, name, units, applicants, stage in (
        ("GX26A", "第一批次", 48, 60, "review"),
        ("GX26B", "第二批次", 96, 40, "registration"),
        ("GX26C", "第三批次", 24, 0, "draft"),
    ):
        batch = services.batch_create(
            actor=None,
            project=project,
            name=name,
            code=code,
            registration_opens_at=now - timedelta(days=2),
            registration_closes_at=now + timedelta(days=12),
        )
        services.units_import(actor=None, batch=batch, data=_units(units), filename="demo.csv")
        services.batch_declare_entropy(
            actor=None,
            batch=batch,
            sources=[
                ("上证综合指数收盘点位×100", "上海证券交易所，登记截止后第一个交易日收盘"),
                ("福彩3D开奖号码", "中国福利彩票，登记截止后第一期"),
            ],
        )
        if stage == "draft":
            lines.append(f"{code}: draft / 草稿")
            continue
        services.batch_publish(actor=None, batch=batch)
        for n in range(applicants):
            pools = [
                p
                for p, share in (("first_home", 0.55), ("key_industry", 0.35))
                if rng.random() < share
            ]
            services.application_register(
                actor=developer,
                batch=batch,
                members=_household(rng, n + 100 * len(lines)),
                pools=pools,
                channel=Channel.IMPORT,
            )
        if stage == "review":
            services.batch_close_registration(actor=None, batch=batch)
        lines.append(f"{code}: {stage}, {units} units, {applicants} applications")
    applicant = User.objects.filter(username="applicant").first()
    if applicant is not None:
        batch = SaleBatch.objects.get(code="GX26B")
        services.application_register(
            actor=applicant,
            batch=batch,
            pools=["first_home"],
            members=[
                MemberIn(
                    Relation.APPLICANT, "张晓明", make_id_number("340104", date(1992, 8, 8), 17)
                )
            ],
        )
        lines.append("applicant 张晓明 registered in GX26B")
    return lines
