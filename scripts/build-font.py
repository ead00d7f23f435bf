"""Build the CJK fonts the app ships: the web font it serves (static/gaoxin/fonts/, WOFF2) and the
TrueType fonts it embeds in PDFs (common/fonts/, Regular and Bold).

Source: Noto Sans CJK SC (SIL Open Font License 1.1) from Debian's fonts-noto-cjk, subset to
ASCII, common punctuation, GB 2312's symbols and full-width forms, its 6,763 hanzi, and every
character our own code, templates and translations use.

- The web font keeps the source's CFF outlines and layout features. Characters outside it (some
  rare name characters) fall back to the system's fonts; the stylesheet lists local CJK fonts
  first, so browsers that have one never download it.
- The PDF fonts are converted to TrueType (quadratic, glyf) outlines, because reportlab embeds
  only those: fontTools' cu2qu pen, the otf2ttf recipe. Layout tables and hints are dropped
  (reportlab does no shaping). About 4 MB each; GBK's 21,000 hanzi would make them ~12 MB, so a
  character outside the set is shown visibly by `gaoxin.common.pdf` (`〔U+XXXX〕`), never
  silently dropped.

Needs: pip install fonttools brotli (a build-time tool, not a dependency of the app).

Usage: python scripts/build-font.py [--web] [--pdf] [REGULAR_TTC]
  default: both, from /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc (and -Bold.ttc
  beside it for the PDF's bold)
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

REPO = Path(__file__).resolve().parents[1]
WEB_OUT = REPO / "gaoxin" / "static" / "gaoxin" / "fonts"
PDF_OUT = REPO / "gaoxin" / "common" / "fonts"
DEFAULT_SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SC_INDEX = 2  # in NotoSansCJK-*.ttc the fonts are JP, KR, SC, TC, HK
PUNCTUATION = "·—–‘’“”…、。，；：？！（）《》〈〉「」『』【】〔〕［］｛｝￥×÷±≤≥№※→←↑↓●○■□★☆✓"
OWN_SOURCES = ("*.py", "*.html", "*.po", "*.txt", "*.md")


def gb2312_characters() -> str:
    chars = []
    for high in range(0xB0, 0xF8):  # level 1 and 2 hanzi
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    for high in range(0xA1, 0xAA):  # punctuation, full-width forms, symbols
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def own_characters() -> str:
    """Every non-ASCII character in our own code, templates, translations and docs (not the
    tests': they use characters outside the set on purpose)."""
    found: set[str] = set()
    for pattern in OWN_SOURCES:
        for path in [*(REPO / "gaoxin").rglob(pattern), *(REPO / "docs").rglob(pattern)]:
            if "tests" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="ignore")
            found.update(re.findall(r"[^\x00-\x7f]", text))
    return "".join(sorted(found))


def character_set() -> str:
    ascii_text = "".join(chr(c) for c in range(0x20, 0x7F))
    return "".join(dict.fromkeys(ascii_text + PUNCTUATION + gb2312_characters() + own_characters()))


def subset_font(source: str, text: str, *, layout: bool) -> TTFont:
    font = TTCollection(source).fonts[SC_INDEX]
    options = subset.Options()
    options.layout_features = ["*"] if layout else []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = layout
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    return font


def to_truetype(font: TTFont, max_err: float = 1.0) -> None:
    """CFF (cubic) outlines to glyf (quadratic): fontTools' otf2ttf recipe."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG", "GSUB", "GPOS", "GDEF", "BASE"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
    ):
        setattr(maxp, field, 0)
    maxp.maxComponentElements = max(
        len(getattr(glyph, "components", [])) for glyph in glyf.glyphs.values()
    )
    maxp.compile(font)
    font["post"].formatType = 3.0  # no glyph names (CID fonts have none worth keeping)
    font.sfntVersion = "\x00\x01\x00\x00"


def build_web(source: str, text: str) -> None:
    WEB_OUT.mkdir(parents=True, exist_ok=True)
    font = subset_font(source, text, layout=True)
    font.flavor = "woff2"
    target = WEB_OUT / "NotoSansSC-Regular.woff2"
    font.save(target)
    print(f"wrote {target} ({len(text)} characters, {target.stat().st_size:,} bytes)")


def build_pdf(source: str, text: str) -> None:
    PDF_OUT.mkdir(parents=True, exist_ok=True)
    for weight in ("Regular", "Bold"):
        weight_source = source.replace("Regular", weight)
        font = subset_font(weight_source, text, layout=False)
        to_truetype(font)
        target = PDF_OUT / f"NotoSansSC-{weight}.ttf"
        font.save(target)
        print(f"wrote {target} ({len(text)} characters, {target.stat().st_size:,} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=DEFAULT_SOURCE)
    parser.add_argument("--web", action="store_true", help="the WOFF2 web font")
    parser.add_argument("--pdf", action="store_true", help="the TrueType PDF fonts")
    args = parser.parse_args()
    both = not (args.web or args.pdf)
    text = character_set()
    if args.web or both:
        build_web(args.source, text)
    if args.pdf or both:
        build_pdf(args.source, text)


if __name__ == "__main__":
    main()
