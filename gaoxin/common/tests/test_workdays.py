"""The working-day calendar on real boundaries, every value checked by hand against the State
Council's notices (国办发明电): 2025 Spring Festival 1/28–2/4 off with Sunday 1/26 and
Saturday 2/8 worked; 2025 National Day 10/1–10/8 off with Sunday 9/28 and Saturday 10/11
worked; 2026 Spring Festival 2/15–2/23 off with Saturday 2/14 and Saturday 2/28 worked; 2026
National Day 10/1–10/7 off with Sunday 9/20 and Saturday 10/10 worked."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from gaoxin.common import workdays
from gaoxin.common.models import AuditEvent, CalendarYear
from gaoxin.testing.errors import raises_code

pytestmark = pytest.mark.django_db

D = date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Fri 1/24 +5: Sun 1/26 worked (1), Mon 1/27 (2), 1/28–2/4 off, 2/5 (3), 2/6 (4), 2/7 (5)
        (D(2025, 1, 24), 5, D(2025, 2, 7)),
        # Fri 2/7 +1: Sat 2/8 is worked
        (D(2025, 2, 7), 1, D(2025, 2, 8)),
        # Fri 9/26 +3: Sun 9/28 worked (1), Mon 9/29 (2), Tue 9/30 (3)
        (D(2025, 9, 26), 3, D(2025, 9, 30)),
        # Tue 9/30 +4: 10/1–10/8 off, Thu 10/9 (1), Fri 10/10 (2), Sat 10/11 (3), Mon 10/13 (4)
        (D(2025, 9, 30), 4, D(2025, 10, 13)),
        # Thu 2/12 +3: Fri 2/13 (1), Sat 2/14 worked (2), 2/15–2/23 off, Tue 2/24 (3)
        (D(2026, 2, 12), 3, D(2026, 2, 24)),
        # Fri 2/27 +1: Sat 2/28 worked
        (D(2026, 2, 27), 1, D(2026, 2, 28)),
        # Wed 9/30 +2: 10/1–10/7 off, Thu 10/8 (1), Fri 10/9 (2)
        (D(2026, 9, 30), 2, D(2026, 10, 9)),
        # Wed 9/30 +3: ... Sat 10/10 worked (3)
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        # Fri 9/18 +1: Sun 9/20 worked
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
    ],
)
def test_deadlines_across_holidays_and_weekends_worked(start, days, due):
    deadline = workdays.add_working_days(start, days)
    assert deadline == workdays.Deadline(due, provisional=False)


def test_counts_with_a_paused_clock():
    # Fri 1/24 → Fri 2/7 2025: 1/26, 1/27, 2/5, 2/6, 2/7 = 5 working days
    assert workdays.working_days_between(D(2025, 1, 24), D(2025, 2, 7)).days == 5
    # waiting for the enterprise on 2/5–2/6: those two do not count
    paused = workdays.working_days_between(
        D(2025, 1, 24), D(2025, 2, 7), pauses=[(D(2025, 2, 5), D(2025, 2, 6))]
    )
    assert paused == workdays.Count(3, provisional=False)
    assert workdays.add_working_days(
        D(2025, 1, 24), 5, pauses=[(D(2025, 2, 5), D(2025, 2, 6))]
    ).due == D(2025, 2, 10)  # Sat 2/8 worked (4), Mon 2/10 (5)


def test_a_year_not_entered_is_provisional_until_it_is(make_user):
    CalendarYear.objects.filter(year=2027).delete()
    # Mon 12/28/2026 +5: 12/29 (1), 12/30 (2), 12/31 (3); 2027 unknown: Fri 1/1 (4), Mon 1/4 (5)
    first = workdays.add_working_days(D(2026, 12, 28), 5)
    assert first == workdays.Deadline(D(2027, 1, 4), provisional=True)
    received: list[int] = []

    def receiver(sender, year, **kwargs):
        received.append(year)

    workdays.year_entered.connect(receiver)
    try:
        admin = make_user("zone_admin")
        with raises_code("not_allowed"):
            workdays.year_enter(actor=make_user("reviewer"), year=2027, schedule="", source="")
        with raises_code("calendar.day_invalid") as bad:
            workdays.year_enter(
                actor=admin, year=2027, schedule="2027-01-01 休 元旦\n2027-13-01 休 x", source=""
            )
        assert "第 2 行" in bad.value.message("zh") and "Line 2" in bad.value.message("en")
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            workdays.year_enter(
                actor=admin,
                year=2027,
                schedule="2027-01-01 休 元旦\n2027-01-02 休 元旦\n2027-01-03 休 元旦",
                source="国办发明电〔2026〕示例号",
            )
    finally:
        workdays.year_entered.disconnect(receiver)
    assert received == [2027]
    # 12/29 (1), 12/30 (2), 12/31 (3), 1/1 holiday, Mon 1/4 (4), Tue 1/5 (5)
    assert workdays.add_working_days(D(2026, 12, 28), 5) == workdays.Deadline(D(2027, 1, 5), False)
    assert AuditEvent.objects.filter(action="calendar.year_entered").count() == 1


def test_the_page_is_the_zone_administrators(make_user):
    admin = Client()
    admin.force_login(make_user("zone_admin"))
    page = admin.get("/calendar/")
    assert page.status_code == 200 and "2026" in page.content.decode()
    other = Client()
    other.force_login(make_user("reviewer"))
    assert other.get("/calendar/").status_code == 403
    response = admin.post(  # Monday 2030-01-07 is a working day already: refused, line named
        "/calendar/enter/", {"year": "2030", "schedule": "2030-01-07 班 x", "source": ""}
    )
    assert response.status_code == 422 and "第 1 行" in response.content.decode()
    response = admin.post(
        "/calendar/enter/", {"year": "2030", "schedule": "2030-01-05 班 x", "source": "test"}
    )
    assert response.status_code == 302 and CalendarYear.objects.filter(year=2030).exists()
