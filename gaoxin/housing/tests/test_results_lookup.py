"""The public results lookup: the answer alone for htmx, the whole page otherwise; rate-limited
per client address (429 in both languages) so registration numbers cannot be enumerated."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings

from gaoxin.housing import publication, selectors, services
from gaoxin.housing.models import DrawResult
from gaoxin.registry.identifiers import mask_name

from .builders import VALUES, drawn_batch, revealed_batch

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(make_user: Any) -> Any:
    batch = drawn_batch(make_user, households=6)
    caches["ratelimit"].clear()
    return batch


def test_htmx_gets_the_answer_alone_and_a_browser_the_whole_page(client: Any, drawn: Any):
    winner = DrawResult.objects.filter(outcome="won").order_by("number")[0]
    url = f"/housing/{drawn.code}/results/"
    fragment = client.get(url, {"number": winner.number.lower()}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "HX-Request" in fragment["Vary"]
    body = fragment.content.decode()
    assert body.startswith('<div id="lookup-result"') and "<html" not in body
    assert winner.number in body and "中签" in body
    missing = client.get(url, {"number": f"{drawn.code}-999999"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="result"' not in missing.content.decode()
    page = client.get(url, {"number": winner.number}).content.decode()
    assert "<html" in page and 'data-testid="result"' in page and "fairdraw.pyz verify" in page


@override_settings(GAOXIN_LOOKUP_RATE="3/m")
def test_lookups_over_the_limit_are_refused_in_both_languages(client: Any, drawn: Any):
    number = DrawResult.objects.order_by("number")[0].number
    url = f"/housing/{drawn.code}/results/"
    for _ in range(3):
        assert client.get(url, {"number": number}).status_code == 200
    refused = client.get(url, {"number": number})
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "请求过于频繁，请稍后再试。" in body and "Too many requests; try later." in body
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert 'data-testid="result"' not in body  # nothing about the number
    # htmx is sent to the refusal page rather than left without an answer
    again = client.get(url, {"number": number}, HTTP_HX_REQUEST="true")
    assert again.status_code == 204 and again["HX-Redirect"].startswith(url)
    # the page itself is not counted; another address has its own count
    assert client.get(url).status_code == 200
    assert client.get(url, {"number": number}, REMOTE_ADDR="10.1.2.3").status_code == 200


@override_settings(GAOXIN_LOOKUP_RATE="2/m", GAOXIN_TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR")
def test_behind_the_proxy_each_client_address_is_counted(client: Any, drawn: Any):
    url = f"/housing/{drawn.code}/results/"
    number = DrawResult.objects.order_by("number")[0].number
    for address in ("203.0.113.7", "203.0.113.8"):
        for _ in range(2):
            assert (
                client.get(url, {"number": number}, HTTP_X_FORWARDED_FOR=address).status_code == 200
            )
    assert (
        client.get(url, {"number": number}, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    )


@override_settings(GAOXIN_LOOKUP_RATE="2/m")
def test_ipv6_addresses_of_one_subscriber_share_a_count(client: Any, drawn: Any):
    url = f"/housing/{drawn.code}/results/"
    number = DrawResult.objects.order_by("number")[0].number
    for address in ("2001:db8:1:2::1", "2001:db8:1:2::ff"):  # the same /64
        assert client.get(url, {"number": number}, REMOTE_ADDR=address).status_code == 200
    assert client.get(url, {"number": number}, REMOTE_ADDR="2001:db8:1:2::7").status_code == 429
    assert client.get(url, {"number": number}, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_lookups_read_the_draws_results_index_not_the_database(
    client: Any, drawn: Any, django_assert_num_queries: Any
):
    draw = drawn.draw
    url = f"/housing/{drawn.code}/results/"
    number = DrawResult.objects.order_by("number")[0].number
    with django_assert_num_queries(2):  # cold: the batch's draw, then building the index
        client.get(url, {"number": number}, HTTP_HX_REQUEST="true")
    index = publication.results_index(draw_id=draw.pk, digest=draw.protocol_digest)
    assert index.name == f"{draw.protocol_digest}.v{publication.INDEX_VERSION}.results.sqlite3"
    numbers = list(DrawResult.objects.values_list("number", flat=True))
    with django_assert_num_queries(0):
        for number in numbers:
            answer = client.get(url, {"number": number}, HTTP_HX_REQUEST="true")
            assert f"{number} · " in answer.content.decode()
    # every entry, as the database has it, with the applicant's name masked
    public = selectors.public_draw_of(drawn)
    for result in DrawResult.objects.all():
        assert publication.result_get(draw=public, number=result.number) == _public(result)
    assert publication.result_get(draw=public, number=f"{drawn.code}-999999") is None


def _public(result: DrawResult) -> dict[str, Any]:
    """What the public lookup must say of a result row."""
    name = result.application.members.get(relation="applicant").name
    return {
        "number": result.number,
        "round": result.round,
        "rank": result.rank,
        "outcome": result.outcome,
        "waitlist": result.waitlist,
        "choice": result.choice,
        "masked_name": mask_name(name),
        "won": result.outcome == "won",
    }


def test_the_worker_builds_the_index_when_it_draws(make_user: Any, settings: Any, tmp_path: Any):
    settings.PUBLISHED_DIR = tmp_path
    batch = revealed_batch(make_user, households=4)
    request = services.draw_request(actor=make_user("zone_admin"), batch=batch, values=VALUES)
    assert request is not None and request.status == "done"  # the tests' tasks run at once
    draw = batch.draw
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite3"] == [
        f"{draw.protocol_digest}.v{publication.INDEX_VERSION}.results.sqlite3"
    ]


def test_without_a_usable_index_the_lookup_answers_from_the_database(
    client: Any, drawn: Any, settings: Any, tmp_path: Any, caplog: Any
):
    """A foreign file under the index's name, or a directory that cannot be written: the
    answer is the same, only slower, and the log says why."""
    draw, url = drawn.draw, f"/housing/{drawn.code}/results/"
    result = DrawResult.objects.filter(outcome="won").order_by("number")[0]
    expected = _public(result)
    settings.PUBLISHED_DIR = tmp_path / "foreign"
    index = publication.results_index(draw_id=draw.pk, digest=draw.protocol_digest)
    other = "0" * 64
    index.rename(index.with_name(index.name.replace(draw.protocol_digest, other)))
    foreign = selectors.PublicDraw(drawn.code, draw.pk, other)
    with pytest.raises(publication.ForeignIndex):
        publication._reader(draw.pk, other)
    assert publication.result_get(draw=foreign, number=result.number) == expected
    assert "unusable; answering from the database" in caplog.text
    caplog.clear()  # within the minute: straight to the database, nothing logged again
    assert publication.result_get(draw=foreign, number=result.number) == expected
    assert caplog.text == ""

    caplog.clear()
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.PUBLISHED_DIR = blocked / "published"  # mkdir fails: a file is in the way
    answer = client.get(url, {"number": result.number}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and f"{result.number} · " in answer.content.decode()
    assert "unusable; answering from the database" in caplog.text
    public = selectors.public_draw_of(drawn)
    assert publication.result_get(draw=public, number=result.number) == expected
    assert publication.result_get(draw=public, number=f"{drawn.code}-999999") is None
