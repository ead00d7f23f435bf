"""Who opens enterprise support's pages, and the award's transitions through the pages: POST
only, refused to roles without the rule, refusals shown with the ceiling's sums."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import ALL_ROLES
from gaoxin.support.choices import AwardStatus
from gaoxin.support.models import LedgerEntry, Milestone

from .builders import proposed, zone

pytestmark = pytest.mark.django_db

READERS = {"leadership", "auditor", "zone_admin"}
EVERYONE = set(ALL_ROLES)
SUPPORT_PAGES = {
    "support:awards": ("/support/awards/", READERS),
    "support:calls_zone": ("/support/calls/", READERS),
    # the published open calls and one's own applications: anyone logged in
    "support:calls_public": ("/support/open-calls/", EVERYONE),
    "support:calls_mine": ("/support/open-calls/mine/", EVERYONE),
    "support:expert": ("/support/expert/", {"support_expert"}),
    "support:ledger_export": ("/support/ledger.xlsx", READERS),
    "support:tiers": ("/support/tiers/", READERS),
    "support:indicators": ("/support/indicators/", READERS),
    "support:indicator_sources": ("/support/indicators/sources/", {"zone_admin"}),
}
# An award's page, tested with an award below.
# An enterprise's tier: the zone's readers and the enterprise's own users (test_tier_pages.py);
# "mine" sends an enterprise user to it, and refuses anyone acting for no enterprise.
# A call's zone page and ranking (the zone's readers) and its public page (anyone logged in, once
# published): test_call_pages.py.
SUPPORT_OBJECT_PAGES = {
    "support:award",
    "support:tier_enterprise",
    "support:tier_mine",
    "support:call_zone",
    "support:call_ranking",
    "support:call_public",
}
SUPPORT_POSTS = {
    "support:award_new",
    "support:award_milestones",
    "support:award_approve",
    "support:award_refuse",
    "support:milestone_pay",
    "support:tiers_compute",
    "support:tiers_publish",
    "support:land_sale",
    "support:value_added",
    "support:call_new",
    "support:call_edit",
    "support:call_panel",
    "support:call_publish",
    "support:call_close",
    "support:call_review",
    "support:call_decide",
    "support:call_announce",
    "support:call_confirm",
    "support:call_objection_answer",
    "support:call_apply",
    "support:call_object",
    "support:expert_score",
    "support:expert_conflict",
}


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
@pytest.mark.parametrize("name", list(SUPPORT_PAGES))
def test_support_pages_by_zone_wide_role(client_for, name, role):
    path, allowed = SUPPORT_PAGES[name]
    response = client_for(role).get(path)
    if role in allowed:
        assert response.status_code == 200, (name, role)
    elif role == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code == 403, (name, role, response.status_code)


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_an_award_goes_through_the_pages_and_a_refusal_names_the_ceiling():
    z = zone()
    admin, leader, auditor = _client(z.admin), _client(z.leader), _client(z.auditor)
    response = admin.post(
        "/support/awards/new/",
        {
            "programme": "competition",
            "recipient": z.firm.credit_code,
            "title": "大赛一等奖",
            "year": "2026",
            "amount": "8000000",
        },
    )
    assert response.status_code == 302
    award_url = response["Location"]
    pk = int(award_url.rstrip("/").split("/")[-1])
    assert auditor.get(award_url).status_code == 200
    assert _client(None).get(award_url).status_code == 302
    for path in (f"{award_url}approve/", f"{award_url}milestones/", f"{award_url}refuse/"):
        assert admin.get(path).status_code == 405
        assert auditor.post(path, {"reason": "x"}).status_code == 403
    admin.post(
        f"{award_url}milestones/",
        {
            "title_1": "授信启用",
            "amount_1": "5000000",
            "title_2": "到期结算",
            "amount_2": "3000000",
        },
    )
    leader.post(f"{award_url}approve/")
    page = admin.get(award_url).content.decode()
    assert "已批准" in page or "Approved" in page
    assert LedgerEntry.objects.filter(award_id=pk).count() == 1
    m1 = Milestone.objects.get(award_id=pk, seq=1)
    assert auditor.post(f"{award_url}milestones/{m1.pk}/pay/", {"evidence": "x"}).status_code == 403
    admin.post(f"{award_url}milestones/{m1.pk}/pay/", {"evidence": "银行授信合同"})
    page = admin.get(award_url).content.decode()
    assert "银行授信合同" in page and "5,000,000" in page
    # a second award that would pass the 10,000,000 ceiling: refused, with the sums shown
    second = proposed(z, "talent", z.talent.id_number, 1_000)  # another programme: unaffected
    assert second.status == AwardStatus.PROPOSED
    over = admin.post(
        "/support/awards/new/",
        {
            "programme": "competition",
            "recipient": z.firm.credit_code,
            "title": "再次授信",
            "year": "2026",
            "amount": "2000001",
        },
        follow=True,
    )
    text = over.content.decode()
    assert "超过每个对象 10,000,000 元的上限" in text and "10,000,001" in text
    english = _client(z.admin)
    english.cookies["gaoxin_language"] = "en"
    listing = english.get("/support/awards/").content.decode()
    assert "Competition-winning project" in listing
    assert z.talent.name not in listing  # a person's name is masked
