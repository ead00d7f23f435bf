"""Who may open and act on the approvals desk's pages: every role zone-wide (the matrix), and
on one project the enterprise, its agent, the departments and strangers (object level). A new
URL of the desk needs a row here (tests/test_access_matrix.py checks that every URL has one)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from conftest import ALL_ROLES
from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.approvals.choices import ItemStatus

from .builders import DEPT, dispatch, item, person, stage, start, submit, zone

pytestmark = pytest.mark.django_db

READERS = {"leadership", "auditor", "zone_admin"}
# Zone-wide grants: a reviewer, a head or an intake without a department sees no queue.
APPROVAL_PAGES = {
    "approvals:mine": ("/approvals/", READERS | {"approval_agent"}),
    "approvals:queue": ("/approvals/queue/", set()),
    "approvals:intake": ("/approvals/intake/", set()),
    "approvals:dashboard": ("/approvals/dashboard/", READERS),
    "approvals:templates": ("/approvals/templates/", {"zone_admin"}),
}
PUBLIC = {"approvals:verify": "/verify/approvals/?code=NOSUCH"}
# A project's page and its certificate PDF: tested with a project below.
OBJECT_PAGES = {"approvals:project", "approvals:certificate_pdf", "approvals:template_version"}
POSTS = {
    "approvals:start",
    "approvals:land",
    "approvals:document",
    "approvals:submit",
    "approvals:dispatch",
    "approvals:return",
    "approvals:decide",
    "approvals:prereview",
    "approvals:answer",
    "approvals:check",
    "approvals:ship",
    "approvals:delivered",
    "approvals:template_draft",
    "approvals:template_publish",
    "approvals:template_document_add",
    "approvals:template_stage_edit",
    "approvals:template_item_add",
    "approvals:template_item_edit",
    "approvals:template_item_remove",
}
API = {"api-1.0.0:decision_push", "api-1.0.0:item_get"}  # test_api.py


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
@pytest.mark.parametrize("name", list(APPROVAL_PAGES))
def test_pages_by_zone_wide_role(client_for, name, role):
    path, allowed = APPROVAL_PAGES[name]
    response = client_for(role).get(path)
    if role in allowed:
        assert response.status_code == 200, (name, role)
    elif role == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code == 403, (name, role, response.status_code)


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
def test_the_verification_page_is_public(client_for, role):
    response = client_for(role).get(PUBLIC["approvals:verify"])
    assert response.status_code == 200 and b"verdict" in response.content


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_project_is_seen_and_worked_only_by_its_people(on):
    z = zone()
    on(date(2026, 6, 1))
    p = start(z)
    submit(z, p, 1)
    url = f"/approvals/projects/{p.pk}/"
    stranger = person("other-co", roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE, "91110000000000000X")
    other_agent = person("agent-2", roles.APPROVAL_AGENT)
    for user, status in (
        (z.company, 200),
        (z.agent, 200),
        (z.reviewers["zrzy"], 200),
        (z.intake["fgw"], 200),
        (z.leadership, 200),
        (stranger, 403),
        (other_agent, 403),  # an agent sees only the projects it was authorised for
        (None, 302),
    ):
        assert _client(user).get(url).status_code == status, user
    s = stage(p, 1)
    # The wrong lead department cannot dispatch; nothing changes.
    _client(z.intake["zjj"]).post(f"/approvals/projects/{p.pk}/stages/{s.pk}/dispatch/")
    assert stage(p, 1).status == "submitted"
    dispatch(z, p, 1)
    it = item(p, "S1-02")
    decide_url = f"/approvals/projects/{p.pk}/items/{it.pk}/decide/approve/"
    answer = _client(z.reviewers["fgw"]).post(decide_url, {"version": it.version}, follow=True)
    assert "您无权" in answer.content.decode() or "may not" in answer.content.decode()
    assert item(p, "S1-02").status == ItemStatus.IN_REVIEW
    _client(z.reviewers["zrzy"]).post(decide_url, {"version": it.version})
    assert item(p, "S1-02").status == ItemStatus.APPROVED
    assert _client(stranger).post(decide_url, {"version": 0}).status_code == 302
    assert _client(None).post(decide_url).status_code == 302


def test_a_department_reviewer_sees_its_queue(on):
    z = zone()
    on(date(2026, 6, 1))
    p = start(z, green=True)
    submit(z, p, 1)
    dispatch(z, p, 1)
    page = _client(z.reviewers["sthj"]).get("/approvals/queue/").content.decode()
    assert p.number in page and "S1-03" in page and "S1-02" not in page
    scoped = person("win-x", roles.APPROVAL_INTAKE, DEPT, "fgw")
    assert _client(scoped).get("/approvals/intake/").status_code == 200


def test_the_queue_lists_what_the_department_can_act_on_dated_first(on):
    z = zone()
    on(date(2026, 6, 1))
    reviewing = start(z)
    submit(z, reviewing, 1)
    dispatch(z, reviewing, 1)
    waiting = start(z)  # stage 1 open: its S1-02 is not the department's yet
    rows = _client(z.reviewers["zrzy"]).get("/approvals/queue/").context["items"]
    listed = [(it.project.number, it.code, todo) for it, todo in rows]
    # zrzy: S1-02 to decide (dated) first; then the pre-reviewable S2-01/S2-02 of both projects.
    assert listed[0][:2] == (reviewing.number, "S1-02") and listed[0][2] in ("请办理", "Decide")
    assert (waiting.number, "S1-02") not in [row[:2] for row in listed]
    later = {row[:2] for row in listed[1:]}
    assert later == {(p.number, c) for p in (reviewing, waiting) for c in ("S2-01", "S2-02")}
    assert {row[2] for row in listed[1:]} <= {"可拿地前预审", "May be pre-reviewed before land"}


def test_the_intake_marks_a_package_waiting_more_than_one_working_day(on):
    z = zone()
    on(date(2026, 6, 5))  # a Friday
    p = start(z)
    submit(z, p, 1)
    window = _client(z.intake["fgw"])
    on(date(2026, 6, 8))  # Monday: one working day after Friday, still on time
    page = window.get("/approvals/intake/").content.decode()
    assert p.number in page and 'data-testid="intake-late"' not in page
    on(date(2026, 6, 9))
    assert 'data-testid="intake-late"' in window.get("/approvals/intake/").content.decode()


def test_the_zone_readers_list_every_project_and_applicants_only_theirs(on):
    z = zone()
    on(date(2026, 6, 1))
    mine = start(z)
    stranger = person("other-co", roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE, "91110000000000000X")
    for user in (z.leadership, z.admin):
        assert mine.number in _client(user).get("/approvals/").content.decode()
    assert mine.number not in _client(stranger).get("/approvals/").content.decode()
    page = _client(z.leadership).get("/approvals/").content.decode()
    assert 'data-testid="your-turn"' not in page  # nobody's turn but the applicant's
    assert 'data-testid="your-turn"' in _client(z.agent).get("/approvals/").content.decode()
