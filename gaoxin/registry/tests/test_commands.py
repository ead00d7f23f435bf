"""The management commands: registry_import (exit status, template), synth (deterministic),
and the ImportRun state machine."""

from __future__ import annotations

import filecmp
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from gaoxin.registry import identifiers, synth
from gaoxin.registry.imports import runner
from gaoxin.registry.models import ImportRun, InsuranceContribution, Person
from gaoxin.testing.errors import raises_code

pytestmark = pytest.mark.django_db


def test_registry_import_command(tmp_path: Path, make_user):
    make_user("zone_admin", username="chen")
    good = tmp_path / "people.csv"
    good.write_text("身份证号,姓名\n11010519491231002X,张三\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "registry_import", "person", str(good), "--user", "chen", "--no-progress", stdout=out
    )
    assert "Imported" in out.getvalue() or "已导入" in out.getvalue()
    run = ImportRun.objects.get()
    assert run.source == "cli" and run.started_by is not None
    assert run.started_by.username == "chen"
    assert run.source_path == str(good.resolve())
    bad = tmp_path / "bad.csv"
    bad.write_text("身份证号,姓名\n11010519491231002Y,张三\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command(
            "registry_import", "person", str(bad), "--no-progress", stdout=io.StringIO(), stderr=err
        )
    assert exit_status.value.code == 1
    assert "第 2 行" in err.getvalue() and "row 2" in err.getvalue()
    rare = tmp_path / "rare.csv"  # a private-use character no bundled PDF font draws
    rare.write_text("身份证号,姓名\n440524188001010014,李\ue000明\n", encoding="utf-8")
    err = io.StringIO()
    call_command("registry_import", "person", str(rare), "--no-progress", stderr=err)
    assert "提示 warning · 第 2 行 row 2 · 姓名" in err.getvalue() and "U+E000" in err.getvalue()


def test_registry_import_writes_templates(tmp_path: Path):
    target = tmp_path / "insurance.xlsx"
    call_command("registry_import", "insurance", str(target), "--template", stdout=io.StringIO())
    header = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()[0]
    assert header[:3] == ["身份证号*", "缴费单位统一社会信用代码*", "缴费月份*"]


def test_synth_is_deterministic_and_loads(tmp_path: Path):
    for folder in ("a", "b"):
        call_command(
            "synth", persons=120, seed=42, write_files=tmp_path / folder, stdout=io.StringIO()
        )
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(names) == 10
    match, mismatch, errors_ = filecmp.cmpfiles(
        tmp_path / "a", tmp_path / "b", names, shallow=False
    )
    assert mismatch == [] and errors_ == [] and len(match) == 10
    call_command("synth", persons=120, seed=42, no_progress=True, stdout=io.StringIO())
    assert Person.objects.count() == 120
    assert InsuranceContribution.objects.count() > 0
    assert ImportRun.objects.filter(status="succeeded").count() == 10


def test_import_run_transitions_are_listed_in_one_place():
    run = ImportRun.objects.create(kind="person", original_name="x.csv", file_sha256="0" * 64)
    with raises_code("registry.import_bad_transition"):
        runner.transition(run, "succeeded")
    runner.transition(run, "reading")
    runner.transition(run, "rejected")
    assert run.finished_at is not None and run.finished
    with raises_code("registry.import_bad_transition"):
        runner.transition(run, "writing")
    assert runner.execute(run.pk).status == "rejected"  # a finished run is left alone


def test_synth_zone_is_realistic():
    zone = synth.generate(persons=3000, seed=9)
    rows = zone.rows
    assert len(rows["person"]) == 3000
    numbers = [r[0] for r in rows["person"]]
    assert len(set(numbers)) == 3000 and all(identifiers.is_valid_id_number(n) for n in numbers)
    assert sum(n.startswith("3401") for n in numbers) > 0.5 * len(numbers)  # mostly Hefei
    codes = [r[0] for r in rows["enterprise"]]
    assert all(identifiers.is_valid_credit_code(c) for c in codes)
    industries = {r[1] for r in rows["classification"]}
    assert len(industries) == 13
    assert any(r[4] == "是" for r in rows["insurance"])  # some make-up payments
    assert any(r[3] == "否" for r in rows["insurance"])  # some paid outside the zone
    assert any(r[3] for r in rows["marriage"])  # some divorces
    assert any(r[7] for r in rows["property"])  # some homes sold
    assert {r[4] for r in rows["property"]} == {"是", "否"}
    levels = [r[1] for r in rows["degree"]]
    share = {level: levels.count(level) / 3000 for level in ("专科", "本科", "硕士", "博士")}
    assert 0.25 < share["本科"] < 0.45 and share["博士"] < share["硕士"] < share["本科"]
    jobs: dict[str, int] = {}
    for row in rows["employment"]:
        jobs[row[0]] = jobs.get(row[0], 0) + 1
    assert max(jobs.values()) > 1  # job changes
