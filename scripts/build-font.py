"""Build the CJK fonts the app ships: the web font it serves (static/gaoxin/fonts/, WOFF2) and the
TrueType fonts it embeds in PDFs (common/fonts/: Noto Sans SC Regular and Bold, and a fallback
for the extension characters Noto lacks).

Sources (all SIL Open Font License 1.1, from Debian packages: `apt-get install fonts-noto-cjk
fonts-hanazono`): Noto Sans CJK SC 2.004 (fonts-noto-cjk) and HanaMinA (fonts-hanazono,
2017-09-04).

- The web font: Noto Sans SC subset to ASCII, common punctuation, GB 2312's symbols and
  full-width forms, its 6,763 hanzi, and every character our own code, templates and
  translations use. It keeps the source's CFF outlines and layout features. Characters outside
  it (some rare name characters) fall back to the system's fonts; the stylesheet lists local
  CJK fonts first, so browsers that have one never download it.
- The PDF fonts are converted to TrueType (quadratic, glyf) outlines, because reportlab embeds
  only those: fontTools' cu2qu pen, the otf2ttf recipe. Layout tables and hints are dropped
  (reportlab does no shaping).
  - NotoSansSC-Regular.ttf: the web font's characters, the 8,105 of the 通用规范汉字表 (2013,
    `common/data/tygf_8105.txt`; 196 of them are outside the BMP's main block), Latin-1 and
    general punctuation, and every hanzi Noto Sans CJK SC has: the whole URO (GBK's and
    GB 18030's 20,902 and later additions), Ext A (GB 18030's mandatory set) and its 2,365
    characters of Ext B–F. About 10 MB.
  - NotoSansSC-Bold.ttf (titles, headings, labels): the web font's characters, the 8,105 and
    the punctuation. About 2.6 MB. A character it lacks is drawn in the Regular.
  - GaoxinHanFallback.ttf: the hanzi HanaMinA has and Noto Sans CJK SC lacks (about 1,300 of
    Ext B–F and compatibility ideographs, JIS X 0213's and others used in names). Renamed,
    because the Hanazono fonts' licence reserves their names for the original. About 1 MB.
  `gaoxin.common.pdf` draws each character in the first of these that has it, and shows a
  character none has as `〔U+XXXX〕` (never silently dropped); the registry's import warns about
  such a character in a name.

Needs: pip install fonttools brotli (a build-time tool, not a dependency of the app). The PDF
fonts take about three minutes.

Usage: python scripts/build-font.py [--web] [--pdf] [REGULAR_TTC]
  default: both, from /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc (and -Bold.ttc
  beside it for the PDF's bold) and /usr/share/fonts/truetype/hanazono/HanaMinA.ttf
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

REPO = Path(__file__).resolve().parents[1]
WEB_OUT = REPO / "gaoxin" / "static" / "gaoxin" / "fonts"
PDF_OUT = REPO / "gaoxin" / "common" / "fonts"
DEFAULT_SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FALLBACK_SOURCE = "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"
FALLBACK_NAME = "GaoxinHanFallback"
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
            if "tests" in path.parts or "data" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="ignore")
            found.update(re.findall(r"[^\x00-\x7f]", text))
    return "".join(sorted(found))


def character_set() -> str:
    ascii_text = "".join(chr(c) for c in range(0x20, 0x7F))
    return "".join(dict.fromkeys(ascii_text + PUNCTUATION + gb2312_characters() + own_characters()))


def tygf() -> str:
    """The 8,105 characters of the 通用规范汉字表 (the app's own copy and reader)."""
    sys.path.insert(0, str(REPO))
    from gaoxin.common import charsets

    return charsets.tygf()


def is_han(char: str) -> bool:
    sys.path.insert(0, str(REPO))
    from gaoxin.common import charsets

    return charsets.is_han(char)


# Latin-1, general punctuation, CJK symbols and punctuation, full-width forms.
EXTRA_RANGES = (
    (0xA0, 0xFF),
    (0x2010, 0x205E),
    (0x3000, 0x303F),
    (0xFF01, 0xFF5E),
    (0xFFE0, 0xFFE6),
)


def extra_punctuation() -> str:
    return "".join(chr(c) for low, high in EXTRA_RANGES for c in range(low, high + 1))


def source_font(source: str) -> TTFont:
    return TTCollection(source).fonts[SC_INDEX]


def pdf_character_sets(source: str) -> tuple[str, str]:
    """The Regular's and the Bold's characters (see the module's docstring)."""
    base = character_set() + tygf() + extra_punctuation()
    cmap = source_font(source).getBestCmap()
    han = "".join(chr(c) for c in sorted(cmap) if is_han(chr(c)))
    return "".join(dict.fromkeys(base + han)), "".join(dict.fromkeys(base))


def subset_font(source: str | TTFont, text: str, *, layout: bool) -> TTFont:
    font = source_font(source) if isinstance(source, str) else source
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


def save(font: TTFont, target: Path) -> None:
    """Written with the source's timestamps (not the build's): the same sources give the same
    bytes."""
    font.recalcTimestamp = False
    font.save(target)


def build_web(source: str, text: str) -> None:
    WEB_OUT.mkdir(parents=True, exist_ok=True)
    font = subset_font(source, text, layout=True)
    font.flavor = "woff2"
    target = WEB_OUT / "NotoSansSC-Regular.woff2"
    save(font, target)
    print(f"wrote {target} ({len(text)} characters, {target.stat().st_size:,} bytes)")


def rename(font: TTFont, family: str) -> None:
    """Give a subset of a font whose licence reserves its name a name of its own."""
    names = font["name"]
    names.names = [n for n in names.names if n.nameID not in (1, 2, 3, 4, 6, 16, 17)]
    for name_id, value in (
        (1, family),
        (2, "Regular"),
        (3, f"{family}-Regular"),
        (4, family),
        (6, f"{family}-Regular"),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)


def build_fallback(main: str, fallback: str) -> None:
    """The hanzi the fallback has and the main font lacks (TrueType already: only subset)."""
    font = TTFont(fallback)
    cmap = font.getBestCmap()
    main_codes = {ord(c) for c in main}
    lacking = "".join(chr(c) for c in sorted(cmap) if is_han(chr(c)) and c not in main_codes)
    font = subset_font(font, lacking, layout=False)
    rename(font, FALLBACK_NAME)
    target = PDF_OUT / f"{FALLBACK_NAME}.ttf"
    save(font, target)
    print(f"wrote {target} ({len(lacking)} characters, {target.stat().st_size:,} bytes)")


def build_pdf(source: str, fallback: str) -> None:
    PDF_OUT.mkdir(parents=True, exist_ok=True)
    regular, bold = pdf_character_sets(source)
    for weight, text in (("Regular", regular), ("Bold", bold)):
        weight_source = source.replace("Regular", weight)
        font = subset_font(weight_source, text, layout=False)
        to_truetype(font)
        target = PDF_OUT / f"NotoSansSC-{weight}.ttf"
        save(font, target)
        print(f"wrote {target} ({len(text)} characters, {target.stat().st_size:,} bytes)")
    drawn = "".join(chr(c) for c in TTFont(PDF_OUT / "NotoSansSC-Regular.ttf").getBestCmap())
    build_fallback(drawn, fallback)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=DEFAULT_SOURCE)
    parser.add_argument("--fallback", default=FALLBACK_SOURCE, help="HanaMinA.ttf")
    parser.add_argument("--web", action="store_true", help="the WOFF2 web font")
    parser.add_argument("--pdf", action="store_true", help="the TrueType PDF fonts")
    args = parser.parse_args()
    both = not (args.web or args.pdf)
    if args.web or both:
        build_web(args.source, character_set())
    if args.pdf or both:
        build_pdf(args.source, args.fallback)


if __name__ == "__main__":
    main()
