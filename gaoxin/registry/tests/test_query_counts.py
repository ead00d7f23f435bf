"""Queries per registry page are fixed: each page is requested with a few rows and with five
times as many, under the same limit (the count measured when it was written), so a query per
row (N+1) fails here."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gaoxin.registry.models import Employment, InsuranceContribution, ParentChild

from .factories import a_classification, a_person, an_enterprise

pytestmark = pytest.mark.django_db

# page → the queries it makes as a zone administrator (session, user, roles, permissions, the
# session's save, and the page's own reads), counted when this was written.
# Each includes one query for the unread messages in the navigation (every signed-in page).
LIMITS = {
    "index": 13,
    "enterprise_list": 13,
    "enterprise_detail": 13,
    "person_list": 11,
    "person_detail": 24,
}


@pytest.fixture(params=[2, 10])
def zone(request: pytest.FixtureRequest) -> dict[str, Any]:
    rows = request.param
    enterprises = [an_enterprise() for _ in range(rows)]
    for enterprise in enterprises:
        a_classification(enterprise=enterprise)
    person = a_person()
    for n, enterprise in enumerate(enterprises):
        Employment.objects.create(
            person=person, enterprise=enterprise, started_on=date(2015 + n % 8, 1, 1)
        )
        InsuranceContribution.objects.bulk_create(
            InsuranceContribution(
                person=person, employer=enterprise, month=202001 + n * 100 + m, in_zone=True
            )
            for m in range(12)
        )
        ParentChild.objects.create(parent=person, child=a_person())
    return {"enterprise": enterprises[-1], "person": person}


def _get(client: Any, url: str) -> None:
    assert client.get(url).status_code == 200, url


def test_registry_pages(zone: dict[str, Any], client_for: Any, django_assert_max_num_queries: Any):
    client = client_for("zone_admin")
    pages = {
        "index": "/registry/",
        "enterprise_list": "/registry/enterprises/",
        "enterprise_detail": f"/registry/enterprises/{zone['enterprise'].pk}/",
        "person_list": "/registry/people/",
        "person_detail": f"/registry/people/{zone['person'].pk}/",
    }
    for name, url in pages.items():
        with django_assert_max_num_queries(LIMITS[name]):
            _get(client, url)
