"""The process template's editor pages, as the zone administrator uses them: the versions and
the projects running on each, a draft edited (items, stages, documents and their 容缺 flags),
refusals that name the field and change nothing, and publishing, after which running projects
keep the version they started with."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from gaoxin.approvals import services
from gaoxin.approvals.models import ItemDef, StageDef, TemplateVersion
from gaoxin.common.models import AuditEvent
from gaoxin.testing.errors import raises_code
from gaoxin.testing.pages import english_words

from .builders import dispatch, item, start, submit, zone

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _items(project):
    return list(
        project.items.order_by("code").values_list(
            "code", "limit_days", "department_id", "due_on", "documents", "waits_for"
        )
    )


def _draft(admin: Client) -> TemplateVersion:
    made = admin.post("/approvals/templates/draft/")
    assert made.status_code == 302
    pk = int(made["Location"].rstrip("/").rsplit("/", 1)[1])
    return TemplateVersion.objects.get(pk=pk)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_the_editor_pages_change_new_projects_only(on):
    z = zone()
    on(date(2026, 6, 1))
    p = start(z)
    submit(z, p, 1)
    dispatch(z, p, 1)
    before = _items(p)
    admin = _client(z.admin)
    listing = admin.get("/approvals/templates/").content.decode()
    assert "v1" in listing and 'data-testid="new-draft"' in listing
    draft = _draft(admin)
    assert draft.number == 2
    # One draft at a time: the list offers no second one, asking again opens the same draft.
    assert 'data-testid="new-draft"' not in admin.get("/approvals/templates/").content.decode()
    assert _draft(admin).pk == draft.pk
    url = f"/approvals/templates/{draft.pk}/"
    s102 = ItemDef.objects.get(stage__version=draft, code="S1-02")
    stage1 = StageDef.objects.get(version=draft, order=1)
    added = admin.post(f"{url}documents/", {"code": "D09", "name": "节能审查意见"}, follow=True)
    assert "D09" in added.content.decode()
    saved = admin.post(
        f"{url}items/{s102.pk}/",
        {
            "department": "fgw",
            "limit_days": "4",
            "commitment": "on",
            "waits_for": "S1-01",
            "doc_D01": "required",
            "doc_D09": "deferrable",
        },
        follow=True,
    )
    page = saved.content.decode()
    assert saved.status_code == 200 and "节能审查意见" in page
    # Saved: back at the item; refused (below): at the top, where the message is.
    assert saved.redirect_chain[-1][0].endswith(f"#item-{s102.pk}")
    s102.refresh_from_db()
    assert (s102.limit_days, s102.department.code, s102.commitment, s102.prereviewable) == (
        4,
        "fgw",
        True,
        False,
    )
    assert s102.waits_for == ["S1-01"]
    assert s102.documents == [["D01", "项目申请报告", False], ["D09", "节能审查意见", True]]
    admin.post(
        f"{url}stages/{stage1.pk}/items/",
        {"code": "S1-04", "name": "节能审查", "department": "fgw", "limit_days": "5"},
    )
    admin.post(f"{url}stages/{stage1.pk}/", {"name": "立项用地许可", "lead_department": "zrzy"})
    s401 = ItemDef.objects.get(stage__version=draft, code="S4-01")
    admin.post(f"{url}items/{s401.pk}/remove/")
    page = admin.get(url).content.decode()
    assert "S1-04 节能审查" in page and "立项用地许可" in page and "S4-01" not in page
    # The draft's page, with every form, reads as Chinese (the shell shows the login name).
    assert set(english_words(page)) <= {"admin"}
    assert set(english_words(admin.get("/approvals/templates/").content.decode())) <= {"admin"}
    published = admin.post(f"{url}publish/", follow=True)
    assert "running projects keep" in _messages(published) or "保留" in _messages(published)
    draft.refresh_from_db()
    assert draft.status == "published"
    assert TemplateVersion.objects.get(number=1).status == "retired"
    # The project that was running is as it was; a new one starts on v2.
    assert _items(p) == before
    p.refresh_from_db()
    assert p.version.number == 1 and p.stages.get(order=1).lead_department.code == "fgw"
    newer = start(z)
    assert newer.version.number == 2
    assert item(newer, "S1-02").limit_days == 4 and item(newer, "S1-02").commitment
    assert newer.stages.get(order=1).lead_department.code == "zrzy"
    assert newer.items.filter(code="S1-04").exists()
    assert not newer.items.filter(code="S4-01").exists()
    listing = admin.get("/approvals/templates/").content.decode()
    assert 'data-testid="version-1"' in listing and 'data-testid="version-2"' in listing
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "approvals.template.drafted",
        "approvals.template.item_edited",
        "approvals.template.item_added",
        "approvals.template.item_removed",
        "approvals.template.stage_edited",
        "approvals.template.document_added",
        "approvals.template.published",
    } <= actions
    # A published version is read only: no forms, and a POST is refused with its reason.
    page = admin.get(url).content.decode()
    assert 'data-testid="save-S1-02"' not in page and 'data-testid="publish"' not in page
    refused = admin.post(f"{url}items/{s102.pk}/", {"limit_days": "9", "department": "fgw"})
    assert refused.status_code == 422 and "save-S1-02" not in refused.content.decode()
    s102.refresh_from_db()
    assert s102.limit_days == 4


@pytest.mark.parametrize(
    ("code", "post", "words"),
    [
        ("S2-02", {"waits_for": "S9-99"}, ["S9-99", "须等待"]),
        ("S2-01", {"waits_for": "S2-02"}, ["S2-01 → S2-02 → S2-01"]),
        ("S1-01", {"waits_for": "S3-01"}, ["S3-01", "第 3 阶段"]),
        ("S1-01", {"limit_days": "0"}, ["法定时限", "0"]),
        ("S1-01", {"limit_days": "十"}, ["法定时限", "十"]),
        ("S1-01", {"limit_days": "400"}, ["法定时限", "400"]),
    ],
)
def test_a_bad_edit_names_the_field_and_changes_nothing(code, post, words):
    z = zone()
    admin = _client(z.admin)
    draft = _draft(admin)
    target = ItemDef.objects.get(stage__version=draft, code=code)
    form = {
        "department": target.department.code,
        "limit_days": str(target.limit_days),
        "waits_for": ", ".join(target.waits_for),
    } | post
    before = list(
        ItemDef.objects.filter(stage__version=draft).values_list(
            "code", "limit_days", "waits_for", "documents"
        )
    )
    answer = admin.post(f"/approvals/templates/{draft.pk}/items/{target.pk}/", form, follow=True)
    text = _messages(answer)
    assert all(w in text for w in words), text
    # The item's form comes back open with what was typed: nothing typed is lost.
    assert answer.status_code == 422
    page = answer.content.decode()
    typed = next(iter(post.values()))
    assert f'value="{typed}"' in page and page.count("<details open>") == 1
    after = ItemDef.objects.filter(stage__version=draft).values_list(
        "code", "limit_days", "waits_for", "documents"
    )
    assert list(after) == before
    english = Client()
    english.force_login(z.admin)
    english.cookies["gaoxin_language"] = "en"
    answer = english.post(f"/approvals/templates/{draft.pk}/items/{target.pk}/", form, follow=True)
    assert "statutory limit" in _messages(answer) or "waits for" in _messages(answer)


def test_removals_that_would_break_the_process_are_refused():
    z = zone()
    draft = services.version_new_draft(actor=z.admin)
    s401 = ItemDef.objects.get(stage__version=draft, code="S4-01")
    s402 = ItemDef.objects.get(stage__version=draft, code="S4-02")
    services.item_def_remove(actor=z.admin, item_def_pk=s401.pk)
    with raises_code("approvals.stage_left_empty"):
        services.item_def_remove(actor=z.admin, item_def_pk=s402.pk)
    s201 = ItemDef.objects.get(stage__version=draft, code="S2-01")
    with raises_code("approvals.item_waited_for"):
        services.item_def_remove(actor=z.admin, item_def_pk=s201.pk)
    assert ItemDef.objects.filter(stage__version=draft).count() == 9
    with raises_code("approvals.value_invalid"):
        services.item_def_add(
            actor=z.admin,
            stage_def_pk=s201.stage_id,
            code="S1-01",
            name="重复",
            department="fgw",
            limit_days=3,
        )
    with raises_code("approvals.value_invalid"):
        services.document_def_add(actor=z.admin, version_pk=draft.pk, code="D01", name="重复")
    with raises_code("approvals.value_invalid"):
        services.item_def_edit(actor=z.admin, item_def_pk=s201.pk, documents=[("D99", True)])
    with raises_code("approvals.field_required"):
        services.stage_def_edit(
            actor=z.admin, stage_def_pk=s201.stage_id, name=" ", lead_department="zrzy"
        )
    with raises_code("approvals.not_found"):
        services.stage_def_edit(
            actor=z.admin, stage_def_pk=s201.stage_id, name="x", lead_department="nope"
        )


def test_only_the_zone_administrator_edits_the_template():
    z = zone()
    draft = services.version_new_draft(actor=z.admin)
    target = ItemDef.objects.get(stage__version=draft, code="S1-01")
    url = f"/approvals/templates/{draft.pk}/"
    for user in (z.leadership, z.reviewers["fgw"], z.agent, z.company):
        c = _client(user)
        assert c.get(url).status_code == 403
        assert c.post(f"{url}items/{target.pk}/", {"limit_days": "1"}).status_code == 403
        assert c.post(f"{url}publish/").status_code == 403
    target.refresh_from_db()
    assert target.limit_days == 3
    assert _client(z.admin).get("/approvals/templates/999999/").status_code == 404
    with raises_code("approvals.not_allowed"):
        services.item_def_add(
            actor=z.leadership,
            stage_def_pk=target.stage_id,
            code="X",
            name="X",
            department="fgw",
            limit_days=1,
        )


def test_a_refused_new_item_stage_or_document_comes_back_as_typed():
    z = zone()
    admin = _client(z.admin)
    draft = _draft(admin)
    stage = draft.stages.order_by("order")[0]
    base = f"/approvals/templates/{draft.pk}/"
    added = admin.post(
        f"{base}stages/{stage.pk}/items/",
        {"code": "S1-01", "name": "重复编号的事项", "department": "fgw", "limit_days": "5"},
    )
    page = added.content.decode()
    assert added.status_code == 422 and 'value="重复编号的事项"' in page
    assert page.count("<details open>") == 1
    renamed = admin.post(f"{base}stages/{stage.pk}/", {"name": " ", "lead_department": "fgw"})
    assert renamed.status_code == 422 and renamed.content.decode().count("<details open>") == 1
    document = admin.post(f"{base}documents/", {"code": "D01", "name": "已有编号的材料"})
    assert document.status_code == 422 and 'value="已有编号的材料"' in document.content.decode()
