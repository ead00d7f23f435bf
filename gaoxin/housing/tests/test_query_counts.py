"""Queries per page are fixed: each main housing page is requested for a batch of a few
households and for one four times larger, and the limit (the count measured when it was
written) must hold for both, so a query per row (N+1) fails here."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches

from gaoxin.housing.models import Application
from gaoxin.housing.proofs import roster_tree

from .builders import drawn_batch

pytestmark = pytest.mark.django_db

SIZES = [3, 12]

# page → the queries it makes (counted when this was written; logged-in pages include the
# session, the user, the user's roles and the session's save).
LIMITS = {
    "announcements": 1,
    # the batch, its units, their count and total price (万元); the roster's root and size and
    # whether drawn, for the verifier's commands (selectors.verifier_facts)
    "announcement": 4,
    "results": 5,  # cold: the batch and draw, the winners per round and the rules' round order
    # (all then cached), the entry; the roster's root and size for the verifier's commands and
    # the browser check (selectors.verifier_facts, asked once)
    # cold: includes reading the roster for the proof (then cached), the audited view of the
    # household's own data (housing.application.viewed: lock the chain head, write the event)
    # and the unit-choice turn; + the unread messages in the navigation (every signed-in page);
    # + the draw's time on the timeline; + the roster's root and size and whether drawn, for the
    # verifier's commands and the browser check (selectors.verifier_facts, asked once)
    "application": 25,
    "manage_batch": 19,  # + the latest draw request (the draw runs in the worker)
    "review_queue": 17,  # + counts by outcome and by failed condition, and the page's count
}


@pytest.fixture
def drawn(make_user: Any, request: pytest.FixtureRequest) -> Any:
    batch = drawn_batch(make_user, households=request.param)
    caches["default"].clear()  # the per-draw caches start cold: their query is counted too
    roster_tree.cache_clear()
    return batch


def _get(client: Any, url: str, data: dict[str, str] | None = None) -> str:
    response = client.get(url, data or {})
    assert response.status_code == 200, url
    return str(response.content.decode())


@pytest.mark.parametrize("drawn", SIZES, indirect=True)
def test_public_pages(drawn: Any, client: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(LIMITS["announcements"]):
        assert drawn.name in _get(client, "/housing/")
    with django_assert_max_num_queries(LIMITS["announcement"]):
        _get(client, f"/housing/{drawn.code}/")
    number = drawn.applications.order_by("number").last().number
    with django_assert_max_num_queries(LIMITS["results"]):
        assert 'data-testid="result"' in _get(
            client, f"/housing/{drawn.code}/results/", {"number": number}
        )


@pytest.mark.parametrize("drawn", SIZES, indirect=True)
def test_applicant_page(drawn: Any, client: Any, django_assert_max_num_queries: Any) -> None:
    application = Application.objects.filter(batch=drawn).order_by("-number")[0]
    client.force_login(application.user)
    with django_assert_max_num_queries(LIMITS["application"]):
        page = _get(client, f"/housing/applications/{application.number}/")
    assert drawn.roster.root in page  # the inclusion proof is on the page


@pytest.mark.parametrize("drawn", SIZES, indirect=True)
def test_back_office_pages(drawn: Any, client_for: Any, django_assert_max_num_queries: Any) -> None:
    admin = client_for("zone_admin")
    with django_assert_max_num_queries(LIMITS["manage_batch"]):
        _get(admin, f"/housing/manage/{drawn.code}/")
    reviewer = client_for("reviewer")
    with django_assert_max_num_queries(LIMITS["review_queue"]):
        page = _get(reviewer, f"/housing/manage/{drawn.code}/review/")
    assert drawn.applications.order_by("number").last().number in page
