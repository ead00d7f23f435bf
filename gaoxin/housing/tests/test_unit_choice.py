"""Unit choice (选房) in queue order with waitlist back-fill, contracts, the once-only ledger,
and closing the sale with its report."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import ALL_ROLES
from gaoxin.housing import selectors, services
from gaoxin.housing.choices import BatchStatus, TurnSource, TurnStatus, UnitStatus
from gaoxin.housing.models import BenefitUse, ChoiceTurn, ClosingReport, SaleBatch, Unit
from gaoxin.housing.tests.factories import staff_of
from gaoxin.testing.errors import raises_code

from .builders import (
    Household,
    closed_batch,
    draw,
    drawn_batch,
    free_unit,
    frozen_batch,
    household_reviewed,
    reveal,
    take,
    to_frozen,
    unit_choice_batch,
)
from .test_access import CLOSED_PUBLIC

pytestmark = pytest.mark.django_db


def queue(batch: SaleBatch) -> list[ChoiceTurn]:
    return list(ChoiceTurn.objects.filter(batch=batch).select_related("application"))


def test_the_queue_is_winners_in_choice_order_then_the_waitlist(make_user):
    batch = drawn_batch(make_user)
    with raises_code("not_allowed"):
        services.unit_choice_start(actor=make_user("developer"), batch=batch)
    count = services.unit_choice_start(actor=make_user("zone_admin"), batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UNIT_CHOICE
    turns = queue(batch)
    results = {r.application_id: r for r in batch.draw.results.all()}
    winners = [t for t in turns if t.source == TurnSource.WINNER]
    waitlisted = [t for t in turns if t.source == TurnSource.WAITLIST]
    assert count == len(turns) == 10 + 10  # 10 units, waitlist as long as the units
    assert [results[t.application_id].choice for t in winners] == list(range(1, 11))
    assert [results[t.application_id].waitlist for t in waitlisted] == list(range(1, 11))
    assert [t.position for t in turns] == list(range(1, 21))
    assert all(t.round == results[t.application_id].round for t in winners)


def test_declines_and_no_shows_are_filled_from_the_waitlist_in_order(make_user):
    batch = unit_choice_batch(make_user)
    admin = make_user("zone_admin")
    turns = queue(batch)

    # Not in order: refused, naming whose turn it is.
    with raises_code("housing.not_your_turn") as error:
        services.turn_record(
            actor=admin, batch=batch, number=turns[1].application.number, outcome="declined"
        )
    assert turns[0].application.number in error.value.message("zh")

    take(batch, admin, "chosen", free_unit(batch))
    taken = Unit.objects.get(turns__position=1)
    with raises_code("housing.unit_not_available"):  # a taken unit cannot be chosen again
        take(batch, admin, "chosen", taken)
    take(batch, admin, "declined")
    take(batch, admin, "no_show")
    for _ in range(7):  # winners 4..10 choose
        take(batch, admin, "chosen", free_unit(batch))
    # Two units are left by the decline and the no-show: waitlist 1 and 2 are called.
    first_waiting = selectors.current_turn(batch)
    assert first_waiting is not None and first_waiting.position == 11
    take(batch, admin, "chosen", free_unit(batch))
    take(batch, admin, "chosen", free_unit(batch))
    assert selectors.current_turn(batch) is None  # every unit is taken
    with raises_code("housing.no_turn_left"):
        take_any = queue(batch)[12]
        services.turn_record(
            actor=admin, batch=batch, number=take_any.application.number, outcome="declined"
        )

    # Contracts: all but one sign; the one who does not sign frees the unit for waitlist 3.
    chosen = [t for t in queue(batch) if t.status == TurnStatus.CHOSEN]
    assert len(chosen) == 10
    for n, turn in enumerate(chosen[1:], start=1):
        services.contract_record(
            actor=admin,
            batch=batch,
            number=turn.application.number,
            contract_number=f"HT-{n:03d}",
            signed_on=date(2026, 12, 20),
        )
    with raises_code("housing.contract_number_taken"):  # contract numbers are unique in a batch
        services.contract_record(
            actor=admin,
            batch=batch,
            number=chosen[0].application.number,
            contract_number="HT-001",
            signed_on=date(2026, 12, 20),
        )
    with raises_code("housing.contracts_pending"):  # pending contract: cannot close yet
        services.batch_close(actor=admin, batch=batch)
    services.contract_forfeit(actor=admin, batch=batch, number=chosen[0].application.number)
    assert Unit.objects.filter(turns=chosen[0], status=UnitStatus.AVAILABLE).exists()
    nxt = selectors.current_turn(batch)
    assert nxt is not None and nxt.position == 13
    turn = take(batch, admin, "chosen", free_unit(batch))
    services.contract_record(
        actor=admin,
        batch=batch,
        number=turn.application.number,
        contract_number="HT-100",
        signed_on=date(2026, 12, 21),
    )

    report = services.batch_close(actor=admin, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CLOSED
    statuses = [t.status for t in queue(batch)]
    assert statuses[:3] == ["forfeited", "declined", "no_show"]
    assert statuses.count(TurnStatus.CONTRACTED) == 10
    assert statuses.count(TurnStatus.NOT_CALLED) == 20 - 13
    assert set(Unit.objects.filter(batch=batch).values_list("status", flat=True)) == {
        UnitStatus.CONTRACTED
    }
    data = report.data
    assert data["choice"]["units_sold"] == 10 and data["choice"]["units_unsold"] == 0
    assert data["waitlist_purchases"] == 3
    assert sum(p["purchases"] for p in data["pools"]) == 10 - 3
    call_command("audit_verify")  # every step is in the chain and the chain holds


def test_only_the_projects_sales_office_records_turns(make_user):
    batch = unit_choice_batch(make_user)
    turn = selectors.current_turn(batch)
    assert turn is not None
    for outsider in (make_user("developer"), make_user("applicant"), make_user("notary")):
        with raises_code("not_allowed"):
            services.turn_record(
                actor=outsider, batch=batch, number=turn.application.number, outcome="declined"
            )
    own = make_user("developer")
    staff_of(batch.project.sales_office, own)
    services.turn_record(actor=own, batch=batch, number=turn.application.number, outcome="no_show")


def test_a_key_industry_buyer_enters_the_ledger_and_the_next_review_excludes_them(
    make_user, client
):
    household = Household()
    eligibility = household_reviewed(make_user, household, pools=("key_industry",))
    assert eligibility.key_industry is True
    batch = eligibility.application.batch
    batch = to_frozen(batch, make_user)
    notary, admin = make_user("notary"), make_user("zone_admin")
    services.draw_enter_values(actor=admin, batch=batch, values=["338712"])
    services.draw_reveal(actor=notary, batch=batch, secret="")
    services.draw_execute(actor=admin, batch=batch, values=["338712"])
    batch.refresh_from_db()
    result = batch.draw.results.get()
    assert (result.outcome, result.round) == ("won", "key_industry")
    services.unit_choice_start(actor=admin, batch=batch)
    take(batch, admin, "chosen", free_unit(batch))
    assert not BenefitUse.objects.exists()  # choosing is not buying
    services.contract_record(
        actor=admin,
        batch=batch,
        number=result.number,
        contract_number="HT-KEY-1",
        signed_on=date(2026, 12, 22),
    )
    use = BenefitUse.objects.get()
    assert use.id_number == household.person.id_number and use.batch == batch
    services.batch_close(actor=admin, batch=batch)
    report = ClosingReport.objects.get(batch=batch).data
    key_row = next(p for p in report["pools"] if p["pool"] == "key_industry")
    assert (key_row["eligible"], key_row["winners"], key_row["purchases"]) == (1, 1, 1)

    # The next batch: the same employee applies for the key-industry pool again.
    again = household_reviewed(make_user, household, pools=("key_industry", "first_home"))
    assert again.key_industry is False and again.first_home is True
    reason = next(r for r in again.reasons if r["pool"] == "key_industry")
    assert "已享受过重点产业职工购房优惠" in reason["zh"]
    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    page = client.get(reverse("housing:application", args=[again.application.number]))
    assert "已享受过重点产业职工购房优惠" in page.content.decode()


def test_unit_choice_needs_a_draw_and_a_closed_batch_is_final(make_user):
    batch = frozen_batch(make_user)
    admin = make_user("zone_admin")
    with raises_code("housing.bad_transition"):
        services.unit_choice_start(actor=admin, batch=batch)
    batch = draw(reveal(batch, make_user("notary")), make_user("zone_admin"))
    services.unit_choice_start(actor=admin, batch=batch)
    services.batch_close(actor=admin, batch=batch)  # nobody chose: allowed, all not called
    first = queue(batch)[0]
    assert first.status == TurnStatus.NOT_CALLED
    with raises_code("housing.bad_transition"):
        services.turn_record(
            actor=admin, batch=batch, number=first.application.number, outcome="declined"
        )
    with raises_code("housing.bad_transition"):
        services.batch_close(actor=admin, batch=batch)
    assert ClosingReport.objects.filter(batch=batch).count() == 1


@pytest.mark.parametrize("role", ["anonymous", *ALL_ROLES])
def test_closed_public_pages(client_for, make_user, role):
    batch = unit_choice_batch(make_user)
    admin = make_user("zone_admin")
    for name in CLOSED_PUBLIC:
        assert client_for(role).get(reverse(name, args=[batch.code])).status_code == 404
    take(batch, admin, "chosen", free_unit(batch))
    turn = ChoiceTurn.objects.get(batch=batch, status=TurnStatus.CHOSEN)
    services.contract_record(
        actor=admin,
        batch=batch,
        number=turn.application.number,
        contract_number="HT-1",
        signed_on=date(2026, 12, 1),
    )
    services.batch_close(actor=admin, batch=batch)
    for name in CLOSED_PUBLIC:
        response = client_for(role).get(reverse(name, args=[batch.code]))
        assert response.status_code == 200, (name, role)


def test_the_unit_choice_desk_in_the_browserless_client(client_for, make_user):
    """The desk's forms drive the services: start, choose, decline, contract, close."""
    batch = drawn_batch(make_user)
    developer = make_user("developer")
    staff_of(batch.project.sales_office, developer)
    admin_client, desk = client_for("zone_admin"), Client()
    desk.force_login(developer)
    url = reverse("housing:unit_choice", args=[batch.code])
    assert desk.post(url + "start/", follow=True).status_code == 200
    assert SaleBatch.objects.get(pk=batch.pk).status == BatchStatus.DRAWN  # not the developer's
    admin_client.post(url + "start/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UNIT_CHOICE
    first = selectors.current_turn(batch)
    assert first is not None
    page = desk.get(url).content.decode()
    assert first.application.number in page
    unit = free_unit(batch)
    response = desk.post(
        url + "chosen/",
        {"number": first.application.number, "unit": unit.pk},
        follow=True,
    )
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.CHOSEN
    response = desk.post(
        url + "contract/",
        {
            "number": first.application.number,
            "contract_number": "HT-9",
            "signed_on": "not-a-date",
        },
        follow=True,
    )
    assert "signed_on" in response.content.decode()  # the bad field is named
    desk.post(
        url + "contract/",
        {
            "number": first.application.number,
            "contract_number": "HT-9",
            "signed_on": "2026-12-02",
        },
    )
    assert ChoiceTurn.objects.get(pk=first.pk).status == TurnStatus.CONTRACTED
    admin_client.post(url + "close/")
    report_page = client_for("anonymous").get(reverse("housing:report", args=[batch.code]))
    html = report_page.content.decode()
    assert report_page.status_code == 200 and "<svg" in html and 'style="' not in html


def test_a_visitor_finds_every_public_page_of_a_finished_sale_from_the_home_page(make_user):
    """Issue #14 item 1: no public page linked the results, notice, report or files; every link
    the list shows answers 200, and a batch shows only the pages that exist at its stage."""
    import re

    from django.test import Client

    batch = closed_batch(make_user)
    visitor = Client()
    home = visitor.get("/").content.decode()
    assert 'href="/housing/"' in home
    listing = visitor.get("/housing/").content.decode()
    card = listing[listing.index(f'data-testid="batch-{batch.code}"') :]
    card = card[: card.index("</section>")]
    links = re.findall(r'href="([^"]+)"', card)
    for name in ("report", "results", "notice", "announcement_pdf", "protocol_download"):
        assert reverse(f"housing:{name}", args=[batch.code]) in links, name
    for link in links:
        assert visitor.get(link).status_code == 200, link
