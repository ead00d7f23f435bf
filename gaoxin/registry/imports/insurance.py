"""The streaming loader for monthly social-insurance contributions (tens of millions of rows).

Reading (no transaction open, so progress is visible): each CSV row goes through a tight loop
of dictionary look-ups (ID number -> person id, credit code -> enterprise id, month text ->
YYYYMM, flag text -> boolean, date text -> date), all loaded or filled once; a row that misses
any of them takes the slow path through `parsers.parse_insurance`, which produces the exact
error. Valid rows are spooled to a temporary file already encoded for the database.

Writing (inside the runner's transaction):
- fast path: the spool goes straight into the table (PostgreSQL: COPY; SQLite: executemany),
  in a savepoint. It succeeds when no row's natural key (person, month, employer) exists yet,
  which is the case for a new month's file or a first load.
- careful path, when the fast path hits the unique key: the spool goes into a temporary staging
  table; duplicates inside the file are found with a window function (and reported with their
  row numbers), then one INSERT ... SELECT ... ON CONFLICT DO UPDATE ... WHERE changed writes
  new and changed rows and leaves equal rows alone."""

from __future__ import annotations

import bisect
import marshal
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction

from .. import errors
from ..choices import ImportMode
from ..models import InsuranceContribution, Person
from . import parsers as p
from .loaders import Counts, References

TABLE = InsuranceContribution._meta.db_table
COLUMNS = "person_id, employer_id, month, in_zone, is_makeup, paid_on"
FLUSH = 50_000
PROGRESS_EVERY = 100_000
ANALYZE_AFTER = 100_000
FLAG_WORDS = {
    **{w: True for w in p.TRUE_WORDS},
    **{w: False for w in p.FALSE_WORDS},
    "Y": True,
    "N": False,
    "TRUE": True,
    "FALSE": False,
    "True": True,
    "False": False,
}

ProblemSink = Callable[[int, list[str], list[tuple[int, Any, dict[str, Any]]]], None]


@dataclass
class Duplicate:
    row: int
    first_row: int
    cells: list[str]


@dataclass
class InsuranceLoad:
    refs: References
    spool_dir: Path
    postgres: bool = field(default_factory=lambda: connection.vendor == "postgresql")
    valid: int = 0
    anchors: list[tuple[int, int]] = field(default_factory=list)  # (spool index, row - index)
    duplicates: list[Duplicate] = field(default_factory=list)
    duplicate_count: int = 0

    @property
    def spool(self) -> Path:
        return self.spool_dir / ("insurance.copy" if self.postgres else "insurance.marshal")

    # -- reading ---------------------------------------------------------------------------

    def consume(
        self,
        rows: Iterator[tuple[int, list[str]]],
        on_problem: ProblemSink,
        on_progress: Callable[[int], None],
    ) -> None:
        pg = self.postgres
        enc: Callable[[int], Any] = str if pg else int
        persons = {k: enc(v) for k, v in self.refs.persons.items()}
        employers = {k: enc(v) for k, v in self.refs.enterprises.items()}
        true_, false_ = ("t", "f") if pg else (1, 0)
        flags = {k: (true_ if v else false_) for k, v in FLAG_WORDS.items()}
        null: Any = r"\N" if pg else None
        months: dict[str, Any] = {}
        dates: dict[str, Any] = {"": null}
        batch: list[tuple[Any, ...]] = []
        append = batch.append
        anchors = self.anchors
        offset = -1
        n = 0
        with self.spool.open("wb") as out:
            for row, cells in rows:
                try:
                    idn, code, month, in_zone, makeup, paid = cells
                    values = (
                        persons[idn],
                        employers[code],
                        months[month],
                        flags[in_zone],
                        flags[makeup],
                        dates[paid],
                    )
                except (KeyError, ValueError):
                    parsed = self._slow(row, cells, on_problem, persons, employers)
                    if parsed is None:
                        continue
                    pid, eid, month_value, in_zone_value, makeup_value, paid_value = parsed
                    values = (
                        persons[pid],
                        employers[eid],
                        enc(month_value),
                        true_ if in_zone_value else false_,
                        true_ if makeup_value else false_,
                        paid_value.isoformat() if paid_value else null,
                    )
                    if len(cells) == 6:  # remember what was learnt, for the next rows
                        months.setdefault(cells[2], values[2])
                        dates.setdefault(cells[5], values[5])
                if row - n != offset:
                    offset = row - n
                    anchors.append((n, offset))
                append(values)
                n += 1
                if len(batch) >= FLUSH:
                    self._flush(out, batch)
                    batch.clear()
                    if n % PROGRESS_EVERY < FLUSH:
                        on_progress(row)
            self._flush(out, batch)
        self.valid = n

    def _slow(
        self,
        row: int,
        cells: list[str],
        on_problem: ProblemSink,
        persons: dict[str, Any],
        employers: dict[str, Any],
    ) -> tuple[str, str, int, bool, bool, date | None] | None:
        if len(cells) != 6:
            on_problem(row, cells, [(0, errors.ROW_COLUMNS, {"found": len(cells), "expected": 6})])
            return None
        record, problems = p.parse_insurance(cells)
        found: list[tuple[int, Any, dict[str, Any]]] = [
            (c.column, c.error, c.params) for c in problems
        ]
        if record is not None:
            if record.id_number not in persons:
                found.append((0, errors.ROW_UNKNOWN_PERSON, {}))
            if record.credit_code not in employers:
                found.append((1, errors.ROW_UNKNOWN_ENTERPRISE, {}))
        if found or record is None:
            on_problem(row, cells, found)
            return None
        return (
            record.id_number,
            record.credit_code,
            record.month,
            record.in_zone,
            record.is_makeup,
            record.paid_on,
        )

    def _flush(self, out: Any, batch: list[tuple[Any, ...]]) -> None:
        if not batch:
            return
        if self.postgres:
            out.write("".join(map("%s\t%s\t%s\t%s\t%s\t%s\n".__mod__, batch)).encode())
        else:  # length-prefixed frames: marshal.load() on a file reads item by item, slowly
            frame = marshal.dumps(batch)
            out.write(len(frame).to_bytes(8, "little"))
            out.write(frame)

    def row_of(self, index: int) -> int:
        """The file row of the index-th spooled row."""
        at = bisect.bisect_right(self.anchors, (index, float("inf"))) - 1
        return index + self.anchors[at][1]

    # -- writing ---------------------------------------------------------------------------

    def write(self, mode: str) -> Counts:
        """Inside the caller's transaction. Raises nothing for duplicates: they are left in
        `self.duplicates` (and, in all-or-nothing mode, nothing is written)."""
        if self.valid == 0:
            return Counts()
        try:
            with transaction.atomic():
                self._bulk_insert()
            counts = Counts(inserted=self.valid)
        except (IntegrityError, connection.Database.IntegrityError):  # type: ignore[attr-defined]
            # a natural key exists already (re-import) or repeats in the file
            counts = self._careful(mode)
        if self.postgres and counts.inserted + counts.updated > ANALYZE_AFTER:
            with connection.cursor() as cursor:  # fresh statistics for the selectors' plans
                cursor.execute(f"ANALYZE {TABLE}")
        return counts

    def _chunks(self) -> Iterator[Any]:
        with self.spool.open("rb") as spool:
            if self.postgres:
                while chunk := spool.read(1 << 20):
                    yield chunk
            else:
                while size := spool.read(8):
                    # our own spool file, written by _flush moments ago
                    yield marshal.loads(spool.read(int.from_bytes(size, "little")))  # noqa: S302

    def _bulk_insert(self) -> None:
        connection.ensure_connection()
        if self.postgres:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {TABLE} ({COLUMNS}) FROM STDIN") as copy,
            ):
                for chunk in self._chunks():
                    copy.write(chunk)
        else:
            raw = connection.connection.cursor()
            sql = f"INSERT INTO {TABLE} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"  # noqa: S608
            for chunk in self._chunks():
                raw.executemany(sql, chunk)

    def _careful(self, mode: str) -> Counts:
        stage = "registry_insurance_stage"
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    f"CREATE TEMP TABLE {stage} (idx bigserial, person_id bigint, "
                    "employer_id bigint, month integer, in_zone boolean, is_makeup boolean, "
                    "paid_on date) ON COMMIT DROP"
                )
                with cursor.cursor.copy(f"COPY {stage} ({COLUMNS}) FROM STDIN") as copy:
                    for chunk in self._chunks():
                        copy.write(chunk)
            else:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{stage}")
                cursor.execute(
                    f"CREATE TEMP TABLE {stage} (idx INTEGER PRIMARY KEY, person_id, "
                    "employer_id, month, in_zone, is_makeup, paid_on)"
                )
                raw = connection.connection.cursor()
                sql = f"INSERT INTO {stage} VALUES (?, ?, ?, ?, ?, ?, ?)"  # noqa: S608
                start = 1
                for chunk in self._chunks():
                    raw.executemany(sql, [(start + i, *r) for i, r in enumerate(chunk)])
                    start += len(chunk)
            self._find_duplicates(cursor, stage)
            if self.duplicate_count and mode != ImportMode.VALID_ROWS_ONLY:
                return Counts()
            if self.duplicate_count:
                cursor.execute(
                    f"DELETE FROM {stage} WHERE idx IN (SELECT idx FROM (SELECT idx, min(idx) "  # noqa: S608
                    "OVER (PARTITION BY person_id, month, employer_id) AS first_idx "
                    f"FROM {stage}) d WHERE idx <> first_idx)"
                )
            cursor.execute(
                f"SELECT count(*) FROM {stage} s JOIN {TABLE} t ON t.person_id = s.person_id "  # noqa: S608
                "AND t.month = s.month AND t.employer_id = s.employer_id"
            )
            existing = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM {stage}")  # noqa: S608
            staged = cursor.fetchone()[0]
            if self.postgres:
                changed = (
                    "(t.in_zone, t.is_makeup, t.paid_on) IS DISTINCT FROM "
                    "(EXCLUDED.in_zone, EXCLUDED.is_makeup, EXCLUDED.paid_on)"
                )
            else:
                changed = (
                    "t.in_zone IS NOT excluded.in_zone OR t.is_makeup IS NOT excluded.is_makeup "
                    "OR t.paid_on IS NOT excluded.paid_on"
                )
            cursor.execute(
                f"INSERT INTO {TABLE} AS t ({COLUMNS}) SELECT {COLUMNS} FROM {stage} "  # noqa: S608
                "WHERE true ON CONFLICT (person_id, month, employer_id) DO UPDATE SET "
                "in_zone = excluded.in_zone, is_makeup = excluded.is_makeup, "
                f"paid_on = excluded.paid_on WHERE {changed}"
            )
            written = cursor.rowcount
            cursor.execute(f"DROP TABLE {stage}")
        inserted = staged - existing
        updated = written - inserted
        return Counts(inserted=inserted, updated=updated, unchanged=existing - updated)

    def _find_duplicates(self, cursor: Any, stage: str) -> None:
        cursor.execute(
            "SELECT d.idx, d.first_idx, d.person_id, d.employer_id, d.month FROM (SELECT idx, "  # noqa: S608
            "person_id, employer_id, month, min(idx) OVER (PARTITION BY person_id, month, "
            f"employer_id) AS first_idx FROM {stage}) d WHERE d.idx <> d.first_idx ORDER BY d.idx"
        )
        found = cursor.fetchmany(10_000)
        rest = cursor.fetchall()
        self.duplicate_count = len(found) + len(rest)
        if not found:
            return
        numbers = dict(
            Person.objects.filter(id__in={int(r[2]) for r in found}).values_list("id", "id_number")
        )
        codes = {v: k for k, v in self.refs.enterprises.items()}
        for idx, first_idx, person, employer, month in found:
            cells = [
                numbers.get(int(person), ""),
                codes.get(int(employer), ""),
                f"{int(month) // 100}-{int(month) % 100:02d}",
            ]
            self.duplicates.append(
                Duplicate(self.row_of(int(idx) - 1), self.row_of(int(first_idx) - 1), cells)
            )


def new_spool_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="gaoxin-import-")
