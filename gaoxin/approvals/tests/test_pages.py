"""The desk's pages walked over HTTP: a package with a 容缺 document, dispatch, a correction
whose clock visibly stops, pre-review and the land contract, the certificate PDF and its
verification code on the public page, the courier record, the dashboard's figures."""

from __future__ import annotations

from datetime import date

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gaoxin.approvals.models import Certificate

from .builders import item, stage, zone

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", f"%PDF-1.4 {name}".encode(), "application/pdf")


def test_the_pages_walk_one_project(on):
    z = zone()
    on(date(2026, 6, 1))
    agent = _client(z.agent)
    started = agent.post(
        "/approvals/start/",
        {
            "credit_code": z.enterprise.credit_code,
            "name": "新能源电池项目",
            "parcel": "GX-2026-11",
            "investment": "80000",
            "agent_authorisation": "委托书 2026-88",
            "green_channel": "on",
        },
    )
    assert started.status_code == 302
    url = started["Location"]
    pk = int(url.rstrip("/").rsplit("/", 1)[1])
    from gaoxin.approvals.models import Project

    p = Project.objects.get(pk=pk)
    # The agent's list marks the project as its turn while stage 1 waits for the package.
    assert 'data-testid="your-turn"' in agent.get("/approvals/").content.decode()
    s1 = stage(p, 1)
    posted = agent.post(
        f"{url}stages/{s1.pk}/submit/",
        {"doc_D01": _pdf("D01"), "doc_D02": _pdf("D02"), "promise_D06": "2026-06-20"},
        follow=True,
    )
    assert (
        "The package was submitted." in posted.content.decode()
        or "已提交" in posted.content.decode()
    )
    assert stage(p, 1).status == "submitted"
    assert p.documents.get(code="D06").promised_on == date(2026, 6, 20)
    assert 'data-testid="your-turn"' not in agent.get("/approvals/").content.decode()
    _client(z.intake["fgw"]).post(f"{url}stages/{s1.pk}/dispatch/")
    on(date(2026, 6, 2))
    it = item(p, "S1-02")
    rev = _client(z.reviewers["zrzy"])
    rev.post(f"{url}items/{it.pk}/decide/correction/", {"version": it.version, "text": "补红线图"})
    page = agent.get(url).content.decode()
    assert 'data-testid="clock-stopped"' in page and "补红线图" in page
    assert 'data-testid="your-turn"' in agent.get("/approvals/").content.decode()
    on(date(2026, 6, 4))
    agent.post(f"{url}items/{it.pk}/answer/", {"note": "已补"})
    it = item(p, "S1-02")
    # Due 10 working days after Mon 1 Jun = 15 Jun; paused 2–3 Jun (2 working days) → 17 Jun.
    assert it.due_on == date(2026, 6, 17)
    rev.post(f"{url}items/{it.pk}/decide/approve/", {"version": it.version})
    cert = Certificate.objects.get(item=it)
    pdf = agent.get(f"/approvals/certificates/{cert.code}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The paper tells its reader where to check it, and dates as a Chinese document does.
    text = pypdfium2.PdfDocument(pdf.content)[0].get_textpage().get_text_range()
    assert "/verify/approvals/" in text and cert.code in text
    assert "决定日期 2026年6月4日" in text, text
    verdict = Client().get(f"/verify/approvals/?code={cert.code}").content.decode()
    assert "matches the stored digest" in verdict or "存档摘要" in verdict
    assert 'data-testid="decision">已批准' in verdict
    forged = Client().get("/verify/approvals/?code=ABCDEF012345").content.decode()
    assert "No certificate" in forged or "没有" in forged

    window = _client(z.intake["fgw"])
    window.post(
        f"{url}certificates/{cert.code}/ship/", {"carrier": "EMS", "tracking_number": "EA123"}
    )
    window.post(f"{url}certificates/{cert.code}/delivered/")
    cert.refresh_from_db()
    assert (cert.carrier, cert.tracking_number, cert.delivered_on) == (
        "EMS",
        "EA123",
        date(2026, 6, 4),
    )

    queue = rev.get("/approvals/queue/").content.decode()
    # zrzy's item of stage 1 is decided; its pre-reviewable items of stage 2 wait for pre-review.
    assert "S1-02" not in queue and "S2-01" in queue
    board = _client(z.leadership).get("/approvals/dashboard/")
    assert board.status_code == 200 and 'data-testid="quick-start"' in board.content.decode()


def test_department_staff_see_the_projects_their_department_is_in():
    from .builders import start

    z = zone()
    project = start(z)
    # Stage 1's lead department (fgw) takes in; its items go to several departments.
    dept = project.items.values_list("department__code", flat=True)[0]
    reviewer = _client(z.reviewers[dept]).get("/approvals/").content.decode()
    assert project.number in reviewer and 'data-testid="staff-note"' in reviewer
    assert "/approvals/queue/" in reviewer
    window = _client(z.intake["fgw"]).get("/approvals/").content.decode()
    assert project.number in window and "/approvals/intake/" in window
    assert "/approvals/queue/" not in window.split('data-testid="staff-note"')[1].split("</p>")[0]
    # A department without any item of the project does not see it.
    from gaoxin.approvals.models import Department

    idle = Department.objects.create(code="idle", name="无关部门")
    from gaoxin.accounts import roles

    from .builders import DEPT, person

    stranger = person("rev-idle", roles.APPROVAL_REVIEWER, DEPT, idle.code)
    assert project.number not in _client(stranger).get("/approvals/").content.decode()
