"""The PDF document builder: Chinese text that survives extraction, long tables paged with their
header, page numbers, characters the font lacks shown visibly, the same bytes for the same
content."""

from __future__ import annotations

import pypdfium2
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.units import mm

from gaoxin.common import pdf


def pages_text(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def long_document(rows: int = 300, name: str = "张*明") -> pdf.Document:
    doc = pdf.Document(title="测试文档", footer="T2026 · 摘要 0123abcd")
    doc.title("测试文档", "副标题")
    doc.heading("一、名单")
    doc.table(
        ["登记号", "申请人", "排名"],
        ([f"T2026-{i:06d}", name, i] for i in range(1, rows + 1)),
        widths=[50, 40, 20],
        align="llr",
    )
    return doc


def test_a_long_table_is_paged_with_its_header_and_page_numbers():
    pages = pages_text(long_document().build())
    assert len(pages) >= 5
    for number, text in enumerate(pages, start=1):
        assert "登记号" in text and "申请人" in text  # the header on every page
        assert f"第 {number} 页 / 共 {len(pages)} 页" in text
        assert "T2026 · 摘要 0123abcd" in text
    text = "\n".join(pages)
    assert all(text.count(f"T2026-{i:06d}") == 1 for i in range(1, 301))  # each row once
    assert text.index("T2026-000001") < text.index("T2026-000150") < text.index("T2026-000300")
    assert "张*明" in pages[-1]


def test_the_same_content_gives_the_same_bytes():
    assert long_document().build() == long_document().build()
    assert long_document().build() != long_document(name="李*").build()


def test_characters_no_font_has_are_shown_not_dropped():
    # U+E000: private use (no bundled font has it); 堃 is in the fonts.
    assert ord("\ue000") not in pdf.charset() and ord("堃") in pdf.charset()
    assert pdf.visible("王小\ue000") == "王小〔U+E000〕"
    assert pdf.visible("a\tb\nc") == "a b c"
    assert pdf.visible(None) == "" and pdf.visible(12) == "12"
    doc = pdf.Document(title="t")
    doc.paragraph("申请人：王小\ue000")
    doc.table(["姓名"], [["李\ue000"]])
    text = pages_text(doc.build())[0]
    assert "申请人：王小〔U+E000〕" in text and "李〔U+E000〕" in text


def cell_boxes(data: bytes, needle: str) -> list[tuple[float, float, float, float]]:
    """The boxes (left, bottom, right, top) of each character of `needle` on the first page."""
    textpage = pypdfium2.PdfDocument(data)[0].get_textpage()
    text = textpage.get_text_range()
    indexes = [i for i, c in enumerate(text) if c not in "\r\n"]
    flat = "".join(text[i] for i in indexes)
    start = flat.index(needle)
    return [textpage.get_charbox(indexes[i]) for i in range(start, start + len(needle))]


def test_a_long_cell_wraps_in_its_column_and_its_row_grows():
    """Names above about 20 characters overprinted the next column (issue 13, item 9)."""
    long_name = "阿卜杜热合曼·买买提明·艾合买提江·库尔班尼亚孜·吐尔逊"  # 28 characters
    doc = pdf.Document(title="t")
    rows = [["GX-000001", long_name, "刚需家庭"], ["GX-000002", "李四", "普通"]]
    doc.table(["登记号", "申请人", "资格池"], rows, widths=[40, 30, 40])
    data = doc.build()
    text = pages_text(data)[0].replace("\r\n", "")
    assert long_name in text and "刚需家庭" in text and "GX-000002" in text
    # every character of the name inside its column (x from 40 mm to 70 mm of the table)
    left, right = pdf.MARGIN + 40 * mm, pdf.MARGIN + 70 * mm
    boxes = cell_boxes(data, long_name)
    assert all(left < box[0] and box[2] < right for box in boxes)
    lines = {round(box[3]) for box in boxes}
    assert len(lines) >= 3  # wrapped over several lines
    assert "\n·" not in pages_text(data)[0]  # no line starts with the middle dot
    # the next row starts below the last line of the long name
    below = cell_boxes(data, "GX-000002")[0]
    assert below[3] < min(box[1] for box in boxes)
    # the header's and Latin words stay whole where they can
    doc = pdf.Document(title="t")
    doc.table(["a"], [["alpha beta gamma delta epsilon"]], widths=[25])
    assert "alpha beta gamma delta" in pages_text(doc.build())[0].replace("\r\n", " ")


def test_text_is_never_read_as_markup():
    doc = pdf.Document(title="t")
    doc.paragraph("<b>粗体</b> & <font name='x'>")
    doc.key_values([("键 <i>", "值 & 值"), ("摘要", pdf.Code("abc <登记号> def"))])
    doc.code("fairdraw prove roster.csv <登记号>")
    text = pages_text(doc.build())[0]
    assert "<b>粗体</b> & <font name='x'>" in text
    assert "键 <i>" in text and "值 & 值" in text
    assert "abc <登记号> def" in text and "fairdraw prove roster.csv <登记号>" in text


def test_wrapped_tables_and_drawings():
    doc = pdf.Document(title="t")
    long = "很长的说明文字" * 30
    doc.table(["项目", "说明"], [["甲", long]], widths=[30, 60], wrap=True)
    chart = Drawing(800, 200)  # wider than the page: scaled down to fit
    chart.add(String(10, 100, pdf.visible("图表标签"), fontName=pdf.FONT, fontSize=20))
    doc.drawing(chart, keep_with="图 1 示例")
    doc.table(["空"], [])
    text = "".join(pages_text(doc.build())).replace("\r", "").replace("\n", "")
    assert long in text  # wrapped over several lines, nothing lost
    assert "图表标签" in text and "图 1 示例" in text and "（无）" in text
    assert chart.width <= pdf.FRAME_WIDTH
