"""Every link the app shows leads somewhere, and every page reads as Chinese (issue #14).

On the demo (`manage.py demo_data`: a closed sale, one frozen, one in its public notice, one in
review, one taking registrations, a draft, and the registry), a visitor and each demo account
follow every same-origin link the pages show, breadth first, with GET. The crawl fails on
any 404 or 500 reached from a link the app itself showed, and on any English word left in a
page rendered in Chinese outside `gaoxin.testing.pages.ALLOWED` (codes, file names and the
product's own names are not words; see that module).

Pages that differ only in an id (one registration, one audit event, one person) are the same
page: the crawl visits at most SAME_SHAPE of each. Django's admin site is crawled for errors
but not read for English: it is Django's own, for the zone's IT staff."""

from __future__ import annotations

import io
import re
from collections import Counter, deque
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from gaoxin.accounts.models import User
from gaoxin.testing.pages import english_words, page_links

DEMO_ROLES = ["anonymous", "admin", "reviewer", "reviewer2", "developer", "notary", "auditor"]
DEMO_ROLES.append("applicant")
SAME_SHAPE = 2
NOT_READ = ("/admin/",)  # Django's admin site: crawled, not read for English


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path.split("?")[0]) + ("?" if "?" in path else "")


def crawl(client: Client, start: str = "/") -> tuple[list[str], dict[str, list[str]], int]:
    """(broken links as "STATUS path ← from", English words per page, pages visited)."""
    seen = {start}
    queue: deque[tuple[str, str]] = deque([(start, "")])
    shapes: Counter[str] = Counter()
    broken: list[str] = []
    english: dict[str, list[str]] = {}
    visited = 0
    while queue:
        path, came_from = queue.popleft()
        response = client.get(path)
        visited += 1
        if response.status_code == 404 or response.status_code >= 500:
            broken.append(f"{response.status_code} {path} ← {came_from or 'start'}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue  # a redirect (to the login page), a refusal, a download
        html = response.content.decode()
        if not path.startswith(NOT_READ):
            words = english_words(html)
            if words:
                english[path] = words
        for link in page_links(html, path):
            if link in seen or shapes[shape(link)] >= SAME_SHAPE:
                continue
            if link.startswith(("/accounts/logout", "/i18n/")):
                continue  # POST-only forms shown as buttons; never links
            shapes[shape(link)] += 1
            seen.add(link)
            queue.append((link, path))
    return broken, english, visited


def test_english_words_finds_words_not_codes() -> None:
    page = (
        '<html lang="zh-CN"><body><h1>轮次配额 remainder</h1>'
        "<p>GX26A-000001 · roster.csv · PDF · SHA-256 · 集成电路 (IC)</p>"
        '<p><span translate="no">reviewer</span> 批准了 <code>housing.override:12</code></p>'
        '<form><button lang="en">English</button></form>'
        '<input type="search" placeholder="search here"></body></html>'
    )
    assert english_words(page) == ["remainder", "search", "here"]


@pytest.mark.slow
@pytest.mark.django_db
def test_every_link_answers_and_every_page_reads_in_chinese(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("demo_data", stdout=io.StringIO())
    problems: list[str] = []
    total = 0
    for role in DEMO_ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(User.objects.get(username=role))
        broken, english, visited = crawl(client)
        total += visited
        problems += [f"{role}: {line}" for line in broken]
        problems += [f"{role}: English on {path}: {words[:12]}" for path, words in english.items()]
    assert total > 150, f"the crawl reached only {total} pages"
    assert not problems, "\n".join(problems)
