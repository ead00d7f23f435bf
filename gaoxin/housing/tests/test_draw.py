"""The draw: two-person rule, run once, identical on re-run, verifiable with fairdraw; a changed
result row is caught by `fairdraw verify` and named."""

from __future__ import annotations

import json

import pytest

from gaoxin.common.actors import OPERATOR
from gaoxin.fairdraw.__main__ import main as fairdraw_main
from gaoxin.housing import selectors, services
from gaoxin.housing.models import (
    Draw,
    DrawResult,
    NotaryReveal,
    Roster,
    SaleBatch,
)
from gaoxin.testing.errors import raises_code

from .builders import SECRET, VALUES, drawn_batch, frozen_batch, reveal

pytestmark = pytest.mark.django_db


def test_the_draw_needs_both_halves_and_runs_once(make_user):
    batch = frozen_batch(make_user)
    admin, notary = make_user("zone_admin"), make_user("notary")
    with raises_code("housing.values_not_entered"):
        services.draw_execute(actor=admin, batch=batch, values=VALUES)
    with raises_code("housing.values_invalid"):  # one value per declared source
        services.draw_enter_values(actor=admin, batch=batch, values=["338712"])
    with raises_code("not_allowed"):
        services.draw_enter_values(actor=notary, batch=batch, values=VALUES)
    services.draw_enter_values(actor=admin, batch=batch, values=VALUES)
    with raises_code("housing.not_revealed"):
        services.draw_execute(actor=admin, batch=batch, values=VALUES)
    with raises_code("housing.secret_mismatch"):
        services.draw_reveal(actor=notary, batch=batch, secret="guess")
    with raises_code("not_allowed"):
        services.draw_reveal(actor=admin, batch=batch, secret=SECRET)  # not the notary
    services.draw_reveal(actor=notary, batch=batch, secret=SECRET)
    with raises_code("not_allowed"):
        services.draw_execute(actor=make_user("reviewer"), batch=batch, values=VALUES)
    with raises_code("housing.values_differ"):  # only the values entered before the reveal
        services.draw_execute(actor=admin, batch=batch, values=["not a number"])
    draw = services.draw_execute(actor=admin, batch=batch, values=VALUES)
    again = services.draw_execute(actor=make_user("zone_admin"), batch=batch, values=["1", "2"])
    assert again.pk == draw.pk and Draw.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == "drawn"
    assert DrawResult.objects.filter(draw=draw).count() == 30
    assert DrawResult.objects.filter(draw=draw, outcome="won").count() == 10


def test_the_values_come_before_the_reveal_and_are_fixed_by_it(make_user):
    """Issue #13, item 6: the notary revealed first and the administrator typed the values
    after, knowing the secret, so could still pick them. Now the reveal waits for the values,
    and the values cannot change once the secret is known."""
    batch = frozen_batch(make_user)
    admin, notary = make_user("zone_admin"), make_user("notary")
    with raises_code("housing.values_not_entered"):
        services.draw_reveal(actor=notary, batch=batch, secret=SECRET)
    services.draw_enter_values(actor=admin, batch=batch, values=["1", "2"])
    services.draw_enter_values(actor=admin, batch=batch, values=VALUES)  # corrected before
    services.draw_reveal(actor=notary, batch=batch, secret=SECRET)
    with raises_code("housing.values_fixed"):
        services.draw_enter_values(actor=admin, batch=batch, values=["1", "2"])
    with raises_code("housing.values_differ"):
        services.draw_request(actor=admin, batch=batch, values=["1", "2"])
    draw = services.draw_execute(actor=admin, batch=batch)  # the values entered before
    assert draw.values == VALUES


def test_a_re_run_after_a_lost_draw_gives_the_identical_protocol(make_user):
    batch = frozen_batch(make_user)
    reveal(batch, make_user("notary"))
    first = services.draw_execute(actor=OPERATOR, batch=batch, values=VALUES)
    protocol, results = first.protocol, selectors.results_csv(first)
    # As if the draw had crashed before commit: nothing of it is left...
    DrawResult.objects.all().delete()
    Draw.objects.all().delete()
    SaleBatch.objects.filter(pk=batch.pk).update(status="frozen")
    batch.refresh_from_db()
    second = services.draw_execute(actor=OPERATOR, batch=batch, values=VALUES)
    assert second.protocol == protocol and selectors.results_csv(second) == results


def test_published_files_verify_and_a_changed_row_is_named(make_user, tmp_path, capsys):
    batch = drawn_batch(make_user)
    draw = batch.draw
    roster, protocol, results = (
        tmp_path / "roster.csv",
        tmp_path / "protocol.json",
        tmp_path / "r.csv",
    )
    roster.write_bytes(bytes(Roster.objects.get(batch=batch).csv))
    protocol.write_text(draw.protocol, encoding="utf-8")
    results.write_bytes(selectors.results_csv(draw))
    assert fairdraw_main(["verify", str(protocol), str(roster), "--results", str(results)]) == 0
    loser = DrawResult.objects.filter(draw=draw, outcome="lost").order_by("number")[0]
    DrawResult.objects.filter(pk=loser.pk).update(outcome="won")
    results.write_bytes(selectors.results_csv(draw))
    capsys.readouterr()
    assert fairdraw_main(["verify", str(protocol), str(roster), "--results", str(results)]) != 0
    assert loser.number in capsys.readouterr().out


def test_public_pages_serve_files_that_verify(make_user, client, client_for, tmp_path):
    batch = frozen_batch(make_user)
    for path in ("results/", "protocol.json", "results.csv"):
        assert client.get(f"/housing/{batch.code}/{path}").status_code == 404  # not drawn yet
    notary = client_for("notary")
    manage = f"/housing/manage/{batch.code}/"
    waiting = notary.get(manage).content.decode()
    assert (
        "等待管委会管理员录入公开随机值" in waiting or "Waits for the zone administrator" in waiting
    )
    refused = notary.post(manage + "draw/reveal/", {"secret": SECRET}, follow=True)
    assert "尚未录入公开随机值" in refused.content.decode()  # the values come first
    assert not NotaryReveal.objects.filter(batch=batch).exists()
    admin = client_for("zone_admin")
    admin.post(manage + "draw/values/", {"value_0": VALUES[0], "value_1": VALUES[1]})
    response = notary.post(manage + "draw/reveal/", {"secret": SECRET}, follow=True)
    assert response.status_code == 200
    assert NotaryReveal.objects.filter(batch=batch).exists()
    assert client_for("notary").post(manage + "draw/run/").status_code == 302
    assert not Draw.objects.exists()  # the notary cannot run it
    admin.post(manage + "draw/run/")
    assert Draw.objects.count() == 1
    assert Draw.objects.get().values == VALUES
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
    batch = drawn_batch(make_user)
    application = batch.applications.order_by("number")[0]
    client.force_login(application.user)
    page = client.get(f"/housing/applications/{application.number}/").content.decode()
    roster = Roster.objects.get(batch=batch)
    assert roster.root in page and f"python3 fairdraw.pyz prove {batch.code}-roster.csv" in page
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
    assert f"--root {roster.root} --size {roster.size}" in page
    published = ["--root", roster.root, "--size", str(roster.size)]
    assert fairdraw_main(["check-proof", str(proof), *published]) == 0


def test_every_draw_is_fixed_in_a_signed_checkpoint(make_user):
    """Issue #13 item 7: the chain head is signed at every draw, after the draw's own events."""
    from gaoxin.common import checkpoints
    from gaoxin.common.models import AuditCheckpoint, AuditEvent

    batch = drawn_batch(make_user)
    checkpoint = AuditCheckpoint.objects.get(reason=f"draw:{batch.code}")
    drawn_event = AuditEvent.objects.filter(action="housing.batch.draw").last()
    assert drawn_event is not None and checkpoint.seq >= drawn_event.seq
    (found,) = [c for c in checkpoints.published() if c.signature == checkpoint.signature]
    assert checkpoints.signature_valid(found, checkpoints.trusted_keys())


def test_the_protocol_carries_the_checkpoint_signed_just_before_the_draw(make_user):
    """Issue #13 item 7: a reader of the protocol alone gets a signed head of the audit chain up
    to the draw, checks its signature with the published key and the chain against it."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from django.test import Client

    from gaoxin.common import checkpoints
    from gaoxin.common.models import AuditEvent

    batch = drawn_batch(make_user)
    protocol = json.loads(batch.draw.protocol)
    signed = protocol["publisher"]["audit_checkpoint"]
    assert signed["reason"] == f"before-draw:{batch.code}"
    # The signature, checked as the public page documents it, with the published key.
    listing = Client().get("/audit/checkpoints.json").json()
    assert signed["public_key"] == listing["public_key"] == checkpoints.public_key_hex()
    assert signed in listing["checkpoints"]
    message = {k: signed[k] for k in ("seq", "event_id", "hash", "signed_at", "reason")}
    message |= {"type": "gaoxin/audit-checkpoint", "v": 1}
    text = json.dumps(message, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(signed["public_key"])).verify(
        bytes.fromhex(signed["signature"]), text.encode()
    )  # raises InvalidSignature otherwise
    # The chain matches it and the draw comes after it.
    event = AuditEvent.objects.get(seq=signed["seq"])
    assert (event.pk, event.hash) == (signed["event_id"], signed["hash"])
    drawn = AuditEvent.objects.get(action="housing.batch.draw", object_id=str(batch.pk))
    assert drawn.seq > signed["seq"]
    assert checkpoints.verify().report.ok
    # An edited checkpoint no longer verifies (the test can fail).
    forged = bytearray(bytes.fromhex(signed["signature"]))
    forged[0] ^= 1
    with pytest.raises(InvalidSignature):
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(signed["public_key"])).verify(
            bytes(forged), text.encode()
        )
