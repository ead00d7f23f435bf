"""The zone's pages of the desk: the map drawn from the grids' polygons, a grid's team and its
history, and the zone administrators' set-up (duties, holders, categories, the import page).
Bad input never crashes: the message names the field."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gaoxin.common.models import AuditEvent
from gaoxin.registry.tests.factories import EnterpriseFactory
from gaoxin.servicedesk import geo, grid_selectors, services
from gaoxin.servicedesk.models import Category, Duty, DutyHolder, EnterpriseAssignment, Grid

from .builders import desk, person

pytestmark = pytest.mark.django_db


def square(x: float, y: float, size: float = 0.01) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- the projection ------------------------------------------------------------------------


def test_projection_keeps_north_up_and_fills_the_box():
    drawing = geo.draw([("A", square(120.0, 36.0)), ("B", square(120.01, 36.01))])
    a, b = drawing.shapes
    assert drawing.width == geo.WIDTH
    assert b.label_x > a.label_x and b.label_y < a.label_y  # east is right, north is up
    xs = [float(v) for v in re.findall(r"([\d.]+),", a.paths + b.paths)]
    assert min(xs) == pytest.approx(geo.MARGIN) and max(xs) == pytest.approx(geo.WIDTH - geo.MARGIN)
    # A degree of longitude is shorter than one of latitude at 36°N: the drawing is taller
    # than wide by 1 / cos(36°).
    inner = drawing.height - 2 * geo.MARGIN
    assert inner / (geo.WIDTH - 2 * geo.MARGIN) == pytest.approx(1 / 0.809, rel=0.01)


@pytest.mark.parametrize(
    "geometry",
    [
        None,
        {},
        {"type": "Point", "coordinates": [1, 2]},
        {"type": "Polygon", "coordinates": "x"},
        {"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]},
        {"type": "Polygon", "coordinates": [[[1, 2], [3, "4"], [5, 6]]]},
        {"type": "Polygon", "coordinates": [[[500, 2], [3, 4], [5, 6]]]},
        {"type": "MultiPolygon", "coordinates": [[]]},
    ],
)
def test_a_bad_boundary_is_listed_not_drawn(geometry):
    drawing = geo.draw([("A", square(120, 36)), ("B", geometry)])
    assert [s.key for s in drawing.shapes] == ["A"] and drawing.missing == ["B"]


def test_multipolygon_is_drawn_with_its_label_in_the_larger_part():
    multi = {
        "type": "MultiPolygon",
        "coordinates": [
            square(120, 36, 0.001)["coordinates"],
            square(120.01, 36, 0.02)["coordinates"],
        ],
    }
    (shape,) = geo.draw([("M", multi)]).shapes
    assert shape.paths.count("M") == 2 and shape.label_x > geo.WIDTH / 2


def test_shades():
    assert grid_selectors.shade(0, 0, 5) == "calm"
    assert grid_selectors.shade(4, 0, 5) == "open"
    assert grid_selectors.shade(5, 0, 5) == "busy"
    assert grid_selectors.shade(9, 1, 5) == "late"
    assert grid_selectors.shade(9, 5, 5) == "late-many"
    assert grid_selectors.busy_from([]) == 5 and grid_selectors.busy_from([3, 31]) == 16


# -- the map page --------------------------------------------------------------------------


def test_the_map_draws_every_grid_shaded_and_linked():
    d = desk()
    other = desk("G02")
    d.grid.boundary = square(120.0, 36.0)
    d.grid.save()
    other.grid.boundary = square(120.01, 36.0)
    other.grid.save()
    Grid.objects.create(code="G03", name="无边界网格")
    request = services.submit(
        actor=d.company,
        credit_code=d.enterprise.credit_code,
        category="hiring",
        title="招聘",
        description="需要帮助",
    )
    request.step_due = timezone.localdate() - timedelta(days=1)
    request.save(update_fields=["step_due"])
    html = _client(d.leadership).get("/servicedesk/map/").content.decode()
    svg = html.split("<svg")[1].split("</svg>")[0]
    assert svg.count("<path ") == 2
    assert (
        '<a href="/servicedesk/dashboard/?grid=G01" '
        'aria-label="G01 第G01网格：在办 1 件，超期 1 件"' in svg
    )
    assert '<path class="shade-late"' in svg and '<path class="shade-calm"' in svg
    assert 'data-grid="G03"' not in svg and "G03" in html.split("</svg>")[1]
    # An officer sees the whole map but links only to the figures of their own grid.
    html = _client(d.officer).get("/servicedesk/map/").content.decode()
    svg = html.split("<svg")[1].split("</svg>")[0]
    assert "?grid=G01" in svg and "?grid=G02" not in svg
    assert 'data-grid="G02"' in svg
    assert _client(d.company).get("/servicedesk/map/").status_code == 403


# -- a grid's team ---------------------------------------------------------------------------


def test_a_grid_shows_its_team_and_history_and_the_zone_sets_a_holder():
    d = desk()
    admin = person("zone-admin-x", "zone_admin")
    safety = Duty.objects.get(code="safety")
    path = "/servicedesk/grids/G01/"
    response = _client(d.officer).get(path)
    assert response.status_code == 200 and "officer-G01" in response.content.decode()
    assert 'name="valid_from"' not in response.content.decode()  # officers do not set holders
    client = _client(admin)
    day = timezone.localdate()
    client.post(
        f"{path}holder/",
        {"duty": "safety", "officer": "officer2-G01", "valid_from": day.isoformat()},
    )
    client.post(
        f"{path}holder/",
        {
            "duty": "safety",
            "officer": "officer-G01",
            "valid_from": (day + timedelta(days=30)).isoformat(),
        },
    )
    rows = list(DutyHolder.objects.filter(grid=d.grid, duty=safety).order_by("valid_from"))
    assert [(r.officer.username, r.valid_to) for r in rows] == [
        ("officer2-G01", day + timedelta(days=29)),
        ("officer-G01", None),
    ]
    html = client.get(path).content.decode()
    history = html.split('data-testid="team-history"')[1]
    ended = day + timedelta(days=29)  # shown in the reader's date style
    assert "officer2-G01" in history and f"{ended.year}年{ended.month}月{ended.day}日" in history
    # Bad input: the message names the field, nothing changes.
    for data, word in [
        ({"duty": "safety", "officer": "officer-G01", "valid_from": "2026-02-30"}, "生效日期"),
        ({"duty": "nope", "officer": "officer-G01", "valid_from": "2026-01-01"}, "职责"),
        ({"duty": "safety", "officer": "company-G01", "valid_from": "2026-01-01"}, "网格员"),
    ]:
        response = client.post(f"{path}holder/", data, follow=True)
        assert word in response.content.decode()
    assert DutyHolder.objects.filter(grid=d.grid, duty=safety).count() == 2
    assert _client(d.officer).post(f"{path}holder/", {}).status_code == 403
    assert client.get("/servicedesk/grids/G99/").status_code == 404


# -- duties and categories -------------------------------------------------------------------


def test_the_zone_edits_the_duties():
    admin = person("zone-admin-y", "zone_admin")
    client = _client(admin)
    assert client.get("/servicedesk/setup/duties/").status_code == 200
    response = client.post(
        "/servicedesk/setup/duties/",
        {"create": "1", "code": "fire", "name_zh": "消防", "name_en": "Fire safety", "active": "1"},
    )
    assert response.status_code == 302 and Duty.objects.get(code="fire").active
    # Making it core makes the former core duty ordinary.
    client.post(
        "/servicedesk/setup/duties/",
        {"code": "fire", "name_zh": "消防", "name_en": "Fire safety", "core": "1", "active": "1"},
    )
    assert list(Duty.objects.filter(core=True).values_list("code", flat=True)) == ["fire"]
    for data, words in [
        ({"code": "fire", "name_zh": "消防", "name_en": "Fire", "active": ""}, "核心职责"),
        (
            {"code": "fire", "name_zh": "", "name_en": "Fire", "core": "1", "active": "1"},
            "中文名称",
        ),
        ({"create": "1", "code": "Bad Code", "name_zh": "x", "name_en": "x"}, "编码"),
        ({"create": "1", "code": "fire", "name_zh": "x", "name_en": "x"}, "已被使用"),
        ({"code": "ghost", "name_zh": "x", "name_en": "x"}, "不存在"),
    ]:
        response = client.post("/servicedesk/setup/duties/", data)
        assert response.status_code == 422 and words in response.content.decode(), data
    assert Duty.objects.get(code="fire").core
    assert AuditEvent.objects.filter(action="servicedesk.duty.created").count() == 1


def test_the_zone_edits_a_categorys_department_and_limits():
    admin = person("zone-admin-z", "zone_admin")
    client = _client(admin)
    assert client.get("/servicedesk/setup/categories/").status_code == 200
    good = {
        "code": "hiring",
        "department": "market",
        "officer_days": "2",
        "leader_days": "3",
        "department_days": "7",
        "leadership_days": "9",
        "active": "1",
    }
    assert client.post("/servicedesk/setup/categories/", good).status_code == 302
    hiring = Category.objects.get(code="hiring")
    assert hiring.department is not None and hiring.department.code == "market"
    assert [hiring.officer_days, hiring.leadership_days] == [2, 9]
    for change, word in [
        ({"leader_days": "0"}, "网格长时限"),
        ({"department_days": "abc"}, "部门时限"),
        ({"leadership_days": ""}, "区领导时限"),
        ({"department": "nowhere"}, "默认部门"),
        ({"code": "ghost"}, "ghost"),
    ]:
        response = client.post("/servicedesk/setup/categories/", good | change)
        assert response.status_code == 422 and word in response.content.decode(), change
    hiring.refresh_from_db()
    assert hiring.leader_days == 3


# -- the import page -------------------------------------------------------------------------


def test_the_import_page_imports_or_lists_every_problem():
    Grid.objects.create(code="G01", name="一网格")
    a, b = EnterpriseFactory(), EnterpriseFactory()
    admin = person("zone-admin-w", "zone_admin")
    client = _client(admin)
    header = "统一社会信用代码,网格编号,载体编号,生效日期\n"
    bad = f"{a.credit_code},G01,,2026-01-01\n{b.credit_code},G77,,2026-01-01\n"
    response = client.post(
        "/servicedesk/setup/assignments/",
        {"file": SimpleUploadedFile("x.csv", (header + bad).encode())},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "G77" in html and "没有此编号的网格" in html
    assert EnterpriseAssignment.objects.count() == 0
    good = f"{a.credit_code},G01,,2026-01-01\n{b.credit_code},g01,,2026-01-01\n"
    response = client.post(
        "/servicedesk/setup/assignments/",
        {"file": SimpleUploadedFile("x.csv", (header + good).encode())},
    )
    assert response.status_code == 200 and 'data-testid="import-done"' in response.content.decode()
    assert EnterpriseAssignment.objects.filter(valid_from=date(2026, 1, 1)).count() == 2
    response = client.post("/servicedesk/setup/assignments/", {})
    assert response.status_code == 422 and "请选择要导入的文件" in response.content.decode()
    response = client.post(
        "/servicedesk/setup/assignments/",
        {"file": SimpleUploadedFile("x.csv", b"\x00\x01\x02binary")},
    )
    assert response.status_code == 422
    template = client.get("/servicedesk/setup/assignments/template.csv")
    assert template.content.decode("utf-8-sig").startswith("统一社会信用代码*,网格编号*")
