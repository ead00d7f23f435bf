"""A4 documents in Chinese, on reportlab's platypus: the draw's announcement
(`housing.documents`) and the sale's closing report are built with it.

    from gaoxin.common import pdf

    doc = pdf.Document(title="高新雅苑 第一批次 摇号结果公告", footer="GX26A · 协议摘要 3f2a…")
    doc.title("高新雅苑 第一批次 摇号结果公告")
    doc.paragraph("…")                  # plain text: escaped here, Chinese wraps (CJK rules)
    doc.heading("一、批次信息")           # level 1 (default) or 2
    doc.key_values([("批次编号", "GX26A"), ("默克尔根", pdf.Code(root))])
    doc.table(["登记号", "姓名", "排名"], rows, widths=[40, 30, 20], align="llr")
    doc.drawing(chart)                   # a reportlab.graphics.shapes.Drawing (charts)
    doc.code("fairdraw verify …")        # monospace block (commands, digests), breaks anywhere
    doc.append(flowable)                 # any other platypus flowable (styles: pdf.STYLES)
    data: bytes = doc.build()

- **Fonts.** Bundled in `common/fonts/` (nothing is asked of the server's fonts), TrueType
  subsets made by `scripts/build-font.py --pdf`, registered once per process and embedded as
  subsets: Noto Sans SC Regular (every hanzi Noto Sans CJK SC has: the 8,105 of the
  通用规范汉字表, GB 2312, the whole URO, Ext A and 2,365 characters of Ext B–F), Noto Sans SC
  Bold (the 8,105, GB 2312 and our own strings) and `GaoxinHanFallback` (the ~1,400 hanzi of
  Ext B–F and the compatibility blocks that HanaMinA has and Noto lacks). Each character is
  drawn in the first font of its text's chain that has it (`FONT`: Regular, fallback;
  `FONT_BOLD`: Bold, Regular, fallback): paragraphs get `<font name=…>` runs
  (`markup(text, font)`), canvas text is drawn run by run (`runs`). A character no bundled
  font has is shown as `〔U+XXXX〕`, never silently dropped (`visible()`; `drawable()` says
  which are; the registry's import warns about such a character in a name). Charts: give
  their strings `fontName=pdf.FONT` and pass them through `pdf.visible(text, pdf.FONT)` (a
  chart string is drawn in one font). Characters outside the BMP are extracted right: the
  fonts' ToUnicode maps write them as UTF-16 pairs (`_to_unicode_cmap`, replacing reportlab's).
- **Tables.** The header row is repeated on every page. By default a cell wraps in its column
  (at any character, preferring a space), its row grows, and the table is paged by a flowable
  of ours in O(rows): reportlab's `Table` re-measures the rest of a table on every page break,
  quadratic for the tens of thousands of rows of a large batch. `wrap=True` makes every cell a
  paragraph aligned as `align` says (reportlab's `Table`; for tables of up to a few
  hundred rows).
- **Pages.** A4 portrait, 18 mm margins; every page's footer has the document's `footer` text
  (its digest or batch code) on the left and `第 N 页 / 共 M 页` on the right.
- **Deterministic.** reportlab's invariant mode (fixed dates and document id) and no clock or
  randomness of ours: the same content gives the same bytes, so a published document can be
  rebuilt and compared.
- Builds are serialised by a lock (reportlab keeps per-process font state).
"""

from __future__ import annotations

import bisect
import io
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "NotoSansSC"
FONT_BOLD = "NotoSansSC-Bold"
FALLBACK = "GaoxinHanFallback"
FONT_FILES = {
    FONT: "NotoSansSC-Regular.ttf",
    FONT_BOLD: "NotoSansSC-Bold.ttf",
    FALLBACK: "GaoxinHanFallback.ttf",
}
MONO = "Courier"  # one of PDF's standard fonts (not embedded): ASCII only, see mono_markup
PAGE_SIZE = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
MISSING = "〔U+{:04X}〕"
GRID = colors.HexColor("#9aa3ad")
HEADER_BACKGROUND = colors.HexColor("#e8edf2")
STRIPE = colors.HexColor("#f6f8fa")

_build_lock = threading.Lock()
_register_lock = threading.Lock()


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap (ttfonts.makeToUnicodeCMap), with characters outside the BMP
    written as UTF-16 surrogate pairs, as the PDF reference requires: reportlab 4 writes
    `%04X` of the code point, so text extraction reads 𠮷 (U+20BB7) as U+20BB."""
    entries = [
        f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>" for i, v in enumerate(subset)
    ]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # read by TTFont.addObjects when a PDF is written


CHAINS: dict[str, tuple[str, ...]] = {
    FONT: (FONT, FALLBACK),
    FONT_BOLD: (FONT_BOLD, FONT, FALLBACK),
    MONO: (MONO, FONT, FALLBACK),
}
"""For text whose base font is the key, the fonts tried for each character, in order."""


@cache
def _cmaps() -> dict[str, frozenset[int]]:
    """Registers the fonts (once per process); the code points each can draw."""
    with _register_lock:
        registered = pdfmetrics.getRegisteredFontNames()
        for name, file in FONT_FILES.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / file)))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
        )
    cmaps = {name: frozenset(pdfmetrics.getFont(name).face.charToGlyph) for name in FONT_FILES}
    cmaps[MONO] = frozenset(range(0x20, 0x7F))  # PDF's standard Courier: printable ASCII
    return cmaps


@cache
def charset() -> frozenset[int]:
    """The code points some bundled font can draw (registers the fonts first)."""
    cmaps = _cmaps()
    return frozenset().union(*(cmaps[name] for name in FONT_FILES))


def drawable(char: str) -> bool:
    """Whether a bundled font can draw `char` (else it prints as `〔U+XXXX〕`)."""
    return ord(char) in charset()


def undrawable(text: str) -> list[str]:
    """The distinct characters of `text` that no bundled font can draw, in order."""
    if text.isascii():
        return []
    drawn = charset()
    return list(dict.fromkeys(c for c in text if ord(c) not in drawn and c not in "\t\r\n"))


def visible(value: object, font: str | None = None) -> str:
    """`value` as text the bundled fonts can draw: a character none has becomes `〔U+XXXX〕`
    (so a rare name character is seen, not dropped); tabs and line breaks become spaces; None
    is empty. With `font`, a character that font lacks becomes `〔U+XXXX〕` too (for text
    drawn in that font alone: charts)."""
    if value is None:
        return ""
    text = str(value)
    if text.isascii() and text.isprintable():
        return text
    drawn = _cmaps()[font] if font else charset()
    out = []
    for char in text:
        code = ord(char)
        if char in "\t\r\n":
            out.append(" ")
        elif code in drawn:
            out.append(char)
        else:
            out.append(MISSING.format(code))
    return "".join(out)


def runs(value: object, font: str = FONT) -> list[tuple[str, str]]:
    """`visible(value)` cut into runs of (font name, text), each character in the first font
    of `font`'s chain (CHAINS) that has it."""
    text = visible(value)
    if not text:
        return []
    chain = CHAINS[font]
    if text.isascii():
        return [(font, text)]
    cmaps = _cmaps()
    found: list[tuple[str, str]] = []
    current, start = font, 0
    for i, char in enumerate(text):
        code = ord(char)
        name = next((f for f in chain if code in cmaps[f]), font)
        if name != current and i > start:
            found.append((current, text[start:i]))
            start = i
        current = name
    found.append((current, text[start:]))
    return found


def markup(value: object, font: str = FONT) -> str:
    """`visible(value)` escaped for a reportlab Paragraph (whose text is XML-like markup) whose
    style's font is `font`; characters that font lacks are set in a `<font name=…>` run of the
    next font of its chain that has them."""
    return "".join(
        escape(text) if name == font else f'<font name="{name}">{escape(text)}</font>'
        for name, text in runs(value, font)
    )


def mono_markup(value: object) -> str:
    """Like `markup`, for text set in the monospace font: its runs of non-ASCII characters
    (which Courier lacks) are set in the CJK fonts."""
    return markup(value, MONO)


def string_width(value: str, font: str, size: float) -> float:
    """The width of `value` (already `visible`) drawn run by run in `font`'s chain."""
    return sum(pdfmetrics.stringWidth(text, name, size) for name, text in runs(value, font))


@dataclass(frozen=True)
class Code:
    """A value shown in the monospace font (digests, commands)."""

    text: str


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "body": body,
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=18,
            leading=26,
            alignment=TA_CENTER,
            spaceAfter=4 * mm,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=body, alignment=TA_CENTER, textColor=colors.HexColor("#4a5560")
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=13,
            leading=19,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=16,
            spaceBefore=3 * mm,
            spaceAfter=1.5 * mm,
        ),
        "label": ParagraphStyle("label", parent=body, fontName=FONT_BOLD, fontSize=9, leading=13),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=13),
        "cellright": ParagraphStyle(
            "cellright", parent=body, fontSize=9, leading=13, alignment=TA_RIGHT
        ),
        "code": ParagraphStyle(
            "code",
            parent=body,
            fontName=MONO,
            fontSize=8.5,
            leading=12,
            backColor=STRIPE,
            borderPadding=(2 * mm, 2 * mm, 2 * mm, 2 * mm),
            spaceBefore=2 * mm,
            spaceAfter=3 * mm,
        ),
        "cellcode": ParagraphStyle(
            "cellcode", parent=body, fontName=MONO, fontSize=8.5, leading=12
        ),
    }


STYLES: dict[str, ParagraphStyle] = _styles()
"""Paragraph styles by name: body, title, subtitle, h1, h2, label, cell, cellright, code,
cellcode."""

_ALIGN = {"l": "LEFT", "r": "RIGHT", "c": "CENTER"}


Cell = str | tuple[tuple[tuple[str, str], ...], ...]
"""A table cell as `_PagedRows` keeps it: text on one line in the base font, or lines of runs
(font name, text)."""


NO_LINE_START = frozenset("·、，。；：？！）》」』】〕…—,.;:?!)]}%")
"""Characters a line does not start with (the Chinese line-breaking rule)."""


def _break(value: str, font: str, size: float, width: float) -> list[str]:
    """`value` cut into lines no wider than `width`: at any character (Chinese), but at the
    last space of the line when there is one (words of Latin script stay whole if they can)."""
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for name, text in runs(value, font):
        for char in text:
            w = pdfmetrics.stringWidth(char, name, size)
            if line and used + w > width:
                joined = "".join(line)
                cut = joined.rfind(" ")
                if 0 < cut < len(joined) - 1 and not char.isspace():
                    lines.append(joined[:cut])
                    line = list(joined[cut + 1 :])
                elif char in NO_LINE_START and len(line) > 1:  # the line's last character
                    lines.append(joined[:-1])  # goes down with it
                    line = [joined[-1]]
                else:
                    lines.append(joined.rstrip())
                    line = []
                used = string_width("".join(line), font, size)
                if char.isspace() and not line:
                    continue
            line.append(char)
            used += w
    if line or not lines:
        lines.append("".join(line))
    return lines


def _cell(value: object, font: str, size: float, width: float) -> Cell:
    text = visible(value)
    cmap = _cmaps()[font]
    one_font = text.isascii() or all(ord(c) in cmap for c in text)
    if one_font and pdfmetrics.stringWidth(text, font, size) <= width:
        return text  # the common case: one line, one font, kept as it is
    if string_width(text, font, size) <= width:
        return (tuple(runs(text, font)),)
    return tuple(tuple(runs(line, font)) for line in _break(text, font, size, width))


def _lines(cell: Cell) -> int:
    return 1 if isinstance(cell, str) else len(cell)


class _PagedRows(Flowable):
    """A table that splits page by page in O(rows) overall, the header row repeated on each
    page, drawn straight on the canvas (one text object per page). A cell wider than its column
    wraps and its row grows (`offsets` holds each row's top, for a binary search at a page
    break). Pieces index the shared `rows` list: nothing is copied."""

    font_size = 9
    padding = 3
    row_height = 14  # one line
    leading = 12  # each further line

    def __init__(
        self,
        header: list[Cell],
        rows: list[list[Cell]],
        widths: list[float],
        aligns: list[str],
        offsets: list[float] | None = None,
        span: tuple[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.header, self.rows, self.widths, self.aligns = header, rows, widths, aligns
        if offsets is None:
            offsets = [0.0]
            for row in rows:
                offsets.append(offsets[-1] + self._height(row))
        self.offsets = offsets
        self.start, self.stop = span or (0, len(rows))
        self.header_height = self._height(header)

    def _height(self, row: list[Cell]) -> float:
        return self.row_height + self.leading * (max(map(_lines, row), default=1) - 1)

    def _piece(self, start: int, stop: int) -> _PagedRows:
        return _PagedRows(
            self.header, self.rows, self.widths, self.aligns, self.offsets, (start, stop)
        )

    def _body_height(self, start: int, stop: int) -> float:
        return self.offsets[stop] - self.offsets[start]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return sum(self.widths), self.header_height + self._body_height(self.start, self.stop)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        room = avail_height - self.header_height  # for rows under the header
        limit = self.offsets[self.start] + room + 1e-6
        cut = min(
            bisect.bisect_right(self.offsets, limit, self.start, self.stop + 1) - 1, self.stop
        )
        if cut <= self.start:
            return []  # not even one row here: the frame moves on to the next page
        pieces = [self._piece(self.start, cut)]
        if cut < self.stop:
            pieces.append(self._piece(cut, self.stop))
        return pieces

    def draw(self) -> None:
        canvas, size = self.canv, self.font_size
        rows = self.rows[self.start : self.stop]
        width = sum(self.widths)
        tops = [self.header_height + self._body_height(self.start, self.stop)]
        tops.append(tops[0] - self.header_height)
        for i in range(self.start, self.stop):
            tops.append(tops[-1] - (self.offsets[i + 1] - self.offsets[i]))
        canvas.saveState()
        canvas.setFillColor(HEADER_BACKGROUND)
        canvas.rect(0, tops[1], width, self.header_height, stroke=0, fill=1)
        canvas.setFillColor(STRIPE)
        for i in range(2, len(rows) + 1, 2):
            canvas.rect(0, tops[i + 1], width, tops[i] - tops[i + 1], stroke=0, fill=1)
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.3)
        canvas.grid(xs, tops)
        canvas.setFillColor(colors.black)
        text = canvas.beginText()
        current = ""
        for i, row in enumerate([self.header, *rows]):
            font = FONT_BOLD if i == 0 else FONT
            bottom, height = tops[i + 1], tops[i] - tops[i + 1]
            for value, x, w, align in zip(row, xs, self.widths, self.aligns, strict=False):
                if not value:
                    continue
                lines = [((font, value),)] if isinstance(value, str) else value
                # cap height of Noto Sans is about 0.72 em; lines centred in the row
                block = size * 0.72 + self.leading * (len(lines) - 1)
                baseline = bottom + (height - block) / 2 + self.leading * (len(lines) - 1)
                for line in lines:
                    if align == "LEFT":
                        left = x + self.padding
                    else:
                        line_width = sum(pdfmetrics.stringWidth(t, f, size) for f, t in line)
                        if align == "RIGHT":
                            left = x + w - self.padding - line_width
                        else:
                            left = x + (w - line_width) / 2
                    text.setTextOrigin(left, baseline)
                    for name, part in line:
                        if name != current:
                            text.setFont(name, size)
                            current = name
                        text.textOut(part)
                    baseline -= self.leading
        canvas.drawText(text)
        canvas.restoreState()


def _draw_runs(
    canvas: rl_canvas.Canvas,
    x: float,
    y: float,
    value: str,
    font: str,
    size: float,
    *,
    right: bool = False,
) -> None:
    """`value` drawn on `canvas` run by run in `font`'s chain, starting (or ending) at x."""
    if right:
        x -= string_width(value, font, size)
    for name, part in runs(value, font):
        canvas.setFont(name, size)
        canvas.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, name, size)


class _NumberedCanvas(rl_canvas.Canvas):
    """Holds every page until the end so each footer can say `共 M 页` (reportlab's known
    two-pass-free recipe: page states are kept, numbered and written at save)."""

    footer = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._footer(number, total)
            super().showPage()
        super().save()

    def _footer(self, number: int, total: int) -> None:
        width, _height = self._pagesize
        y = MARGIN * 0.55
        self.saveState()
        self.setStrokeColor(GRID)
        self.setLineWidth(0.4)
        self.line(MARGIN, y + 10, width - MARGIN, y + 10)
        self.setFillColor(colors.HexColor("#4a5560"))
        _draw_runs(self, MARGIN, y, self.footer, FONT, 8)
        _draw_runs(self, width - MARGIN, y, f"第 {number} 页 / 共 {total} 页", FONT, 8, right=True)
        self.restoreState()


class Document:
    """An A4 document in Chinese; add content in reading order, then `build()`."""

    def __init__(
        self,
        *,
        title: str,
        footer: str = "",
        author: str = "高新区管委会",
        subject: str = "",
    ) -> None:
        _cmaps()
        self.meta = {"title": title, "author": author, "subject": subject}
        self.footer = footer
        self.story: list[Flowable] = []

    # -- content -----------------------------------------------------------------------------

    def append(self, flowable: Flowable) -> None:
        self.story.append(flowable)

    def title(self, text: str, subtitle: str = "") -> None:
        self.story.append(Paragraph(markup(text, FONT_BOLD), STYLES["title"]))
        if subtitle:
            self.story.append(Paragraph(markup(subtitle), STYLES["subtitle"]))
            self.story.append(Spacer(1, 3 * mm))

    def heading(self, text: str, level: int = 1) -> None:
        # Never leave a heading alone at the foot of a page.
        self.story.append(CondPageBreak(30 * mm))
        self.story.append(Paragraph(markup(text, FONT_BOLD), STYLES["h1" if level == 1 else "h2"]))

    def paragraph(self, text: str) -> None:
        self.story.append(Paragraph(markup(text), STYLES["body"]))

    def code(self, text: str) -> None:
        """Monospace block; each line of `text` starts a new line."""
        lines = "<br/>".join(mono_markup(line) for line in text.splitlines())
        self.story.append(Paragraph(lines, STYLES["code"]))

    def spacer(self, height_mm: float = 3) -> None:
        self.story.append(Spacer(1, height_mm * mm))

    def page_break(self) -> None:
        self.story.append(PageBreak())

    def key_values(self, items: Iterable[tuple[str, object]], label_width: float = 38) -> None:
        """A two-column block of labels and values; a `Code` value is set in monospace."""
        data = []
        for label, value in items:
            if isinstance(value, Code):
                cell = Paragraph(mono_markup(value.text), STYLES["cellcode"])
            else:
                cell = Paragraph(markup(value), STYLES["cell"])
            data.append([Paragraph(markup(label, FONT_BOLD), STYLES["label"]), cell])
        if not data:
            return
        table = Table(
            data,
            colWidths=[label_width * mm, FRAME_WIDTH - label_width * mm],
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                ]
            ),
            hAlign="LEFT",
        )
        self.story.append(table)

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        widths: Sequence[float] | None = None,
        align: str = "",
        wrap: bool = False,
        empty: str = "（无）",
    ) -> int:
        """A table with `header` repeated on every page; `widths` in mm (default: equal shares
        of the page), `align` one letter per column (l, r, c; default l). Returns the number
        of rows. `rows` is consumed once (an iterator is fine)."""
        columns = len(header)
        col_widths = [w * mm for w in widths] if widths else [FRAME_WIDTH / columns for _ in header]
        aligns = [_ALIGN[(align[i : i + 1] or "l").lower()] for i in range(columns)]
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
            ("FONTNAME", (0, 1), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
            ("GRID", (0, 0), (-1, -1), 0.3, GRID),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        commands += [("ALIGN", (i, 0), (i, -1), a) for i, a in enumerate(aligns)]
        if wrap:
            head = [Paragraph(markup(h, FONT_BOLD), STYLES["label"]) for h in header]
            styles = [STYLES["cellright" if a == "RIGHT" else "cell"] for a in aligns]
            body: list[list[Any]] = [
                [Paragraph(markup(value), style) for value, style in zip(row, styles, strict=False)]
                for row in rows
            ]
            if body:
                self.story.append(
                    Table(
                        [head, *body],
                        colWidths=col_widths,
                        repeatRows=1,
                        style=TableStyle(commands),
                        hAlign="LEFT",
                    )
                )
        else:
            size, room = _PagedRows.font_size, [w - 2 * _PagedRows.padding for w in col_widths]
            body = [
                [_cell(value, FONT, size, w) for value, w in zip(row, room, strict=False)]
                for row in rows
            ]
            if body:
                head_cells = [
                    _cell(h, FONT_BOLD, size, w) for h, w in zip(header, room, strict=False)
                ]
                self.story.append(_PagedRows(head_cells, body, col_widths, aligns))
        if not body:
            self.paragraph(empty)
        self.story.append(Spacer(1, 2 * mm))
        return len(body)

    def drawing(self, drawing: Drawing, *, keep_with: str = "") -> None:
        """A reportlab Drawing (a chart), scaled down to the page width if wider; `keep_with`
        is an optional caption kept on the same page."""
        if drawing.width > FRAME_WIDTH:
            factor = FRAME_WIDTH / drawing.width
            drawing.scale(factor, factor)
            drawing.width, drawing.height = drawing.width * factor, drawing.height * factor
        parts: list[Flowable] = [drawing]
        if keep_with:
            parts.append(Paragraph(markup(keep_with), STYLES["subtitle"]))
        self.story.append(KeepTogether(parts))

    # -- output ------------------------------------------------------------------------------

    def build(self) -> bytes:
        buffer = io.BytesIO()
        template = SimpleDocTemplate(
            buffer,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            invariant=1,
            pageCompression=1,
            title=visible(self.meta["title"]),
            author=visible(self.meta["author"]),
            subject=visible(self.meta["subject"]),
            creator="Gaoxin",
            producer="Gaoxin (reportlab)",
        )
        footer = self.footer

        class Canvas(_NumberedCanvas):
            pass

        Canvas.footer = footer
        with _build_lock:
            template.build(list(self.story), canvasmaker=Canvas)
        return buffer.getvalue()
