"""Catalogue and classification changes: rules enforced, every change audited."""

from __future__ import annotations

from datetime import date

import pytest

from gaoxin.common.models import AuditEvent
from gaoxin.registry import services
from gaoxin.registry.catalogue import KEY_INDUSTRIES
from gaoxin.registry.models import KeyIndustry
from gaoxin.testing.errors import raises_code

from .factories import a_person, an_enterprise

pytestmark = pytest.mark.django_db


def test_the_13_categories_are_preloaded():
    assert list(KeyIndustry.objects.values_list("name_zh", flat=True)) == [
        name for _code, name, _en in KEY_INDUSTRIES
    ]
    assert len(KEY_INDUSTRIES) == 13


def test_industry_create_and_update_are_audited(make_user):
    admin = make_user("zone_admin")
    industry = services.industry_create(
        actor=admin,
        code="QUANTUM",
        name_zh="量子信息",
        name_en="Quantum information",
        effective_from=date(2026, 1, 1),
    )
    services.industry_update(actor=admin, industry=industry, effective_to=date(2026, 12, 31))
    services.industry_update(actor=admin, industry=industry, effective_to=date(2026, 12, 31))
    events = AuditEvent.objects.filter(
        object_type="registry.keyindustry", object_id=str(industry.pk)
    )
    assert [e.action for e in events.order_by("id")] == [
        "registry.industry.created",
        "registry.industry.changed",  # the repeated, identical update records nothing
    ]
    changed = events.get(action="registry.industry.changed")
    assert (changed.before or {})["effective_to"] is None
    assert (changed.after or {})["effective_to"] == "2026-12-31"
    with raises_code("registry.industry_code_taken"):
        services.industry_create(
            actor=admin, code="QUANTUM", name_zh="x", name_en="x", effective_from=date(2026, 1, 1)
        )
    with raises_code("registry.period_invalid"):
        services.industry_update(actor=admin, industry=industry, effective_to=date(2025, 1, 1))


def test_only_catalogue_managers_change_it(make_user):
    industry = KeyIndustry.objects.get(code="AI")
    for role in ["reviewer", "auditor", "applicant", "developer", "notary"]:
        with raises_code("not_allowed"):
            services.industry_update(actor=make_user(role), industry=industry, name_zh="x")


def test_classification_rules_and_audit(make_user):
    admin = make_user("zone_admin")
    enterprise = an_enterprise()
    ic = KeyIndustry.objects.get(code="IC")
    first = services.classification_add(
        actor=admin,
        enterprise=enterprise,
        industry=ic,
        effective_from=date(2022, 1, 1),
        effective_to=None,
        basis="合高管〔2022〕3号",
    )
    with raises_code("registry.classification_overlap"):
        services.classification_add(
            actor=admin,
            enterprise=enterprise,
            industry=ic,
            effective_from=date(2024, 1, 1),
            effective_to=None,
            basis="again",
        )
    with raises_code("registry.industry_not_effective"):
        services.classification_add(
            actor=admin,
            enterprise=enterprise,
            industry=ic,
            effective_from=date(2019, 1, 1),
            effective_to=None,
            basis="before the catalogue",
        )
    with raises_code("registry.basis_required"):
        services.classification_add(
            actor=admin,
            enterprise=enterprise,
            industry=KeyIndustry.objects.get(code="AI"),
            effective_from=date(2022, 1, 1),
            effective_to=None,
            basis=" ",
        )
    services.classification_end(
        actor=admin, classification=first, effective_to=date(2023, 12, 31), basis="复核取消"
    )
    second = services.classification_add(
        actor=admin,
        enterprise=enterprise,
        industry=ic,
        effective_from=date(2024, 1, 1),
        effective_to=None,
        basis="合高管〔2024〕9号",
    )
    actions = list(
        AuditEvent.objects.filter(action__startswith="registry.classification")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "registry.classification.created",
        "registry.classification.ended",
        "registry.classification.created",
    ]
    assert second.basis == "合高管〔2024〕9号"


def test_revealing_personal_data_is_audited_and_ruled(make_user):
    person = a_person()
    reviewer = make_user("reviewer")
    services.person_reveal(actor=reviewer, person=person, purpose="核对申请人身份")
    event = AuditEvent.objects.get(action="registry.person.unmasked")
    assert event.actor == reviewer and event.object_id == str(person.pk)
    with raises_code("not_allowed"):
        services.person_reveal(actor=make_user("auditor"), person=person)
