"""The indicators' own sources entered through the page: a land sale and a year's value added
change the indicators at once; bad input is refused naming the field and keeps what was typed;
only the zone administrator enters them; every entry is audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from gaoxin.common.errors import GaoxinError
from gaoxin.common.models import AuditEvent
from gaoxin.support import indicators
from gaoxin.support.models import LandSale, SectorValueAdded
from gaoxin.support.services import sources
from gaoxin.testing.errors import raises_code

from .builders import user

pytestmark = pytest.mark.django_db
LAND = indicators.BY_CODE["industrial_land_share"]
GDP = indicators.BY_CODE["secondary_share"]


def _admin() -> Client:
    client = Client()
    client.force_login(user("sources-admin", "zone_admin"))
    return client


def test_entries_through_the_page_move_the_indicators_and_are_audited():
    admin = _admin()
    for parcel, use, area in (("gx-01", "industrial", "862000"), ("GX-02", "commercial", "138000")):
        response = admin.post(
            "/support/indicators/sources/land/",
            {"parcel": parcel, "sold_on": "2025-06-15", "use": use, "area_m2": area},
        )
        assert response.status_code == 302
    assert LandSale.objects.get(parcel="GX-01").area_m2 == Decimal(862000)  # upper-cased
    assert LAND.compute(2025).number == Decimal("86.2")
    response = admin.post(
        "/support/indicators/sources/value-added/",
        {"year": "2025", "primary": "10", "secondary": "278.08", "tertiary": "151.92"},
    )
    assert response.status_code == 302
    assert GDP.compute(2025).number == Decimal("63.2")
    page = admin.get("/support/indicators/sources/").content.decode()
    assert "GX-01" in page and "278.08" in page and "440.00" in page  # the year's total
    assert AuditEvent.objects.filter(action="support.land_sale.recorded").count() == 2
    event = AuditEvent.objects.get(action="support.value_added.set")
    assert event.object_id == "2025" and (event.after or {}).get("secondary") == "278.08"
    # Entering the year again replaces its figures, and the audit keeps what was there.
    admin.post(
        "/support/indicators/sources/value-added/",
        {"year": "2025", "primary": "10", "secondary": "230", "tertiary": "200"},
    )
    assert GDP.compute(2025).number == Decimal("52.27272727272727272727272727")
    again = AuditEvent.objects.filter(action="support.value_added.set").order_by("-id")[0]
    assert again.before == {"primary": "10.00", "secondary": "278.08", "tertiary": "151.92"}


@pytest.mark.parametrize(
    ("fields", "zh", "en"),
    [
        ({"parcel": ""}, "地块编号", "Parcel"),
        ({"sold_on": "2025-02-30"}, "出让日期", "Date sold"),
        ({"use": "farm"}, "用途", "Use"),
        ({"area_m2": "-5"}, "出让面积", "Area sold"),
        ({"area_m2": "0"}, "应大于 0", "more than 0"),
        ({"area_m2": "12.345"}, "最多两位小数", "at most two decimals"),
        ({"area_m2": "abc"}, "出让面积", "Area sold"),
    ],
)
def test_a_bad_land_sale_is_refused_naming_the_field_and_keeps_what_was_typed(fields, zh, en):
    good = {"parcel": "GX-09", "sold_on": "2025-06-15", "use": "industrial", "area_m2": "100"}
    admin = user("sources-admin", "zone_admin")
    client = Client()
    client.force_login(admin)
    response = client.post("/support/indicators/sources/land/", {**good, **fields})
    assert response.status_code == 422
    page = response.content.decode()
    assert zh in page
    assert f'value="{({**good, **fields})["parcel"]}"' in page  # the form comes back filled in
    assert not LandSale.objects.exists()
    with pytest.raises(GaoxinError) as caught:
        sources.land_sale_record(actor=admin, **{**good, **fields})
    assert en in caught.value.message("en")


def test_a_parcel_is_recorded_once_and_a_year_needs_all_three_sectors():
    actor = user("sources-admin", "zone_admin")
    sources.land_sale_record(
        actor=actor, parcel="GX-01", sold_on="2025-06-15", use="industrial", area_m2="10"
    )
    with raises_code("support.parcel_exists") as caught:
        sources.land_sale_record(
            actor=actor, parcel="gx-01", sold_on="2025-07-01", use="other", area_m2="5"
        )
    assert "2025-06-15" in caught.value.message("zh-hans")
    with raises_code("support.field_required") as missing:
        sources.value_added_set(actor=actor, year="2025", values={"primary": "1", "secondary": "2"})
    assert "第三产业" in missing.value.message("zh-hans")
    assert not SectorValueAdded.objects.exists()  # nothing half-written
    with raises_code("support.year_invalid"):
        sources.value_added_set(
            actor=actor, year="25", values={"primary": "1", "secondary": "2", "tertiary": "3"}
        )
    with raises_code("not_allowed"):
        sources.value_added_set(
            actor=user("reader", "leadership"),
            year="2025",
            values={"primary": "1", "secondary": "2", "tertiary": "3"},
        )
