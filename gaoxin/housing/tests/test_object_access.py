"""Object-level access, through the pages and the API as people use them:

- an applicant who changes the registration number in the address gets the same 404 for
  another household's application as for a number that does not exist, and can neither read,
  withdraw nor object to it;
- a developer's sales office cannot see or act on another developer's batch (every back-office
  page, the unit-choice desk, the registration API);
- every write of a sale, at the stage where it is possible, is done by the principals allowed
  and by nobody else: the others are refused (403, 404, or the page's "not allowed" message
  for staff who may see the batch) and nothing changes — not a row, not an audit event.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gaoxin.accounts.services import api_token_issue
from gaoxin.common.actors import OPERATOR
from gaoxin.common.models import AuditEvent
from gaoxin.housing import access, selectors, services
from gaoxin.housing.choices import Channel, Relation
from gaoxin.housing.models import (
    Application,
    ChoiceTurn,
    Draw,
    DrawValues,
    EligibilityReview,
    NotaryReveal,
    Objection,
    Override,
    Roster,
    SaleBatch,
    Unit,
)
from gaoxin.housing.registration import SHEET_COLUMNS, MemberIn

from . import builders
from .factories import person_id

pytestmark = pytest.mark.django_db
SECRET = "公证处-对象访问-2026"
NOT_ALLOWED_ZH = "您无权执行此操作。"
PRINCIPALS = [
    "anonymous",
    "zone_admin",
    "reviewer",
    "notary",
    "auditor",
    "developer",  # the project's own sales office
    "other_developer",  # a sales office of another developer's project
    "owner",  # the applicant who registered the household
    "other_applicant",
]
STAGES = [
    "registration",
    "review",
    "notice",
    "notice_over",
    "frozen",
    "confirmed",
    "values",
    "revealed",
    "drawn",
    "unit_choice",
]
_codes = (f"OA{n:03d}" for n in itertools.count(1))


@dataclass
class Sale:
    batch: SaleBatch
    application: Application  # the owner's
    users: dict[str, Any]

    def client(self, principal: str) -> Client:
        client = Client()
        if principal != "anonymous":
            client.force_login(self.users[principal])
        return client


@pytest.fixture
def principals(make_user: Callable[..., Any]) -> dict[str, Any]:
    users = {
        role: make_user(role)
        for role in ("zone_admin", "reviewer", "notary", "auditor", "developer")
    }
    users["other_developer"] = make_user("developer")
    users["owner"] = builders.bind(make_user("applicant"), OWNER_ID, "陈一")
    users["other_applicant"] = make_user("applicant")
    return users


OWNER_ID = person_id(7001)


def sale_at(stage: str, users: dict[str, Any]) -> Sale:
    """A sale with the owner's household and two others, taken to `stage` by services."""
    batch = builders.draft_batch(
        code=next(_codes),
        units=6,
        developer=users["developer"],
        entropy=builders.DRAW_ENTROPY,
        secret=SECRET,
    )
    builders.published_batch(code=next(_codes), developer=users["other_developer"])  # theirs
    builders.publish(batch)
    n = int(batch.code[2:]) * 10
    application = services.application_register(
        actor=users["owner"],
        batch=batch,
        pools=["first_home"],
        members=[MemberIn(Relation.APPLICANT, "陈一", OWNER_ID)],
    ).application
    for k in (1, 2):
        entered = services.application_register(
            actor=users["developer"],
            batch=batch,
            pools=[],
            channel=Channel.API,
            members=[MemberIn(Relation.APPLICANT, "林二", person_id(n + k))],
        ).application
        builders.confirm_entry(entered)  # the applicant confirms the sales office's entry
    sale = Sale(batch, application, users)
    steps = STAGES[1 : STAGES.index(stage) + 1]
    for step in steps:
        _advance(sale, step)
        sale.batch.refresh_from_db()
    return sale


def _advance(sale: Sale, step: str) -> None:
    batch, users = sale.batch, sale.users
    if step == "review":
        builders.everyone_eligible(builders.review(batch))  # nobody is in the registry
    elif step == "notice":
        builders.start_notice(batch)
        services.objection_file(
            actor=users["owner"], application=sale.application, text="请复核我的社保缴纳记录。"
        )
    elif step == "notice_over":
        for objection in Objection.objects.filter(application__batch=batch):
            services.objection_answer(
                actor=users["reviewer"], objection=objection, answer="已复核，维持原结果。"
            )
        builders.end_notice(batch)
    elif step == "frozen":
        builders.freeze(batch)
    elif step == "confirmed":
        builders.confirm(batch, users["notary"])
    elif step == "values":
        builders.enter_values(batch, users["zone_admin"])
    elif step == "revealed":
        builders.reveal(batch, users["notary"], secret=SECRET)
    elif step == "drawn":
        builders.draw(batch, users["zone_admin"])
    elif step == "unit_choice":
        builders.start_unit_choice(batch, users["zone_admin"])


def fingerprint(batch: SaleBatch) -> tuple[Any, ...]:
    """Everything a write of this sale could change, the audit chain included."""
    return (
        list(SaleBatch.objects.filter(pk=batch.pk).values()),
        list(Application.objects.filter(batch=batch).order_by("pk").values()),
        list(Objection.objects.filter(application__batch=batch).order_by("pk").values()),
        list(Override.objects.filter(application__batch=batch).values()),
        list(EligibilityReview.objects.filter(batch=batch).values()),
        list(Roster.objects.filter(batch=batch).values("confirmed_by", "confirmed_at")),
        list(DrawValues.objects.filter(batch=batch).values("values", "entered_by")),
        NotaryReveal.objects.filter(batch=batch).count(),
        Draw.objects.filter(batch=batch).count(),
        list(ChoiceTurn.objects.filter(batch=batch).order_by("pk").values()),
        list(Unit.objects.filter(batch=batch).order_by("pk").values()),
        AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first(),
    )


# -- every write of a sale: (stage, request, who may) -------------------------------------------


def _sheet() -> SimpleUploadedFile:
    rows = [",".join(SHEET_COLUMNS), f"周八,{person_id(990)},13900000009,,,,,否,否"]
    return SimpleUploadedFile("登记.csv", ("\n".join(rows) + "\n").encode(), "text/csv")


Request = Callable[[Sale], tuple[str, dict[str, Any]]]
MANAGERS = {"zone_admin", "developer"}  # the project's own sales office and the zone


def _current(sale: Sale) -> str:
    turn = selectors.current_turn(sale.batch)
    assert turn is not None
    return turn.application.number


WRITES: dict[str, tuple[str, Request, set[str]]] = {
    "withdraw": (
        "registration",
        lambda s: (f"/housing/applications/{s.application.number}/withdraw/", {}),
        # registered online by the household: only the household withdraws it (issue #13);
        # what the sales office entered itself: test_access.py
        {"owner"},
    ),
    "register from a sheet": (
        "registration",
        lambda s: (
            f"/housing/manage/{s.batch.code}/registrations/",
            {"file": _sheet()},
        ),
        MANAGERS,
    ),
    "close registration": (
        "registration",
        lambda s: (f"/housing/manage/{s.batch.code}/close-registration/", {}),
        {"zone_admin"},
    ),
    "start the review": (
        "review",
        lambda s: (f"/housing/manage/{s.batch.code}/review/start/", {}),
        {"zone_admin", "reviewer"},
    ),
    "propose an override": (
        "review",
        lambda s: (
            f"/housing/manage/{s.batch.code}/review/overrides/",
            {
                "number": s.application.number,
                "pool": "general",
                "eligible": "no",
                "reason": "户籍材料核验不一致，改为不符合",
            },
        ),
        {"reviewer"},
    ),
    "start the notice": (
        "review",
        lambda s: (
            f"/housing/manage/{s.batch.code}/notice/start/",
            {
                "ends_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            },
        ),
        {"zone_admin"},
    ),
    "object": (
        "notice",
        lambda s: (
            f"/housing/applications/{s.application.number}/object/",
            {"text": "我还有一条补充意见。"},
        ),
        {"owner"},
    ),
    "answer an objection": (
        "notice",
        lambda s: (
            f"/housing/manage/{s.batch.code}/objections/"
            f"{Objection.objects.get(application=s.application).pk}/answer/",
            {
                "outcome": "dismiss",
                "answer": "已收到，正在核实。",
            },
        ),
        {"reviewer"},
    ),
    "freeze the roster": (
        "notice_over",
        lambda s: (f"/housing/manage/{s.batch.code}/roster/freeze/", {}),
        {"zone_admin"},
    ),
    "confirm the roster": (
        "frozen",
        lambda s: (
            f"/housing/manage/{s.batch.code}/roster/confirm/",
            {"size": s.batch.roster.size, "root": s.batch.roster.root},
        ),
        {"notary"},
    ),
    "enter the public values": (
        "confirmed",
        lambda s: (
            f"/housing/manage/{s.batch.code}/draw/values/",
            {"value_0": "338712", "value_1": "4 0 7"},
        ),
        {"zone_admin"},
    ),
    "reveal the secret": (
        "values",
        lambda s: (f"/housing/manage/{s.batch.code}/draw/reveal/", {"secret": SECRET}),
        {"notary"},
    ),
    "run the draw": (
        "revealed",
        lambda s: (
            f"/housing/manage/{s.batch.code}/draw/run/",
            {},
        ),
        {"zone_admin"},
    ),
    "open unit choice": (
        "drawn",
        lambda s: (f"/housing/manage/{s.batch.code}/choice/start/", {}),
        {"zone_admin"},
    ),
    "record a turn at the desk": (
        "unit_choice",
        lambda s: (
            f"/housing/manage/{s.batch.code}/choice/declined/",
            {"number": _current(s)},
        ),
        MANAGERS,
    ),
    "close the sale": (
        "unit_choice",
        lambda s: (f"/housing/manage/{s.batch.code}/choice/close/", {}),
        {"zone_admin"},
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_each_write_is_done_by_its_principals_and_refused_to_everyone_else(principals, write):
    stage, request, allowed = WRITES[write]
    sale = sale_at(stage, principals)
    clients = {p: sale.client(p) for p in PRINCIPALS}  # logging in is audited: before the snapshot
    before = fingerprint(sale.batch)
    for principal in PRINCIPALS:
        if principal in allowed:
            continue
        path, data = request(sale)
        response = clients[principal].post(path, data, follow=True)
        assert response.status_code in {200, 403, 404}, (write, principal, response.status_code)
        refused_by_service = (
            response.status_code == 200
            and response.redirect_chain
            and "/accounts/login/" not in response.redirect_chain[-1][0]
        )
        if refused_by_service:  # staff who may see the batch: the service refused, and said so
            assert NOT_ALLOWED_ZH in response.content.decode(), (write, principal)
        assert fingerprint(sale.batch) == before, (write, principal)
    for principal in sorted(allowed):  # each on a sale of its own at the same stage
        own = sale_at(stage, principals)
        client = own.client(principal)
        before = fingerprint(own.batch)
        path, data = request(own)
        response = client.post(path, data, follow=True)
        assert response.status_code == 200, (write, principal)
        assert NOT_ALLOWED_ZH not in response.content.decode(), (write, principal)
        assert fingerprint(own.batch) != before, (write, principal, "nothing happened")


# -- reading: another household's application, another developer's batch ------------------------


def test_another_households_number_answers_exactly_like_a_number_that_does_not_exist(principals):
    sale = sale_at("notice", principals)
    number = sale.application.number
    missing = f"{sale.batch.code}-999999"
    clients = {p: sale.client(p) for p in ("other_applicant", "other_developer")}
    before = fingerprint(sale.batch)
    for principal, client in clients.items():
        for template, method in (
            ("/housing/applications/{}/", "get"),
            ("/housing/applications/{}/withdraw/", "post"),
            ("/housing/applications/{}/object/", "post"),
        ):
            data = {"text": "这是别人的申请，我来提异议。"} if method == "post" else {}
            theirs = getattr(client, method)(template.format(number), data)
            absent = getattr(client, method)(template.format(missing), data)
            assert theirs.status_code == absent.status_code == 404, (principal, template)
            assert _page(theirs, number) == _page(absent, missing), "it must not tell which exists"
    assert fingerprint(sale.batch) == before
    page = sale.client("owner").get(f"/housing/applications/{number}/")
    assert page.status_code == 200 and "陈一" in page.content.decode()


def _page(response: Any, number: str) -> str:
    """The page with what differs between any two requests taken out: the asked-for number
    (the language form's return address) and the per-request CSRF token."""
    text = response.content.decode().replace(number, "{number}")
    return re.sub(r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1…", text)


BACK_OFFICE = [
    "/housing/manage/{code}/",
    "/housing/manage/{code}/review/",
    "/housing/manage/{code}/review/progress/",
    "/housing/manage/{code}/objections/",
    "/housing/manage/{code}/simulation/",
    "/housing/manage/{code}/choice/",
]


def test_a_sales_office_cannot_see_or_act_on_another_developers_batch(principals):
    sale = sale_at("unit_choice", principals)
    other, own = sale.client("other_developer"), sale.client("developer")
    for path in BACK_OFFICE:
        assert other.get(path.format(code=sale.batch.code)).status_code == 403, path
        assert own.get(path.format(code=sale.batch.code)).status_code == 200, path
    assert sale.batch.code not in other.get("/housing/manage/").content.decode()
    before = fingerprint(sale.batch)
    desk = f"/housing/manage/{sale.batch.code}/choice/"
    for action in ("declined", "no-show", "chosen", "contract", "forfeit", "close"):
        response = other.post(f"{desk}{action}/", {"number": _current(sale)})
        assert response.status_code == 403, action
    assert fingerprint(sale.batch) == before
    # The registration API with the other developer's own token, on a batch in registration.
    open_sale = sale_at("registration", principals)
    _token, raw = api_token_issue(
        actor=OPERATOR, user=principals["other_developer"], name="别家系统"
    )
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    body = {"members": [{"relation": "applicant", "name": "周八", "id_number": person_id(991)}]}
    before = fingerprint(open_sale.batch)  # (a token's use is not audited, only its issue)
    response = api.post(
        f"/api/housing/batches/{open_sale.batch.code}/registrations",
        body,
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert fingerprint(open_sale.batch) == before


@pytest.mark.parametrize("role", ["zone_admin", "reviewer", "notary", "auditor", "developer"])
def test_only_the_households_own_account_sees_it_unmasked(principals, role):
    sale = sale_at("registration", principals)
    assert access.can_view_household_unmasked(principals["owner"], sale.application)
    assert not access.can_view_household_unmasked(principals[role], sale.application)
    assert not access.can_view_household_unmasked(principals["other_applicant"], sale.application)
