"""The monthly report (月度报告) and the dashboard's charts against values computed by hand on a
small data set: two grids, October and November 2026 (docs/servicedesk.md, "The monthly
report"). The same figures must appear in the report's structure, in the XLSX's cells and in the
PDF's text, in Chinese and in English; the files are the same bytes for the same data; only who
may see the dashboard may download its report."""

from __future__ import annotations

import importlib
import io
import re
import zipfile
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from python_calamine import CalamineWorkbook

from gaoxin.servicedesk import monthly, selectors, services
from gaoxin.servicedesk.services import safety, visits

from .builders import desk, person

pytestmark = pytest.mark.django_db

NOVEMBER = selectors.month(2026, 11)
TODAY = date(2026, 11, 20)


def _submit(d: Any, title: str) -> Any:
    return services.submit(
        actor=d.company,
        credit_code=d.enterprise.credit_code,
        category="hiring",  # limits: officer 5, leader 3, department 10 working days
        title=title,
        description="d",
    )


def _resolve(who: Any, request: Any) -> Any:
    services.take(actor=who, pk=request.pk, version=None)
    return services.resolve(actor=who, pk=request.pk, version=None, reply="已办结")


def _hazard(d: Any, admin: Any) -> Any:
    safety.save_checklist(actor=admin, code="fire", name="消防", items="通道畅通")
    inspection = safety.inspect(
        actor=d.officer, credit_code=d.enterprise.credit_code, template="fire", results={0: "fail"}
    )
    return safety.add_hazard(
        actor=d.officer, inspection=inspection.pk, description="通道堵塞", severity="general"
    )


@pytest.fixture
def zone(on: Any) -> tuple[Any, Any]:
    """G01 (d) and G02 (e). October: one request in G01, resolved by the officer the next day
    (1 working day), rated 5. November (no holidays):

    - a (G01, 2 Nov): resolved by the officer on 10 Nov, past the officer's limit (9 Nov):
      6 working days, rated 5;
    - b (G01, 2 Nov): escalated by hand to the grid leader on 4 Nov, resolved there the same
      day: 2 working days, on time, rated 3;
    - c (G01, 2 Nov): still with the officer, overdue since 9 Nov;
    - x (G02, 3 Nov): escalated by hand to the leader and to the department, resolved by the
      department on 6 Nov: 3 working days, on time, unrated.

    Field work (N = 1 visit a quarter): G01's enterprise visited on 5 November, G02's not at
    all; a general hazard in each grid found on 2 November (due 16 November), G01's passed at
    re-inspection on 12 November, G02's still open on the 20th."""
    on(date(2026, 10, 12))
    d, e = desk("G01"), desk("G02")
    admin = person("report-admin", "zone_admin")
    visits.update_settings(
        actor=admin, visits_per_quarter=1, general_days=10, serious_days=5, major_days=3
    )
    p = _submit(d, "p")
    on(date(2026, 10, 13))
    _resolve(d.officer, p)
    services.rate(actor=d.company, pk=p.pk, version=None, stars=5)

    on(date(2026, 11, 2))
    a, b, c = _submit(d, "a"), _submit(d, "b"), _submit(d, "c")
    h1, h2 = _hazard(d, admin), _hazard(e, admin)
    on(date(2026, 11, 3))
    x = _submit(e, "x")
    services.escalate(actor=e.officer, pk=x.pk, version=None, reason="需要网格长协调")
    services.escalate(actor=e.leader, pk=x.pk, version=None, reason="需要人社部门")
    on(date(2026, 11, 4))
    services.escalate(actor=d.officer, pk=b.pk, version=None, reason="需要网格长协调")
    _resolve(d.leader, b)
    services.rate(actor=d.company, pk=b.pk, version=None, stars=3)
    on(date(2026, 11, 5))
    visits.record_visit(actor=d.officer, credit_code=d.enterprise.credit_code, notes="走访")
    on(date(2026, 11, 6))
    _resolve(e.clerk, x)
    on(date(2026, 11, 10))
    _resolve(d.officer, a)
    services.rate(actor=d.company, pk=a.pk, version=None, stars=5)
    on(date(2026, 11, 12))
    safety.reinspect(actor=d.officer, pk=h1.pk, version=None, passed="pass", text="已整改")
    on(TODAY)
    assert c.status == "assigned" and h2.status == "open"
    return d, e


def _headline(report: monthly.Report) -> dict[str, tuple[Any, Any, Any]]:
    return {
        f["code"]: (
            monthly.number(f["value"], f["kind"]),
            monthly.number(f["before"], f["kind"]),
            monthly.number(f["change"], f["kind"]),
        )
        for f in report.headline
    }


# Zone, November against October (rates in percent, changes in points):
#   accepted a b c x = 4 (October: 1) → +3; resolved a b x = 3 → 3/4 = 75.0 (October 100.0)
#   on time b x = 2/3 = 66.7; rated a=5 b=3 → 1/2 = 50.0; in the grid a b = 2/3 = 66.7
#   days (6 + 2 + 3) / 3 = 3.7 (October 1.0, change +2.7); open and overdue now: c
#   visit coverage Q4: 1 of 2 enterprises = 50.0 (Q3: 0.0); hazards on time 1 of 2 = 50.0
#   (October: none due, so no change)
ZONE = {
    "accepted": (4, 1, 3),
    "resolution": (75.0, 100.0, -25.0),
    "on_time": (66.7, 100.0, -33.3),
    "satisfaction": (50.0, 100.0, -50.0),
    "in_grid": (66.7, 100.0, -33.3),
    "days": (3.7, 1.0, 2.7),
    "overdue": (1, None, None),
    "visits": (50.0, 0.0, 50.0),
    "hazards": (50.0, None, None),
}
# Per grid: label, accepted, its change, resolution, its change, on time, satisfied, in grid,
# days, visit coverage, hazards on time.
GRIDS = [
    ["G01 第G01网格", 3, 2, 66.7, -33.3, 50.0, 50.0, 100.0, 4.0, 100.0, 100.0],
    ["G02 第G02网格", 1, 1, 100.0, None, 100.0, None, 0.0, 3.0, 0.0, 0.0],
]


def test_the_report_holds_the_figures_computed_by_hand(zone):
    d, _e = zone
    report = monthly.build(NOVEMBER, grid=None, today=TODAY)
    assert report.previous == selectors.month(2026, 10)
    assert _headline(report) == ZONE
    tables = {t.code: t for t in report.tables}
    assert list(tables) == ["grid", "category", "department", "officer"]
    assert [monthly._values("grid", row) for row in tables["grid"].rows] == GRIDS
    assert [(r.now.accepted, r.before.accepted) for r in tables["category"].rows] == [(4, 1)]
    department = tables["department"].rows
    assert [(r.label, r.now.accepted, r.now.resolved) for r in department] == [
        (d.department.name_zh, 1, 1)
    ]
    handlers = {r.label: (r.now.accepted, r.before.accepted) for r in tables["officer"].rows}
    assert handlers == {
        "officer-G01": (2, 1),  # a and c; p in October
        "leader-G01": (1, 0),  # b
        "clerk-G02": (1, 0),  # x
    }
    # The twelve months up to November: December 2025 … November 2026.
    assert [m.key for m in report.months][::11] == [date(2025, 12, 1), date(2026, 11, 1)]
    assert [(m.accepted, m.resolved) for m in report.months[-2:]] == [(1, 1), (4, 3)]

    # One grid's report: its figures only, and no table per grid.
    mine = monthly.build(NOVEMBER, grid=d.grid, today=TODAY)
    assert _headline(mine)["accepted"] == (3, 1, 2)
    assert _headline(mine)["resolution"] == (66.7, 100.0, -33.3)
    assert _headline(mine)["visits"] == (100.0, 0.0, 100.0)
    assert [t.code for t in mine.tables] == ["category", "department", "officer"]


def _sheets(data: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _cells(row: list[Any]) -> list[Any]:
    """A row as written: calamine reads empty cells as "" and whole numbers as floats."""
    return [None if v == "" else v for v in row]


def test_the_xlsx_holds_the_same_figures_in_both_languages(zone):
    with translation.override("zh-hans"):
        data = monthly.to_xlsx(monthly.build(NOVEMBER, grid=None, today=TODAY))
        again = monthly.to_xlsx(monthly.build(NOVEMBER, grid=None, today=TODAY))
    assert data == again  # deterministic
    sheets = _sheets(data)
    assert list(sheets) == [
        "概况",
        "近十二个月",
        "按网格",
        "按类别",
        "按部门",
        "按承办人",
        "指标定义",
    ]
    summary = [_cells(row) for row in sheets["概况"]]
    assert summary[0][0] == "网格化服务月度报告（2026-11）"
    assert "全区" in summary[1][0] and "2026-11-20" in summary[1][0]
    assert summary[4][:4] == ["指标", "本月", "上月", "变化"]
    assert summary[5][1:4] == [4, 1, 3]
    assert summary[6][1:4] == [75.0, 100.0, -25.0]
    assert summary[10][1:4] == [3.7, 1.0, 2.7]
    assert summary[12][1:4] == [50.0, 0.0, 50.0]
    grids = [_cells(row) for row in sheets["按网格"]]
    assert grids[0][0] == "网格" and grids[0][3] == "办结率（%）"
    assert grids[1:] == GRIDS

    with translation.override("en"):
        english = _sheets(monthly.to_xlsx(monthly.build(NOVEMBER, grid=None, today=TODAY)))
    assert list(english)[:3] == ["Summary", "Twelve months", "By grid"]
    rows = [_cells(row) for row in english["Summary"]]
    assert rows[0][0] == "Grid service monthly report, 2026-11"
    assert rows[6] == ["Resolution rate (办结率)", 75.0, 100.0, -25.0]
    assert [_cells(row) for row in english["By grid"]][1:] == GRIDS


def test_text_from_people_is_never_a_formula_in_the_xlsx(zone):
    d, _e = zone
    d.officer.display_name = "=HYPERLINK(1)"
    d.officer.save()
    data = monthly.to_xlsx(monthly.build(NOVEMBER, grid=None, today=TODAY))
    handlers = _sheets(data)["按承办人"]
    assert [row[0] for row in handlers if str(row[0]).startswith("=")] == ["=HYPERLINK(1)"]
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheets = [book.read(n).decode() for n in book.namelist() if "worksheets/sheet" in n]
        styles = book.read("xl/styles.xml").decode()
    assert len(sheets) == 7 and not any("<f>" in sheet for sheet in sheets)  # no formula
    assert 'quotePrefix="1"' in styles  # the name is quoted text, even when edited


def _pdf_text(data: bytes) -> str:
    pdfium = importlib.import_module("pypdfium2")  # a dev dependency without type hints
    document = pdfium.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_the_pdf_holds_the_same_figures_and_charts_in_both_languages(zone):
    d, _e = zone
    with translation.override("zh-hans"):
        data = monthly.to_pdf(monthly.build(NOVEMBER, grid=None, today=TODAY))
        again = monthly.to_pdf(monthly.build(NOVEMBER, grid=None, today=TODAY))
    assert data.startswith(b"%PDF") and data == again  # deterministic
    text = _pdf_text(data)
    assert "网格化服务月度报告（2026-11）" in text and "〔U+" not in text
    for shown in ("75.0", "-25.0", "66.7", "-33.3", "3.7", "+2.7", "+3", "50.0", "+2"):
        assert shown in text, shown
    # The charts are drawn in the PDF: their titles and the per-grid bars' labels.
    assert "每月受理量" in text and "各网格网格内解决率（%）" in text
    assert "G01 第G01网格" in text and "officer-G01" in text

    with translation.override("en"):
        english = _pdf_text(monthly.to_pdf(monthly.build(NOVEMBER, grid=d.grid, today=TODAY)))
    assert "Grid service monthly report, 2026-11" in english
    assert "G01 第G01网格" in english and "Accepted per month" in english
    assert "-33.3" in english and "By grid" not in english  # one grid: no table per grid


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_who_may_download_the_report(zone):
    d, e = zone
    auditor = person("report-auditor", "auditor")
    for kind, content_type in (("pdf", "application/pdf"), ("xlsx", XLSX)):
        path = f"/servicedesk/dashboard/monthly.{kind}"
        zone_wide = _client(d.leadership).get(path, {"month": "2026-11"})
        assert zone_wide.status_code == 200 and zone_wide["Content-Type"] == content_type
        assert 'filename="monthly-2026-11-zone.' in zone_wide["Content-Disposition"]
        assert _client(auditor).get(path, {"month": "2026-11", "grid": "G02"}).status_code == 200
        # A grid leader (and officer) their own grid: by default and when asked for it.
        own = _client(d.leader).get(path, {"month": "2026-11"})
        assert own.status_code == 200
        assert 'filename="monthly-2026-11-G01.' in own["Content-Disposition"]
        assert _client(d.officer).get(path, {"grid": "G01"}).status_code == 200
        for stranger in (e.leader, d.company, d.clerk):
            assert _client(stranger).get(path, {"grid": "G01"}).status_code == 403
        assert _client(d.leader).get(path, {"grid": "G02"}).status_code == 403
        assert _client(None).get(path).status_code == 302
        assert _client(d.leadership).get(path, {"grid": "G99"}).status_code == 404
    # The report is the same whoever asks for it.
    pdf_path = "/servicedesk/dashboard/monthly.pdf"
    leader = _client(d.leader).get(pdf_path, {"month": "2026-11"}).content
    board = _client(d.leadership).get(pdf_path, {"month": "2026-11", "grid": "G01"}).content
    assert leader == board


def test_a_bad_month_is_named_not_a_crash(zone):
    d, _e = zone
    client = _client(d.leader)
    for bad in ("2026-13", "2026/11", "x" * 300):
        response = client.get("/servicedesk/dashboard/monthly.xlsx", {"month": bad}, follow=True)
        page = response.content.decode()
        assert response.status_code == 200 and "“月份”无效" in page, bad
        assert response.redirect_chain[-1][0] == "/servicedesk/dashboard/?grid=G01"


def test_the_dashboard_draws_its_charts_with_their_figures_in_a_table(zone):
    d, _e = zone
    page = _client(d.leadership).get("/servicedesk/dashboard/", {"period": "2026-11"})
    html = page.content.decode()
    charts = html.split('data-testid="charts"')[1].split("</section>")[0]
    assert charts.count('<svg role="img"') == 3 and 'style="' not in charts
    assert 'aria-label="每月受理量"' in charts and "<title>每月受理量</title>" in charts
    assert 'aria-label="各网格网格内解决率（%）"' in charts
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)) and "ingrid-clip" in ids  # each chart clips by its own
    trend = html.split('data-testid="trend"')[1].split("</table>")[0]
    assert '<td>2026-11</td><td class="num">4</td><td class="num">3</td>' in trend
    assert '<td class="num">75.0%</td><td class="num">66.7%</td>' in trend
    # The report's form offers the month shown, for the zone.
    form = html.split('data-testid="monthly-report"')[1].split("</form>")[0]
    assert 'value="2026-11"' in form and "monthly.xlsx" in form and 'name="grid"' not in form

    english = _client(d.leadership)
    english.cookies["gaoxin_language"] = "en"
    html = english.get("/servicedesk/dashboard/", {"period": "2026-11"}).content.decode()
    assert 'aria-label="Settled in the grid, per grid (percent)"' in html
    assert ">Download XLSX</button>" in html and "每月受理量" not in html

    mine = _client(d.leader).get("/servicedesk/dashboard/").content.decode()
    charts = mine.split('data-testid="charts"')[1].split("</section>")[0]
    assert charts.count('<svg role="img"') == 2  # one grid: no chart per grid
    form = mine.split('data-testid="monthly-report"')[1].split("</form>")[0]
    assert 'name="grid" value="G01"' in form and 'value="2026-10"' in form  # last month


def test_previous_period_changes_and_zone_coverage_by_hand(zone):
    """The headline's change is this period's value minus the last one's, a rate's in points;
    a figure with nothing to divide in either period has no change."""
    now = selectors.figures(NOVEMBER, today=TODAY)[0]
    before = selectors.figures(NOVEMBER.previous(), today=TODAY)[0]
    rows = {row["code"]: row for row in selectors.headline(now, before)}
    assert rows["accepted"]["change"] == 3
    assert rows["resolution"]["change"] == pytest.approx(3 / 4 - 1)
    assert rows["days"]["change"] == pytest.approx(11 / 3 - 1)
    empty = selectors.figures(selectors.month(2025, 1), today=TODAY)[0]
    assert selectors.headline(now, empty)[1]["change"] is None


@pytest.mark.parametrize("points", [0, 1, 2])
def test_charts_draw_months_with_nothing_to_divide(points):
    """A month with nothing accepted has no rate: the line skips it, and a line of one point
    (or none) is drawn as its points alone (reportlab refuses a line of one point)."""
    from gaoxin.common import pdf
    from gaoxin.servicedesk import charts

    months = [
        selectors.Figures(date(2026, m, 1), 2 if m <= points else 0, 1, 1, 0, 0, 1, 1.0, 0)
        for m in range(1, 13)
    ]
    assert len(charts.svg_charts(months, [])) == 2
    doc = pdf.Document(title="t")
    doc.drawing(charts.rates_chart(months, font=pdf.FONT))
    doc.drawing(charts.in_grid_chart([], font=pdf.FONT))
    assert doc.build().startswith(b"%PDF")
