"""The registry's pages and API through HTTP, for every role."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from gaoxin.common.models import AuditEvent
from gaoxin.registry.choices import ImportKind
from gaoxin.registry.models import ImportRun, Person

from .factories import a_classification, a_person, an_enterprise

pytestmark = pytest.mark.django_db

PAGES = [
    "/registry/",
    "/registry/enterprises/",
    "/registry/people/",
    "/registry/industries/",
    "/registry/imports/",
]
EXPECTED = {  # role -> status of the read pages
    "zone_admin": 200,
    "reviewer": 200,
    "auditor": 200,
    "developer": 403,
    "notary": 403,
    "applicant": 403,
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_read_pages_by_role(client_for, role):
    client = client_for(role)
    for url in PAGES:
        assert client.get(url).status_code == EXPECTED[role], url


def test_anonymous_is_sent_to_login(client_for):
    response = client_for("anonymous").get("/registry/people/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nav_link_and_home_capabilities(client_for):
    assert "/registry/" in client_for("reviewer").get("/").content.decode()
    assert 'href="/registry/"' not in client_for("applicant").get("/").content.decode()


def test_person_masked_until_revealed_and_reveal_is_audited(client_for):
    person = a_person(name="张小明", phone="13812345678")
    page = f"/registry/people/{person.pk}/"
    auditor = client_for("auditor")
    body = auditor.get(page).content.decode()
    assert "张*明" in body and person.id_number not in body and person.masked_id_number in body
    assert "reveal" not in body  # auditors have no unmask button
    assert auditor.post(f"{page}reveal/", {"purpose": "x"}).status_code == 403

    reviewer = client_for("reviewer")
    assert person.id_number not in reviewer.get(page).content.decode()
    response = reviewer.post(f"{page}reveal/", {"purpose": "核对申请人身份"})
    assert response.status_code == 302
    body = reviewer.get(page).content.decode()
    assert person.id_number in body and "张小明" in body and "13812345678" in body
    assert (
        AuditEvent.objects.filter(
            action="registry.person.unmasked", object_id=str(person.pk)
        ).count()
        == 1
    )


def test_person_list_filters_by_full_id_number(client_for):
    wanted, other = a_person(), a_person()
    body = client_for("reviewer").get("/registry/people/", {"q": wanted.id_number}).content.decode()
    assert f"/registry/people/{wanted.pk}/" in body and f"/registry/people/{other.pk}/" not in body


def test_enterprise_filters_and_detail(client_for):
    key = a_classification().enterprise
    plain = an_enterprise(business_in_zone_from=None)
    client = client_for("reviewer")
    body = client.get("/registry/enterprises/", {"industry": "IC"}).content.decode()
    assert key.name in body and plain.name not in body
    body = client.get("/registry/enterprises/", {"in_zone": "no"}).content.decode()
    assert plain.name in body and key.name not in body
    detail = client.get(f"/registry/enterprises/{key.pk}/").content.decode()
    assert "集成电路" in detail


def test_admin_classifies_an_enterprise_through_the_page(client_for):
    enterprise = an_enterprise()
    admin = client_for("zone_admin")
    response = admin.post(
        f"/registry/enterprises/{enterprise.pk}/classify/",
        {"industry": 3, "effective_from": "2024-01-01", "basis": "合高管〔2024〕1号"},
    )
    assert response.status_code == 302
    assert enterprise.classifications.count() == 1
    reviewer = client_for("reviewer")
    assert reviewer.post(f"/registry/enterprises/{enterprise.pk}/classify/", {}).status_code == 403


def test_catalogue_edit_page(client_for):
    admin = client_for("zone_admin")
    response = admin.post(
        "/registry/industries/new/",
        {
            "code": "QUANTUM",
            "name_zh": "量子信息",
            "name_en": "Quantum",
            "effective_from": "2026-01-01",
            "sort_order": 14,
        },
    )
    assert response.status_code == 302
    assert client_for("reviewer").get("/registry/industries/new/").status_code == 403


def test_templates_download(client_for):
    client = client_for("zone_admin")
    for kind in ImportKind.values:
        response = client.get(f"/registry/templates/{kind}.xlsx")
        assert response.status_code == 200
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
        assert str(sheet.to_python()[0][0]).rstrip("*") in {
            "统一社会信用代码",
            "身份证号",
            "父母身份证号",
            "不动产权证号",
        }
        csv_response = client.get(f"/registry/templates/{kind}.csv")
        assert csv_response.content.startswith("\ufeff".encode())
    assert client.get("/registry/templates/nope.xlsx").status_code == 404


def test_upload_runs_the_import_and_shows_the_result(
    client_for, django_capture_on_commit_callbacks
):
    admin = client_for("zone_admin")
    content = "身份证号,姓名,联系电话\n11010519491231002X,张三,\n440524188001010014,李四,\n"
    upload = SimpleUploadedFile("people.csv", content.encode("utf-8"), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/registry/imports/", {"kind": "person", "file": upload})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == f"/registry/imports/{run.pk}/"
    assert run.status == "succeeded" and run.inserted == 2 and run.source == "web"
    assert Person.objects.count() == 2
    status = admin.get(f"/registry/imports/{run.pk}/status/").content.decode()
    assert "hx-trigger" not in status  # finished: no more polling
    history = admin.get("/registry/imports/").content.decode()
    assert "people.csv" in history


def test_upload_with_a_bad_row_offers_the_error_report(
    client_for, django_capture_on_commit_callbacks
):
    admin = client_for("zone_admin")
    content = "身份证号,姓名\n11010519491231002X,张三\n11010519491231002Y,李四\n"
    upload = SimpleUploadedFile("bad.csv", content.encode("gbk"), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/registry/imports/", {"kind": "person", "file": upload})
    run = ImportRun.objects.get()
    assert run.status == "rejected" and Person.objects.count() == 0
    page = admin.get(f"/registry/imports/{run.pk}/").content.decode()
    assert "11010519491231002Y" in page
    report = admin.get(f"/registry/imports/{run.pk}/errors.xlsx")
    assert report.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(report.content)).get_sheet_by_index(0)
    assert rows.to_python()[1][:3] == [3.0, "身份证号", "11010519491231002Y"]
    auditor = client_for("auditor")
    assert "11010519491231002Y" not in auditor.get(f"/registry/imports/{run.pk}/").content.decode()
    assert auditor.get(f"/registry/imports/{run.pk}/errors.xlsx").status_code == 403


def test_a_name_no_bundled_font_can_print_is_imported_with_a_warning(
    client_for, django_capture_on_commit_callbacks
):
    """Issue 13, item 9: the registry warns at import about a name character that no font
    bundled for the PDF documents can draw (here a private-use character, as some local
    population systems use); 𠮷 and 䶮 are drawn, so they bring no warning."""
    admin = client_for("zone_admin")
    content = "身份证号,姓名\n11010519491231002X,𠮷䶮明\n440524188001010014,李\ue000明\n"
    upload = SimpleUploadedFile("people.csv", content.encode("utf-8"), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/registry/imports/", {"kind": "person", "file": upload})
    run = ImportRun.objects.get()
    assert run.status == "succeeded" and run.inserted == 2  # imported all the same
    assert run.error_rows == 0 and run.warning_count == 1
    (warning,) = run.warnings_preview
    assert (warning["row"], warning["column"], warning["code"]) == (
        3,
        "姓名",
        "row.name_unprintable",
    )
    assert "“\ue000”（U+E000）" in warning["reason_zh"] and "〔U+E000〕" in warning["reason_zh"]
    assert "(U+E000)" in warning["reason_en"]
    page = admin.get(f"/registry/imports/{run.pk}/").content.decode()
    assert 'data-testid="import-warnings"' in page and "U+E000" in page
    assert "李\ue000明" not in page  # the name itself masked on the page
    report = admin.get(f"/registry/imports/{run.pk}/errors.xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(report.content)).get_sheet_by_name(
        "提示 Warnings"
    )
    assert sheet.to_python()[1][:4] == [3.0, "姓名", "李\ue000明", "row.name_unprintable"]


def test_reviewers_cannot_upload(client_for):
    upload = SimpleUploadedFile("p.csv", b"x", "text/csv")
    response = client_for("reviewer").post("/registry/imports/", {"kind": "person", "file": upload})
    assert response.status_code == 403
    assert ImportRun.objects.count() == 0


def test_api(client_for):
    key = a_classification(effective_from=date(2021, 6, 1)).enterprise
    client = client_for("reviewer")
    listed = client.get("/api/registry/enterprises", {"industry": "IC"}).json()
    assert [e["credit_code"] for e in listed["items"]] == [key.credit_code]
    detail = client.get(f"/api/registry/enterprises/{key.credit_code}").json()
    assert detail["key_industry_in_zone_today"] is True
    assert detail["classifications"][0]["industry"] == "IC"
    assert len(client.get("/api/registry/industries").json()) == 13
    missing = client.get("/api/registry/enterprises/91350100M000100Y43")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    denied = client_for("applicant").get("/api/registry/industries")
    assert denied.status_code == 403 and set(denied.json()) >= {"code", "message_zh", "message_en"}
