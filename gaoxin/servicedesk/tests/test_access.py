"""Who may open and act on the grid service desk's pages: every role zone-wide (the matrix), and
each person of a grid's ladder on one request (object level). A new URL of the desk needs a row
here (tests/test_access_matrix.py checks that every URL has one)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import ALL_ROLES
from gaoxin.servicedesk import services
from gaoxin.servicedesk.choices import RequestStatus as R

from .builders import desk, person

pytestmark = pytest.mark.django_db

READERS = {"leadership", "auditor", "zone_admin"}
# Zone-wide grants: a grid officer, a department or an enterprise granted without a scope holds
# no grid, department or enterprise, so sees nothing of the desk.
DESK_PAGES = {
    "servicedesk:queue": ("/servicedesk/", READERS),
    "servicedesk:dashboard": ("/servicedesk/dashboard/", READERS),
    # The monthly report (PDF, XLSX): as the dashboard; a grid's people in test_monthly.py.
    "servicedesk:monthly_pdf": ("/servicedesk/dashboard/monthly.pdf", READERS),
    "servicedesk:monthly_xlsx": ("/servicedesk/dashboard/monthly.xlsx", READERS),
    "servicedesk:mine": ("/servicedesk/mine/", set()),
    "servicedesk:new": ("/servicedesk/new/", set()),
    "servicedesk:map": ("/servicedesk/map/", READERS),
    "servicedesk:duties": ("/servicedesk/setup/duties/", {"zone_admin"}),
    "servicedesk:categories": ("/servicedesk/setup/categories/", {"zone_admin"}),
    "servicedesk:import": ("/servicedesk/setup/assignments/", {"zone_admin"}),
    "servicedesk:import_template": ("/servicedesk/setup/assignments/template.csv", {"zone_admin"}),
}
# A grid's page (the desk's staff) and the form that sets a duty holder (zone administrators):
# tested with a grid in test_zone_pages.py.
GRID_ROUTES = {"servicedesk:grid", "servicedesk:set_holder"}
REQUEST_PAGE = "servicedesk:request"
# A request's photo or file: who sees the request, internal ones the staff only (tested below).
REQUEST_FILE = "servicedesk:attachment"
# API endpoints, tested with their objects in test_api.py.
DESK_API = {"api-1.0.0:hotline_transfer", "api-1.0.0:request_get"}
REQUEST_POSTS = {
    "servicedesk:take": "take",
    "servicedesk:wait": "wait",
    "servicedesk:resume": "resume",
    "servicedesk:resolve": "resolve",
    "servicedesk:escalate": "escalate",
    "servicedesk:rate": "rate",
    "servicedesk:note": "note",
    "servicedesk:merge": "merge",
    "servicedesk:attach": "attach",
}


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
@pytest.mark.parametrize("name", list(DESK_PAGES))
def test_desk_pages_by_zone_wide_role(client_for, name, role):
    path, allowed = DESK_PAGES[name]
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


@pytest.fixture
def ladder():
    d = desk()
    other = desk("G02")
    auditor = person("desk-auditor", "auditor")
    request = services.submit(
        actor=d.company,
        credit_code=d.enterprise.credit_code,
        category="hiring",
        title="招聘",
        description="需要帮助",
    )
    return d, other, auditor, request


def test_a_request_is_seen_by_its_grid_its_enterprise_and_the_readers_only(ladder):
    d, other, auditor, request = ladder
    path = f"/servicedesk/requests/{request.number}/"
    seen = {
        "officer": d.officer,
        "officer2": d.officer2,
        "leader": d.leader,
        "leadership": d.leadership,
        "company": d.company,
        "auditor": auditor,
    }
    unseen = {
        "clerk (not escalated yet)": d.clerk,
        "another grid's officer": other.officer,
        "another grid's leader": other.leader,
        "another enterprise": other.company,
    }
    for who, user in seen.items():
        assert _client(user).get(path).status_code == 200, who
    for who, user in unseen.items():
        assert _client(user).get(path).status_code == 403, who
    assert _client(None).get(path).status_code == 302
    assert _client(d.officer).get("/servicedesk/requests/2026-9999999/").status_code == 404


def test_internal_notes_are_kept_from_the_enterprise(ladder):
    d, _other, _auditor, request = ladder
    services.add_note(actor=d.officer, pk=request.pk, text="内部：企业资料不全", internal=True)
    path = f"/servicedesk/requests/{request.number}/"
    assert "内部：企业资料不全" in _client(d.officer).get(path).content.decode()
    assert "内部：企业资料不全" not in _client(d.company).get(path).content.decode()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_attachments_reach_who_sees_the_request_and_internal_ones_the_staff_only(ladder):
    d, other, auditor, request = ladder
    company, officer = _client(d.company), _client(d.officer)
    page = f"/servicedesk/requests/{request.number}/"
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = company.post(page + "attach/", {"files": [photo]}, follow=True)
    assert "已上传" in response.content.decode()
    # The enterprise cannot make its file internal: the box is not offered and is refused.
    sneaky = SimpleUploadedFile("b.png", PNG, content_type="image/png")
    response = company.post(page + "attach/", {"files": [sneaky], "internal": "1"}, follow=True)
    assert "无权" in response.content.decode() or "not allowed" in response.content.decode()
    pdf = SimpleUploadedFile("核查意见.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    officer.post(page + "attach/", {"files": [pdf], "internal": "1"})
    shown, hidden = request.attachments.order_by("pk")
    assert (shown.internal, hidden.internal) == (False, True)
    assert hidden.content_type == "application/pdf" and shown.original_name == "现场.png"
    for who, client, internal_too in (
        ("officer", officer, True),
        ("auditor", _client(auditor), True),
        ("company", company, False),
    ):
        assert client.get(page + f"files/{shown.pk}/").status_code == 200, who
        expected = 200 if internal_too else 404
        assert client.get(page + f"files/{hidden.pk}/").status_code == expected, who
        assert ("核查意见.pdf" in client.get(page).content.decode()) is internal_too, who
    assert _client(other.officer).get(page + f"files/{shown.pk}/").status_code == 403
    assert _client(other.company).get(page + f"files/{shown.pk}/").status_code == 403
    served = officer.get(page + f"files/{shown.pk}/")
    assert b"".join(served.streaming_content) == PNG  # type: ignore[attr-defined]


def test_a_bad_file_is_named_and_nothing_is_attached(ladder):
    d, _other, _auditor, request = ladder
    page = f"/servicedesk/requests/{request.number}/"
    good = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = _client(d.company).post(page + "attach/", {"files": [good, fake]}, follow=True)
    assert "附件“报告.pdf”不是" in response.content.decode()
    assert not request.attachments.exists()  # all or nothing
    response = _client(d.company).post(page + "attach/", {}, follow=True)
    assert "请选择要上传的附件" in response.content.decode()


def test_escalated_request_opens_to_its_department_only(ladder):
    d, _other, _auditor, request = ladder
    services.escalate(actor=d.officer, pk=request.pk, version=None, reason="需要部门协调")
    services.escalate(actor=d.leader, pk=request.pk, version=None, reason="需要人社局")
    request.refresh_from_db()
    assert request.department == d.department
    path = f"/servicedesk/requests/{request.number}/"
    assert _client(d.clerk).get(path).status_code == 200
    stranger = person("market-clerk", "department_officer", "department", "market")
    assert _client(stranger).get(path).status_code == 403


@pytest.mark.parametrize("name", list(REQUEST_POSTS))
def test_transitions_are_post_only_and_refuse_strangers(ladder, name):
    d, other, _auditor, request = ladder
    path = f"/servicedesk/requests/{request.number}/{REQUEST_POSTS[name]}/"
    assert _client(d.officer).get(path).status_code == 405
    assert _client(other.officer).post(path, {"version": request.version}).status_code == 403
    assert _client(None).post(path).status_code == 302
    request.refresh_from_db()
    assert request.status == R.ASSIGNED and request.version == 2  # nothing moved


def test_the_handler_takes_it_through_the_page(ladder):
    d, _other, _auditor, request = ladder
    client = _client(d.officer)
    response = client.post(
        f"/servicedesk/requests/{request.number}/take/", {"version": request.version}, follow=True
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == R.IN_PROGRESS
    # The same form sent again (an older version) is refused as a conflict, in Chinese.
    response = client.post(
        f"/servicedesk/requests/{request.number}/take/", {"version": 2}, follow=True
    )
    assert "刚刚已被" in response.content.decode()


# -- visits, work safety and notices (tests/test_access_matrix.py reads these tables too) -------

FIELD_PAGES = {
    "servicedesk:visits": ("/servicedesk/field/visits/", READERS),
    "servicedesk:hazards": ("/servicedesk/field/hazards/", READERS),
    "servicedesk:notices": ("/servicedesk/notices/", READERS),
    "servicedesk:notice_new": ("/servicedesk/notices/new/", {"leadership", "zone_admin"}),
    "servicedesk:field_settings": ("/servicedesk/field/settings/", {"zone_admin"}),
    "servicedesk:visit_new": ("/servicedesk/field/visits/new/", set()),
    "servicedesk:inspection_new": ("/servicedesk/field/inspections/new/", set()),
}
# Pages of one object: who of a grid's people may open them (tested below).
FIELD_OBJECT_PAGES = {"servicedesk:visit", "servicedesk:inspection", "servicedesk:hazard"}
FIELD_OBJECT_PAGES |= {"servicedesk:notice", "servicedesk:hazard_photo"}
FIELD_POSTS = {
    "servicedesk:visit_request",
    "servicedesk:hazard_add",
    "servicedesk:hazard_report",
    "servicedesk:hazard_reinspect",
    "servicedesk:notice_ack",
}


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
@pytest.mark.parametrize("name", list(FIELD_PAGES))
def test_field_pages_by_zone_wide_role(client_for, name, role):
    path, allowed = FIELD_PAGES[name]
    response = client_for(role).get(path)
    if role in allowed:
        assert response.status_code == 200, (name, role)
    elif role == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code == 403, (name, role, response.status_code)


@pytest.fixture
def field():
    from gaoxin.servicedesk.services import notices, safety, visits

    d = desk()
    other = desk("G02")
    admin = person("field-admin", "zone_admin")
    safety.save_checklist(actor=admin, code="fire", name="消防", items="通道畅通\n灭火器有效")
    visit = visits.record_visit(
        actor=d.officer, credit_code=d.enterprise.credit_code, findings="需要招聘"
    )
    inspection = safety.inspect(
        actor=d.officer,
        credit_code=d.enterprise.credit_code,
        template="fire",
        results={0: "fail", 1: "pass"},
    )
    hazard = safety.add_hazard(
        actor=d.officer,
        inspection=inspection.pk,
        description="通道堵塞",
        severity="general",
        photos=[SimpleUploadedFile("door.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)],
    )
    notice = notices.send(
        actor=d.leadership, kind="health", title="通知", body="正文", grids=["G01"]
    )
    return d, other, visit, inspection, hazard, notice


def test_field_objects_open_to_their_grid_and_not_to_another(field):
    d, other, visit, inspection, hazard, notice = field
    pages = [
        f"/servicedesk/field/visits/{visit.pk}/",
        f"/servicedesk/field/inspections/{inspection.pk}/",
        f"/servicedesk/field/hazards/{hazard.number}/",
        f"/servicedesk/notices/{notice.number}/",
        f"/servicedesk/field/hazards/{hazard.number}/photos/{hazard.photos.get().pk}/",
    ]
    for path in pages:
        assert _client(d.officer).get(path).status_code == 200, path
        assert _client(d.leadership).get(path).status_code == 200, path
        assert _client(other.officer).get(path).status_code == 403, path
        assert _client(other.company).get(path).status_code == 403, path
        assert _client(None).get(path).status_code == 302, path
    # The enterprise sees its hazard and its notice, not the officer's visit or inspection.
    assert _client(d.company).get(pages[2]).status_code == 200
    photo = _client(d.company).get(pages[4])
    assert photo["Content-Type"] == "image/png" and photo["X-Content-Type-Options"] == "nosniff"
    assert _client(d.company).get(pages[3]).status_code == 200
    assert _client(d.company).get(pages[0]).status_code == 403
    assert _client(d.company).get(pages[1]).status_code == 403
    assert _client(d.officer).get("/servicedesk/field/hazards/YH2000-000000/").status_code == 404


def test_field_posts_are_post_only_and_refuse_strangers(field):
    d, other, visit, inspection, hazard, notice = field
    posts = [
        f"/servicedesk/field/visits/{visit.pk}/request/",
        f"/servicedesk/field/inspections/{inspection.pk}/hazard/",
        f"/servicedesk/field/hazards/{hazard.number}/report/",
        f"/servicedesk/field/hazards/{hazard.number}/reinspect/",
        f"/servicedesk/notices/{notice.number}/ack/",
    ]
    assert len(posts) == len(FIELD_POSTS)
    for path in posts:
        assert _client(d.officer).get(path).status_code == 405, path
        assert _client(other.officer).post(path, {}).status_code == 403, path
        assert _client(None).post(path).status_code == 302, path
    hazard.refresh_from_db()
    assert hazard.version == 1 and hazard.status == "open"  # nothing moved


def test_an_enterprise_acknowledges_and_its_officer_sees_whom_to_chase(field):
    d, _other, _visit, _inspection, _hazard, notice = field
    path = f"/servicedesk/notices/{notice.number}/"
    before = _client(d.officer).get(path).content.decode()
    assert "正文" in before
    assert d.enterprise.name in before.split('data-testid="pending"')[1]
    response = _client(d.company).post(f"{path}ack/", follow=True)
    assert response.status_code == 200
    assert 'data-testid="acknowledged"' in response.content.decode()
    after = _client(d.officer).get(path).content.decode()
    assert d.enterprise.name not in after.split('data-testid="pending"')[1]


# -- statistics collection (tests/test_access_matrix.py and test_personal_data.py read these) ----

STATS_PAGES = {
    "servicedesk:stats_mine": ("/servicedesk/statistics/mine/", set()),
    "servicedesk:stats_grid": ("/servicedesk/statistics/grid/", READERS),
    "servicedesk:stats_completeness": ("/servicedesk/statistics/completeness/", READERS),
    "servicedesk:stats_forms": ("/servicedesk/statistics/forms/", {"zone_admin"}),
}
# A report's page and the export of a form's period: tested with their objects below.
STATS_OBJECT_PAGES = {"servicedesk:stats_report", "servicedesk:stats_export"}
STATS_POSTS = {
    "servicedesk:stats_save",
    "servicedesk:stats_submit",
    "servicedesk:stats_accept",
    "servicedesk:stats_return",
}


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
@pytest.mark.parametrize("name", list(STATS_PAGES))
def test_statistics_pages_by_zone_wide_role(client_for, name, role):
    path, allowed = STATS_PAGES[name]
    response = client_for(role).get(path)
    if role in allowed:
        assert response.status_code == 200, (name, role)
    elif role == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code == 403, (name, role, response.status_code)


@pytest.fixture
def stats_world(on):
    from datetime import date

    from gaoxin.servicedesk.models import Duty, DutyHolder
    from gaoxin.servicedesk.services import statistics

    on(date(2026, 5, 15))
    d = desk()
    other = desk("G02")
    DutyHolder.objects.create(
        grid=d.grid,
        duty=Duty.objects.get(code="statistics"),
        officer=d.officer2,
        valid_from=date(2020, 1, 1),
    )
    statistics.save_form(
        actor=person("stats-admin", "zone_admin"),
        code="monthly",
        name_zh="月报",
        name_en="Monthly",
        period_type="monthly",
        starts_on="2026-01-01",
        due_days=10,
        fields=[{"code": "revenue", "label_zh": "营业收入", "label_en": "Revenue", "band": "30"}],
    )
    report = statistics.submit_report(
        actor=d.company,
        form_code="monthly",
        period="2026-03",
        credit_code=d.enterprise.credit_code,
        values={"revenue": "10"},
    )
    return d, other, report


def test_a_report_opens_to_its_enterprise_its_grid_and_the_readers_only(stats_world):
    d, other, _report = stats_world
    path = f"/servicedesk/statistics/reports/monthly/2026-03/{d.enterprise.credit_code}/"
    export = "/servicedesk/statistics/export/monthly/2026-03.xlsx"
    auditor = person("stats-auditor", "auditor")
    for who in (d.company, d.officer, d.officer2, d.leader, d.leadership, auditor):
        assert _client(who).get(path).status_code == 200, who
    for who in (other.company, other.officer, other.leader, d.clerk):
        assert _client(who).get(path).status_code == 403, who
    assert _client(None).get(path).status_code == 302
    for who in (d.leadership, auditor):
        assert _client(who).get(export).status_code == 200, who
    for who in (d.company, d.officer2, d.leader, d.clerk):
        assert _client(who).get(export).status_code == 403, who
    assert _client(d.company).get(path.replace("2026-03", "2026-06")).status_code == 404
    assert _client(d.company).get(path.replace("monthly", "nope")).status_code == 404


def test_statistics_posts_are_post_only_and_refuse_strangers(stats_world):
    d, other, report = stats_world
    base = f"/servicedesk/statistics/reports/monthly/2026-03/{d.enterprise.credit_code}/"
    posts = [base + "save/", base + "submit/", base + "accept/", base + "return/"]
    assert len(posts) == len(STATS_POSTS)
    for path in posts:
        assert _client(d.officer2).get(path).status_code == 405, path
        assert _client(other.officer2).post(path, {"reason": "x"}).status_code == 403, path
        assert _client(other.company).post(path, {"reason": "x"}).status_code == 403, path
        assert _client(None).post(path).status_code == 302, path
    # The enterprise cannot review its own report; nothing moved.
    assert _client(d.company).post(base + "accept/").status_code == 403
    report.refresh_from_db()
    assert report.awaits_review and report.revision == 2
