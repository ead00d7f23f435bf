"""How the results file that fairdraw writes during a draw becomes DrawResult rows (COPY on
PostgreSQL, one executemany on SQLite)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection

from gaoxin.common.errors import GaoxinError
from gaoxin.fairdraw.results import RESULTS_COLUMNS

from . import errors
from .models import (
    Application,
    Draw,
    DrawResult,
)

logger = logging.getLogger(__name__)


RESULT_FIELDS = ("number", *RESULTS_COLUMNS[1:])


class ResultsSink:
    """Where fairdraw writes the results file during the draw, and how its rows become one
    DrawResult each (no parsing into objects, no model instances).

    PostgreSQL: the file streams by COPY into a temporary table while fairdraw is still writing
    it (the server parses on the other core), then one INSERT … SELECT joins the registration
    numbers to their applications and fills housing_drawresult. SQLite: the bytes are kept and
    written with one executemany. Either way the count must equal the roster's."""

    def __enter__(self) -> ResultsSink:
        self.postgres = connection.vendor == "postgresql"
        self.buffer = bytearray()
        self._copy: Any = None
        if self.postgres:
            self._cursor = connection.cursor()
            self._cursor.execute(
                "CREATE TEMPORARY TABLE gaoxin_draw_results (number text, pools text, "
                "identity_commitment text, round text, rank integer, outcome text, key text, "
                "waitlist integer, choice integer)"
            )
            self._copying = self._cursor.cursor.copy(
                "COPY gaoxin_draw_results FROM STDIN (FORMAT csv, HEADER true)"
            )
            self._copy = self._copying.__enter__()
        return self

    def write(self, data: bytes) -> int:
        if self._copy is not None:
            self._copy.write(data)
        else:
            self.buffer += data
        return len(data)

    def __exit__(self, *exc: Any) -> None:
        if self.postgres:
            if self._copy is not None:
                self._copying.__exit__(*exc)
            if exc[0] is None:
                self._cursor.execute("DROP TABLE gaoxin_draw_results")
            self._cursor.close()

    def finish(self) -> None:
        """The results file is complete: end the COPY (the connection is free again)."""
        if self._copy is not None:
            self._copy = None
            self._copying.__exit__(None, None, None)

    def store(self, draw: Draw, *, rows: int) -> None:
        table = DrawResult._meta.db_table
        columns = ", ".join(("draw_id", "application_id", *RESULT_FIELDS))
        if self.postgres:
            fields = ", ".join(f"r.{name}" for name in RESULT_FIELDS)
            self._cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT %s, a.id, {fields} "  # noqa: S608
                f"FROM gaoxin_draw_results r JOIN {Application._meta.db_table} a "
                "ON a.number = r.number AND a.batch_id = %s",
                [draw.pk, draw.batch_id],
            )
            stored = self._cursor.rowcount
        else:
            stored = self._insert_sqlite(draw, table, columns)
        if stored != rows:  # a roster entry without its application: store nothing
            raise GaoxinError(errors.DRAW_CRASHED, detail=f"{stored} of {rows} results")

    def _insert_sqlite(self, draw: Draw, table: str, columns: str) -> int:
        ids = dict(Application.objects.filter(batch_id=draw.batch_id).values_list("number", "pk"))
        lines = self.buffer.decode("utf-8").split("\n")
        rows = []
        for line in lines[1:]:  # after the header
            if not line:
                continue
            f = line.split(",")
            if f[0] not in ids:
                continue  # counted as missing by the caller
            rows.append(
                (
                    draw.pk,
                    ids[f[0]],
                    f[0],
                    f[1],
                    f[2],
                    f[3],
                    int(f[4]),
                    f[5],
                    f[6],
                    int(f[7]) if f[7] else None,
                    int(f[8]) if f[8] else None,
                )
            )
        marks = ", ".join(["%s"] * (2 + len(RESULT_FIELDS)))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (our names)
                rows,
            )
        return len(rows)
