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

- **Font.** Noto Sans SC, Regular and Bold (`common/fonts/`, TrueType subsets made by
  `scripts/build-font.py --pdf`: ASCII, punctuation, GB 2312 and the characters of our own
  strings), registered once per process and embedded as a subset. A character the font lacks
  (a rare name character outside GB 2312) is shown as `〔U+XXXX〕`, never silently dropped:
  every text given to this module goes through `visible()` (and `markup()` for paragraphs).
  Charts: give their strings `fontName=pdf.FONT` and pass them through `pdf.visible()`.
- **Tables.** The header row is repeated on every page. Default cells are one line each (no
  wrapping; choose widths that fit) and the table is paged by a flowable of ours in O(rows):
  reportlab's `Table` re-measures the rest of a table on every page break, quadratic for the
  tens of thousands of rows of a large batch. `wrap=True` makes every cell a paragraph that
  wraps in its column (reportlab's `Table`; for tables of up to a few hundred rows).
- **Pages.** A4 portrait, 18 mm margins; every page's footer has the document's `footer` text
  (its digest or batch code) on the left and `第 N 页 / 共 M 页` on the right.
- **Deterministic.** reportlab's invariant mode (fixed dates and document id) and no clock or
  randomness of ours: the same content gives the same bytes, so a published document can be
  rebuilt and compared.
- Builds are serialised by a lock (reportlab keeps per-process font state).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
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


@cache
def charset() -> frozenset[int]:
    """Registers the fonts (once per process) and returns the code points they can draw."""
    with _register_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "NotoSansSC-Regular.ttf")))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS_DIR / "NotoSansSC-Bold.ttf")))
            pdfmetrics.registerFontFamily(
                FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
            )
    regular = set(pdfmetrics.getFont(FONT).face.charToGlyph)
    bold = set(pdfmetrics.getFont(FONT_BOLD).face.charToGlyph)
    return frozenset(regular & bold)


def visible(value: object) -> str:
    """`value` as text the font can draw: a character it lacks becomes `〔U+XXXX〕` (so a rare
    name character is seen, not dropped); tabs and line breaks become spaces; None is empty."""
    if value is None:
        return ""
    text = str(value)
    if text.isascii() and text.isprintable():
        return text
    drawable = charset()
    out = []
    for char in text:
        code = ord(char)
        if char in "\t\r\n":
            out.append(" ")
        elif code in drawable:
            out.append(char)
        else:
            out.append(MISSING.format(code))
    return "".join(out)


def markup(value: object) -> str:
    """`visible(value)` escaped for a reportlab Paragraph (whose text is XML-like markup)."""
    return escape(visible(value))


def mono_markup(value: object) -> str:
    """Like `markup`, for text set in the monospace font: its runs of non-ASCII characters
    (which Courier lacks) are set in the CJK font."""
    return re.sub(
        r"[^\x00-\x7f]+", lambda m: f'<font name="{FONT}">{m.group(0)}</font>', markup(value)
    )


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
"""Paragraph styles by name: body, title, subtitle, h1, h2, label, cell, code, cellcode."""

_ALIGN = {"l": "LEFT", "r": "RIGHT", "c": "CENTER"}


class _PagedRows(Flowable):
    """A table of one-line rows that splits page by page in O(rows) overall, the header row
    repeated on each page, drawn straight on the canvas (one text object per page). Pieces
    index the shared `rows` list: nothing is copied."""

    font_size = 9
    padding = 3

    def __init__(
        self,
        header: list[str],
        rows: list[list[str]],
        widths: list[float],
        aligns: list[str],
        row_height: float,
        span: tuple[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.header, self.rows, self.widths, self.aligns = header, rows, widths, aligns
        self.row_height = row_height
        self.start, self.stop = span or (0, len(rows))

    def _piece(self, start: int, stop: int) -> _PagedRows:
        return _PagedRows(
            self.header, self.rows, self.widths, self.aligns, self.row_height, (start, stop)
        )

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return sum(self.widths), self.row_height * (1 + self.stop - self.start)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        fit = int(avail_height // self.row_height) - 1  # rows under the header
        if fit < 1:
            return []  # not even one row here: the frame moves on to the next page
        cut = min(self.start + fit, self.stop)
        pieces = [self._piece(self.start, cut)]
        if cut < self.stop:
            pieces.append(self._piece(cut, self.stop))
        return pieces

    def draw(self) -> None:
        canvas, height, size = self.canv, self.row_height, self.font_size
        rows = self.rows[self.start : self.stop]
        width = sum(self.widths)
        top = height * (len(rows) + 1)
        canvas.saveState()
        canvas.setFillColor(HEADER_BACKGROUND)
        canvas.rect(0, top - height, width, height, stroke=0, fill=1)
        canvas.setFillColor(STRIPE)
        for i in range(2, len(rows) + 1, 2):
            canvas.rect(0, top - (i + 1) * height, width, height, stroke=0, fill=1)
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.3)
        canvas.grid(xs, [top - i * height for i in range(len(rows) + 2)])
        canvas.setFillColor(colors.black)
        text = canvas.beginText()
        baseline = (height - size * 0.72) / 2  # cap height of Noto Sans is about 0.72 em
        for i, row in enumerate([self.header, *rows]):
            font = FONT_BOLD if i == 0 else FONT
            text.setFont(font, size)
            y = top - (i + 1) * height + baseline
            for value, x, w, align in zip(row, xs, self.widths, self.aligns, strict=False):
                if not value:
                    continue
                if align == "LEFT":
                    left = x + self.padding
                elif align == "RIGHT":
                    left = x + w - self.padding - pdfmetrics.stringWidth(value, font, size)
                else:
                    left = x + (w - pdfmetrics.stringWidth(value, font, size)) / 2
                text.setTextOrigin(left, y)
                text.textOut(value)
        canvas.drawText(text)
        canvas.restoreState()


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
        self.setFont(FONT, 8)
        self.setFillColor(colors.HexColor("#4a5560"))
        self.drawString(MARGIN, y, visible(self.footer))
        self.drawRightString(width - MARGIN, y, f"第 {number} 页 / 共 {total} 页")
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
        charset()
        self.meta = {"title": title, "author": author, "subject": subject}
        self.footer = footer
        self.story: list[Flowable] = []

    # -- content -----------------------------------------------------------------------------

    def append(self, flowable: Flowable) -> None:
        self.story.append(flowable)

    def title(self, text: str, subtitle: str = "") -> None:
        self.story.append(Paragraph(markup(text), STYLES["title"]))
        if subtitle:
            self.story.append(Paragraph(markup(subtitle), STYLES["subtitle"]))
            self.story.append(Spacer(1, 3 * mm))

    def heading(self, text: str, level: int = 1) -> None:
        # Never leave a heading alone at the foot of a page.
        self.story.append(CondPageBreak(30 * mm))
        self.story.append(Paragraph(markup(text), STYLES["h1" if level == 1 else "h2"]))

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
            data.append([Paragraph(markup(label), STYLES["label"]), cell])
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
            head = [Paragraph(markup(h), STYLES["label"]) for h in header]
            body: list[list[Any]] = [
                [Paragraph(markup(value), STYLES["cell"]) for value in row] for row in rows
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
            body = [[visible(value) for value in row] for row in rows]
            if body:
                self.story.append(
                    _PagedRows(
                        [visible(h) for h in header], body, col_widths, aligns, row_height=14
                    )
                )
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
