"""Personal data on every page, download and API endpoint, as every role (and visitors).

A finished sale and a registry hold people with known full names, resident ID numbers and
mobile numbers: a household registered online by the applicant's own account (applicant,
spouse, child), households imported by the developer's sales office, the same people in the
registry (with a marriage, so a person's page lists relatives), and a rejected agency import
whose error names one of their ID numbers. Every URL of the access tables
(tests/test_access_matrix.py, tests/test_access_registry.py, gaoxin/housing/tests/
test_access.py) is fetched as every role; the text of each answer (HTML, JSON, CSV, XLSX, PDF,
headers) must hold none of those values, except on the pages of ALLOWED, which must show
exactly what they list and record the view in the audit chain. Then the registry's audited
"show unmasked" is walked the same way, and the log written meanwhile is checked too."""

from __future__ import annotations

import html
import importlib
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import ALL_ROLES
from gaoxin.approvals.tests import test_access as approvals_access
from gaoxin.common.models import AuditEvent
from gaoxin.housing import selectors as housing_selectors
from gaoxin.housing import services as housing
from gaoxin.housing.choices import Relation, UnitStatus
from gaoxin.housing.models import Application, SaleBatch
from gaoxin.housing.registration import SHEET_COLUMNS, MemberIn
from gaoxin.housing.tests import test_access as housing_access
from gaoxin.registry import services as registry
from gaoxin.registry.identifiers import make_id_number
from gaoxin.registry.imports.loaders import new_person
from gaoxin.registry.models import ImportRun, Marriage, ParentChild, Person
from gaoxin.registry.tests.factories import a_classification
from gaoxin.servicedesk import services as desk_services
from gaoxin.servicedesk.tests import builders as desk_builders
from gaoxin.servicedesk.tests import test_access as desk_access
from gaoxin.support.tests import test_access as support_access
from tests import test_access_matrix as platform_access
from tests import test_access_registry as registry_access

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", *ALL_ROLES]
SECRET = "公证处-个人信息-测试-2026"


@dataclass(frozen=True)
class Resident:
    name: str
    id_number: str
    phone: str

    @property
    def values(self) -> set[str]:
        return {self.name, self.id_number, self.phone}


def _id(born: date, n: int) -> str:
    return make_id_number("340104", born, n)


# The applicant's own household (registered online), and households a sales office imports.
APPLICANT = Resident("欧阳明轩", _id(date(1988, 3, 12), 101), "13911112201")
SPOUSE = Resident("司徒婉清", _id(date(1989, 7, 2), 102), "13911112202")
CHILD = Resident("欧阳思远", _id(date(2016, 5, 20), 103), "13911112203")
IMPORTED = [
    Resident("上官云飞", _id(date(1985, 1, 9), 111), "13911112211"),
    Resident("诸葛文静", _id(date(1990, 11, 23), 112), "13911112212"),
    Resident("东方明远", _id(date(1979, 4, 30), 113), "13911112213"),
    Resident("皇甫若兰", _id(date(1993, 8, 15), 114), "13911112214"),
]
EVERYONE = [APPLICANT, SPOUSE, CHILD, *IMPORTED]
SECRETS = {value for resident in EVERYONE for value in resident.values}
REJECTED_ID = IMPORTED[0].id_number  # named by the rejected agency import's error report


@dataclass
class World:
    users: dict[str, Any]
    batch: SaleBatch
    application: Application
    person: Person  # APPLICANT in the registry
    run: ImportRun
    params: dict[str, Any] = field(default_factory=dict)


def _registry(admin: Any, capture: Callable[..., Any]) -> tuple[Person, ImportRun]:
    people = {r.id_number: new_person(r.id_number, r.name, r.phone) for r in EVERYONE}
    for person in people.values():
        person.save()
    Marriage.objects.create(
        person_a=people[APPLICANT.id_number],
        person_b=people[SPOUSE.id_number],
        married_on=date(2014, 10, 1),
    )
    ParentChild.objects.create(parent=people[APPLICANT.id_number], child=people[CHILD.id_number])
    # An agency file with one row twice: rejected, the error names that ID number.
    rows = [f"{r.id_number},{r.name},{r.phone}" for r in IMPORTED[:2]]
    content = "身份证号,姓名,联系电话\n" + "\n".join([*rows, rows[0]]) + "\n"
    upload = SimpleUploadedFile("agency.csv", content.encode(), "text/csv")
    with capture(execute=True):
        run = registry.import_start(actor=admin, kind="person", upload=upload)
    run.refresh_from_db()
    assert run.status == "rejected" and run.error_report
    return people[APPLICANT.id_number], run


def _sale(users: dict[str, Any]) -> tuple[SaleBatch, Application]:
    from gaoxin.housing.tests import builders

    admin, desk, owner = users["zone_admin"], users["developer"], users["applicant"]
    batch = builders.published_batch(
        code="PD26", units=6, developer=desk, entropy=builders.DRAW_ENTROPY, secret=SECRET
    )
    builders.bind(owner, APPLICANT.id_number)  # at the counter: the applicant's own account
    own = housing.application_register(
        actor=owner,
        batch=batch,
        pools=["first_home"],
        phone=APPLICANT.phone,
        members=[
            MemberIn(Relation.APPLICANT, APPLICANT.name, APPLICANT.id_number),
            MemberIn(Relation.SPOUSE, SPOUSE.name, SPOUSE.id_number),
            MemberIn(Relation.CHILD, CHILD.name, CHILD.id_number),
        ],
    ).application
    sheet = [",".join(SHEET_COLUMNS)] + [
        f"{r.name},{r.id_number},{r.phone},,,,,是,否" for r in IMPORTED
    ]
    housing.applications_import(
        actor=desk, batch=batch, data=("\n".join(sheet) + "\n").encode(), filename="登记.csv"
    )
    for entered in batch.applications.filter(channel="import"):
        builders.confirm_entry(entered)  # each applicant confirms the sales office's entry
    builders.start_notice(builders.everyone_eligible(builders.review(batch)))
    objection = housing.objection_file(
        actor=owner, application=own, text="请核实我家的社保缴纳记录，谢谢。"
    )
    housing.objection_answer(actor=users["reviewer"], objection=objection, answer="已核实，无误。")
    builders.freeze(builders.end_notice(batch))
    builders.confirm(batch, users["notary"])
    builders.reveal(batch, users["notary"], secret=SECRET)
    builders.start_unit_choice(builders.draw(batch, admin), admin)
    first = True
    while (turn := housing_selectors.current_turn(batch)) is not None:
        number = turn.application.number
        if first:  # one household declines: its unit goes down the queue
            housing.turn_record(actor=desk, batch=batch, number=number, outcome="declined")
            first = False
            continue
        unit = batch.units.filter(status=UnitStatus.AVAILABLE).order_by("pk").first()
        housing.turn_record(actor=desk, batch=batch, number=number, outcome="chosen", unit=unit)
        housing.contract_record(
            actor=desk,
            batch=batch,
            number=number,
            contract_number=f"HT-{turn.position}",
            signed_on=timezone.localdate(),
        )
    housing.batch_close(actor=admin, batch=batch)
    batch.refresh_from_db()
    return batch, own


@pytest.fixture
def world(make_user: Callable[..., Any], django_capture_on_commit_callbacks: Any) -> World:
    users = {role: make_user(role) for role in ALL_ROLES}
    person, run = _registry(users["zone_admin"], django_capture_on_commit_callbacks)
    batch, application = _sale(users)
    classification = a_classification()
    desk = desk_builders.desk()
    request = desk_services.submit(
        actor=desk.company,
        credit_code=desk.enterprise.credit_code,
        category="hiring",
        title="招聘",
        description="需要对接人才市场",
    )
    return World(
        users=users,
        batch=batch,
        application=application,
        person=person,
        run=run,
        params={
            "code": batch.code,
            "number": application.number,
            "enterprise": classification.enterprise.pk,
            "credit_code": classification.enterprise.credit_code,
            "classification": classification.pk,
            "industry": classification.industry_id,
            "person": person.pk,
            "run": run.pk,
            "request": request.number,
            "grid": desk.grid.code,
        },
    )


# -- what an answer says ---------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_of(response: Any) -> str:
    """Everything a reader of the answer can see: headers and the body as text."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    kind = response.get("Content-Type", "").split(";")[0].strip()
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    if kind == "application/json":
        shown = json.dumps(json.loads(body or b"null"), ensure_ascii=False)
    elif kind == XLSX:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(body))
        shown = " ".join(
            str(cell)
            for name in book.sheet_names
            for row in book.get_sheet_by_name(name).to_python()
            for cell in row
        )
    elif kind == "application/pdf":
        pdfium = importlib.import_module("pypdfium2")  # a dev dependency without type hints
        document = pdfium.PdfDocument(body)
        shown = " ".join(page.get_textpage().get_text_range() for page in document)
    elif kind == "application/zip":  # fairdraw.pyz: every member's text (a shebang line first)
        import zipfile

        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            shown = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    elif kind.startswith("text/") or not body:
        shown = html.unescape(body.decode("utf-8-sig"))
    else:
        raise AssertionError(f"cannot read a {kind!r} answer: teach text_of() to read it")
    return f"{headers}\n{shown}"


def found_in(text: str) -> set[str]:
    return {value for value in SECRETS if value in text}


# -- the URLs of the access tables -------------------------------------------------------------


def urls(world: World) -> Iterator[tuple[str, str]]:
    """(URL name, path) for every URL of the access tables that answers a GET."""
    p = world.params
    events: dict[str, int] = {}
    for action, pk in AuditEvent.objects.order_by("pk").values_list("action", "pk"):
        events.setdefault(action, pk)  # one event of each kind
    for name, (path, _allowed) in platform_access.PAGES.items():
        if "{event}" in path:
            for pk in events.values():
                yield name, path.format(event=pk)
        else:
            yield name, path
    for name, (path, _allowed) in platform_access.API.items():
        if "{event}" in path:
            for pk in events.values():
                yield f"api-1.0.0:{name}", path.format(event=pk)
        else:
            yield f"api-1.0.0:{name}", path
    for name, (path, _allowed, _denied) in housing_access.HOUSING_PAGES.items():
        yield name, path.format(**p)
    for name, path in housing_access.FROZEN_PUBLIC.items():
        yield name, path.format(**p)
    for name in sorted(housing_access.DRAWN_PUBLIC | housing_access.CLOSED_PUBLIC):
        yield name, reverse(name, args=[p["code"]])
    yield "housing:results", f"/housing/{p['code']}/results/?number={p['number']}"
    yield "api-1.0.0:list_batches", "/api/housing/batches"
    yield "api-1.0.0:get_batch", f"/api/housing/batches/{p['code']}"
    for name, (path, _allowed) in registry_access.REGISTRY_PAGES.items():
        yield name, path.format(**p)
    for name, (path, _allowed) in registry_access.REGISTRY_API.items():
        yield f"api-1.0.0:{name}", path.format(**p)
    # The grid service desk holds enterprises' requests, no resident's data: its pages are walked
    # all the same, a real request and grid among them. Its visit, inspection, hazard and notice
    # pages are fetched for objects this world does not have (each answers 404 or 403).
    for name, (path, _allowed) in {**desk_access.DESK_PAGES, **desk_access.FIELD_PAGES}.items():
        yield name, path
    yield desk_access.REQUEST_PAGE, f"/servicedesk/requests/{p['request']}/"
    yield desk_access.REQUEST_FILE, f"/servicedesk/requests/{p['request']}/files/999999/"
    yield "servicedesk:grid", f"/servicedesk/grids/{p['grid']}/"
    yield "api-1.0.0:request_get", f"/api/servicedesk/requests/{p['request']}"
    for name in sorted(desk_access.FIELD_OBJECT_PAGES | desk_access.STATS_OBJECT_PAGES):
        yield name, reverse(name, args=MISSING_OBJECT[name])
    for name, (path, _allowed) in desk_access.STATS_PAGES.items():
        yield name, path
    # The approvals desk holds enterprises' projects and an agent's user name, no resident's
    # data; its pages are walked all the same, its project and certificate for objects this
    # world does not have (404).
    for name, (path, _allowed) in approvals_access.APPROVAL_PAGES.items():
        yield name, path
    yield from approvals_access.PUBLIC.items()
    for name in sorted(approvals_access.OBJECT_PAGES):
        yield name, reverse(name, args=MISSING_OBJECT[name])
    yield "api-1.0.0:item_get", "/api/approvals/items/NOSUCH/X-1"
    # Enterprise support: tiers, awards (to enterprises; a person of special contribution is
    # named on an award page, masked) and the zone's indicators.
    for name, (path, _allowed) in support_access.SUPPORT_PAGES.items():
        yield name, path
    yield "support:tier_mine", "/support/tiers/mine/"
    for name in ("support:award", "support:tier_enterprise"):
        yield name, reverse(name, args=MISSING_OBJECT[name])
    # Open calls: an application names its enterprise and team (a team's lead masked); the
    # call pages are fetched for a call this world does not have (404).
    for name in ("support:call_zone", "support:call_ranking", "support:call_public"):
        yield name, reverse(name, args=MISSING_OBJECT[name])


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if namespace.startswith("admin:"):
                names.add("admin:index")
                continue
            names |= _names(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{prefix}{entry.name}")
    return names


MISSING_OBJECT: dict[str, list[Any]] = {
    "servicedesk:visit": [999_999],
    "servicedesk:inspection": [999_999],
    "servicedesk:hazard": ["X-0"],
    "servicedesk:notice": ["X-0"],
    "servicedesk:hazard_photo": ["X-0", 1],
    "servicedesk:stats_report": ["nope", "2026-01", "X"],
    "servicedesk:stats_export": ["nope", "2026-01"],
    "approvals:project": [999_999],
    "approvals:certificate_pdf": ["NOSUCH"],
    "approvals:template_version": [999_999],
    "support:award": [999_999],
    "support:tier_enterprise": ["91370212MA0000000X"],
    "support:call_zone": [999_999],
    "support:call_ranking": [999_999],
    "support:call_public": [999_999],
}


POST_ONLY = (
    set(desk_access.REQUEST_POSTS)
    | desk_access.FIELD_POSTS
    | desk_access.STATS_POSTS
    | {"servicedesk:set_holder", "api-1.0.0:hotline_transfer"}
    | set(platform_access.POST_ONLY)
    | platform_access.OTHER_POST
    | housing_access.POST_ONLY
    | set(registry_access.REGISTRY_POST_ONLY)
    | {"api-1.0.0:register", "api-1.0.0:api-root"}
    | approvals_access.POSTS
    | support_access.SUPPORT_POSTS
    | {"api-1.0.0:decision_push"}
)


# -- where full data may appear, and the audit event that must record it -------------------------


@dataclass(frozen=True)
class Allowed:
    values: frozenset[str]
    action: str  # the audit event each view writes
    object_id: Callable[[World], str]


OWN_NAMES = frozenset({APPLICANT.name, SPOUSE.name, CHILD.name})
ALLOWED: dict[tuple[str, str], Allowed] = {
    # The household's own account sees its members' names (ID numbers stay masked).
    ("housing:application", "applicant"): Allowed(
        OWN_NAMES, "housing.application.viewed", lambda w: str(w.application.pk)
    ),
    # The agency error report: the values rejected, so the file can be corrected.
    **{
        ("registry:import_errors", role): Allowed(
            frozenset({REJECTED_ID}), "registry.import.errors_downloaded", lambda w: str(w.run.pk)
        )
        for role in ("zone_admin", "reviewer")
    },
}


@pytest.fixture
def console_log() -> Iterator[io.StringIO]:
    """What the configured console handler (settings.LOGGING, with its mask) writes."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and not type(h).__module__.startswith("_pytest")
    ]
    assert handlers, "the console handler of settings.LOGGING"
    buffer = io.StringIO()
    streams = [h.setStream(buffer) for h in handlers]
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, streams, strict=True):
            if stream is not None:
                handler.setStream(stream)


def client_of(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.slow
def test_no_page_shows_full_personal_data_except_the_allowed_ones_and_those_are_audited(
    world, console_log
):
    walked = {name for name, _path in urls(world)}
    missing = _names(get_resolver()) - walked - POST_ONLY
    assert not missing, f"URLs the walk does not fetch: {sorted(missing)}"

    leaks, shown, unaudited = [], set(), []
    for role in ROLES:
        client = client_of(world, role)
        for name, path in urls(world):
            before = last_event()
            response = client.get(path)
            found = found_in(text_of(response))
            allowed = ALLOWED.get((name, role))
            if allowed is None:
                if found:
                    leaks.append((role, path, response.status_code, sorted(found)))
                continue
            if found - allowed.values:
                leaks.append((role, path, response.status_code, sorted(found - allowed.values)))
            shown.add((name, role))
            assert found == allowed.values, (name, role, found)
            new = AuditEvent.objects.filter(pk__gt=before, action=allowed.action)
            user = world.users[role]
            if not new.filter(actor_id=user.pk, object_id=allowed.object_id(world)).exists():
                unaudited.append((role, path))
    assert not leaks, f"full personal data shown: {leaks}"
    assert shown == set(ALLOWED), f"allow-listed but not shown: {set(ALLOWED) - shown}"
    assert not unaudited, f"shown unmasked without an audit event: {unaudited}"
    log = console_log.getvalue()
    assert "Forbidden" in log  # the walk's refusals were logged: the log is the real one
    assert not found_in(log), f"personal data in the log: {found_in(log)}"


def test_the_registry_shows_a_person_unmasked_only_after_an_audited_reveal(world, console_log):
    """Zone administrators and reviewers may unmask a person (with a reason): the reveal and
    every later view of the page are in the audit chain. Auditors read the registry masked and
    cannot reveal."""
    path = f"/registry/people/{world.person.pk}/"
    household = APPLICANT.values | {SPOUSE.name, SPOUSE.id_number, CHILD.name, CHILD.id_number}
    for role in ("zone_admin", "reviewer"):
        client = client_of(world, role)
        user = world.users[role]
        assert not found_in(text_of(client.get(path)))
        before = last_event()
        response = client.post(f"{path}reveal/", {"purpose": "核对登记申请人身份"})
        assert response.status_code == 302
        reveal = AuditEvent.objects.get(pk__gt=before, action="registry.person.unmasked")
        assert (reveal.actor_id, reveal.object_id) == (user.pk, str(world.person.pk))
        assert (reveal.after or {})["purpose"] == "核对登记申请人身份"
        for _view in range(2):
            before = last_event()
            page = text_of(client.get(path))
            assert found_in(page) == household, role  # the person and their relatives
            viewed = AuditEvent.objects.filter(pk__gt=before, action="registry.person.viewed")
            assert viewed.filter(actor_id=user.pk, object_id=str(world.person.pk)).count() == 1
        other = Person.objects.get(id_number=IMPORTED[1].id_number)
        assert not found_in(text_of(client.get(f"/registry/people/{other.pk}/")))
    auditor = client_of(world, "auditor")
    assert auditor.post(f"{path}reveal/", {"purpose": "看看"}).status_code == 403
    assert not found_in(text_of(auditor.get(path)))
    assert not found_in(console_log.getvalue())
