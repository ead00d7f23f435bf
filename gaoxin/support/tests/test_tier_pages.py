"""The tier pages: the zone computes and publishes; the enterprise sees its own tier and what
it lacks, and no other enterprise's."""

from __future__ import annotations

import pytest
from django.test import Client

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.accounts.services import role_grant
from gaoxin.common.actors import OPERATOR

from .builders import user
from .test_tiers import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _client(who) -> Client:
    client = Client()
    client.force_login(who)
    return client


def test_compute_review_publish_then_the_enterprise_sees_its_tier_and_what_it_lacks(world):  # noqa: F811
    admin = _client(user("tieradmin", roles.ZONE_ADMIN))
    leader = _client(user("tierleader", roles.LEADERSHIP))
    firm_user = user("mid-firm", "")
    role_grant(
        actor=OPERATOR,
        user=firm_user,
        role=roles.ENTERPRISE_USER,
        scope_kind=ScopeKind.ENTERPRISE,
        scope_key=world["mid"].credit_code,
    )
    firm = _client(firm_user)
    mid_url = f"/support/tiers/enterprise/{world['mid'].credit_code}/"
    big_url = f"/support/tiers/enterprise/{world['big'].credit_code}/"
    assert admin.get("/support/tiers/compute/").status_code == 405
    assert leader.post("/support/tiers/compute/", {"year": "2026"}).status_code == 403
    assert admin.post("/support/tiers/compute/", {"year": "2026"}).status_code == 302
    zone_page = admin.get("/support/tiers/?year=2026").content.decode()
    assert "专精特新" in zone_page and world["mid"].name in zone_page
    assert "尚未公布" in firm.get(mid_url).content.decode()  # under review: not shown yet
    assert firm.get(big_url).status_code == 403
    assert admin.post("/support/tiers/publish/", {"year": "2026"}).status_code == 403
    leader.post("/support/tiers/publish/", {"year": "2026"})
    assert firm.get("/support/tiers/mine/")["Location"] == mid_url
    page = firm.get(mid_url).content.decode()
    assert "专精特新" in page and "领航" in page
    assert "1,320.00" in page and "不符合" in page
    again = admin.post("/support/tiers/compute/", {"year": "2026"}, follow=True)
    assert "已公布，不能重新计算" in again.content.decode()
    assert _client(user("stranger", roles.APPLICANT)).get("/support/tiers/mine/").status_code == 403


def test_the_zones_list_filters_by_tier_name_and_movement_and_pages(world):  # noqa: F811
    from gaoxin.registry.tests.factories import EnterpriseFactory
    from gaoxin.support.services import tiers

    faded = "渐弱科技有限公司"
    fading = EnterpriseFactory(name=faded)
    world["stats"].year(fading, 2025, revenue=100, rnd=10)  # R&D 10% → 科技型 in 2025
    world["stats"].year(fading, 2026, revenue=100)  # no R&D in 2026 → no tier
    tiers.tier_run_compute(actor=OPERATOR, year=2025)
    tiers.tier_run_publish(actor=OPERATOR, year=2025)
    tiers.tier_run_compute(actor=OPERATOR, year=2026)
    admin = _client(user("tieradmin", roles.ZONE_ADMIN))

    def names(query: str) -> str:
        return admin.get(f"/support/tiers/?year=2026&{query}").content.decode()

    everyone = names("")
    assert "5 家企业" in everyone and 'data-testid="moved-up"' in everyone
    up = names("moved=up")  # big (none → 领航) and mid (none → 专精特新)
    assert world["big"].name in up and world["mid"].name in up and faded not in up
    assert "2 家企业" in up
    down = names("moved=down")
    assert faded in down and world["big"].name not in down and "降档" in down
    spec = names("tier=specialised")
    assert world["mid"].name in spec and world["big"].name not in spec
    none = names("tier=none")
    assert faded in none and world["small"].name in none and world["mid"].name not in none
    found = names(f"q={world['small'].credit_code}")
    assert world["small"].name in found and "1 家企业" in found
    assert "没有符合筛选条件的企业" in names("q=不存在的企业")
    # Fifty to a page: the 51st enterprise is on page 2.
    EnterpriseFactory.create_batch(50)
    tiers.tier_run_compute(actor=OPERATOR, year=2026)
    first = names("")
    assert "55 家企业" in first and "第 1 页，共 2 页" in first
    assert names("page=2").count("/support/tiers/enterprise/") == 5
