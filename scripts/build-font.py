"""Build the CJK font the app serves itself (static/gaoxin/fonts/) and embeds in PDFs.

Source: Noto Sans CJK SC (SIL Open Font License 1.1) from Debian's fonts-noto-cjk, subset to
ASCII, common punctuation, GB 2312's symbols and full-width forms, and its 6,763 hanzi.
Characters outside GB 2312 (some rare name characters) fall back to the system's fonts.
The stylesheet lists local CJK fonts first, so browsers that have one never download this.
Needs: pip install fonttools brotli (a build-time tool, not a dependency of the app).

Usage: python scripts/build-font.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

OUT = Path(__file__).resolve().parents[1] / "gaoxin" / "static" / "gaoxin" / "fonts"


def gb2312_characters() -> str:
    chars = []
    for high in range(0xB0, 0xF8):
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


def main(source: str, weight_index: int = 2) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    collection = TTCollection(source)
    # In NotoSansCJK-*.ttc the fonts are JP, KR, SC, TC, HK (index 2 is Simplified Chinese).
    font = collection.fonts[weight_index]
    ascii_text = "".join(chr(c) for c in range(0x20, 0x7F))
    text = ascii_text + "·—–‘’“”…、。《》「」【】〔〕￥" + gb2312_characters()
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    stem = Path(source).stem.replace("NotoSansCJK", "NotoSansSC")
    font.flavor = "woff2"
    font.save(OUT / f"{stem}.woff2")
    print(f"wrote {OUT / stem}.woff2 ({len(text)} characters)")


if __name__ == "__main__":
    main(sys.argv[1])
