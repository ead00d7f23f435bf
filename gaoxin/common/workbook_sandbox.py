"""The child process that reads an untrusted workbook (started by `uploads.py`; no Django).

It caps its own address space and CPU time first, then lets calamine read the first sheet and
writes its rows as UTF-8 CSV. calamine holds the sheet's whole bounding rectangle in memory and
aborts the process when an allocation fails, so a workbook that needs more than the cap (a zip
bomb, or two cells a million rows and sixteen thousand columns apart) ends this process only.

    python -I -c "…main()" SOURCE TARGET MEMORY_BYTES CPU_SECONDS

Prints one line of JSON: {"rows": N, "first_row": R} (R is the sheet row of the first row
written, 1-based), or {"error": "..."} when calamine refuses the file."""

import csv
import json
import resource
import sys
from datetime import date, datetime, time, timedelta
from typing import Any


def cell_text(value: Any) -> str:
    """A cell as the text a person sees: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def main(argv: list[str] | None = None) -> int:
    source, target, memory, cpu = (argv if argv is not None else sys.argv[1:])[:4]
    resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
    resource.setrlimit(resource.RLIMIT_CPU, (int(cpu), int(cpu)))
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(source).get_sheet_by_index(0)
    except Exception as error:  # calamine raises its own types for every kind of damage
        print(json.dumps({"error": f"{type(error).__name__}: {error}"[:300]}))
        return 2
    start = sheet.start
    rows = 0
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for values in sheet.iter_rows():
            writer.writerow([cell_text(v) for v in values])
            rows += 1
    print(json.dumps({"rows": rows, "first_row": (start[0] + 1) if start else 1}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
