"""The row parsers never raise, whatever the cells; valid rows parse to what they say; the
insurance fast loop gives the same answers as the parser it falls back on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.registry import errors, identifiers
from gaoxin.registry.choices import ImportKind
from gaoxin.registry.imports import parsers
from gaoxin.registry.imports.columns import SPECS
from gaoxin.registry.imports.insurance import InsuranceLoad
from gaoxin.registry.imports.loaders import References

CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "是", "否", "2024-02-30", "2024-13", "19990101", "x", "本科"]),
    st.just("11010519491231002X"),
    st.just("91350100M000100Y43"),
)


@pytest.mark.parametrize("kind", [k.value for k in ImportKind])
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_parsers_never_raise(kind, data):
    width = len(SPECS[kind].columns)
    cells = data.draw(st.lists(CELL, min_size=0, max_size=width + 2))
    record, problems = parsers.PARSERS[kind](cells)
    assert (record is None) == bool(problems)
    for problem in problems:
        assert 0 <= problem.column < width
        # every message renders in both languages with the parameters it was given
        assert problem.error.render("zh", **problem.params)
        assert "{" not in problem.error.render("en", value="v", **problem.params)


ID_NUMBERS = st.builds(
    identifiers.make_id_number,
    st.sampled_from(["340104", "340171"]),
    st.dates(min_value=date(1950, 1, 1), max_value=date(2005, 12, 31)),
    st.integers(0, 999),
)
CREDIT_CODES = st.builds(
    lambda body: identifiers.make_credit_code("91", "340171", body),
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8),
)
MONTHS = st.tuples(st.integers(1990, 2100), st.integers(1, 12))


@given(
    number=ID_NUMBERS,
    code=CREDIT_CODES,
    month=MONTHS,
    month_style=st.sampled_from(["{y}-{m:02d}", "{y}{m:02d}", "{y}/{m}", "{y}年{m}月"]),
    in_zone=st.booleans(),
    makeup=st.booleans(),
    paid=st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))),
)
def test_valid_insurance_rows_parse_to_what_they_say(
    number, code, month, month_style, in_zone, makeup, paid
):
    year, mon = month
    cells = [
        number.lower(),
        f" {code} ",
        month_style.format(y=year, m=mon),
        "是" if in_zone else "否",
        "Y" if makeup else "n",
        paid.isoformat() if paid else "",
    ]
    record, problems = parsers.parse_insurance(cells)
    assert problems == []
    assert record == parsers.InsuranceRow(number, code, year * 100 + mon, in_zone, makeup, paid)


def test_parse_errors_name_the_cell():
    record, problems = parsers.parse_insurance(
        ["11010519491231002Y", "91350100M000100Y43", "2024-13", "也许", "否", "2024-02-30"]
    )
    assert record is None
    assert [(p.column, p.error) for p in problems] == [
        (0, errors.ROW_ID_NUMBER),
        (2, errors.ROW_MONTH),
        (3, errors.ROW_CHOICE),
        (5, errors.ROW_DATE),
    ]


def test_person_row_with_periods_and_choices():
    record, problems = parsers.parse_employment(
        ["11010519491231002X", "91350100M000100Y43", "2020-05-01", "2019-01-01"]
    )
    assert record is None
    assert [(p.column, p.error) for p in problems] == [(3, errors.ROW_PERIOD)]
    owned, problems = parsers.parse_property(
        [
            "皖(2020)第1号",
            "11010519491231002X；440524188001010014",
            "某处",
            "高新区",
            "是",
            "住宅",
            "2020-01-01",
            "",
        ]
    )
    assert problems == []
    assert owned is not None
    assert owned.owners == ("11010519491231002X", "440524188001010014")


ROWS = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(
                [
                    "11010519491231002X",
                    "440524188001010014",
                    "11010519491231002x",
                    "110105194912310021",
                    "",
                ]
            ),
            st.sampled_from(["91350100M000100Y43", "914403001922038216", "91350100M000100Y44"]),
            st.sampled_from(["2024-01", "202402", "2024-13", "", "2024/3"]),
            st.sampled_from(["是", "否", "Y", "maybe"]),
            st.sampled_from(["是", "否", "0", ""]),
            st.sampled_from(["", "2024-01-15", "2024-02-30", "20240301"]),
        ).map(list),
        st.lists(st.text(max_size=5), max_size=8),
    ),
    max_size=30,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_insurance_fast_loop_agrees_with_the_parser(tmp_path: Path, rows):
    refs = References()
    refs._persons = {"11010519491231002X": 1}  # the other valid number is unknown
    refs._enterprises = {"91350100M000100Y43": 7, "914403001922038216": 8}
    load = InsuranceLoad(refs, tmp_path, postgres=True)
    problems: dict[int, list] = {}

    def on_problem(row, cells, found) -> None:
        problems.setdefault(row, found)

    numbered = [(n, r) for n, r in enumerate(rows, start=2)]
    load.consume(iter(numbered), on_problem, lambda row: None)
    spooled = (tmp_path / "insurance.copy").read_text().splitlines()
    expected_ok = []
    for number, cells in numbered:
        record = parsers.parse_insurance(cells)[0] if len(cells) == 6 else None
        known = (
            record is not None
            and record.id_number == "11010519491231002X"
            and (record.credit_code in refs._enterprises)
        )
        if known:
            expected_ok.append(number)
            assert number not in problems
        else:
            assert problems[number]
    assert len(spooled) == len(expected_ok) == load.valid
    assert [load.row_of(i) for i in range(load.valid)] == expected_ok
    for line in spooled:
        person, employer, month, in_zone, makeup, _paid = line.split("\t")
        assert person == "1" and employer in {"7", "8"}
        assert 199001 <= int(month) <= 210012 and in_zone in "tf" and makeup in "tf"


def test_a_bad_phone_number_is_named_as_such_in_each_language():
    record, problems = parsers.parse_person(["11010519491231002X", "张三", "0551-abc"])
    assert record is None
    assert [(p.column, p.error) for p in problems] == [(2, errors.ROW_PHONE)]
    assert "digits" not in errors.ROW_PHONE.render("zh-hans")
    assert "5 to 19 digits" in errors.ROW_PHONE.render("en")
