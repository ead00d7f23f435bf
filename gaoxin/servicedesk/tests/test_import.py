"""Bulk grid assignment import: all or nothing, each row error named (row, column, value, in
Chinese and English), effective dating, one audit event; the same on PostgreSQL's COPY path."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from gaoxin.common.actors import OPERATOR
from gaoxin.common.errors import GaoxinError
from gaoxin.common.models import AuditEvent
from gaoxin.registry.tests.factories import EnterpriseFactory
from gaoxin.servicedesk.models import Carrier, EnterpriseAssignment, Grid
from gaoxin.servicedesk.services.imports import import_assignments

from .builders import person

pytestmark = pytest.mark.django_db
HEADER = "统一社会信用代码,网格编号,载体编号,生效日期\n"


@pytest.fixture
def zone():
    g1 = Grid.objects.create(code="G01", name="一网格")
    g2 = Grid.objects.create(code="G02", name="二网格")
    c1 = Carrier.objects.create(code="C001", name="创业园", kind="park", grid=g1)
    c2 = Carrier.objects.create(code="C002", name="软件园", kind="park", grid=g2)
    enterprises = [EnterpriseFactory() for _ in range(3)]
    return g1, g2, c1, c2, enterprises


def _file(tmp_path: Path, text: str, name: str = "a.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def _current(enterprise) -> EnterpriseAssignment:
    return EnterpriseAssignment.objects.get(enterprise=enterprise, valid_to__isnull=True)


def test_imports_every_row_with_one_audit_event(zone, tmp_path):
    g1, g2, _c1, c2, (a, b, c) = zone
    path = _file(
        tmp_path,
        f"{a.credit_code},G01,C001,2026-01-01\n{b.credit_code},g02,c002,2026-01-01\n"
        f"{c.credit_code},G02,,2026/01/05\n",
    )
    before = AuditEvent.objects.count()
    outcome = import_assignments(actor=OPERATOR, path=path, name="分配.csv")
    assert outcome.ok and (outcome.rows, outcome.created) == (3, 3)
    assert _current(a).grid == g1 and _current(b).carrier == c2
    assert _current(c).grid == g2 and _current(c).valid_from == date(2026, 1, 5)
    events = AuditEvent.objects.order_by("seq")[before:]
    assert [e.action for e in events] == ["servicedesk.assignments.imported"]
    assert events[0].after is not None
    assert events[0].after["rows"] == 3 and events[0].after["created"] == 3


def test_a_bad_row_writes_nothing_and_every_error_is_named(zone, tmp_path):
    _g1, _g2, _c1, _c2, (a, b, c) = zone
    d, e, f = (EnterpriseFactory() for _ in range(3))
    path = _file(
        tmp_path,
        f"{a.credit_code},G01,C001,2026-01-01\n"  # 2: fine
        "91370212MA3C0B8X2X,G01,,2026-01-01\n"  # 3: check character
        f"{b.credit_code},G99,,2026-01-01\n"  # 4: unknown grid
        f"{c.credit_code},G01,C999,2026-02-30\n"  # 5: unknown carrier, no such date
        f"{a.credit_code},G01,,2026-01-01\n"  # 6: duplicate of row 2
        f"{d.credit_code},G01,C002,2026-01-01\n"  # 7: carrier of another grid
        f"{e.credit_code},,,\n"  # 8: grid and date missing
        f"{f.credit_code},G01\n",  # 9: too few columns
    )
    outcome = import_assignments(actor=OPERATOR, path=path)
    assert not outcome.ok and outcome.created == 0
    assert EnterpriseAssignment.objects.count() == 0
    found = {(e.row, e.column, e.value, e.code) for e in outcome.errors}
    assert found == {
        (3, "统一社会信用代码", "91370212MA3C0B8X2X", "row.credit_code"),
        (4, "网格编号", "G99", "servicedesk.row.unknown_grid"),
        (5, "载体编号", "C999", "servicedesk.row.unknown_carrier"),
        (5, "生效日期", "2026-02-30", "row.date"),
        (6, "统一社会信用代码", a.credit_code, "row.duplicate"),
        (7, "载体编号", "C002", "servicedesk.row.carrier_elsewhere"),
        (8, "网格编号", "", "row.required"),
        (8, "生效日期", "", "row.required"),
        (9, "统一社会信用代码", "", "row.columns"),
    }
    by_row = {e.row: e for e in outcome.errors}
    assert "校验码" in by_row[3].reason_zh and "check character" in by_row[3].reason_en
    assert "第 2 行" in by_row[6].reason_zh and "G02" in by_row[7].reason_en


def test_unknown_enterprise_writes_nothing(zone, tmp_path):
    _g1, _g2, _c1, _c2, (a, _b, _c) = zone
    path = _file(tmp_path, f"{a.credit_code},G01,,2026-01-01\n91110000600037341L,G01,,2026-01-01\n")
    outcome = import_assignments(actor=OPERATOR, path=path)
    assert [(e.row, e.code) for e in outcome.errors] == [(3, "row.unknown_enterprise")]
    assert EnterpriseAssignment.objects.count() == 0


def test_effective_dating_ends_replaces_and_refuses_rewriting_history(zone, tmp_path):
    g1, g2, c1, _c2, (a, b, c) = zone
    for e in (a, b, c):
        EnterpriseAssignment.objects.create(
            enterprise=e, grid=g1, carrier=c1, valid_from=date(2025, 1, 1)
        )
    path = _file(
        tmp_path,
        f"{a.credit_code},G02,,2026-03-01\n"  # moves: the old one ends 2026-02-28
        f"{b.credit_code},G02,,2025-01-01\n"  # same day: replaced
        f"{c.credit_code},G01,C001,2026-03-01\n",  # what it has: unchanged
    )
    outcome = import_assignments(actor=OPERATOR, path=path)
    assert outcome.ok
    assert (outcome.created, outcome.ended, outcome.replaced, outcome.unchanged) == (2, 1, 1, 1)
    old = EnterpriseAssignment.objects.get(enterprise=a, grid=g1)
    assert old.valid_to == date(2026, 2, 28)
    assert _current(a).grid == g2 and _current(a).valid_from == date(2026, 3, 1)
    assert EnterpriseAssignment.objects.filter(enterprise=b).count() == 1
    assert _current(b).grid == g2
    assert _current(c).valid_from == date(2025, 1, 1)
    # Earlier than the current assignment: refused, nothing written.
    path = _file(tmp_path, f"{a.credit_code},G01,,2026-02-01\n{b.credit_code},G01,,2026-05-01\n")
    outcome = import_assignments(actor=OPERATOR, path=path)
    assert [(e.row, e.column, e.code) for e in outcome.errors] == [
        (2, "生效日期", "servicedesk.row.before_current")
    ]
    assert "2026-03-01" in outcome.errors[0].reason_zh
    assert _current(b).grid == g2


def test_xlsx_with_english_headers_in_another_order(zone, tmp_path):
    _g1, g2, _c1, _c2, (a, _b, _c) = zone
    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["grid_code", "valid_from", "credit_code"])
    sheet.write_row(1, 0, ["G02", "2026-04-01", a.credit_code])
    book.close()
    outcome = import_assignments(actor=OPERATOR, path=path)
    assert outcome.ok and _current(a).grid == g2


def test_file_problems_and_strangers_are_refused(zone, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("名称,地址\nx,y\n", encoding="utf-8")
    with pytest.raises(GaoxinError) as failure:
        import_assignments(actor=OPERATOR, path=path)
    assert failure.value.code == "registry.import_headers"
    empty = _file(tmp_path, "")
    outcome = import_assignments(actor=OPERATOR, path=empty)
    assert [e.code for e in outcome.errors] == ["registry.import_no_rows"]
    officer = person("officer-x", "grid_officer", "grid", "G01")
    with pytest.raises(GaoxinError) as failure:
        import_assignments(actor=officer, path=empty)
    assert failure.value.code == "not_allowed"


@pytest.mark.postgres_only
def test_the_postgres_path_matches(zone, tmp_path):
    test_effective_dating_ends_replaces_and_refuses_rewriting_history(zone, tmp_path)
    _g1, _g2, _c1, _c2, (a, b, _c) = zone
    path = _file(tmp_path, f"{a.credit_code},G01,,2027-01-01\n91110000600037341L,G01,,2027-01-01\n")
    outcome = import_assignments(actor=OPERATOR, path=path)
    assert [(e.row, e.code) for e in outcome.errors] == [(3, "row.unknown_enterprise")]
    assert _current(a).valid_from == date(2026, 3, 1)
    assert _current(b).grid.code == "G02"


def test_the_console_command(zone, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    _g1, g2, _c1, _c2, (a, b, _c) = zone
    call_command(
        "import_grid_assignments", str(_file(tmp_path, f"{a.credit_code},G02,,2026-01-01\n"))
    )
    assert _current(a).grid == g2 and "1 started" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Nothing imported: 1 problems"):
        call_command(
            "import_grid_assignments", str(_file(tmp_path, f"{b.credit_code},G9,,2026-01-01\n"))
        )
    assert "row 2" in capsys.readouterr().err
