"""`make run`'s demo: ten 拿地即开工 projects (one land 15 June → permit 30 June), projects in
flight at every stage, some with 容缺 documents and corrections; the dashboard counts them."""

from __future__ import annotations

from datetime import date

import pytest

from gaoxin.approvals import clock, selectors
from gaoxin.approvals.demo import load_demo_approvals
from gaoxin.approvals.models import Project, ProjectDocument, ProjectItem, ProjectStage
from gaoxin.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_the_demo_has_what_the_page_describes():
    EnterpriseFactory.create_batch(17)
    with clock.on(date(2026, 12, 4)):
        lines = load_demo_approvals()
    assert lines == ["approvals: 17 projects, 10 achieved 拿地即开工"]
    june = Project.objects.get(land_contract_on=date(2026, 6, 15))
    assert june.permit_on == date(2026, 6, 30) and june.quick_start
    for status in ("open", "submitted", "in_review"):
        assert ProjectStage.objects.filter(status=status).exists(), status
    assert ProjectStage.objects.filter(order=4, status="in_review").exists()
    assert ProjectItem.objects.filter(status="correction").count() >= 2
    assert ProjectDocument.objects.filter(status="promised").exists()
    assert Project.objects.filter(status="completed").count() == 1
    f = selectors.dashboard(date(2026, 12, 4))
    assert f.quick_start == 10 and f.average_saved is not None and f.average_saved > 30
    assert load_demo_approvals() == []
