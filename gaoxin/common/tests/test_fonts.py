"""Every name prints (issue 13, item 9): the 8,105 characters of the 通用规范汉字表 and the
extension characters used in names are drawn by the bundled fonts in every PDF, checked on the
document itself: text extraction gives every character back, each character's font (as pdfium
reads it from the PDF) has a glyph for it, each glyph leaves ink on the rendered page, and OCR
reads a sample."""

from __future__ import annotations

import ctypes

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from gaoxin.common import charsets, pdf
from gaoxin.testing.ocr import ocr

# Name characters reported in issue 13 (outside GB 2312; 𠮷 is Ext B, 䶮 Ext A).
NAME_CHARACTERS = "堃喆昇珺镕赟玥彧𠮷䶮龘"
# Drawn only by the fallback font (HanaMinA's, which Noto Sans CJK SC lacks).
FALLBACK_ONLY = "𠀀𠁁𠂹"


def test_the_table_has_8105_distinct_characters_in_three_levels():
    first, second, third = charsets.tygf_levels()
    assert (len(first), len(second), len(third)) == (3500, 3000, 1605)
    table = charsets.tygf()
    assert len(set(table)) == len(table) == 8105
    assert all(charsets.is_han(c) for c in table)
    assert table[:5] == "一乙二十丁" and third.endswith("蠼")
    assert sum(ord(c) > 0xFFFF for c in table) == 196  # outside the BMP: Ext B to F


def characters(data: bytes) -> list[tuple[str, str, tuple[float, float, float, float], int]]:
    """(character, base font name, box in page points, page number) of every character pdfium
    reads from the document, white space left out."""
    document = pypdfium2.PdfDocument(data)
    found = []
    for number in range(len(document)):
        textpage = document[number].get_textpage()
        text = textpage.get_text_range()
        raw = textpage.raw
        buffer = ctypes.create_string_buffer(200)
        flags = ctypes.c_int()
        index = 0
        for char in text:  # get_text_range joins surrogate pairs: one char each
            if char in "\r\n":
                continue
            while index < pdfium_c.FPDFText_CountChars(raw):
                code = pdfium_c.FPDFText_GetUnicode(raw, index)
                index += 1
                if 0xDC00 <= code <= 0xDFFF or code in (0x0D, 0x0A):
                    continue
                break
            if char.isspace():
                continue
            pdfium_c.FPDFText_GetFontInfo(raw, index - 1, buffer, 200, ctypes.byref(flags))
            box = [ctypes.c_double() for _ in range(4)]
            pdfium_c.FPDFText_GetCharBox(raw, index - 1, *(ctypes.byref(b) for b in box))
            left, right, bottom, top = (b.value for b in box)
            found.append((char, buffer.value.decode(), (left, right, bottom, top), number))
    return found


def glyph_owners() -> dict[str, set[int]]:
    """Each bundled font's PostScript name (as a PDF names it) and the code points it draws."""
    pdf.charset()
    return {
        pdfmetrics.getFont(name).face.name.decode(): set(pdfmetrics.getFont(name).face.charToGlyph)
        for name in pdf.FONT_FILES
    }


def has_ink(image, box: tuple[float, float, float, float], page_height: float, scale: float):
    left, right, bottom, top = box
    crop = image.crop(
        (
            int(left * scale),
            int((page_height - top) * scale),
            int(right * scale) + 1,
            int((page_height - bottom) * scale) + 1,
        )
    )
    darkest, _ = crop.getextrema()
    return darkest < 160


@pytest.mark.slow
def test_every_character_of_the_table_and_the_name_characters_print():
    table = charsets.tygf()
    expected = table + NAME_CHARACTERS + FALLBACK_ONLY
    doc = pdf.Document(title="通用规范汉字表")
    doc.title("通用规范汉字表 " + NAME_CHARACTERS)  # the bold font's chain too
    for start in range(0, len(expected), 40):
        doc.paragraph(expected[start : start + 40])
    data = doc.build()

    read = characters(data)
    text = "".join(c for c, *_ in read)
    assert "〔U+" not in text
    missing = [c for c in expected if c not in text]
    assert not missing, "".join(missing)

    owners = glyph_owners()
    wrong = [(c, font) for c, font, *_ in read if ord(c) not in owners[font.split("+")[-1]]]
    assert not wrong, wrong[:20]  # each character drawn by a font that has its glyph
    used = {font.split("+")[-1] for c, font, *_ in read if c in FALLBACK_ONLY}
    assert used == {"GaoxinHanFallback-Regular"}

    document = pypdfium2.PdfDocument(data)
    scale = 2
    images = [document[i].render(scale=scale).to_pil().convert("L") for i in range(len(document))]
    height = document[0].get_height()
    blank = [
        c
        for c, _font, box, number in read
        if charsets.is_han(c) and not has_ink(images[number], box, height, scale)
    ]
    assert not blank, "".join(blank)


@pytest.mark.slow
def test_ocr_reads_a_sample_of_the_table(tmp_path):
    """Tesseract's chi_sim model reads common characters; of the table's second and third
    levels it recognises almost none, however they are drawn (those are checked above, by
    extraction, glyph and ink). The sample: every 25th character of the first level."""
    first, _second, _third = charsets.tygf_levels()
    sample = first[::25]
    style = ParagraphStyle("sample", fontName=pdf.FONT, fontSize=20, leading=36)
    doc = pdf.Document(title="样本")
    for start in range(0, len(sample), 10):
        doc.append(Paragraph(pdf.markup(sample[start : start + 10]), style))
    document = pypdfium2.PdfDocument(doc.build())
    seen = ""
    for i in range(len(document)):
        image = tmp_path / f"sample{i}.png"
        document[i].render(scale=3).to_pil().convert("L").save(image)
        seen += ocr(image)
    read = [c for c in sample if c in seen]
    # OCR is not exact on characters out of context (about 3 in 4 are read): most of the
    # sample, and none of it as a code point.
    assert len(read) >= 0.7 * len(sample), (len(read), len(sample), seen)
    assert "U+" not in seen


def test_only_what_no_bundled_font_draws_is_shown_as_its_code_point():
    assert all(pdf.drawable(c) for c in NAME_CHARACTERS + FALLBACK_ONLY)
    assert pdf.visible("王小堃") == "王小堃"
    # A private-use character (some local population systems use them) and a hanzi of
    # Unicode 14 that neither Noto Sans CJK 2.004 nor HanaMinA has.
    assert pdf.undrawable("李\ue000明\u9ff0") == ["\ue000", "\u9ff0"]
    assert pdf.visible("李\ue000明") == "李〔U+E000〕明"
    assert pdf.runs("王𠀀A") == [(pdf.FONT, "王"), (pdf.FALLBACK, "𠀀"), (pdf.FONT, "A")]
    owners = glyph_owners()
    bold, regular = owners["NotoSansCJKsc-Bold"], owners["NotoSansCJKsc-Regular"]
    regular_only = next(chr(c) for c in sorted(regular - bold) if c >= 0x20000)
    assert pdf.markup(f"<堃{regular_only}𠀀>", pdf.FONT_BOLD) == (
        f'&lt;堃<font name="NotoSansSC">{regular_only}</font>'
        '<font name="GaoxinHanFallback">𠀀</font>&gt;'
    )
