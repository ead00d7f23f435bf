"""The open calls through their pages: who opens which, the expert's page shows only their own
scores and the applications they are not excluded from, the ranking is the zone's only, and a
refusal comes back as a message in the user's language."""

from __future__ import annotations

import pytest
from django.test import Client

from gaoxin.support.models import CallApplication, CallScore

from .call_builders import applied, in_review, open_call, score

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_expert_page_is_blind_and_the_ranking_is_the_zones():
    world = open_call()
    a1, a2 = in_review(world)
    e1, e2, e3 = world.experts
    score(e3, a1, 77, 66, 55)
    score(e3, a2, 44, 33, 22)
    page = _client(e2).get("/support/expert/").content.decode()
    assert a1.number in page and a2.number in page
    for value in ("77", "66", "55", "44", "33", "22"):
        assert f'value="{value}"' not in page
    own = _client(e3).get("/support/expert/").content.decode()
    assert 'value="77"' in own
    excluded = _client(e1).get("/support/expert/").content.decode()
    assert f'data-number="{a1.number}"' not in excluded and f'data-number="{a2.number}"' in excluded
    ranking = f"/support/calls/{world.call.pk}/ranking/"
    for user in (e1, e2, e3, world.rep1):
        assert _client(user).get(ranking).status_code == 403
    assert _client(world.z.auditor).get(ranking).status_code == 200
    # an excluded expert posting scores anyway: refused, nothing saved
    response = _client(e1).post(
        f"/support/expert/applications/{a1.pk}/score/",
        {f"score_{c.pk}": "99" for c in world.call.criteria.all()},
        follow=True,
    )
    assert "回避" in response.content.decode()
    assert not CallScore.objects.filter(expert=e1).exists()


def test_an_enterprise_applies_through_the_public_page_and_sees_its_application():
    world = open_call()
    rep = _client(world.rep1)
    page = rep.get(f"/support/open-calls/{world.call.pk}/").content.decode()
    assert world.call.title in page and 'data-testid="apply"' in page
    response = rep.post(
        f"/support/open-calls/{world.call.pk}/apply/",
        {"team": "攻关组", "proposal": "详细的揭榜方案内容"},
        follow=True,
    )
    assert CallApplication.objects.filter(enterprise=world.z.firm).exists()
    assert "攻关组" in response.content.decode()
    again = rep.post(
        f"/support/open-calls/{world.call.pk}/apply/",
        {"team": "攻关组", "proposal": "详细的揭榜方案内容"},
        follow=True,
    )
    assert "已申报本榜单" in again.content.decode()
    english = _client(world.rep2)
    english.cookies["gaoxin_language"] = "en"
    short = english.post(
        f"/support/open-calls/{world.call.pk}/apply/", {"team": "T", "proposal": "x"}, follow=True
    )
    assert "“Proposal” needs at least 5 characters." in short.content.decode()


def test_zone_pages_and_the_transitions_are_post_only_and_for_the_zone_administrator():
    world = open_call()
    applied(world)
    pk = world.call.pk
    auditor, admin = _client(world.z.auditor), _client(world.z.admin)
    assert auditor.get(f"/support/calls/{pk}/").status_code == 200
    assert _client(world.rep1).get(f"/support/calls/{pk}/").status_code == 403
    for step in ("publish", "close", "review", "decide", "announce", "confirm", "edit", "panel"):
        assert admin.get(f"/support/calls/{pk}/{step}/").status_code == 405
        assert auditor.post(f"/support/calls/{pk}/{step}/").status_code == 403
    refused = admin.post(f"/support/calls/{pk}/close/", follow=True).content.decode()
    assert "未到" in refused  # the deadline has not passed


def test_the_home_page_lists_what_waits_for_an_expert():
    from django.test import RequestFactory

    from gaoxin.common.todos import todos_for

    world = open_call()
    a1, _a2 = in_review(world)
    e2 = world.experts[1]

    def waiting(who):
        request = RequestFactory().get("/")
        request.user = who
        return [(t.url, t.count) for t in todos_for(request).get("support_expert", [])]

    assert waiting(e2) == [("/support/expert/", 2)]
    score(e2, a1, 80, 80, 80)
    assert waiting(e2) == [("/support/expert/", 1)]
    assert waiting(world.experts[0]) == [("/support/expert/", 1)]  # excluded from a1
    assert "待评审的申报" in _client(e2).get("/").content.decode()


def test_the_call_pages_read_in_english_too():
    world = open_call()
    in_review(world)
    admin = _client(world.z.admin)
    admin.cookies["gaoxin_language"] = "en"
    page = admin.get(f"/support/calls/{world.call.pk}/").content.decode()
    assert "Under expert review" in page and "Employed by " + world.z.firm.name in page
    ranking = admin.get(f"/support/calls/{world.call.pk}/ranking/").content.decode()
    assert "Scoring rule: for each criterion" in ranking and "at least 5 of them" in ranking
    chinese = _client(world.z.admin).get(f"/support/calls/{world.call.pk}/").content.decode()
    assert "专家评审中" in chinese and "受雇于 " + world.z.firm.name in chinese
    expert = _client(world.experts[0])
    expert.cookies["gaoxin_language"] = "en"
    assert "You see your own scores only" in expert.get("/support/expert/").content.decode()
