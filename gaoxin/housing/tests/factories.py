"""Test data for housing: a sales office, project, and a batch at a chosen stage."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from gaoxin.housing import services
from gaoxin.housing.models import SaleBatch
from gaoxin.registry.identifiers import make_id_number


def units_csv(count: int = 40) -> bytes:
    lines = ["楼栋,单元,房号,建筑面积,总价"]
    for i in range(count):
        lines.append(
            f"{1 + i // 20},1,{101 + i % 20 + 100 * (i // 20)},{89 + i % 3}.50,{1500000 + i * 1000}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def person_id(n: int, born: date = date(1990, 5, 17)) -> str:
    return make_id_number("340104", born, n % 1000)


def child_id(n: int, born: date) -> str:
    return make_id_number("340104", born, n % 1000)


def make_batch(
    *, developer: Any = None, status: str = "registration", code: str = "T2026", units: int = 40
) -> SaleBatch:
    office = services.sales_office_create(
        actor=None, name=f"合肥某置业有限公司 {code}", members=[developer] if developer else []
    )
    project = services.project_create(
        actor=None,
        name=f"高新雅苑 {code}",
        address="合肥市高新区创新大道 1 号",
        sales_office=office,
    )
    now = timezone.now()
    batch = services.batch_create(
        actor=None,
        project=project,
        name="第一批次",
        code=code,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=6),
    )
    if units:
        services.units_import(actor=_admin(), batch=batch, data=units_csv(units), filename="u.csv")
    services.batch_declare_entropy(
        actor=None,
        batch=batch,
        sources=[("上证综指收盘点位×100", "上海证券交易所 2026-12-08 收盘")],
    )
    if status != "draft":
        services.batch_publish(actor=None, batch=batch)
    batch.refresh_from_db()
    return batch


def _admin() -> Any:
    from gaoxin.accounts import roles
    from gaoxin.accounts.models import User
    from gaoxin.accounts.services import user_create

    existing = User.objects.filter(username="factory-admin").first()
    if existing:
        return existing
    roles.sync_roles()
    return user_create(
        actor=None, username="factory-admin", password=None, role_codes=[roles.ZONE_ADMIN]
    )
