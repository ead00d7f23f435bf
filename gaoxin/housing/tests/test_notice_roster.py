"""From review to a frozen roster: two-person overrides, public notice with objections, the
roster frozen and confirmed by the notary, and verified with fairdraw's own tools."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from gaoxin import fairdraw
from gaoxin.common.actors import OPERATOR
from gaoxin.housing import services
from gaoxin.housing.choices import Relation
from gaoxin.housing.models import Eligibility, Roster
from gaoxin.housing.registration import MemberIn
from gaoxin.testing.errors import raises_code

from .builders import (
    Household,
    bind,
    end_notice,
    published_batch,
    registration_in_june,
    review,
)
from .factories import person_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(make_user):
    """A batch in review with two applications: one meets every condition (key-industry), one
    is not in the registry."""
    batch = published_batch(code="R2026")
    good = Household()
    owner = bind(make_user("applicant"), good.person.id_number)
    services.application_register(
        actor=owner, batch=batch, members=good.members, pools=["key_industry"]
    )
    stranger = bind(make_user("applicant"), person_id(901), "路人")
    services.application_register(
        actor=stranger,
        batch=batch,
        pools=["first_home"],
        members=[MemberIn(Relation.APPLICANT, "路人", person_id(901))],
    )
    registration_in_june(batch)  # a June sale: the facts are dated
    review(batch, actor=make_user("reviewer"))
    return batch, owner, stranger


def test_review_records_a_decision_per_application(reviewed):
    batch, _owner, _stranger = reviewed
    assert batch.reviews.first().status == "done"
    decisions = {
        e.application.number: e for e in Eligibility.objects.filter(application__batch=batch)
    }
    assert decisions["R2026-000001"].key_industry is True
    assert decisions["R2026-000002"].general is False and decisions["R2026-000002"].needs_attention


def test_override_needs_a_reason_and_a_second_reviewer(reviewed, make_user):
    batch, _owner, _stranger = reviewed
    stranger_app = batch.applications.get(number="R2026-000002")
    first, second = make_user("reviewer"), make_user("reviewer")
    with raises_code("housing.override_reason_required"):
        services.override_propose(
            actor=first, application=stranger_app, pool="general", eligible=True, reason="太短"
        )
    with raises_code("not_allowed"):
        services.override_propose(
            actor=make_user("zone_admin"),
            application=stranger_app,
            pool="general",
            eligible=True,
            reason="户籍迁入材料已补充核验，信息一致",
        )
    override = services.override_propose(
        actor=first,
        application=stranger_app,
        pool="general",
        eligible=True,
        reason="申请人户籍迁入材料已补充核验，信息一致",
    )
    with raises_code("housing.overrides_pending"):
        services.notice_start(
            actor=OPERATOR, batch=batch, ends_at=timezone.now() + timedelta(days=5)
        )
    with raises_code("housing.second_reviewer_required"):
        services.override_decide(actor=first, override=override, approve=True)
    services.override_decide(actor=second, override=override, approve=True)
    eligibility = Eligibility.objects.get(application=stranger_app)
    assert eligibility.general is True and eligibility.overridden
    # A re-run of the automatic review keeps the approved override.
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.review_start(actor=first, batch=batch)
    assert Eligibility.objects.get(application=stranger_app).general is True


def test_notice_objections_freeze_and_notary_confirmation(reviewed, make_user, tmp_path):
    batch, owner, stranger = reviewed
    services.notice_start(actor=OPERATOR, batch=batch, ends_at=timezone.now() + timedelta(days=5))
    mine = batch.applications.get(number="R2026-000002")
    with raises_code("not_allowed"):
        services.objection_file(actor=owner, application=mine, text="这不是我的申请但我有意见")
    objection = services.objection_file(
        actor=stranger, application=mine, text="我的户籍信息已更新，请重新核验"
    )
    with raises_code("housing.notice_running"):
        services.roster_freeze(actor=OPERATOR, batch=batch)
    end_notice(batch)
    with raises_code("housing.notice_closed"):
        services.objection_file(actor=stranger, application=mine, text="再补充一条意见")
    with raises_code("housing.objections_open"):
        services.roster_freeze(actor=OPERATOR, batch=batch)
    services.objection_answer(
        actor=make_user("reviewer"),
        objection=objection,
        answer="经复核，基础数据库中仍无您的记录，维持原审核结果。",
    )
    roster = services.roster_freeze(actor=OPERATOR, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "frozen" and roster.size == 1

    # The published CSV and root verify with fairdraw's own command line.
    _check_with_fairdraw_cli(bytes(roster.csv), "R2026-000001", roster.root, roster.size, tmp_path)

    notary = make_user("notary")
    # The notary's page gives the file and the command, never the values to type (issue #13).
    from django.test import Client

    page_client = Client()
    page_client.force_login(notary)
    page = page_client.get(f"/housing/manage/{batch.code}/").content.decode()
    assert f"/housing/{batch.code}/roster.csv" in page and "fairdraw root" in page
    assert roster.root not in page
    from gaoxin.fairdraw.__main__ import main as fairdraw_main

    (tmp_path / "mine.csv").write_bytes(bytes(roster.csv))
    assert fairdraw_main(["root", str(tmp_path / "mine.csv")]) == 0
    with raises_code("housing.roster_mismatch") as error:
        services.roster_confirm(actor=notary, batch=batch, size=2, root="ab" * 32)
    assert roster.root not in error.value.message("zh") + error.value.message("en")
    services.roster_confirm(actor=notary, batch=batch, size=1, root=roster.root.upper())
    assert Roster.objects.get(batch=batch).confirmed_by == notary
    with raises_code("housing.bad_transition"):
        services.roster_freeze(actor=OPERATOR, batch=batch)


def _check_with_fairdraw_cli(csv: bytes, number: str, root: str, size: int, folder) -> None:
    from gaoxin.fairdraw.__main__ import main

    roster, proof = folder / "roster.csv", folder / "proof.json"
    roster.write_bytes(csv)
    assert fairdraw.merkle_root(fairdraw.load_roster(roster)) == root
    assert main(["prove", str(roster), number, "--out", str(proof)]) == 0
    assert main(["check-proof", str(proof), "--root", root, "--size", str(size)]) == 0
    assert main(["check-proof", str(proof), "--root", "0" * 64, "--size", str(size)]) != 0
    assert main(["check-proof", str(proof), "--root", root, "--size", str(size + 1)]) != 0


def test_the_poll_that_sees_the_review_finish_reloads_the_page(reviewed, make_user):
    """Issue #14 item 5: after the automatic review finished, the queue stayed empty until the
    reviewer reloaded the page."""
    from django.test import Client

    batch, _owner, _stranger = reviewed
    client = Client()
    client.force_login(make_user("reviewer"))
    path = f"/housing/manage/{batch.code}/review/progress/"
    assert client.get(path, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    assert "HX-Refresh" not in client.get(path)
