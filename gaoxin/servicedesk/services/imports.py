"""Bulk grid assignment from a CSV or XLSX file: which grid (and carrier) serves each key
enterprise, from which day.

Columns (Chinese or English header, any order): 统一社会信用代码 / credit_code, 网格编号 /
grid_code, 载体编号 / carrier_code (optional), 生效日期 / valid_from.

All or nothing: every row is checked first, every problem is named (row, column, value, reason
in Chinese and English, as the registry's imports do) and nothing is written unless every row
is right. The file itself is opened by the registry's reader (encoding detection, workbooks in
a capped child process: gaoxin/common/uploads.py).

Effective dating, per enterprise: a row starting after the current assignment ends it the day
before; a row starting on the same day replaces it; a row naming the grid and carrier the
enterprise already has changes nothing; a row starting before the current assignment is an
error (history is not rewritten by an import). One audit event for the whole import, with its
counts.

On PostgreSQL the checked rows go into a temporary table by COPY and are applied with a few
set-based statements; elsewhere (SQLite) by chunked reads and bulk writes."""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

from django.db import connection, transaction

from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system
from gaoxin.common.errors import NOT_ALLOWED, ErrorCode, ensure
from gaoxin.registry import errors as registry_errors
from gaoxin.registry.imports import parsers, reading
from gaoxin.registry.imports.columns import Column, Spec
from gaoxin.registry.imports.reports import RowError
from gaoxin.registry.models import Enterprise

from .. import access, errors
from ..models import Carrier, EnterpriseAssignment, Grid

SPEC = Spec(
    kind=cast(Any, "grid_assignment"),
    title_zh="网格分配",
    columns=(
        Column("credit_code", "统一社会信用代码", "credit_code", True, "91370212MA3C0B8X21"),
        Column("grid_code", "网格编号", "grid_code", True, "G01"),
        Column("carrier_code", "载体编号", "carrier_code", False, "C001"),
        Column("valid_from", "生效日期", "valid_from", True, "2026-01-01", "YYYY-MM-DD"),
    ),
    key_zh="统一社会信用代码",
    key_en="credit code",
)
ERRORS_KEPT = 1000  # errors listed; the count is always complete
CHUNK = 500
TABLE = EnterpriseAssignment._meta.db_table
ENTERPRISES = Enterprise._meta.db_table
STAGE = "servicedesk_assignment_stage"


@dataclass
class Outcome:
    """What an import did, or why it did nothing (`errors` not empty)."""

    rows: int = 0
    created: int = 0  # new assignments (a first one, or a move)
    ended: int = 0  # current assignments ended the day before a move
    replaced: int = 0  # current assignments replaced by a row starting on the same day
    unchanged: int = 0  # rows naming the grid and carrier the enterprise already has
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, row: int, column: int, value: str, error: ErrorCode, **params: Any) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(
                RowError(
                    row=row,
                    column=SPEC.columns[column].zh,
                    value=value[:100],
                    code=error.code,
                    reason_zh=error.render("zh", **params),
                    reason_en=error.render("en", **params),
                )
            )


@dataclass(frozen=True)
class Row:
    number: int
    credit_code: str
    grid_id: int
    carrier_id: int | None
    valid_from: date


class _Refused(Exception):
    """Raised inside the transaction when a check against the database fails: rolls back."""


def import_assignments(*, actor: Actor, path: Path, name: str = "") -> Outcome:
    """Import the file at `path` (`name`: what its uploader called it, for the audit).
    File-level problems (empty, not a table, wrong headers, a workbook too large) raise a
    GaoxinError; row problems come back in `Outcome.errors` with nothing written."""
    ensure(is_system(actor) or access.can_configure(actor), NOT_ALLOWED)
    with tempfile.TemporaryDirectory(prefix="gaoxin-assign-") as scratch:
        source = reading.open_source(path, SPEC, Path(scratch))
        outcome = Outcome()
        rows = _parse(source, outcome)
    if outcome.rows == 0:
        outcome.add(1, 0, "", registry_errors.IMPORT_NO_ROWS)
    if not outcome.ok:
        return outcome
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _apply_postgres(rows, outcome)
            else:
                _apply_bulk(rows, outcome)
            if not outcome.ok:
                raise _Refused
            audit.record(
                actor=actor,
                action="servicedesk.assignments.imported",
                object_type="servicedesk.import",
                object_id=name[:100] or path.name[:100],
                after={
                    "file": name[:200] or path.name[:200],
                    "format": source.format,
                    "rows": outcome.rows,
                    "created": outcome.created,
                    "ended": outcome.ended,
                    "replaced": outcome.replaced,
                    "unchanged": outcome.unchanged,
                },
            )
    except _Refused:
        outcome.created = outcome.ended = outcome.replaced = outcome.unchanged = 0
    return outcome


# -- checking each row ---------------------------------------------------------------------


def _parse(source: reading.Source, outcome: Outcome) -> list[Row]:
    grids = {code.upper(): pk for code, pk in Grid.objects.values_list("code", "pk")}
    carriers = {
        code.upper(): (pk, grid_id)
        for code, pk, grid_id in Carrier.objects.values_list("code", "pk", "grid_id")
    }
    grid_codes = {pk: code for code, pk in grids.items()}
    seen: dict[str, int] = {}
    rows: list[Row] = []
    width = len(SPEC.columns)
    for number, cells in reading.iter_rows(source):
        outcome.rows += 1
        if len(cells) != width:
            outcome.add(
                number,
                0,
                "",
                registry_errors.ROW_COLUMNS,
                found=len(cells),
                expected=source.width,
            )
            continue
        raw_code, raw_grid, raw_carrier, raw_from = cells
        before = outcome.error_count
        code = ""
        try:
            code = parsers.credit_code(raw_code)
        except parsers.Problem as problem:
            outcome.add(number, 0, raw_code, problem.error, **problem.params)
        grid_key = raw_grid.strip().upper()
        grid_id = grids.get(grid_key)
        if grid_id is None:
            if grid_key:
                outcome.add(number, 1, raw_grid, errors.ROW_UNKNOWN_GRID)
            else:
                outcome.add(number, 1, raw_grid, registry_errors.ROW_REQUIRED)
        carrier_id = None
        carrier_key = raw_carrier.strip().upper()
        if carrier_key:
            found = carriers.get(carrier_key)
            if found is None:
                outcome.add(number, 2, raw_carrier, errors.ROW_UNKNOWN_CARRIER)
            elif grid_id is not None and found[1] != grid_id:
                outcome.add(
                    number,
                    2,
                    raw_carrier,
                    errors.ROW_CARRIER_ELSEWHERE,
                    grid=grid_codes.get(found[1], "?"),
                )
            else:
                carrier_id = found[0]
        valid_from = None
        try:
            valid_from = parsers.parse_date(raw_from, required=True)
        except parsers.Problem as problem:
            outcome.add(number, 3, raw_from, problem.error, **problem.params)
        if code:
            if code in seen:
                outcome.add(
                    number,
                    0,
                    raw_code,
                    registry_errors.ROW_DUPLICATE,
                    other=seen[code],
                    key=SPEC.key_zh,
                    key_en=SPEC.key_en,
                )
            else:
                seen[code] = number
        if outcome.error_count == before and grid_id is not None and valid_from is not None:
            rows.append(Row(number, code, grid_id, carrier_id, valid_from))
    return rows


# -- PostgreSQL: COPY into a temporary table, then set-based statements --------------------


def _apply_postgres(rows: list[Row], outcome: Outcome) -> None:
    buffer = io.StringIO()
    write = buffer.write
    for r in rows:
        carrier = "\\N" if r.carrier_id is None else str(r.carrier_id)
        write(f"{r.number}\t{r.credit_code}\t{r.grid_id}\t{carrier}\t{r.valid_from}\n")
    with connection.cursor() as cursor:
        # One import at a time: a second waits rather than racing for the same enterprises.
        cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
        # ON COMMIT DROP ends them with the transaction; inside a caller's longer transaction
        # (an earlier import in the same one) they may still be there.
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}, {STAGE}_plan")
        cursor.execute(
            f"CREATE TEMP TABLE {STAGE} (row_no integer, credit_code text, grid_id bigint, "
            "carrier_id bigint, valid_from date) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            f"COPY {STAGE} (row_no, credit_code, grid_id, carrier_id, valid_from) FROM STDIN"
        ) as copy:
            copy.write(buffer.getvalue())
        # The plan: each row with its enterprise and the enterprise's current assignment.
        cursor.execute(
            f"CREATE TEMP TABLE {STAGE}_plan ON COMMIT DROP AS "  # noqa: S608 (our names)
            "SELECT s.row_no, s.credit_code, s.grid_id, s.carrier_id, s.valid_from, "
            "e.id AS enterprise_id, a.id AS current_id, a.valid_from AS current_from, "
            "(a.grid_id = s.grid_id AND a.carrier_id IS NOT DISTINCT FROM s.carrier_id) "
            "AS same "
            f"FROM {STAGE} s LEFT JOIN {ENTERPRISES} e ON e.credit_code = s.credit_code "
            f"LEFT JOIN {TABLE} a ON a.enterprise_id = e.id AND a.valid_to IS NULL"
        )
        plan = f"{STAGE}_plan"
        cursor.execute(
            f"SELECT row_no, credit_code FROM {plan} WHERE enterprise_id IS NULL "  # noqa: S608
            "ORDER BY row_no"
        )
        for number, code in cursor.fetchall():
            outcome.add(number, 0, code, registry_errors.ROW_UNKNOWN_ENTERPRISE)
        cursor.execute(
            f"SELECT row_no, valid_from, current_from FROM {plan} "  # noqa: S608
            "WHERE current_from > valid_from AND NOT same ORDER BY row_no"
        )
        for number, valid_from, current_from in cursor.fetchall():
            outcome.add(number, 3, str(valid_from), errors.ROW_BEFORE_CURRENT, current=current_from)
        if not outcome.ok:
            return
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE same), "  # noqa: S608
            "count(*) FILTER (WHERE NOT same AND current_from = valid_from), "
            "count(*) FILTER (WHERE NOT same AND current_from < valid_from) "
            f"FROM {plan}"
        )
        outcome.unchanged, outcome.replaced, outcome.ended = cursor.fetchone()
        cursor.execute(
            f"DELETE FROM {TABLE} a USING {plan} p "  # noqa: S608
            "WHERE a.id = p.current_id AND NOT p.same AND p.current_from = p.valid_from"
        )
        cursor.execute(
            f"UPDATE {TABLE} a SET valid_to = p.valid_from - 1 FROM {plan} p "  # noqa: S608
            "WHERE a.id = p.current_id AND NOT p.same AND p.current_from < p.valid_from"
        )
        cursor.execute(
            f"INSERT INTO {TABLE} (enterprise_id, grid_id, carrier_id, valid_from) "  # noqa: S608
            f"SELECT enterprise_id, grid_id, carrier_id, valid_from FROM {plan} "
            "WHERE same IS NOT TRUE"
        )
        outcome.created = cursor.rowcount  # autovacuum refreshes the statistics afterwards


# -- elsewhere (SQLite): chunked reads, bulk writes ----------------------------------------


def _apply_bulk(rows: list[Row], outcome: Outcome) -> None:
    codes = [r.credit_code for r in rows]
    ids: dict[str, int] = {}
    for start in range(0, len(codes), CHUNK):
        ids.update(
            Enterprise.objects.filter(credit_code__in=codes[start : start + CHUNK]).values_list(
                "credit_code", "pk"
            )
        )
    current: dict[int, EnterpriseAssignment] = {}
    known = list(ids.values())
    for start in range(0, len(known), CHUNK):
        for row in EnterpriseAssignment.objects.select_for_update().filter(
            enterprise_id__in=known[start : start + CHUNK], valid_to__isnull=True
        ):
            current[row.enterprise_id] = row
    new: list[EnterpriseAssignment] = []
    ended: list[EnterpriseAssignment] = []
    replaced: list[int] = []
    for r in rows:
        enterprise_id = ids.get(r.credit_code)
        if enterprise_id is None:
            outcome.add(r.number, 0, r.credit_code, registry_errors.ROW_UNKNOWN_ENTERPRISE)
            continue
        now = current.get(enterprise_id)
        if now is not None and now.grid_id == r.grid_id and now.carrier_id == r.carrier_id:
            outcome.unchanged += 1
            continue
        if now is not None and now.valid_from > r.valid_from:
            outcome.add(
                r.number, 3, str(r.valid_from), errors.ROW_BEFORE_CURRENT, current=now.valid_from
            )
            continue
        if now is not None and now.valid_from == r.valid_from:
            replaced.append(now.pk)
        elif now is not None:
            now.valid_to = r.valid_from - timedelta(days=1)
            ended.append(now)
        new.append(
            EnterpriseAssignment(
                enterprise_id=enterprise_id,
                grid_id=r.grid_id,
                carrier_id=r.carrier_id,
                valid_from=r.valid_from,
            )
        )
    if not outcome.ok:
        return
    with connection.cursor() as cursor:
        # One prepared statement per kind of change (bulk_update's CASE per batch is slow).
        cursor.executemany(f"DELETE FROM {TABLE} WHERE id = %s", [(pk,) for pk in replaced])  # noqa: S608
        cursor.executemany(
            f"UPDATE {TABLE} SET valid_to = %s WHERE id = %s",  # noqa: S608
            [(row.valid_to, row.pk) for row in ended],
        )
    EnterpriseAssignment.objects.bulk_create(new, batch_size=CHUNK)
    outcome.created, outcome.ended, outcome.replaced = len(new), len(ended), len(replaced)


def template_csv() -> bytes:
    """A template with the headers and an example row, UTF-8 with BOM (Excel opens it)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.zh + ("*" if c.required else "") for c in SPEC.columns])
    writer.writerow([c.example for c in SPEC.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
