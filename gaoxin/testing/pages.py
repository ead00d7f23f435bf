"""What a person reads on a page, for tests: the English words left in a page rendered in
Chinese (`english_words`), and the links a page shows (`page_links`), which the crawler test
(`tests/test_crawl.py`) follows.

The text a person reads is the page's text outside `<script>`, `<style>`, `<template>` and
the elements that show data or commands verbatim rather than words of the interface:
`<code>`, `<kbd>`, `<samp>`, `<pre>`, anything marked `translate="no"` (HTML's own way of
saying "a name or code, not to be translated": usernames, file names, hashes) and anything
marked with a `lang` other than Chinese (the language button, which says "English" in English
on purpose). Attribute text a person meets (`title`, `placeholder`, `alt`, `aria-label`,
a button's `value`) counts too.

A word is a run of two or more Latin letters, not in capitals, in a token without digits that
is not a file name: GX26A-000001, a digest and SHA-256 are codes; PDF, CSV, IC and other
capitals are abbreviations and codes (the catalogue's IC, AI); roster.csv is a file's name.
`ALLOWED` is the short list of other Latin-letter words a Chinese page may still contain, each
for the reason given beside it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

ALLOWED = {
    # the product's own names: the app (its brand in the page title) and the draw's
    # verification tool, which an applicant runs by that name
    "Gaoxin",
    "fairdraw",
    # the statistical correction the closing report names: Chinese statistics texts call it
    # Holm 校正 (Holm's method), by the statistician's name
    "Holm",
    # the programming language the single-file verifier needs: its name has no Chinese form
    "Python",
}

SKIP_TAGS = {"script", "style", "template", "code", "kbd", "samp", "pre", "textarea"}
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
READ_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")
TOKEN = re.compile(r"\.?[A-Za-z0-9][A-Za-z0-9_.\-/:@]*")
WORD = re.compile(r"^[A-Za-z]{2,}$")
FILE_NAME = re.compile(r"^[\w.\-]*\.(csv|json|xlsx|pdf|txt|zip|pyz|md)$", re.IGNORECASE)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.texts: list[str] = []
        self.links: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        skipped = (
            self.skipping
            or tag in SKIP_TAGS
            or values.get("translate") == "no"
            or ("lang" in values and not values["lang"].lower().startswith("zh"))
        )
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if not skipped:
            for name in READ_ATTRIBUTES:
                if values.get(name):
                    self.texts.append(values[name])
            if (
                tag == "input"
                and values.get("type") in {"submit", "button"}
                and values.get("value")
            ):
                self.texts.append(values["value"])
        if tag not in VOID_TAGS:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        # close up to the matching tag (HTML lets some end tags be left out)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.texts.append(data)


def _read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def visible_text(html: str) -> str:
    return " ".join(" ".join(_read(html).texts).split())


def english_words(html: str, allowed: set[str] | frozenset[str] = frozenset(ALLOWED)) -> list[str]:
    """The Latin-letter words a person reads on the page, outside `allowed`, in order, once."""
    found: dict[str, None] = {}
    for token in TOKEN.findall(visible_text(html)):
        if any(c.isdigit() for c in token) or FILE_NAME.match(token):
            continue  # a code (GX26A-000001, SHA-256) or a file name (roster.csv)
        for part in re.split(r"[.\-/:@_]", token):
            if WORD.match(part) and not part.isupper() and part not in allowed:
                found.setdefault(part, None)
    return list(found)


def page_links(html: str, base: str) -> list[str]:
    """The same-origin paths (with query) of every `<a href>` on the page, absolute."""
    links = []
    origin = urlsplit(urljoin("http://testserver", base))
    for href in _read(html).links:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        url = urlsplit(urljoin(origin.geturl(), href))
        if url.scheme not in {"http", "https"} or url.netloc != origin.netloc:
            continue
        links.append(url.path + (f"?{url.query}" if url.query else ""))
    return links
