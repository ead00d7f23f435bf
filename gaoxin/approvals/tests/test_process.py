"""One project through the desk, on the 2026 calendar around National Day: 中秋 on Friday
25 September, 国庆 1–7 October, and the two weekend days worked (调休) Sunday 20 September and
Saturday 10 October. Every date and count below is counted by hand in the comments."""

from __future__ import annotations

from datetime import date

import pytest

from gaoxin.approvals import selectors, services
from gaoxin.approvals.choices import CheckStatus, ItemStatus, ProjectStatus, StageStatus
from gaoxin.approvals.models import Certificate, ComplianceCheck, ProjectDocument
from gaoxin.common.actors import SCHEDULER
from gaoxin.common.models import AuditEvent, Notification
from gaoxin.testing.errors import raises_code

from .builders import decide, dispatch, file, item, stage, start, submit, zone

pytestmark = pytest.mark.django_db


def test_stage_one_with_a_promised_document_a_correction_and_the_chain(on):
    z = zone()
    on(date(2026, 9, 21))
    p = start(z)
    assert p.agent == z.agent and p.agent_authorisation == "授权委托书 2026-031"
    # D06 (环评报告表) may follow later (容缺): promised for 12 October.
    submit(z, p, 1, promises={"D06": date(2026, 10, 12)}, skip=("D06",))
    assert ProjectDocument.objects.get(project=p, code="D06").status == "promised"
    on(date(2026, 9, 22))
    dispatch(z, p, 1)
    s1 = item(p, "S1-01")
    # 3 working days after Tue 22 Sep: 23 (1), 24 (2), [25 中秋, 26 Sat, 27 Sun], 28 (3).
    assert s1.due_on == date(2026, 9, 28)
    # 10 after 22 Sep: 23, 24, 28, 29, 30 (5), [1–7 Oct], 8, 9, Sat 10 调休 (8), 12, 13 (10).
    assert item(p, "S1-02").due_on == date(2026, 10, 13)

    on(date(2026, 9, 24))
    assert decide(z, p, "S1-01").working_days == 2  # 23, 24
    decide(z, p, "S1-02", "correction", "用地红线图比例不对，请补正")
    assert item(p, "S1-02").status == ItemStatus.CORRECTION
    on(date(2026, 9, 29))
    answered = services.correction_answer(actor=z.agent, item_pk=item(p, "S1-02").pk, note="已补正")
    # Paused 24–28 Sep: the working days 24 and 28 leave the clock, so 13 Oct + 2 = 15 Oct
    # (14 (1), 15 (2)).
    assert answered.pauses == [["2026-09-24", "2026-09-28"]]
    assert answered.due_on == date(2026, 10, 15)

    on(date(2026, 10, 9))
    done = decide(z, p, "S1-02")
    # 23, [24–28 paused], 29, 30, [1–7 Oct], 8, 9 = 5 working days.
    assert done.working_days == 5
    assert stage(p, 1).status == StageStatus.IN_REVIEW  # S1-03 still open
    commit = decide(z, p, "S1-03")  # 告知承诺: approved on the commitment
    assert commit.certificate_held  # D06 has not arrived
    assert not Certificate.objects.filter(item=commit).exists()
    check = ComplianceCheck.objects.get(item=commit)
    # 15 working days after Fri 9 Oct: Sat 10 (1), 12–16 (6), 19–23 (11), 26–29 (15).
    assert check.due_on == date(2026, 10, 29)

    s1_stage, s2 = stage(p, 1), stage(p, 2)
    assert s1_stage.status == StageStatus.CLOSED and s1_stage.closed_on == date(2026, 10, 9)
    # Submitted 21 Sep, closed 9 Oct: 22, 23, 24, 28, 29, 30, 8, 9 = 8 working days (no day on
    # which every open item was in correction); serial 3 + 10 + 15 = 28.
    assert (s1_stage.working_days, s1_stage.serial_days) == (8, 28)
    assert s2.status == StageStatus.OPEN and s2.opened_on == date(2026, 10, 9)
    p.refresh_from_db()
    assert (p.serial_days, p.actual_days) == (28, 8)

    # The promise is broken: on 13 Oct the sweep suspends the item and alerts.
    counts = services.sweep(actor=SCHEDULER, today=date(2026, 10, 13))
    assert counts["suspended"] == 1
    assert item(p, "S1-03").status == ItemStatus.SUSPENDED
    assert Notification.objects.filter(recipient=z.leadership, subject__contains="容缺").exists()
    on(date(2026, 10, 14))
    services.document_receive(actor=z.agent, project_pk=p.pk, code="D06", upload=file("D06"))
    back = item(p, "S1-03")
    assert back.status == ItemStatus.APPROVED and not back.certificate_held
    cert = Certificate.objects.get(item=back)
    found, intact = selectors.certificate_check(cert.code.lower())
    assert found == cert and intact


def test_prereview_before_land_and_the_permit_on_the_contract_day(on):
    z = zone()
    on(date(2026, 6, 1))
    p = start(z, by_agent=False)
    submit(z, p, 1, promises={"D06": date(2026, 6, 30)}, skip=("D06",))
    dispatch(z, p, 1)
    on(date(2026, 6, 3))
    for code in ("S1-01", "S1-02", "S1-03"):
        decide(z, p, code)
    on(date(2026, 6, 4))
    submit(z, p, 2, promises={"D03": date(2026, 6, 30)}, skip=("D03",))
    dispatch(z, p, 2)
    on(date(2026, 6, 8))
    for code in ("D05", "D07"):  # stage 3's drafts, uploaded ahead
        services.document_receive(actor=z.company, project_pk=p.pk, code=code, upload=file(code))
    for code in ("S2-01", "S2-02", "S2-03", "S3-01", "S3-02"):
        it = item(p, code)
        services.item_prereview(actor=z.reviewers[it.department.code], item_pk=it.pk)
    assert stage(p, 3).status == StageStatus.WAITING
    before = selectors.dashboard(date(2026, 6, 15))
    on(date(2026, 6, 15))
    services.land_contract_enter(actor=z.company, project_pk=p.pk, signed_on=date(2026, 6, 15))
    p.refresh_from_db()
    assert p.permit_on == date(2026, 6, 15) and p.quick_start
    assert stage(p, 2).status == StageStatus.CLOSED and stage(p, 3).status == StageStatus.CLOSED
    assert stage(p, 4).status == StageStatus.OPEN
    permit = item(p, "S3-02")
    assert permit.status == ItemStatus.APPROVED and permit.decided_on == date(2026, 6, 15)
    assert Certificate.objects.filter(item=permit).exists()
    # S2-01 needs the land contract itself (D03), promised: its certificate waits for it.
    assert item(p, "S2-01").certificate_held
    after = selectors.dashboard(date(2026, 6, 15))
    assert after.quick_start == before.quick_start + 1
    # Every pre-reviewed item waited for the land from the day after its pre-review (9 Jun) to
    # the day before the contract (14 Jun): its clock stood still.
    assert item(p, "S2-01").pauses == [["2026-06-09", "2026-06-14"]]
    # Stage 1: submitted 1 Jun, closed 3 Jun: 2, 3 = 2 days; stage 2: 4 Jun → 15 Jun: 5, 8,
    # [9–12 every item waiting for the land], 15 = 3 days; stage 3: its items pre-reviewed 8 Jun
    # → 15 Jun: [9–12], 15 = 1 day. Serial: (3 + 10 + 15) + (10 + 15 + 10) + (15 + 7) = 85.
    assert (p.serial_days, p.actual_days) == (85, 6)
    assert after.average_saved == 85 - 6
    assert p.status == ProjectStatus.IN_PROGRESS  # 竣工验收 still to come


def test_decisions_are_checked(on):
    z = zone()
    on(date(2026, 6, 1))
    p = start(z)
    submit(z, p, 1, promises={"D06": date(2026, 6, 30)}, skip=("D06",))
    s = stage(p, 1)
    with raises_code("approvals.not_allowed"):
        services.package_dispatch(actor=z.intake["zjj"], stage_pk=s.pk)  # not the lead dept
    dispatch(z, p, 1)
    it = item(p, "S1-02")
    with raises_code("approvals.not_allowed"):
        services.item_decide(
            actor=z.reviewers["fgw"], item_pk=it.pk, decision="approve", version=it.version
        )
    with raises_code("approvals.reason_required"):
        decide(z, p, "S1-02", "refuse")
    with raises_code("approvals.value_invalid"):
        decide(z, p, "S1-02", "maybe")
    refused = decide(z, p, "S1-02", "refuse", "选址不符合国土空间规划")
    assert refused.reasons == "选址不符合国土空间规划"
    with raises_code("approvals.conflict"):
        services.item_decide(
            actor=z.reviewers2["zrzy"], item_pk=it.pk, decision="approve", version=it.version
        )
    with raises_code("approvals.document_missing"):
        submit(z, start(z), 1, skip=("D01",))
    with raises_code("approvals.promise_date_required"):
        submit(z, start(z), 1, skip=("D06",))
    other = person_without_grant()
    with raises_code("approvals.not_allowed"):
        services.project_start(
            actor=other, credit_code=z.enterprise.credit_code, name="x", parcel="y", investment="1"
        )
    with raises_code("approvals.field_required"):
        services.project_start(
            actor=z.agent,
            credit_code=z.enterprise.credit_code,
            name="x",
            parcel="y",
            investment="1",
        )


def person_without_grant():
    from gaoxin.accounts.services import user_create

    return user_create(
        actor=SCHEDULER, username="nobody", password="correct-horse-9x", role_codes=[]
    )


def test_a_failed_compliance_check_revokes_visibly(on):
    z = zone()
    on(date(2026, 6, 1))
    p = start(z)
    submit(z, p, 1)
    dispatch(z, p, 1)
    on(date(2026, 6, 2))
    approved = decide(z, p, "S1-03")
    cert = Certificate.objects.get(item=approved)
    with raises_code("approvals.reason_required"):
        services.compliance_check_record(
            actor=z.reviewers["sthj"], item_pk=approved.pk, passed=False
        )
    services.compliance_check_record(
        actor=z.reviewers["sthj"],
        item_pk=approved.pk,
        passed=False,
        finding="未按承诺建设污水处理设施",
    )
    revoked = item(p, "S1-03")
    assert revoked.status == ItemStatus.REVOKED and "污水" in revoked.reasons
    cert.refresh_from_db()
    assert cert.revoked
    assert ComplianceCheck.objects.get(item=approved).status == CheckStatus.FAILED
    assert AuditEvent.objects.filter(action="approvals.item.revoke").count() == 1


def test_overdue_alerts_the_head_then_the_leadership(on):
    z = zone()
    on(date(2026, 6, 1))
    p = start(z)
    submit(z, p, 1)
    dispatch(z, p, 1)
    # S1-01: 3 working days after Mon 1 Jun → Thu 4 Jun.
    assert item(p, "S1-01").due_on == date(2026, 6, 4)
    first = services.sweep(actor=SCHEDULER, today=date(2026, 6, 2))
    assert first["due_soon"] == 1 and first["overdue"] == 0
    assert Notification.objects.filter(recipient=z.heads["fgw"]).count() == 1
    assert not Notification.objects.filter(recipient=z.leadership).exists()
    assert services.sweep(actor=SCHEDULER, today=date(2026, 6, 3))["due_soon"] == 0  # once
    late = services.sweep(actor=SCHEDULER, today=date(2026, 6, 5))
    assert late["overdue"] == 1
    assert Notification.objects.filter(recipient=z.leadership).count() == 1
    assert item(p, "S1-01").alert_level == 2


def test_a_template_edited_mid_project_changes_nothing_in_it(on):
    z = zone()
    on(date(2026, 6, 1))
    p = start(z)
    submit(z, p, 1)
    dispatch(z, p, 1)
    before = list(
        p.items.order_by("code").values_list("code", "limit_days", "department_id", "due_on")
    )
    draft = services.version_new_draft(actor=z.admin)
    target = draft.stages.get(order=1).items.get(code="S1-02")
    services.item_def_edit(actor=z.admin, item_def_pk=target.pk, limit_days=2, department="fgw")
    services.version_publish(actor=z.admin, version_pk=draft.pk)
    after = list(
        p.items.order_by("code").values_list("code", "limit_days", "department_id", "due_on")
    )
    assert after == before
    p.refresh_from_db()
    assert p.version.number == 1
    newer = start(z)
    assert newer.version.number == 2 and item(newer, "S1-02").limit_days == 2
    with raises_code("approvals.version_not_draft"):
        services.item_def_edit(actor=z.admin, item_def_pk=target.pk, limit_days=3)
    with raises_code("approvals.not_allowed"):
        services.version_new_draft(actor=z.agent)


def test_every_event_of_the_desk_is_told_as_a_sentence(on):
    from gaoxin.common import auditwords

    test_prereview_before_land_and_the_permit_on_the_contract_day(on)
    actions = set(
        AuditEvent.objects.filter(action__startswith="approvals.").values_list("action", flat=True)
    )
    assert {
        "approvals.item.convert",
        "approvals.stage.close",
        "approvals.item.prereview",
    } <= actions
    assert actions <= auditwords.known_actions(), actions - auditwords.known_actions()


def test_the_actions_a_page_offers_follow_the_stage_and_the_items_state():
    """The project page renders only what these selectors say is available now."""
    from gaoxin.approvals.models import ProjectItem, ProjectStage

    stage_ = ProjectStage(status=StageStatus.OPEN)
    assert selectors.stage_actions(stage_, may_intake=True, applicant=True) == ["submit"]
    stage_.status = StageStatus.SUBMITTED
    assert selectors.stage_actions(stage_, may_intake=True, applicant=True) == ["dispatch"]
    assert selectors.stage_actions(stage_, may_intake=False, applicant=True) == []
    item_ = ProjectItem(status=ItemStatus.CORRECTION, prereviewable=False)
    assert selectors.item_actions(item_, may_decide=True, land=None, may_answer=True) == ["answer"]
    assert selectors.item_actions(item_, may_decide=True, land=None) == []
    item_.status = ItemStatus.IN_REVIEW
    assert selectors.item_actions(item_, may_decide=True, land=None, may_answer=True) == [
        "approve",
        "conditional",
        "correction",
        "refuse",
    ]
