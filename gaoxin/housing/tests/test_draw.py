"""The draw: two-person rule, run once, identical on re-run, verifiable with fairdraw; a changed
result row is caught by `fairdraw verify` and named."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from gaoxin.common.errors import GaoxinError
from gaoxin.fairdraw import notary_commitment
from gaoxin.fairdraw.__main__ import main as fairdraw_main
from gaoxin.housing import services
from gaoxin.housing.choices import Relation
from gaoxin.housing.models import (
    Draw,
    DrawResult,
    Eligibility,
    NotaryReveal,
    Roster,
    SaleBatch,
)
from gaoxin.housing.registration import MemberIn

from .factories import make_batch, person_id

pytestmark = pytest.mark.django_db
SECRET = "公证处-2026-秘密-7c1d"


def frozen_batch(make_user, *, households: int = 30) -> SaleBatch:
    batch = make_batch(code="DR26", status="draft", units=10)
    services.batch_declare_entropy(
        actor=None,
        batch=batch,
        sources=[("上证综指收盘点位×100", "登记截止后首个交易日"), ("福彩3D", "登记截止后首期")],
        notary_commitment=notary_commitment(SECRET),
    )
    services.batch_publish(actor=None, batch=batch)
    batch.refresh_from_db()
    applicant = make_user("applicant")
    for n in range(households):
        services.application_register(
            actor=applicant,
            batch=batch,
            pools=["first_home"] if n % 2 else [],
            members=[MemberIn(Relation.APPLICANT, "测试", person_id(600 + n))],
        )
    services.batch_close_registration(actor=None, batch=batch)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.review_start(actor=None, batch=batch)
    # Nobody here is in the registry; make them eligible as two reviewers would.
    Eligibility.objects.filter(application__batch=batch).update(general=True, first_home=True)
    services.notice_start(actor=None, batch=batch, ends_at=timezone.now() + timedelta(days=1))
    SaleBatch.objects.filter(pk=batch.pk).update(notice_ends_at=timezone.now())
    batch.refresh_from_db()
    roster = services.roster_freeze(actor=None, batch=batch)
    services.roster_confirm(
        actor=make_user("notary"), batch=batch, size=roster.size, root=roster.root
    )
    batch.refresh_from_db()
    return batch


VALUES = ["338712", "4 0 7"]


def test_the_draw_needs_both_halves_and_runs_once(make_user):
    batch = frozen_batch(make_user)
    admin, notary = make_user("zone_admin"), make_user("notary")
    with pytest.raises(GaoxinError) as error:
        services.draw_execute(actor=admin, batch=batch, values=VALUES)
    assert error.value.code == "housing.not_revealed"
    with pytest.raises(GaoxinError) as error:
        services.draw_reveal(actor=notary, batch=batch, secret="guess")
    assert error.value.code == "housing.secret_mismatch"
    with pytest.raises(GaoxinError):
        services.draw_reveal(actor=admin, batch=batch, secret=SECRET)  # not the notary
    services.draw_reveal(actor=notary, batch=batch, secret=SECRET)
    with pytest.raises(GaoxinError):
        services.draw_execute(actor=make_user("reviewer"), batch=batch, values=VALUES)
    with pytest.raises(GaoxinError) as error:
        services.draw_execute(actor=admin, batch=batch, values=["not a number"])
    assert error.value.code == "housing.values_invalid"
    draw = services.draw_execute(actor=admin, batch=batch, values=VALUES)
    again = services.draw_execute(actor=make_user("zone_admin"), batch=batch, values=["1", "2"])
    assert again.pk == draw.pk and Draw.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == "drawn"
    assert DrawResult.objects.filter(draw=draw).count() == 30
    assert DrawResult.objects.filter(draw=draw, outcome="won").count() == 10


def test_a_re_run_after_a_lost_draw_gives_the_identical_protocol(make_user):
    batch = frozen_batch(make_user)
    services.draw_reveal(actor=make_user("notary"), batch=batch, secret=SECRET)
    first = services.draw_execute(actor=None, batch=batch, values=VALUES)
    protocol, results = first.protocol, services.results_csv(first)
    # As if the draw had crashed before commit: nothing of it is left...
    DrawResult.objects.all().delete()
    Draw.objects.all().delete()
    SaleBatch.objects.filter(pk=batch.pk).update(status="frozen")
    batch.refresh_from_db()
    second = services.draw_execute(actor=None, batch=batch, values=VALUES)
    assert second.protocol == protocol and services.results_csv(second) == results


def test_published_files_verify_and_a_changed_row_is_named(make_user, tmp_path, capsys):
    batch = frozen_batch(make_user)
    services.draw_reveal(actor=make_user("notary"), batch=batch, secret=SECRET)
    draw = services.draw_execute(actor=None, batch=batch, values=VALUES)
    roster, protocol, results = (
        tmp_path / "roster.csv",
        tmp_path / "protocol.json",
        tmp_path / "r.csv",
    )
    roster.write_bytes(bytes(Roster.objects.get(batch=batch).csv))
    protocol.write_text(draw.protocol, encoding="utf-8")
    results.write_bytes(services.results_csv(draw))
    assert fairdraw_main(["verify", str(protocol), str(roster), "--results", str(results)]) == 0
    loser = DrawResult.objects.filter(draw=draw, outcome="lost").order_by("number")[0]
    DrawResult.objects.filter(pk=loser.pk).update(outcome="won")
    results.write_bytes(services.results_csv(draw))
    capsys.readouterr()
    assert fairdraw_main(["verify", str(protocol), str(roster), "--results", str(results)]) != 0
    assert loser.number in capsys.readouterr().out


def test_public_pages_serve_files_that_verify(make_user, client, client_for, tmp_path):
    batch = frozen_batch(make_user)
    for path in ("results/", "protocol.json", "results.csv"):
        assert client.get(f"/housing/{batch.code}/{path}").status_code == 404  # not drawn yet
    notary = client_for("notary")
    response = notary.post(
        f"/housing/manage/{batch.code}/draw/", {"action": "reveal", "secret": SECRET}, follow=True
    )
    assert response.status_code == 200
    assert NotaryReveal.objects.filter(batch=batch).exists()
    assert (
        client_for("notary")
        .post(
            f"/housing/manage/{batch.code}/draw/",
            {"action": "draw", "value_0": "1", "value_1": "2"},
        )
        .status_code
        == 302
    )
    assert not Draw.objects.exists()  # the notary cannot run it
    admin = client_for("zone_admin")
    admin.post(
        f"/housing/manage/{batch.code}/draw/",
        {"action": "draw", "value_0": VALUES[0], "value_1": VALUES[1]},
    )
    assert Draw.objects.count() == 1
    files = {}
    for name in ("roster.csv", "protocol.json", "results.csv"):
        response = client.get(f"/housing/{batch.code}/{name}")
        assert response.status_code == 200
        files[name] = tmp_path / name
        files[name].write_bytes(response.content)
    assert (
        fairdraw_main(
            [
                "verify",
                str(files["protocol.json"]),
                str(files["roster.csv"]),
                "--results",
                str(files["results.csv"]),
            ]
        )
        == 0
    )
    winner = DrawResult.objects.filter(outcome="won").order_by("number")[0]
    page = client.get(f"/housing/{batch.code}/results/", {"number": winner.number.lower()})
    html = page.content.decode()
    assert "中签" in html or "won" in html
    assert "测*" in html and "测试" not in html  # the applicant's name, masked


def test_applicant_sees_proof_keys_and_commands_that_check_out(make_user, client, tmp_path):
    batch = frozen_batch(make_user)
    services.draw_reveal(actor=make_user("notary"), batch=batch, secret=SECRET)
    services.draw_execute(actor=None, batch=batch, values=VALUES)
    application = batch.applications.order_by("number")[0]
    client.force_login(application.user)
    page = client.get(f"/housing/applications/{application.number}/").content.decode()
    roster = Roster.objects.get(batch=batch)
    assert roster.root in page and f"fairdraw prove {batch.code}-roster.csv" in page
    result = DrawResult.objects.get(application=application)
    assert result.key in page  # the key of the deciding round, recomputed for the page
    (tmp_path / "roster.csv").write_bytes(bytes(roster.csv))
    proof = tmp_path / "proof.json"
    assert (
        fairdraw_main(
            ["prove", str(tmp_path / "roster.csv"), application.number, "--out", str(proof)]
        )
        == 0
    )
    assert fairdraw_main(["check-proof", str(proof), "--root", roster.root]) == 0


def test_every_draw_is_fixed_in_a_signed_checkpoint(make_user):
    """Issue #13 item 7: the chain head is signed at every draw, after the draw's own events."""
    from gaoxin.common import checkpoints
    from gaoxin.common.models import AuditCheckpoint, AuditEvent

    from .test_unit_choice import drawn

    batch = drawn(frozen_batch(make_user), make_user)
    checkpoint = AuditCheckpoint.objects.get(reason=f"draw:{batch.code}")
    drawn_event = AuditEvent.objects.filter(action="housing.batch.draw").last()
    assert drawn_event is not None and checkpoint.seq >= drawn_event.seq
    (found,) = [c for c in checkpoints.published() if c.signature == checkpoint.signature]
    assert checkpoints.signature_valid(found, checkpoints.trusted_keys())
