"""The draw's published documents: the results announcement (摇号结果公告, PDF) and every roster
entry's result (XLSX). Both are public once the batch is drawn, with applicants' names masked.

The announcement is an official notice in Chinese, written here in Chinese rather than through
the UI's translations: its bytes depend only on the draw's data (not on the reader's language),
so anyone can rebuild it and compare. Reads go through selectors, a constant number of queries
whatever the batch's size (a join gives the names); only winners and the waitlist are listed in
the PDF, and rows are streamed with `.iterator()`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import xlsxwriter
from django.utils import timezone, translation

from gaoxin.common import pdf
from gaoxin.common.xlsx import SafeRows
from gaoxin.registry.identifiers import mask_name

from . import charts, publication, selectors
from .models import ClosingReport, Draw, SaleBatch
from .report import readable, shortfalls
from .templatetags.housing_tags import check_labels

CHUNK = 5000
POOL_NAMES = {"first_home": "刚需家庭", "key_industry": "园区重点产业职工", "general": "普通"}
OUTCOMES = {"won": "中签", "lost": "未中签"}


# Part of every cached file's name: bump it when a document's layout changes.
DOCUMENTS_VERSION = 2  # 2: fonts for every name character, table cells wrap (issue 13)


def published(kind: str, digest: str, build: Callable[[], bytes]) -> bytes:
    """A published document, built once and kept on disk under its content digest (a draw's
    protocol digest, a report's digest): what it is built from never changes, so neither do its
    bytes (`publication.published_file`: built once, appears atomically)."""
    path = publication.published_file(
        f"{digest}.v{DOCUMENTS_VERSION}.{kind}", lambda aside: aside.write_bytes(build())
    )
    return path.read_bytes()


def pool_name(code: str) -> str:
    return POOL_NAMES.get(code, code)


def pools_text(pools: str) -> str:
    """`first_home;general` → `刚需家庭、普通`."""
    return "、".join(pool_name(p) for p in pools.split(";") if p)


def quota_text(quota: str) -> str:
    return "其余房源" if quota == "remainder" else quota


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日 %H:%M") if value else "—"


def _masked(name: str | None) -> str:
    return mask_name(name) if name else "—"


def announcement_pdf(batch: SaleBatch, draw: Draw) -> bytes:
    """摇号结果公告: the batch, the draw's public values and digests, the winners of each
    round, the waitlist and how to verify."""
    protocol = json.loads(draw.protocol)
    entropy = protocol.get("entropy", {})
    summary = protocol.get("summary", {})
    roster = protocol.get("roster", {})
    project = batch.project
    title = f"{project.name} {batch.name} 摇号结果公告"
    doc = pdf.Document(
        title=title,
        subject=f"{batch.code} 摇号结果公告",
        footer=f"{batch.code} · 协议摘要 {draw.protocol_digest}",
    )
    doc.title(title, f"批次编号 {batch.code} · 摇号时间 {_when(draw.created_at)}（北京时间）")
    doc.paragraph(
        f"{project.name}{batch.name}职住平衡住房登记摇号已于{_when(draw.created_at)}完成。"
        "摇号使用事先公布的规则和随机源，并由公证员揭示事先承诺的密钥；任何人均可用本公告列出的"
        "公开文件和 fairdraw 工具重新计算全部结果。现将中签名单和候补名单公告如下"
        "（申请人姓名部分隐去；每户的结果可在结果页面按登记号查询）。"
    )

    doc.heading("一、项目与批次")
    facts: list[tuple[str, object]] = [
        ("项目名称", project.name),
        ("项目地址", project.address),
        ("开发企业", project.sales_office.name),
    ]
    if project.presale_permit:
        facts.append(("预售许可证号", project.presale_permit))
    facts += [
        ("批次", f"{batch.name}（{batch.code}）"),
        (
            "登记时间",
            f"{_when(batch.registration_opens_at)} 至 {_when(batch.registration_closes_at)}",
        ),
        ("房源套数", protocol.get("config", {}).get("units", "—")),
        ("入围家庭（名册条目）", roster.get("size", "—")),
        ("候补名额", protocol.get("config", {}).get("waitlist_length", "—")),
    ]
    doc.key_values(facts)

    doc.heading("二、摇号过程与公开数值")
    values: list[tuple[str, object]] = [("摇号时间", f"{_when(draw.created_at)}（北京时间）")]
    for i, source in enumerate(entropy.get("sources", []), start=1):
        values.append(
            (
                f"随机源 {i}",
                f"{source.get('name', '')}（事先声明：{source.get('declared', '')}）"
                f"取值：{source.get('value', '')}",
            )
        )
    values += [
        ("公证密钥承诺", pdf.Code(entropy.get("notary_commitment") or "—")),
        ("公证员揭示的密钥", entropy.get("notary_secret") or "—"),
        ("随机种子", pdf.Code(draw.seed)),
        ("名册默克尔根", pdf.Code(roster.get("root", "—"))),
        ("名册条目数", roster.get("size", "—")),
        ("结果文件摘要", pdf.Code(protocol.get("results", {}).get("digest", "—"))),
        ("协议摘要", pdf.Code(draw.protocol_digest)),
    ]
    doc.key_values(values)

    doc.heading("三、各轮摇号结果")
    rounds = summary.get("rounds", [])
    doc.table(
        ["轮次", "资格池", "配额", "名额", "参加户数", "中签户数"],
        (
            [
                f"{n}. {pool_name(r.get('name', ''))}",
                pool_name(r.get("pool", "")),
                quota_text(r.get("quota", "")),
                r.get("seats", ""),
                r.get("participants", ""),
                r.get("winners", ""),
            ]
            for n, r in enumerate(rounds, start=1)
        ),
        widths=[40, 36, 22, 22, 27, 27],
        align="llrrrr",
    )
    doc.paragraph(
        f"合计中签 {summary.get('allocated', '—')} 户，未分配房源 {summary.get('unfilled', '—')}"
        f" 套，候补 {summary.get('waitlisted', '—')} 户。"
        "各轮按事先公布的先后顺序进行，在前一轮中签者不再参加后面的轮次。"
    )

    doc.heading("四、中签名单")
    doc.paragraph("轮内排名为该轮的摇号顺序；选房顺序号为全部中签家庭选房的先后顺序。")
    for n, r in enumerate(rounds, start=1):
        name = r.get("name", "")
        doc.heading(f"第 {n} 轮：{pool_name(name)}（中签 {r.get('winners', 0)} 户）", level=2)
        doc.table(
            ["轮内排名", "登记号", "申请人", "资格池", "选房顺序号"],
            (
                [row.rank, row.number, _masked(row.name), pools_text(row.pools), row.choice]
                for row in selectors.draw_winners(draw, name).iterator(chunk_size=CHUNK)
            ),
            widths=[22, 42, 30, 55, 25],
            align="rlllr",
        )

    doc.heading("五、候补名单")
    doc.paragraph("中签家庭放弃选房或不符合购房条件时，按候补顺序号依次递补。")
    doc.table(
        ["候补顺序号", "登记号", "申请人", "资格池"],
        (
            [row.waitlist, row.number, _masked(row.name), pools_text(row.pools)]
            for row in selectors.draw_waitlist(draw).iterator(chunk_size=CHUNK)
        ),
        widths=[25, 45, 30, 74],
        align="rlll",
    )

    doc.heading("六、如何核验")
    code = batch.code
    doc.paragraph(
        f"在结果页面（/housing/{code}/results/）下载 {code}-protocol.json（摇号协议）、"
        f"{code}-roster.csv（冻结名册）、{code}-results.csv（全部结果）和 fairdraw.pyz"
        f"（核验程序，单个文件，只需 Python 3.9 或更高版本，页面上有其 SHA-256），运行："
    )
    files = f"{code}-protocol.json {code}-roster.csv --results {code}-results.csv"
    doc.code(f"python3 fairdraw.pyz verify {files}")
    doc.paragraph(
        "该命令检查名册的默克尔根、随机源取值与公证密钥、随机种子，重新计算每一户的结果，"
        "并与公布的结果文件逐行比对。申请人可用登记回执上的盐值核对自己的名册条目："
    )
    doc.code(
        f"python3 fairdraw.pyz prove {code}-roster.csv <登记号> --out proof.json\n"
        f"python3 fairdraw.pyz check-proof proof.json --root {roster.get('root', '<默克尔根>')} "
        f"--size {roster.get('size', '<名册条目数>')}"
    )
    doc.paragraph("本公告由系统根据摇号数据生成；同样的数据生成的文件逐字节相同。")
    return doc.build()


RESULT_HEADER = [
    "登记号",
    "申请人",
    "资格池",
    "决定轮次",
    "轮内排名",
    "结果",
    "候补顺序号",
    "选房顺序号",
]


def results_xlsx(batch: SaleBatch, draw: Draw) -> bytes:
    """Every roster entry's result (names masked), in registration-number order, written in
    xlsxwriter's constant_memory mode; a second sheet says what the file is."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    workbook.set_properties(
        {
            "title": f"{batch.code} 摇号结果",
            "company": "高新区管委会",
            "created": timezone.localtime(draw.created_at).replace(tzinfo=None),
        }
    )
    sheet = workbook.add_worksheet("摇号结果")
    sheet.freeze_panes(1, 0)
    for col, width in enumerate([16, 10, 22, 16, 9, 8, 11, 11]):
        sheet.set_column(col, col, width)
    rows = SafeRows(workbook, sheet)
    rows.header(RESULT_HEADER)
    for row in selectors.draw_results_all(draw).iterator(chunk_size=CHUNK):
        rows.write(
            [
                row.number,
                _masked(row.name),
                pools_text(row.pools),
                pool_name(row.round),
                row.rank,
                OUTCOMES.get(row.outcome, row.outcome),
                row.waitlist,
                row.choice,
            ]
        )
    count = rows.row - 1
    about = workbook.add_worksheet("说明")
    about.set_column(0, 0, 16)
    about.set_column(1, 1, 70)
    info = SafeRows(workbook, about)
    protocol = json.loads(draw.protocol)
    for label, value in [
        ("项目", batch.project.name),
        ("批次", f"{batch.name}（{batch.code}）"),
        ("摇号时间", draw.created_at),
        ("名册条目数", count),
        ("名册默克尔根", protocol.get("roster", {}).get("root", "")),
        ("随机种子", draw.seed),
        ("协议摘要", draw.protocol_digest),
        ("说明", "申请人姓名部分隐去。核验方法见摇号结果公告（PDF）及结果页面。"),
    ]:
        info.write([label, value])
    workbook.close()
    return out.getvalue()


GROUP_NAMES = {
    "first_home_only": "仅刚需",
    "key_industry_only": "仅重点产业",
    "both": "刚需且重点产业",
    "neither": "普通",
}
TURN_NAMES = {
    "contracted": "签约",
    "declined": "放弃选房",
    "no_show": "未到场",
    "forfeited": "选房后未签约",
    "not_called": "未叫号（房源已售完）",
}


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3g}"


def shortfall_sentences(data: dict[str, Any]) -> list[str]:
    """Each shortfall against the policy with its cause (report.shortfalls), in Chinese, as the
    report page says it."""
    sentences = []
    for f in shortfalls(data):
        if f["kind"] == "share":
            text = (
                f"{pool_name(f['pool'])}中签占房源的 {f['achieved']:.1f}%，"
                f"低于政策最低比例 {f['minimum']:g}%"
            )
            if f["cause"] == "too_few_eligible":
                text += (
                    f"，原因：保障名额 {f['reserved']} 个，符合条件的家庭只有 {f['eligible']} 户，"
                    f"余下 {f['carried']} 个名额转入普通轮次摇号"
                )
            else:
                text += (
                    f"，从数据中找不到原因（保障名额 {f['reserved']} 个，"
                    f"符合条件的家庭 {f['eligible']} 户），需要核查"
                )
        elif f["kind"] == "purchases":
            text = (
                f"{pool_name(f['pool'])}购房占房源的 {f['purchased']:.1f}%，"
                f"低于政策最低比例 {f['minimum']:g}%，原因：部分中签家庭未购房"
                "（放弃、未到场或未签约），其房源由候补家庭递补"
            )
        elif f["cause"] == "closed_early":
            text = (
                f"{f['units']} 套房源中有 {f['unsold']} 套未售出，原因：结束销售时，"
                f"选房队列中还有 {f['not_called']} 个顺序未轮到"
            )
        else:
            text = (
                f"{f['units']} 套房源中有 {f['unsold']} 套未售出，原因：全部中签和候补家庭均已"
                f"轮到选房，候补名单已用完（放弃 {f['declined']} 户，未到场 {f['no_show']} 户，"
                f"未签约 {f['forfeited']} 户）"
            )
        sentences.append(text)
    return sentences or ["各保障类别均达到政策最低比例，房源全部售出"]


def _pct(value: float) -> str:
    return f"{value:.1f}%"


KEY_MODE_NAMES = {"per_round": "每轮独立密钥", "shared": "各轮共用同一密钥"}


def _adjusted(check: dict[str, Any]) -> str:
    value = check.get("p_adjusted")
    return "" if value is None else f"（Holm 校正后 {_p(value)}）"


def _family_sentence(family: dict[str, Any]) -> str:
    if not family.get("checks"):
        return "本报告没有可合并解读的检验。"
    alpha = f"{family['alpha']:g}"
    text = (
        f"合并解读：对全部 {family['checks']} 项检验做 Holm 校正，最小的校正后 p 值为 "
        f"{_p(family['smallest_adjusted'])}。"
    )
    if family.get("flagged"):
        with translation.override("zh-hans"):
            flagged = check_labels(family["flagged"])
        return text + f"校正后 p ≤ {alpha} 的检验需要核查：{flagged}。"
    return text + (
        f"没有检验在校正后 p ≤ {alpha}；公平摇号中出现校正后 p ≤ {alpha} 的概率不超过 {alpha}。"
    )


def report_pdf(batch: SaleBatch, report: ClosingReport) -> bytes:
    """结案报告: the stored closing report (never recomputed) as an official document, with the
    same charts as the page, drawn in the PDF's own font."""
    data = readable(report.data)
    title = f"{data['batch']['project']} {data['batch']['name']} 销售结案报告"
    doc = pdf.Document(
        title=title,
        subject=f"{batch.code} 结案报告",
        footer=f"{batch.code} · 报告摘要 {report.digest}",
    )
    doc.title(title, f"批次编号 {batch.code} · 结案时间 {_when(report.created_at)}（北京时间）")
    doc.paragraph(
        f"本批次共 {data['batch']['units']} 套房源，冻结名册 {data['draw']['roster_size']} 户。"
        "本报告在销售结束时一次生成并保存，报告摘要值为其规范化 JSON 的 SHA-256，"
        "网页与本文件所示数字相同。"
    )
    doc.key_values(
        [
            ("摇号协议摘要", pdf.Code(data["draw"]["protocol_digest"])),
            ("随机种子", pdf.Code(data["draw"]["seed"])),
            ("名册默克尔根", pdf.Code(data["draw"]["roster_root"])),
            ("报告摘要", pdf.Code(report.digest)),
        ]
    )

    doc.heading("一、分组统计")
    rows: list[list[object]] = [
        [pool_name(p["pool"]), p["applications"], p["eligible"], p["winners"], p["purchases"]]
        for p in data["pools"]
    ]
    rows.append(["候补递补", "", "", "", data["waitlist_purchases"]])
    doc.table(
        ["资格池", "登记数", "符合条件", "中签（本轮）", "购房"],
        rows,
        widths=[50, 30, 30, 34, 30],
        align="lrrrr",
    )
    choice = data["choice"]
    doc.paragraph(
        "选房情况："
        + "，".join(f"{name} {choice.get(key, 0)}" for key, name in TURN_NAMES.items())
        + f"；已售 {choice['units_sold']} 套，未售 {choice['units_unsold']} 套。"
    )

    doc.heading("二、房源占比：政策比例与模拟预期")
    doc.table(
        ["资格池", "政策最低", "保障轮中签", "预期（模拟）", "中签", "购房"],
        (
            [
                pool_name(s["pool"]),
                _pct(s["minimum"]),
                _pct(s["reserved_round"]),
                _pct(s["expected"]),
                _pct(s["achieved"]),
                _pct(s["purchased"]),
            ]
            for s in data["shares"]
        ),
        widths=[44, 26, 28, 28, 24, 24],
        align="lrrrrr",
    )
    doc.paragraph(
        "占比统计符合该资格池条件的全部中签（或购房）家庭，不论在哪一轮中签，以房源总数为分母；"
        "预期值为模拟器按本名册和本规则计算的结果。"
    )
    doc.paragraph("与政策要求对照：" + "；".join(shortfall_sentences(data)) + "。")
    with translation.override("zh-hans"):
        doc.drawing(charts.shares_chart(data, font=pdf.FONT), keep_with="图 1  房源占比（%）")

    tests = data["tests"]
    doc.heading("三、统计检验")
    doc.paragraph(
        "p 值很小（低于 0.01）并不证明有问题，而是需要核查的信号。每项检验都用与本次摇号相同的"
        f"规则和密钥方式（{KEY_MODE_NAMES.get(data['policy'].get('key_mode', 'per_round'), '')}）"
        "模拟或条件化计算，公平摇号时 p ≤ α 的概率不超过 α。"
    )
    doc.paragraph(_family_sentence(tests.get("family", {})))
    doc.heading("1. 各申请人群体的中签数", level=2)
    doc.table(
        ["群体", "名册户数", "预期中签", "实际中签", "p 值"],
        (
            [
                GROUP_NAMES.get(g["group"], g["group"]),
                g["size"],
                "—" if g["expected"] is None else f"{g['expected']:.2f}",
                g["observed"],
                _p(g["p_value"]),
            ]
            for g in data["groups"]
        ),
        widths=[50, 28, 30, 30, 26],
        align="lrrrr",
    )
    shares = tests["pool_shares"]
    if shares.get("reason"):
        doc.paragraph(f"全部群体合计：未能计算（{shares['reason']}）。")
    else:
        doc.paragraph(
            f"全部群体合计：Σ(O−E)²/E = {shares['statistic']:.3f}，p = {_p(shares['p_value'])}"
            f"{_adjusted(shares)}（与 {shares['trials']} 次同规则模拟摇号比较）。"
        )
    doc.heading("2. 登记时间与中签", level=2)
    rounds = tests["registration_rounds"]
    if rounds.get("reason"):
        doc.paragraph(f"未能计算（{rounds['reason']}）。")
    else:
        doc.table(
            ["轮次", "参与户数", "中签", "标准化秩和 z", "p 值", "Holm 校正后"],
            (
                [
                    pool_name(r["round"]),
                    r["participants"],
                    r["winners"],
                    "—" if r["statistic"] is None else f"{r['statistic']:.2f}",
                    _p(r["p_value"]),
                    _p(r.get("p_adjusted")),
                ]
                for r in rounds["rounds"]
            ),
            widths=[40, 26, 20, 32, 24, 28],
            align="lrrrrr",
        )
        doc.paragraph(
            "同一群体内的条目在摇号中地位相同；在各群体本轮中签数给定时，比较中签者与未中签者的"
            "登记先后（分层秩和检验，p 值由同条件下的随机重排模拟得出）。"
        )
    bins = tests["registration_bins"]
    if bins.get("reason"):
        doc.paragraph(f"按登记顺序分段的检验未能计算（{bins['reason']}）。")
    elif bins.get("bins"):
        doc.paragraph(
            "按登记顺序分段的中签数与在各群体中签数给定时的期望对照："
            f"Σ(O−E)²/E = {bins['statistic']:.3f}，分段 {len(bins['bins'])}，"
            f"p = {_p(bins['p_value'])}{_adjusted(bins)}。"
        )
        with translation.override("zh-hans"):
            chart = charts.registration_chart(data, font=pdf.FONT)
        if chart is not None:
            doc.drawing(chart, keep_with="图 2  按登记顺序的中签分布")
    return doc.build()
