"""A request's life on the services: accepted and assigned to the grid's officer, taken, paused
(the clock stops), resumed (the deadline moves by the days waited), resolved, rated; an
unsatisfied rating redoes it once; conflicts, refusals and the hotline's idempotency."""

from __future__ import annotations

from datetime import date

import pytest

from gaoxin.common import workdays
from gaoxin.common.models import AuditEvent
from gaoxin.servicedesk import services
from gaoxin.servicedesk.choices import Channel, Level
from gaoxin.servicedesk.choices import RequestStatus as R
from gaoxin.servicedesk.models import ServiceRequest
from gaoxin.testing.errors import raises_code

from .builders import desk

pytestmark = pytest.mark.django_db


def submit(d, **extra):
    values = {
        "credit_code": d.enterprise.credit_code,
        "category": "hiring",
        "title": "急需招聘工程师",
        "description": "需要网格帮助对接人才市场。",
    } | extra
    return services.submit(actor=d.company, **values)


def test_accepted_request_goes_to_the_grids_core_officer_with_its_deadline(on):
    on(date(2026, 9, 1))  # a Tuesday, in an entered year
    d = desk()
    r = submit(d)
    assert r.status == R.ASSIGNED and r.handler == d.officer and r.level == Level.OFFICER
    assert r.grid == d.grid and r.channel == Channel.ENTERPRISE
    # hiring: 5 working days for the officer, from Tuesday 1 September: due Tuesday 8 September
    assert r.step_due == date(2026, 9, 8) and not r.due_provisional
    assert r.number == f"2026-{r.pk:07d}"
    assert AuditEvent.objects.filter(action="servicedesk.request.accepted").count() == 1
    assert AuditEvent.objects.filter(action="servicedesk.request.assign").count() == 1


def test_the_whole_life_with_a_pause_a_redo_and_a_close(on):
    on(date(2026, 9, 1))
    d = desk()
    r = submit(d)
    r = services.take(actor=d.officer, pk=r.pk, version=r.version)
    assert r.status == R.IN_PROGRESS
    r = services.wait(actor=d.officer, pk=r.pk, version=r.version, reason="请补充营业执照复印件")
    assert r.status == R.WAITING and r.step_due is None
    on(date(2026, 9, 4))  # three days later (Wed, Thu paused)
    r = services.resume(actor=d.officer, pk=r.pk, version=r.version)
    # paused 1–3 September: those days do not count; 5 working days after 1 Sep skipping 2–3 Sep
    assert r.pauses == [["2026-09-01", "2026-09-03"]]
    assert r.step_due == date(2026, 9, 10)
    r = services.resolve(actor=d.officer, pk=r.pk, version=r.version, reply="已对接人才市场。")
    assert r.status == R.RESOLVED and r.resolved_level == Level.OFFICER and r.resolved_on_time
    r = services.rate(actor=d.company, pk=r.pk, version=r.version, stars="1", comment="没解决")
    assert r.status == R.IN_PROGRESS and r.redone and r.resolved_on is None
    r = services.resolve(actor=d.officer, pk=r.pk, version=r.version, reply="已再次协调并落实。")
    r = services.rate(actor=d.company, pk=r.pk, version=r.version, stars=5)
    assert r.status == R.CLOSED and r.rating == 5 and r.closed_on == date(2026, 9, 4)
    kinds = list(r.entries.values_list("kind", flat=True))
    assert kinds.count("reply") == 3  # the wait's reason and two resolutions


def test_a_second_unsatisfied_rating_closes_it():
    d = desk()
    r = submit(d)
    for _ in range(2):
        r = (
            services.take(actor=d.officer, pk=r.pk, version=r.version)
            if r.status != R.IN_PROGRESS
            else r
        )
        r = services.resolve(actor=d.officer, pk=r.pk, version=r.version, reply="已处理")
        r = services.rate(actor=d.company, pk=r.pk, version=r.version, stars=2)
    assert r.status == R.CLOSED and r.rating == 2


def test_an_action_on_an_older_version_is_a_conflict_and_writes_nothing():
    d = desk()
    r = submit(d)
    shown = r.version
    services.take(actor=d.officer, pk=r.pk, version=shown)
    events = AuditEvent.objects.count()
    with raises_code("servicedesk.conflict") as caught:
        services.take(actor=d.officer2, pk=r.pk, version=shown)
    assert caught.value.params["who"] == d.officer.username
    assert AuditEvent.objects.count() == events
    assert ServiceRequest.objects.get(pk=r.pk).handler == d.officer


def test_only_the_current_step_acts_and_others_are_told_where_it_is():
    d = desk()
    r = submit(d)
    with raises_code("servicedesk.not_handler") as caught:
        services.take(actor=d.leadership, pk=r.pk, version=None)  # sees it, does not hold it
    assert caught.value.params["level"] == "网格员" or "officer" in caught.value.params["level"]
    with raises_code("not_allowed"):
        services.take(actor=d.clerk, pk=r.pk, version=None)  # no department has it yet
    with raises_code("servicedesk.not_handler"):
        services.take(actor=d.company, pk=r.pk, version=None)  # its own request, not its step
    with raises_code("not_allowed"):
        services.rate(actor=d.officer, pk=r.pk, version=None, stars=5)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "", "servicedesk.field_required"),
        ("title", "x" * 201, "servicedesk.field_too_long"),
        ("description", "   ", "servicedesk.field_required"),
        ("category", "nope", "servicedesk.unknown_category"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(field, value, code):
    d = desk()
    with raises_code(code):
        submit(d, **{field: value})
    assert ServiceRequest.objects.count() == 0


def test_an_enterprise_submits_only_for_itself():
    d = desk()
    other = desk("G02")
    with raises_code("not_allowed"):
        services.submit(
            actor=d.company,
            credit_code=other.enterprise.credit_code,
            category="hiring",
            title="t",
            description="d",
        )


def test_rating_must_be_one_to_five():
    d = desk()
    r = submit(d)
    services.take(actor=d.officer, pk=r.pk, version=None)
    services.resolve(actor=d.officer, pk=r.pk, version=None, reply="ok")
    for bad in ("0", "6", "five", ""):
        with raises_code("servicedesk.rating_invalid"):
            services.rate(actor=d.company, pk=r.pk, version=None, stars=bad)


def test_hotline_transfer_is_idempotent_by_case_number():
    d = desk()
    first, created = services.transfer_from_hotline(
        actor=d.leadership,
        case_number="12345-2026-000981",
        credit_code=d.enterprise.credit_code,
        category="utilities",
        title="园区停电",
        description="企业反映园区连续两天停电。",
    )
    again, created_again = services.transfer_from_hotline(
        actor=d.leadership,
        case_number="12345-2026-000981",
        credit_code=d.enterprise.credit_code,
        category="utilities",
        title="园区停电",
        description="企业反映园区连续两天停电。",
    )
    assert created and not created_again and again.pk == first.pk
    assert ServiceRequest.objects.filter(hotline_case="12345-2026-000981").count() == 1
    with raises_code("servicedesk.hotline_case_invalid"):
        services.transfer_from_hotline(
            actor=d.leadership,
            case_number="bad case!",
            credit_code=d.enterprise.credit_code,
            category="utilities",
            title="t",
            description="d",
        )


def test_merge_into_an_open_request_of_the_same_matter():
    d = desk()
    first = submit(d)
    second = submit(d, title="同一事项再次反映")
    services.merge(actor=d.officer, pk=second.pk, version=None, into=first.number)
    second.refresh_from_db()
    assert second.status == R.CLOSED and second.merged_into == first


def test_provisional_deadline_moves_when_the_year_is_entered(
    on, django_capture_on_commit_callbacks, make_user
):
    on(date(2026, 12, 28))
    d = desk()
    with django_capture_on_commit_callbacks(execute=False):
        r = submit(d)
    # 5 working days after Monday 28 December reach 2027, whose holidays are not entered:
    # weekends alone give Monday 4 January, marked provisional.
    assert r.step_due == date(2027, 1, 4) and r.due_provisional
    with django_capture_on_commit_callbacks(execute=True):
        workdays.year_enter(
            actor=make_user("zone_admin"),
            year=2027,
            schedule="2027-01-01 休 元旦\n2027-01-04 休 元旦调休\n",
            source="test",
        )
    r.refresh_from_db()
    assert r.step_due == date(2027, 1, 6) and not r.due_provisional  # 29–31 Dec, 5–6 Jan
