"""Visits, work safety and notices (issue 15, items 4 and 6): the visit plan and its coverage, a
finding turned into a request, checklist versions kept by past inspections, hazards through their
state machine with the deadline job (run twice, escalating once), the rectification rate, and
notices with their acknowledgements."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from gaoxin.common.errors import GaoxinError
from gaoxin.common.models import AuditEvent
from gaoxin.common.notifications import Notification
from gaoxin.registry.models import EnterpriseClassification, KeyIndustry
from gaoxin.registry.tests.factories import EnterpriseFactory
from gaoxin.servicedesk import access, fieldwork
from gaoxin.servicedesk.choices import Channel, HazardLevel, Severity
from gaoxin.servicedesk.choices import HazardStatus as H
from gaoxin.servicedesk.models import (
    ChecklistVersion,
    EnterpriseAssignment,
    FieldSettings,
    Hazard,
    NoticeRecipient,
    Visit,
)
from gaoxin.servicedesk.selectors import quarter
from gaoxin.servicedesk.services import notices, safety, visits
from gaoxin.servicedesk.states import HAZARD
from gaoxin.testing.errors import raises_code

from .builders import desk, person

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _admin():
    from gaoxin.accounts.models import User

    return User.objects.filter(username="field-admin").first() or person(
        "field-admin", "zone_admin"
    )


def _checklist(items="消防通道畅通\n灭火器在有效期内\n电气线路无私拉乱接"):
    return safety.save_checklist(actor=_admin(), code="fire", name="消防安全检查表", items=items)


# -- visits ----------------------------------------------------------------------------------------


def test_the_zone_sets_n_and_bad_values_name_the_field():
    admin = _admin()
    d = desk()
    with pytest.raises(GaoxinError) as failure:
        visits.update_settings(
            actor=d.officer, visits_per_quarter=2, general_days=5, serious_days=3, major_days=1
        )
    assert failure.value.code == "not_allowed"
    with raises_code("servicedesk.number_invalid") as failure:
        visits.update_settings(
            actor=admin, visits_per_quarter="两次", general_days=5, serious_days=3, major_days=1
        )
    assert "每季度走访次数" in failure.value.message("zh-hans")
    assert FieldSettings.objects.count() == 0  # nothing half-written
    visits.update_settings(
        actor=admin, visits_per_quarter=2, general_days=8, serious_days=4, major_days=2
    )
    assert fieldwork.settings_row().visits_per_quarter == 2
    assert AuditEvent.objects.filter(action="servicedesk.field_settings.changed").count() == 1


def test_due_list_and_coverage_count_visits_against_n(on):
    on(date(2026, 5, 20))
    admin = _admin()
    visits.update_settings(
        actor=admin, visits_per_quarter=2, general_days=10, serious_days=5, major_days=3
    )
    d = desk(since=date(2026, 1, 1))
    second: Any = EnterpriseFactory()
    EnterpriseAssignment.objects.create(enterprise=second, grid=d.grid, valid_from=date(2026, 1, 1))
    visits.record_visit(actor=d.officer, credit_code=d.enterprise.credit_code, notes="走访一")
    visits.record_visit(
        actor=d.officer, credit_code=d.enterprise.credit_code, visited_on="2026-04-02", notes="二"
    )
    visits.record_visit(actor=d.officer, credit_code=second.credit_code, notes="走访")
    visits.record_visit(  # last quarter: does not count for this one
        actor=d.officer, credit_code=second.credit_code, visited_on="2026-03-30", notes="上季度"
    )
    due = fieldwork.due_visits(d.officer, date(2026, 5, 20))
    assert [(x.enterprise, x.done) for x in due] == [(second, 1)]
    cov = fieldwork.visit_coverage(quarter(2026, 2), d.grid)
    assert (cov.enterprises, cov.covered, cov.rate) == (2, 1, 0.5)
    assert fieldwork.visit_coverage(quarter(2026, 1), d.grid).covered == 0  # 1 visit < N = 2


def test_visits_stay_in_the_officers_grid_and_bad_dates_are_refused(on):
    on(date(2026, 5, 20))
    d, other = desk(), desk("G02")
    with pytest.raises(GaoxinError):
        visits.record_visit(actor=other.officer, credit_code=d.enterprise.credit_code, notes="x")
    with raises_code("servicedesk.date_invalid"):
        visits.record_visit(
            actor=d.officer, credit_code=d.enterprise.credit_code, visited_on="2026-13-01"
        )
    with raises_code("servicedesk.date_invalid"):  # the future
        visits.record_visit(
            actor=d.officer, credit_code=d.enterprise.credit_code, visited_on="2026-05-21"
        )
    with raises_code("servicedesk.field_required"):
        visits.record_visit(actor=d.officer, credit_code=d.enterprise.credit_code)
    assert Visit.objects.count() == 0


def test_a_finding_becomes_a_request_once():
    d = desk()
    visit = visits.record_visit(
        actor=d.officer,
        credit_code=d.enterprise.credit_code,
        notes="与总经理座谈",
        findings="急需招聘 20 名焊工\n希望对接人社局",
    )
    made = visits.finding_to_request(actor=d.officer, pk=visit.pk, category="hiring")
    assert made.channel == Channel.VISIT and made.title == "急需招聘 20 名焊工"
    assert "希望对接人社局" in made.description and "与总经理座谈" in made.description
    with raises_code("servicedesk.already_turned"):
        visits.finding_to_request(actor=d.officer, pk=visit.pk, category="hiring")
    plain = visits.record_visit(actor=d.officer, credit_code=d.enterprise.credit_code, notes="好")
    with raises_code("servicedesk.no_findings"):
        visits.finding_to_request(actor=d.officer, pk=plain.pk, category="hiring")


# -- checklists and inspections --------------------------------------------------------------------


def test_editing_a_template_keeps_past_inspections_on_their_version():
    d = desk()
    first = _checklist()
    inspection = safety.inspect(
        actor=d.officer,
        credit_code=d.enterprise.credit_code,
        template="fire",
        results={0: "pass", 1: "fail", 2: "pass"},
    )
    assert _checklist().pk == first.pk  # the same items again: no new version
    second = _checklist("消防通道畅通\n疏散指示标志完好")
    assert second.number == 2 and first.template.current() == second
    inspection.refresh_from_db()
    assert inspection.version_id == first.pk
    assert [item for item, _ok in inspection.answers()] == list(first.items)
    assert ChecklistVersion.objects.get(pk=first.pk).items == list(first.items)
    later = safety.inspect(
        actor=d.officer,
        credit_code=d.enterprise.credit_code,
        template="fire",
        results={0: "pass", 1: "pass"},
    )
    assert later.version_id == second.pk


def test_an_inspection_answers_every_item_and_checklists_are_checked():
    d = desk()
    _checklist()
    with raises_code("servicedesk.checklist_answers") as failure:
        safety.inspect(
            actor=d.officer,
            credit_code=d.enterprise.credit_code,
            template="fire",
            results={0: "pass", 2: "pass"},
        )
    assert "灭火器在有效期内" in failure.value.message("zh-hans")
    with raises_code("servicedesk.checklist_invalid"):
        safety.save_checklist(actor=_admin(), code="x", name="重复", items="一\n一")
    with raises_code("servicedesk.unknown_code"):
        safety.inspect(
            actor=d.officer, credit_code=d.enterprise.credit_code, template="none", results={}
        )


# -- hazards -------------------------------------------------------------------------------------


def _hazard(d, severity=Severity.SERIOUS, photos=None):
    _checklist()
    inspection = safety.inspect(
        actor=d.officer,
        credit_code=d.enterprise.credit_code,
        template="fire",
        results={0: "fail", 1: "pass", 2: "pass"},
    )
    return safety.add_hazard(
        actor=d.officer,
        inspection=inspection.pk,
        description="消防通道堆放杂物",
        severity=severity,
        photos=photos,
    )


def test_hazard_deadline_follows_severity_on_the_working_day_calendar(on):
    on(date(2026, 3, 2))  # a Monday
    d = desk()
    hazard = _hazard(d, Severity.SERIOUS, [SimpleUploadedFile("a.png", PNG, "image/png")])
    assert hazard.due_on == date(2026, 3, 9)  # 5 working days after Monday 2 March
    assert hazard.photos.count() == 1 and hazard.photos.get().content_type == "image/png"
    assert hazard.number.startswith("YH2026-")
    major = _hazard(d, Severity.MAJOR)
    assert major.due_on == date(2026, 3, 5)


def test_photos_are_checked_by_content_and_size():
    d = desk()
    with raises_code("servicedesk.photo_invalid") as failure:
        _hazard(d, photos=[SimpleUploadedFile("x.jpg", b"MZ not an image", "image/jpeg")])
    assert "x.jpg" in failure.value.message("en")
    with (
        override_settings(GAOXIN_REGISTRY_MAX_UPLOAD_MB=0),
        raises_code("servicedesk.photo_too_large"),
    ):
        _hazard(d, photos=[SimpleUploadedFile("big.png", PNG, "image/png")])
    assert Hazard.objects.count() == 0
    with raises_code("servicedesk.choice_invalid"):
        _hazard(d, severity="huge")


def test_report_then_reinspection_closes_or_reopens(on):
    on(date(2026, 3, 2))
    d = desk()
    hazard = _hazard(d)
    on(date(2026, 3, 5))
    safety.report_rectified(
        actor=d.company, pk=hazard.pk, version=hazard.version, text="已清理通道"
    )
    hazard.refresh_from_db()
    assert hazard.status == H.REPORTED
    with raises_code("servicedesk.hazard_conflict"):  # an old form
        safety.reinspect(actor=d.officer, pk=hazard.pk, version=1, passed="pass", text="好")
    with pytest.raises(GaoxinError):  # the enterprise cannot re-inspect itself
        safety.reinspect(actor=d.company, pk=hazard.pk, version=None, passed="pass", text="好")
    safety.reinspect(actor=d.officer, pk=hazard.pk, version=None, passed="fail", text="仍有杂物")
    hazard.refresh_from_db()
    assert hazard.status == H.OPEN and hazard.reported_on is None
    on(date(2026, 3, 11))  # after the deadline (9 March)
    safety.report_rectified(actor=d.officer, pk=hazard.pk, version=None, text="已彻底清理")
    safety.reinspect(actor=d.officer, pk=hazard.pk, version=None, passed="pass", text="合格")
    hazard.refresh_from_db()
    assert hazard.status == H.CLOSED
    assert (hazard.rectified_on, hazard.rectified_on_time) == (date(2026, 3, 11), False)
    with raises_code("servicedesk.hazard_transition"):
        safety.report_rectified(actor=d.officer, pk=hazard.pk, version=None, text="再次")
    actions = set(
        AuditEvent.objects.filter(action__startswith="servicedesk.hazard").values_list(
            "action", flat=True
        )
    )
    assert {"servicedesk.hazard.found", "servicedesk.hazard.report"} <= actions
    assert {"servicedesk.hazard.fail", "servicedesk.hazard.pass"} <= actions


def test_the_hazard_machine_is_a_table():
    assert HAZARD.allowed(H.REPORTED, H.OPEN) and not HAZARD.allowed(H.CLOSED, H.OPEN)
    assert HAZARD.terminal() == {H.CLOSED}


def test_overdue_hazards_escalate_once_per_lapse_leader_then_emergency(on):
    on(date(2026, 3, 2))
    d = desk()
    emergency = person("yingji", "department_officer", "department", "emergency")
    hazard = _hazard(d)  # due 9 March
    assert safety.escalate_overdue_hazards(on=date(2026, 3, 9)) == 0  # due today: not yet
    assert safety.escalate_overdue_hazards(on=date(2026, 3, 10)) == 1
    assert safety.escalate_overdue_hazards(on=date(2026, 3, 10)) == 0  # run twice: once
    hazard.refresh_from_db()
    assert (hazard.level, hazard.escalations) == (HazardLevel.LEADER, 1)
    assert Notification.objects.filter(recipient=d.leader, subject__contains=hazard.number)
    assert not access.can_view_hazard(emergency, hazard)
    assert safety.escalate_overdue_hazards(on=date(2026, 3, 18)) == 1
    hazard.refresh_from_db()
    assert hazard.level == HazardLevel.DEPARTMENT
    assert Notification.objects.filter(recipient=emergency, subject__contains=hazard.number)
    assert access.can_view_hazard(emergency, hazard) and access.can_reinspect(emergency, hazard)
    assert safety.escalate_overdue_hazards(on=date(2026, 4, 30)) == 0  # top of its ladder
    assert AuditEvent.objects.filter(action="servicedesk.hazard.escalate").count() == 2


def test_rectification_rate_counts_due_hazards_on_time(on):
    on(date(2026, 3, 2))
    d = desk()
    on_time, late, pending = _hazard(d), _hazard(d), _hazard(d)  # each due 9 March
    on(date(2026, 3, 6))
    safety.reinspect(actor=d.officer, pk=on_time.pk, version=None, passed="pass", text="合格")
    march = quarter(2026, 1)
    # On the deadline itself only the rectified one counts: the others may still be in time.
    assert fieldwork.rectification(march, date(2026, 3, 9)).due == 1
    on(date(2026, 3, 12))
    safety.reinspect(actor=d.officer, pk=late.pk, version=None, passed="pass", text="合格")
    result = fieldwork.rectification(march, date(2026, 3, 12), d.grid)
    assert (result.due, result.on_time, result.rate) == (3, 1, 1 / 3)
    assert pending.status == H.OPEN


# -- notices -------------------------------------------------------------------------------------


def test_a_notice_reaches_grids_and_industries_once_and_tracks_acknowledgement():
    d, other, third = desk(), desk("G02"), desk("G03")
    industry = KeyIndustry.objects.create(
        code="ic", name_zh="集成电路", name_en="ICs", effective_from=date(2020, 1, 1)
    )
    EnterpriseClassification.objects.create(
        enterprise=other.enterprise, industry=industry, effective_from=date(2020, 1, 1), basis="x"
    )
    EnterpriseClassification.objects.create(
        enterprise=d.enterprise, industry=industry, effective_from=date(2020, 1, 1), basis="x"
    )
    with pytest.raises(GaoxinError):
        notices.send(actor=d.officer, kind="health", title="t", body="b", grids=["G01"])
    with raises_code("servicedesk.unknown_code"):
        notices.send(actor=d.leadership, kind="health", title="t", body="b", grids=["G99"])
    notice = notices.send(
        actor=d.leadership,
        kind="emergency",
        title="寒潮防范通知",
        body="请做好防冻措施。",
        grids=["G01"],
        industries=["ic"],
    )
    recipients = NoticeRecipient.objects.filter(notice=notice)
    assert {r.enterprise for r in recipients} == {d.enterprise, other.enterprise}
    assert third.enterprise not in {r.enterprise for r in recipients}
    assert Notification.objects.filter(recipient=d.company, link__contains=notice.number)
    assert notices.acknowledge(actor=d.company, pk=notice.pk) == 1
    assert notices.acknowledge(actor=d.company, pk=notice.pk) == 0  # keeps the first time
    with pytest.raises(GaoxinError):
        notices.acknowledge(actor=third.company, pk=notice.pk)
    # G02's officer sees only G02's recipient, still unacknowledged: theirs to chase.
    pending = fieldwork.recipients_of(other.officer, notice).filter(acknowledged_at__isnull=True)
    assert [r.enterprise for r in pending] == [other.enterprise]
    assert not fieldwork.can_view_notice(third.officer, notice)
    assert fieldwork.can_view_notice(other.officer, notice)


def test_a_notice_to_nobody_is_refused():
    d = desk()
    Grid = type(d.grid)
    Grid.objects.create(code="G09", name="空网格")
    with raises_code("servicedesk.no_recipients"):
        notices.send(actor=d.leadership, kind="policy", title="t", body="b", grids=["G09"])
    with raises_code("servicedesk.field_required"):
        notices.send(actor=d.leadership, kind="policy", title="", body="b", grids=["G01"])


def test_a_provisional_hazard_deadline_moves_when_the_year_is_entered(
    on, django_capture_on_commit_callbacks, make_user
):
    from gaoxin.common import workdays

    on(date(2026, 12, 28))
    d = desk()
    with django_capture_on_commit_callbacks(execute=False):
        hazard = _hazard(d, Severity.SERIOUS)  # 5 working days: into 2027, not entered yet
    assert hazard.due_on == date(2027, 1, 4) and hazard.due_provisional
    with django_capture_on_commit_callbacks(execute=True):
        workdays.year_enter(
            actor=make_user("zone_admin"),
            year=2027,
            schedule="2027-01-01 休 元旦\n2027-01-04 休 元旦调休\n",
            source="test",
        )
    hazard.refresh_from_db()
    assert hazard.due_on == date(2027, 1, 6) and not hazard.due_provisional
    assert hazard.step_due == date(2027, 1, 6)


def test_bad_form_input_answers_with_a_message_not_a_crash(client, on):
    on(date(2026, 5, 20))
    d = desk()
    _checklist()
    client.force_login(d.officer)
    response = client.post(
        "/servicedesk/field/visits/new/",
        {"credit_code": d.enterprise.credit_code, "visited_on": "明天", "notes": "x"},
    )
    assert response.status_code == 422 and "走访日期" in response.content.decode()
    response = client.post(
        "/servicedesk/field/inspections/new/",
        {"credit_code": d.enterprise.credit_code, "template": "fire", "item-0": "pass"},
    )
    assert response.status_code == 422 and "第 2 项" in response.content.decode()
    response = client.post(
        "/servicedesk/field/inspections/new/",
        {"credit_code": "NOT-A-CODE", "template": "fire", "item-999999999999": "x"},
    )
    assert response.status_code == 422
    client.force_login(d.leadership)
    response = client.post(
        "/servicedesk/notices/new/",
        {"kind": "health", "title": "t", "body": "b", "grids": ["G01", "<script>"]},
    )
    assert response.status_code == 422 and "&lt;script&gt;" in response.content.decode()
    client.force_login(_admin())
    response = client.post(
        "/servicedesk/field/settings/",
        {"visits_per_quarter": "0", "general_days": "5", "serious_days": "3", "major_days": "1"},
    )
    assert response.status_code == 422 and "每季度走访次数" in response.content.decode()
    assert Visit.objects.count() == 0 and FieldSettings.objects.count() == 0
