"""The ledger of commitments and payments for the finance bureau (财政局), one row per entry,
written with common/xlsx.SafeRows (no cell is ever a formula)."""

from __future__ import annotations

import io

import xlsxwriter
from django.db.models import QuerySet

from gaoxin.common.xlsx import SafeRows

from .models import LedgerEntry

HEADER = [
    "序号 No.",
    "时间 Time",
    "类别 Kind",
    "奖励编号 Award",
    "扶持项目 Programme",
    "预算年度 Year",
    "对象 Recipient",
    "统一社会信用代码 Credit code",
    "节点 Milestone",
    "金额（元） Amount (yuan)",
    "拨付依据 Evidence",
    "经办 By",
]


def workbook(rows: QuerySet[LedgerEntry]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("台账 Ledger")
    writer = SafeRows(book, sheet)
    writer.header(HEADER)
    for entry in rows.iterator(chunk_size=2000):
        award = entry.award
        writer.write(
            [
                entry.pk,
                entry.at,
                entry.get_kind_display(),
                award.number,
                award.programme.name_zh,
                award.year,
                award.recipient_name,
                award.enterprise.credit_code if award.enterprise else "",
                entry.milestone.title if entry.milestone else "",
                entry.amount,
                entry.milestone.evidence if entry.milestone else "",
                entry.actor_name,
            ]
        )
    book.close()
    return out.getvalue()
