"""Awards under the programmes' ceilings: per recipient, per year, shared across programmes;
milestones paid against evidence; the ledger; refusals that name the ceiling and the sums."""

from __future__ import annotations

import io
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from gaoxin.common.errors import GaoxinError
from gaoxin.common.models import AuditEvent
from gaoxin.support.choices import AwardStatus, LedgerKind, MilestoneStatus
from gaoxin.support.models import Award, LedgerEntry, Milestone
from gaoxin.support.services import awards

from .builders import proposed, zone

pytestmark = pytest.mark.django_db


def test_an_award_up_to_the_ceiling_passes_and_one_yuan_more_is_refused_with_the_sums():
    z = zone()
    first = proposed(z, "talent", z.talent.id_number, 3_000_000)
    awards.award_approve(actor=z.leader, pk=first.pk)
    exact = proposed(z, "talent", z.talent.id_number, 2_000_000)
    awards.award_approve(actor=z.leader, pk=exact.pk)  # 5,000,000: exactly the ceiling
    with pytest.raises(GaoxinError) as refused:
        awards.award_propose(
            actor=z.admin,
            programme_code="talent",
            recipient=z.talent.id_number,
            title="再奖",
            year=2026,
            amount=1,
        )
    assert refused.value.code == "support.over_recipient_ceiling"
    zh = refused.value.message("zh-hans")
    en = refused.value.message("en")
    assert "特殊贡献人才" in zh and "5,000,000" in zh and "5,000,001" in zh
    assert "Person of special contribution" in en
    assert "5,000,000 yuan committed" in en and "5,000,001 yuan" in en
    assert "ceiling of 5,000,000 yuan per recipient" in en


def test_the_ceiling_is_checked_again_at_approval_not_only_at_proposal():
    z = zone()
    a = proposed(z, "competition", z.firm.credit_code, 6_000_000)
    b = proposed(z, "competition", z.firm.credit_code, 6_000_000)  # each alone fits
    awards.award_approve(actor=z.leader, pk=a.pk)
    with pytest.raises(GaoxinError) as refused:
        awards.award_approve(actor=z.leader, pk=b.pk)
    assert refused.value.code == "support.over_recipient_ceiling"
    assert refused.value.params["committed"] == "6,000,000"
    assert refused.value.params["total"] == "12,000,000"
    assert refused.value.params["limit"] == "10,000,000"
    b.refresh_from_db()
    assert b.status == AwardStatus.PROPOSED
    assert LedgerEntry.objects.filter(award=b).count() == 0


def test_the_shared_ceiling_counts_the_platform_and_the_competition_together():
    z = zone()
    platform = proposed(z, "platform", z.firm.credit_code, 95_000_000)
    awards.award_approve(actor=z.leader, pk=platform.pk)
    prize = proposed(z, "competition", z.firm.credit_code, 5_000_000)
    awards.award_approve(actor=z.leader, pk=prize.pk)  # 100,000,000 together: allowed
    more = Award.objects.create(
        number="X-1",
        programme=prize.programme,
        enterprise=z.firm,
        title="t",
        year=2026,
        amount=1_000,
    )
    Milestone.objects.create(award=more, seq=1, title="t", amount=1_000)
    with pytest.raises(GaoxinError) as refused:
        awards.award_approve(actor=z.leader, pk=more.pk)
    assert refused.value.code == "support.over_recipient_ceiling"
    assert refused.value.params["ceiling"] == "科技创新扶持（平台与大赛合计）"
    assert refused.value.params["total"] == "100,001,000"
    # another enterprise is not affected by the first one's sums
    other = proposed(z, "competition", z.firm2.credit_code, 10_000_000)
    assert awards.award_approve(actor=z.leader, pk=other.pk).status == AwardStatus.APPROVED


def test_the_yearly_ceiling_counts_every_recipient_of_the_year_and_only_that_year():
    z = zone()
    people = [z.talent]
    from gaoxin.registry.tests.factories import PersonFactory

    people += [PersonFactory() for _ in range(4)]
    for p in people[:4]:
        awards.award_approve(actor=z.leader, pk=proposed(z, "talent", p.id_number, 5_000_000).pk)
    # 20,000,000 committed in 2026: the year is full
    with pytest.raises(GaoxinError) as refused:
        proposed(z, "talent", people[4].id_number, 100)
    assert refused.value.code == "support.over_year_ceiling"
    assert refused.value.params["year"] == 2026
    assert refused.value.params["total"] == "20,000,100"
    next_year = proposed(z, "talent", people[4].id_number, 100, year=2027)
    assert awards.award_approve(actor=z.leader, pk=next_year.pk).status == AwardStatus.APPROVED


def test_milestones_may_not_exceed_the_award_and_are_paid_against_evidence_into_the_ledger():
    z = zone()
    award = awards.award_propose(
        actor=z.admin,
        programme_code="platform",
        recipient=z.firm.credit_code,
        title="平台",
        year=2026,
        amount=10_000_000,
    )
    with pytest.raises(GaoxinError) as over:
        awards.milestones_set(
            actor=z.admin,
            pk=award.pk,
            plan=[awards.MilestonePlan("一", 6_000_000), awards.MilestonePlan("二", "4,000,001")],
        )
    assert over.value.code == "support.over_award"
    assert not Milestone.objects.filter(award=award).exists()
    with pytest.raises(GaoxinError) as bad:
        awards.milestones_set(actor=z.admin, pk=award.pk, plan=[awards.MilestonePlan("一", "十万")])
    assert bad.value.code == "support.amount_invalid"
    assert "节点 1 金额" in bad.value.message("zh-hans")
    with pytest.raises(GaoxinError) as none:
        awards.award_approve(actor=z.leader, pk=award.pk)
    assert none.value.code == "support.milestones_required"
    steps = awards.milestones_set(
        actor=z.admin,
        pk=award.pk,
        plan=[awards.MilestonePlan("立项", 4_000_000), awards.MilestonePlan("验收", 6_000_000)],
    )
    with pytest.raises(GaoxinError) as early:
        awards.milestone_pay(actor=z.admin, pk=steps[0].pk, evidence="批复")
    assert early.value.code == "support.bad_transition"
    awards.award_approve(actor=z.leader, pk=award.pk)
    with pytest.raises(GaoxinError) as no_evidence:
        awards.milestone_pay(actor=z.admin, pk=steps[0].pk, evidence="  ")
    assert no_evidence.value.code == "support.field_required"
    awards.milestone_pay(actor=z.admin, pk=steps[0].pk, evidence="立项批复")
    with pytest.raises(GaoxinError) as twice:
        awards.milestone_pay(actor=z.admin, pk=steps[0].pk, evidence="立项批复")
    assert twice.value.code == "support.bad_transition"
    assert Milestone.objects.get(pk=steps[0].pk).status == MilestoneStatus.PAID
    ledger = list(LedgerEntry.objects.filter(award=award).values_list("kind", "amount"))
    assert ledger == [(LedgerKind.COMMITMENT, 10_000_000), (LedgerKind.PAYMENT, 4_000_000)]
    actions = set(
        AuditEvent.objects.filter(object_id=str(award.pk)).values_list("action", flat=True)
    )
    assert {"support.award.proposed", "support.award.approve", "support.milestone.pay"} <= actions


def test_only_leaders_approve_and_refusal_needs_a_reason():
    z = zone()
    award = proposed(z, "talent", z.talent.id_number, 1_000_000)
    with pytest.raises(GaoxinError) as denied:
        awards.award_approve(actor=z.auditor, pk=award.pk)
    assert denied.value.code == "not_allowed"
    with pytest.raises(GaoxinError) as reason:
        awards.award_refuse(actor=z.leader, pk=award.pk, reason="")
    assert reason.value.code == "support.field_required"
    awards.award_refuse(actor=z.leader, pk=award.pk, reason="材料不全")
    with pytest.raises(GaoxinError) as again:
        awards.award_approve(actor=z.leader, pk=award.pk)
    assert again.value.code == "support.bad_transition"


def test_a_person_programme_takes_an_id_number_and_an_unknown_one_is_named():
    z = zone()
    with pytest.raises(GaoxinError) as unknown:
        awards.award_propose(
            actor=z.admin,
            programme_code="talent",
            recipient=z.firm.credit_code,
            title="t",
            year=2026,
            amount=1,
        )
    assert unknown.value.code == "support.unknown_recipient"
    assert z.firm.credit_code in unknown.value.message("en")


def test_the_finance_export_lists_every_commitment_and_payment_and_keeps_text_as_text():
    from gaoxin.support import selectors
    from gaoxin.support.ledger_xlsx import workbook

    z = zone()
    award = awards.award_propose(
        actor=z.admin,
        programme_code="platform",
        recipient=z.firm.credit_code,
        title="平台",
        year=2026,
        amount=3_000_000,
    )
    steps = awards.milestones_set(
        actor=z.admin, pk=award.pk, plan=[awards.MilestonePlan("立项", 1_000_000)]
    )
    awards.award_approve(actor=z.leader, pk=award.pk)
    awards.milestone_pay(actor=z.admin, pk=steps[0].pk, evidence="=HYPERLINK(1)")
    rows = _sheet(workbook(selectors.ledger_rows(2026)))
    assert len(rows) == 3
    assert rows[1][3] == award.number and rows[1][9] == 3_000_000
    assert rows[2][9] == 1_000_000 and rows[2][10] == "=HYPERLINK(1)"
    assert rows[1][7] == z.firm.credit_code
    assert len(_sheet(workbook(selectors.ledger_rows(2025)))) == 1


def _sheet(body: bytes) -> list[list[Any]]:
    return (
        CalamineWorkbook.from_filelike(io.BytesIO(body))
        .get_sheet_by_name("台账 Ledger")
        .to_python()
    )


def test_the_demo_has_the_pages_three_ceilings_and_an_award_with_its_first_milestone_paid():
    from gaoxin.registry.tests.factories import EnterpriseFactory
    from gaoxin.support.demo import load_demo_support
    from gaoxin.support.models import Programme

    EnterpriseFactory.create_batch(2)
    assert load_demo_support()
    ceilings = dict(Programme.objects.values_list("name_zh", "ceiling_per_recipient"))
    assert ceilings == {
        "重大科技创新平台": 100_000_000,
        "大赛获奖项目": 10_000_000,
        "特殊贡献人才": 5_000_000,
    }
    payments = LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT).values_list("amount", flat=True)
    assert list(payments) == [20_000_000]
    assert load_demo_support() == []  # loaded once
