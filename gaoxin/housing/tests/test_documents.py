"""The draw's public documents: the announcement PDF (read back by OCR from a rendered page and
by text extraction), the XLSX of every entry's result (read back with calamine), and the
closing report PDF; published documents are built once per digest."""

from __future__ import annotations

import ctypes
import io
import re
import zipfile
from datetime import date

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook
from reportlab.lib.units import mm

from gaoxin.common import pdf
from gaoxin.housing import documents, services
from gaoxin.housing.models import ApplicationMember, ChoiceTurn, DrawResult, SaleBatch
from gaoxin.registry.identifiers import mask_name
from gaoxin.testing.ocr import ocr

from .builders import (
    SECRET,
    close,
    draw,
    drawn_batch,
    free_unit,
    frozen_batch,
    reveal,
    start_unit_choice,
    take,
)

pytestmark = pytest.mark.django_db

RARE = "堃"  # U+5803: a name character outside GB 2312 (the font of old lacked it)
# Name characters the announcement printed as 〔U+XXXX〕 before issue 13 (𠮷 is Ext B, 䶮 Ext A)
ISSUE_NAMES = "堃喆昇珺镕赟玥彧𠮷䶮龘"
LONG_NAME = "阿卜杜热合曼·买买提明·艾合买提江·库尔班尼亚孜·吐尔逊"  # 28 characters
NAMES = ["张三丰", "李四", "欧阳明月", "司马相如"]


def named_batch(make_user) -> SaleBatch:
    """A drawn batch whose applicants have varied names (set after the draw, as the draw does
    not depend on them): the first winner's has a character outside the font, the next two
    winners' and one unlisted household's look like formulas."""
    batch = drawn_batch(make_user)
    results = DrawResult.objects.filter(draw=batch.draw)
    winners = list(results.filter(outcome="won").order_by("number"))
    unlisted = results.filter(outcome="lost", waitlist__isnull=True).order_by("number")[0]
    special = {
        winners[0].application_id: "王小" + RARE,
        winners[1].application_id: "=1+1",
        winners[2].application_id: "@SUM(A1)",
        unlisted.application_id: "-2+3",
    }
    members = ApplicationMember.objects.filter(batch=batch, relation="applicant")
    for n, member in enumerate(members.order_by("application__number")):
        name = special.get(member.application_id, NAMES[n % len(NAMES)])
        ApplicationMember.objects.filter(pk=member.pk).update(name=name)
    return batch


def applicant_name(number: str) -> str:
    return ApplicationMember.objects.get(application__number=number, relation="applicant").name


def pdf_text(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def page_chars(textpage: pypdfium2.PdfTextPage) -> list[tuple[str, tuple[float, ...]]]:
    """Each character pdfium reads on a page with its box (left, bottom, right, top), line
    breaks left out; a character outside the BMP (two UTF-16 units for pdfium) counts once."""
    chars = []
    count = pdfium_c.FPDFText_CountChars(textpage.raw)
    for index in range(count):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
        if 0xDC00 <= code <= 0xDFFF or code in (0x0D, 0x0A):
            continue
        if 0xD800 <= code <= 0xDBFF and index + 1 < count:
            low = pdfium_c.FPDFText_GetUnicode(textpage.raw, index + 1)
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        chars.append((chr(code), textpage.get_charbox(index)))
    return chars


def embedded_fonts(data: bytes) -> set[tuple[str, bool]]:
    """(base font name, embedded?) of every text object's font, as pdfium sees them."""
    document = pypdfium2.PdfDocument(data)
    fonts = set()
    for i in range(len(document)):
        for obj in document[i].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
            font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
            buffer = ctypes.create_string_buffer(200)
            pdfium_c.FPDFFont_GetBaseFontName(font, buffer, 200)
            fonts.add((buffer.value.decode(), bool(pdfium_c.FPDFFont_GetIsEmbedded(font))))
    return fonts


def test_documents_are_public_only_once_drawn(make_user, client):
    batch = frozen_batch(make_user)
    for name in ("announcement.pdf", "results.xlsx"):
        assert client.get(f"/housing/{batch.code}/{name}").status_code == 404
    draw(reveal(batch, make_user("notary")), make_user("zone_admin"))
    for name in ("announcement.pdf", "results.xlsx"):
        response = client.get(f"/housing/{batch.code}/{name}")
        assert response.status_code == 200
        assert f'filename="{batch.code}-' in response["Content-Disposition"]
    page = client.get(f"/housing/{batch.code}/results/").content.decode()
    assert f"/housing/{batch.code}/announcement.pdf" in page
    assert f"/housing/{batch.code}/results.xlsx" in page


@pytest.mark.slow
def test_the_announcement_reads_as_chinese_on_a_rendered_page(make_user, client, tmp_path):
    batch = named_batch(make_user)
    response = client.get(f"/housing/{batch.code}/announcement.pdf")
    assert response["Content-Type"] == "application/pdf"
    page = pypdfium2.PdfDocument(response.content)[0]
    image = tmp_path / "page1.png"
    page.render(scale=3).to_pil().convert("L").save(image)
    seen = ocr(image)
    # OCR is not exact: a few robust phrases of the title and the first sections.
    assert "摇号结果公告" in seen, seen
    assert "项目与批次" in seen, seen
    assert "公证" in seen and "随机" in seen, seen


def test_the_announcement_lists_winners_and_waitlist_with_masked_names(make_user, client):
    batch = named_batch(make_user)
    data = client.get(f"/housing/{batch.code}/announcement.pdf").content
    pages = pdf_text(data)
    text = "\n".join(pages)
    assert f"{batch.project.name} {batch.name} 摇号结果公告" in text
    assert f"第 1 页 / 共 {len(pages)} 页" in pages[0]
    draw = batch.draw
    assert draw.protocol_digest in text and draw.seed in text and batch.roster.root in text
    assert SECRET in text  # the notary's revealed secret
    listed = DrawResult.objects.filter(draw=draw, outcome="won") | DrawResult.objects.filter(
        draw=draw, waitlist__isnull=False
    )
    assert listed.count() == 20  # 10 units, a waitlist as long
    for result in listed:
        line = re.search(rf"^.*{result.number}.*$", text, re.MULTILINE)
        assert line, result.number
        name = applicant_name(result.number)
        if RARE not in name:
            assert mask_name(name) in line.group(0)
        assert name not in text or len(name) < 2  # never the full name
    unlisted = DrawResult.objects.filter(draw=draw, outcome="lost", waitlist__isnull=True)
    assert unlisted.exists()
    for result in unlisted:
        assert result.number not in text  # only winners and the waitlist are listed
    assert f"python3 fairdraw.pyz verify {batch.code}-protocol.json" in text


def test_the_announcement_embeds_font_subsets_and_prints_rare_characters(make_user, client):
    batch = named_batch(make_user)
    data = client.get(f"/housing/{batch.code}/announcement.pdf").content
    # Every piece of text is in the embedded CJK fonts, or ASCII in Courier (no stand-in font
    # such as ZapfDingbats drawing boxes for characters Courier lacks).
    fonts = embedded_fonts(data)
    assert fonts == {
        ("NotoSansCJKsc-Regular", True),
        ("NotoSansCJKsc-Bold", True),
        ("Courier", False),
    }, fonts
    subsets = set(re.findall(rb"/BaseFont /[A-Z]{6}\+(NotoSansCJKsc-\w+)", data))
    assert subsets == {b"NotoSansCJKsc-Regular", b"NotoSansCJKsc-Bold"}  # embedded as subsets
    assert data.count(b"/FontFile2") >= 2
    text = "\n".join(pdf_text(data))
    assert text.count("王*" + RARE) == 1 and "〔U+" not in text


def test_the_announcement_prints_every_name_and_wraps_long_ones(make_user, client):
    """Issue 13, item 9: 堃 喆 昇 珺 镕 赟 玥 彧 𠮷 䶮 龘 printed as 〔U+XXXX〕, and names above
    about 20 characters overprinted the next column."""
    batch = drawn_batch(make_user)
    listed = DrawResult.objects.filter(draw=batch.draw, outcome="won").order_by("number")
    names = {}
    for result, char in zip(listed, ISSUE_NAMES[:-1], strict=False):  # kept last when masked
        names[result.application_id] = "林小" + char
    waitlisted = DrawResult.objects.filter(draw=batch.draw, waitlist__isnull=False)
    waitlisted = waitlisted.order_by("waitlist")
    names[waitlisted[0].application_id] = ISSUE_NAMES[-1] + "小林"  # kept first when masked
    names[waitlisted[1].application_id] = LONG_NAME
    for application, name in names.items():
        ApplicationMember.objects.filter(application_id=application, relation="applicant").update(
            name=name
        )
    data = client.get(f"/housing/{batch.code}/announcement.pdf").content
    pages = pdf_text(data)
    text = "\n".join(pages)
    assert "〔U+" not in text
    for char in ISSUE_NAMES[:-1]:
        assert text.count("林*" + char) == 1, char
    assert text.count(ISSUE_NAMES[-1] + "*林") == 1
    # the long name, masked, wraps in its column (the waitlist's third, 25 + 45 mm in, 30 mm)
    masked = mask_name(LONG_NAME)
    flat = text.replace("\r\n", "").replace("\n", "")
    assert masked in flat
    document = pypdfium2.PdfDocument(data)
    left, right = pdf.MARGIN + 70 * mm, pdf.MARGIN + 100 * mm
    for number in range(len(document)):
        chars = page_chars(document[number].get_textpage())
        joined = "".join(c for c, _box in chars)
        if masked not in joined:
            continue
        start = joined.index(masked)
        boxes = [box for _c, box in chars[start : start + len(masked)]]
        assert all(left < box[0] and box[2] < right for box in boxes), (left, right, boxes)
        assert len({round(box[3]) for box in boxes}) >= 2  # on two lines or more
        break
    else:
        raise AssertionError("the long name is not on any page")


def test_the_same_draw_gives_the_same_pdf_bytes(make_user, client):
    batch = named_batch(make_user)
    first = documents.announcement_pdf(batch, batch.draw)
    second = documents.announcement_pdf(batch, batch.draw)
    assert first == second
    assert client.get(f"/housing/{batch.code}/announcement.pdf").content == first


def test_published_documents_are_built_once_then_served(make_user, client, monkeypatch):
    batch = named_batch(make_user)
    built: list[str] = []
    real = documents.results_xlsx

    def counting(*args):
        built.append("xlsx")
        return real(*args)

    monkeypatch.setattr(documents, "results_xlsx", counting)
    bodies = {client.get(f"/housing/{batch.code}/results.xlsx").content for _ in range(3)}
    assert built == ["xlsx"] and len(bodies) == 1


def named_closed_batch(make_user) -> SaleBatch:
    """`named_batch`, closed: the first household chose a unit and signed, the second declined."""
    batch = named_batch(make_user)
    admin = make_user("zone_admin")
    start_unit_choice(batch, admin)
    take(batch, admin, "chosen", free_unit(batch))
    take(batch, admin, "declined")
    turn = ChoiceTurn.objects.get(batch=batch, status="chosen")
    services.contract_record(
        actor=admin,
        batch=batch,
        number=turn.application.number,
        contract_number="HT-PDF-1",
        signed_on=date(2026, 12, 3),
    )
    return close(batch, admin)


@pytest.mark.slow
def test_the_closing_report_pdf_reads_as_chinese_with_its_figures(make_user, client, tmp_path):
    batch = named_closed_batch(make_user)
    response = client.get(f"/housing/{batch.code}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    page = pypdfium2.PdfDocument(data)[0]
    image = tmp_path / "report1.png"
    page.render(scale=3).to_pil().convert("L").save(image)
    seen = ocr(image)
    assert "结案报告" in seen and "分组统计" in seen, seen
    text = "\n".join(pdf_text(data))
    report = batch.report
    assert report.digest in text.replace("\n", "").replace(" ", "")
    assert "统计检验" in text and "标准化秩和" in text and "Holm 校正" in text
    assert "房源占比（%）" in text  # the chart's own title, drawn as text in the PDF's font
    shares = report.data["tests"]["pool_shares"]
    assert f"{shares['statistic']:.3f}" in text
    assert embedded_fonts(data) == {  # the CJK font embedded; digests in Courier (ASCII)
        ("NotoSansCJKsc-Regular", True),
        ("NotoSansCJKsc-Bold", True),
        ("Courier", False),
    }
    assert documents.report_pdf(batch, report) == data  # rebuilt from the stored report


def test_the_xlsx_has_every_entry_and_nothing_evaluates(make_user, client):
    batch = named_batch(make_user)
    response = client.get(f"/housing/{batch.code}/results.xlsx")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name("摇号结果").to_python()
    header, body = rows[0], rows[1:]
    assert header[:2] == ["登记号", "申请人"]
    assert len(body) == batch.roster.size == 30
    by_number = {row[0]: row for row in body}
    for result in DrawResult.objects.filter(draw=batch.draw):
        row = by_number[result.number]
        assert row[1] == mask_name(applicant_name(result.number))
        assert row[4] == result.rank  # a number, not text
        assert row[5] == ("中签" if result.outcome == "won" else "未中签")
        assert row[6] == (result.waitlist if result.waitlist is not None else "")
        assert row[7] == (result.choice if result.choice is not None else "")
    formula_like = {row[1] for row in body if str(row[1]).startswith(("=", "@", "-"))}
    assert formula_like == {"=**1", "@******)", "-**3"}  # as text, not evaluated
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    assert 'quotePrefix="1"' in styles


def test_documents_read_in_a_few_queries_whatever_the_rows(make_user, client):
    batch = named_batch(make_user)
    for name, rows in (("announcement.pdf", 20), ("results.xlsx", 30)):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/housing/{batch.code}/{name}").status_code == 200
        # The batch, its draw, the sales office, then one query per listing (three rounds and
        # the waitlist, or every entry): names come by a join, never a query per row.
        assert len(queries) <= 8 < rows, [q["sql"] for q in queries]
