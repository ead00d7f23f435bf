"""Issue #21: the draw checked in the browser (gaoxin/static/gaoxin/fairdraw-core.js, run by
fairdraw-worker.js, shown by fairdraw-check.js) agrees with the reference `fairdraw`:

- on the spec's worked example (every commitment, the root, key string, seed, each round's
  keys, the results digest and the protocol digest, read from docs/fairdraw-spec.md), on the
  RFC 3797 key-string vectors (§6 of the RFC; its MD5 selection is not part of fairdraw/1),
  and on random draws (both key modes, count and percentage quotas, a reserve round after the
  remainder round, waitlists), byte for byte on the results file;
- one's own entry on the public results page at 390 px: the numbers `fairdraw prove` and
  `check-proof` give, the keys, the recomputed commitment (and a wrong salt is told);
- the whole draw of a 20,000-entry draw, and the first mismatch when one published byte of
  the roster, the results file or the protocol is changed.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from gaoxin import fairdraw
from gaoxin.fairdraw import worked_example
from gaoxin.fairdraw.config import DrawConfig, RoundSpec
from gaoxin.fairdraw.entropy import EntropyDeclaration, EntropySource
from gaoxin.fairdraw.protocol import run_draw
from gaoxin.fairdraw.roster import RosterEntry, roster_csv
from gaoxin.housing.choices import Relation
from gaoxin.housing.models import Roster
from gaoxin.housing.proofs import roster_tree
from gaoxin.housing.registration import identity_string
from gaoxin.housing.tests.builders import drawn_batch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPEC = Path(__file__).resolve().parents[2] / "docs" / "fairdraw-spec.md"


@pytest.fixture(autouse=True)
def _contexts_closed(browser: Any) -> Any:
    yield
    for context in list(browser.contexts):
        context.close()


def open_page(browser: Any, url: str, width: int = 1366, language: str = "zh") -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    if language == "en":
        context.add_cookies([{"name": "gaoxin_language", "value": "en", "url": url}])
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("window.FairdrawCore !== undefined")
    return page


def draw_files(entries: list[RosterEntry], config: DrawConfig, seed_text: str) -> dict[str, Any]:
    """A draw run by the reference implementation: its three published files."""
    entropy = EntropyDeclaration((EntropySource("s", "d"),)).reveal([seed_text])
    result = run_draw(entries, config, entropy, publisher={"batch": "T"})
    return {
        "protocol": result.protocol_json(),
        "roster": roster_csv(entries),
        "results": result.results_bytes().decode(),
        "result": result,
    }


def js_verify(page: Any, files: dict[str, Any]) -> dict[str, Any]:
    return page.evaluate(
        """async (f) => {
            const report = await FairdrawCore.verifyDraw(
                {protocol: f.protocol, roster: f.roster, results: f.results, keepResults: true});
            return report;
        }""",
        {k: files[k] for k in ("protocol", "roster", "results")},
    )


def spec_lines() -> dict[str, str]:
    text = SPEC.read_text(encoding="utf-8")
    block = text.split("<!-- worked-example:begin -->")[1].split("<!-- worked-example:end -->")[0]
    found = {}
    for line in block.splitlines():
        if ": " in line and not line.startswith("#"):
            key, value = line.split(": ", 1)
            found[key] = value
    return found


def test_worked_example_and_rfc3797_vectors(browser: Any, live_server: Any, make_user: Any):
    batch = drawn_batch(make_user)
    page = open_page(browser, f"{live_server.url}/housing/{batch.code}/results/")
    spec = spec_lines()
    # identity commitments (spec §3.3)
    for regno, identity, _pools in worked_example.PEOPLE:
        key = f'identity_commitment("{identity}", "{worked_example.SALT}{regno}")'
        got = page.evaluate(
            "([i, s]) => FairdrawCore.identityCommitment(i, s)",
            [identity, worked_example.SALT + regno],
        )
        assert got == spec[key][:64]
    # RFC 3797 §6's key string, and §6.2's white space and leading zeros
    vectors = [
        (["9319", "2 5 12 8 10", "9 18 26 34 41 45"], "9319./2.5.8.10.12./9.18.26.34.41.45./"),
        (["007,3\u30001", "0"], "1.3.7./0./"),
        (["321567", "4 0 7"], spec["key string"]),
    ]
    for values, expected in vectors:
        assert page.evaluate("(v) => FairdrawCore.keyString(v)", values) == expected
        assert fairdraw.key_string(values) == expected
    # the whole worked example
    entries, entropy = worked_example.build()
    config = DrawConfig.from_dict(worked_example.EXAMPLE.config)
    result = run_draw(entries, config, entropy, publisher={})
    files = {
        "protocol": result.protocol_json(),
        "roster": roster_csv(entries),
        "results": result.results_bytes().decode(),
    }
    report = js_verify(page, files)
    assert report["ok"], report["problems"]
    values = report["values"]
    assert values["roster_root"] == spec["roster root"]
    assert values["config_digest"] == spec["config digest"]
    assert values["seed"] == spec["seed"]
    assert values["results_digest"] == spec["results digest"]
    assert values["protocol_digest"] == spec["protocol digest"]
    assert values["results_text"] == files["results"]
    assert values["waitlist"] == spec["waitlist (length 2)"].split()
    assert values["choice"] == spec["choice order"].split()
    for name in ("first_home", "key_industry", "general"):
        prefix = page.evaluate("([s, n]) => FairdrawCore.keyPrefix(s, n)", [spec["seed"], name])
        assert prefix == spec[f"key prefix {name}"]
        rank = 1
        while f"{name} rank {rank}" in spec:
            regno, key = spec[f"{name} rank {rank}"].split()
            got = page.evaluate(
                "([s, n, r]) => FairdrawCore.entryKey(s, n, r)", [spec["seed"], name, regno]
            )
            assert got == key
            rank += 1


def random_config(rng: random.Random, units: int) -> DrawConfig:
    shapes = [
        [("first_home", "30%"), ("key_industry", "12.5%"), ("general", "remainder")],
        [("general", "remainder"), ("key_industry", str(units // 3 + 2))],  # reserve after
        [("first_home", "0.25%"), ("general", "remainder")],
        [("key_industry", "3"), ("first_home", "40%")],  # no remainder round
    ]
    rounds = [RoundSpec(name, name, quota) for name, quota in rng.choice(shapes)]
    return DrawConfig(
        units=units,
        rounds=tuple(rounds),
        key_mode=rng.choice(["per_round", "shared"]),
        waitlist_length=rng.choice([0, 3, units]),
    )


def random_entries(rng: random.Random, n: int, pools: list[str]) -> list[RosterEntry]:
    entries = []
    for i in range(n):
        chosen = {p for p in pools if rng.random() < 0.5} or {rng.choice(pools)}
        commitment = f"{rng.getrandbits(256):064x}"
        entries.append(RosterEntry.make(f"R{i:05d}", sorted(chosen), commitment))
    return entries


def test_random_draws_agree_byte_for_byte(browser: Any, live_server: Any, make_user: Any):
    batch = drawn_batch(make_user)
    page = open_page(browser, f"{live_server.url}/housing/{batch.code}/results/")
    rng = random.Random(21)
    for trial in range(12):
        units = rng.randint(1, 40)
        config = random_config(rng, units)
        entries = random_entries(rng, rng.randint(1, 300), sorted(config.pools))
        files = draw_files(entries, config, str(rng.randint(0, 10**9)))
        report = js_verify(page, files)
        assert report["ok"], (trial, report["problems"])
        assert report["values"]["results_text"] == files["results"], trial
        assert report["values"]["seed"] == files["result"].seed
    # configurations the reference refuses are refused here too
    files = draw_files(random_entries(rng, 20, ["general"]), fairdraw.default_config(3), "1")
    for change in (
        lambda c: c.update(key_mode="both"),
        lambda c: c["rounds"][0].update(quota="30.0%"),
        lambda c: c["rounds"][1].update(name="first_home"),
        lambda c: c["rounds"][0].update(quota="remainder"),
        lambda c: c.update(waitlist_length=-1),
    ):
        protocol = json.loads(files["protocol"])
        change(protocol["config"])
        with pytest.raises(fairdraw.FairdrawError):
            DrawConfig.from_dict(protocol["config"])
        report = js_verify(page, dict(files, protocol=json.dumps(protocol)))
        assert not report["ok"] and report["problems"][-1]["subject"] == "config", protocol


def household(application: Any) -> tuple[str, list[str]]:
    members = list(application.members.all())
    applicant = next(m.id_number for m in members if m.relation == Relation.APPLICANT)
    others = [m.id_number for m in members if m.relation != Relation.APPLICANT]
    return applicant, others


@pytest.mark.parametrize(("width", "language"), [(390, "zh"), (1366, "en")])
def test_own_entry_on_the_results_page(
    browser: Any, live_server: Any, make_user: Any, width: int, language: str
):
    batch = drawn_batch(make_user)
    application = batch.applications.order_by("number")[1]
    roster = Roster.objects.get(batch=batch)
    proof = roster_tree(roster.pk, roster.root).proof(application.number)
    applicant, others = household(application)
    page = open_page(browser, f"{live_server.url}/housing/{batch.code}/results/", width, language)
    page.get_by_test_id("check-regno").fill(application.number.lower())
    page.get_by_test_id("check-salt").fill(application.salt)
    page.get_by_test_id("check-applicant-id").fill(applicant)
    page.get_by_test_id("check-ids").fill(" ".join(reversed(others)))
    page.get_by_test_id("check-entry").click()
    verdict = page.get_by_test_id("entry-verdict")
    expect(verdict).to_have_class(re.compile("ok"))
    expected = (
        f"VERIFIED: entry {application.number} is leaf {proof.leaf_index} of the roster of "
        f"{roster.size} entries with root {roster.root}"
    )
    if language == "en":
        assert verdict.inner_text() == expected
    else:
        assert "验证通过" in verdict.inner_text() and roster.root in verdict.inner_text()
    assert page.get_by_test_id("entry-line").inner_text() == proof.entry
    assert page.get_by_test_id("entry-leaf").inner_text() == f"{proof.leaf_index} / {roster.size}"
    assert page.get_by_test_id("entry-root").inner_text() == roster.root
    path = page.get_by_test_id("entry-path").locator("li").all_text_contents()
    assert path == list(proof.audit_path)
    identity = identity_string_of(applicant, others)
    commitment = fairdraw.identity_commitment(identity, application.salt)
    assert commitment == application.identity_commitment
    assert page.get_by_test_id("entry-recomputed").inner_text() == commitment
    expect(page.get_by_test_id("entry-commitment-verdict")).to_have_class(re.compile("ok"))
    seed = bytes.fromhex(batch.draw.seed)
    keys = page.get_by_test_id("entry-keys").locator("li")
    names = [keys.nth(i).get_attribute("data-key-name") for i in range(keys.count())]
    assert names == ["first_home", "key_industry", "general", "waitlist", "choice"]
    for i, name in enumerate(names):
        assert keys.nth(i).locator("code").inner_text() == (
            fairdraw.entry_key(seed, name, application.number).hex()
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # a wrong salt: the entry is still in the roster, but not made from this identity
    page.get_by_test_id("check-salt").fill(
        application.salt[:-1] + "0" if application.salt[-1] != "0" else application.salt[:-1] + "1"
    )
    page.get_by_test_id("check-entry").click()
    expect(page.get_by_test_id("entry-commitment-verdict")).to_have_class(re.compile("bad"))
    page.get_by_test_id("check-regno").fill("NOPE-1")
    page.get_by_test_id("check-entry").click()
    expect(page.get_by_test_id("entry-verdict")).to_contain_text("NOPE-1")


def identity_string_of(applicant: str, others: list[str]) -> str:
    from datetime import date

    from gaoxin.housing.registration import CleanMember

    members = [CleanMember(Relation.APPLICANT, "x", applicant, date(1990, 1, 1))]
    members += [CleanMember(Relation.SPOUSE, "y", o, date(1990, 1, 1)) for o in others]
    return identity_string(members)


def big_draw(n: int) -> dict[str, Any]:
    rng = random.Random(20_000)
    config = fairdraw.default_config(n // 10)
    entries = random_entries(rng, n, sorted(config.pools))
    entries = [
        e
        if "general" in e.pools
        else RosterEntry.make(e.registration_number, [*e.pools, "general"], e.identity_commitment)
        for e in entries
    ]
    return draw_files(entries, config, "123456 7 8 9")


def serve(page: Any, code: str, files: dict[str, Any]) -> None:
    """The page's published files, answered with these (a draw of the reference
    implementation too large to build through the housing services in a test)."""

    def answer(body: bytes, kind: str) -> Any:
        return lambda route: route.fulfill(status=200, body=body, content_type=kind)

    for name, key, kind in (
        ("roster.csv", "roster", "text/csv"),
        ("protocol.json", "protocol", "application/json"),
        ("results.csv", "results", "text/csv"),
    ):
        page.context.route(f"**/housing/{code}/{name}", answer(files[key].encode(), kind))


def whole_draw(page: Any) -> Any:
    page.get_by_test_id("check-draw").click()
    verdict = page.get_by_test_id("draw-verdict")
    verdict.wait_for(timeout=120_000)
    return verdict


def test_whole_draw_of_the_published_batch(browser: Any, live_server: Any, make_user: Any):
    batch = drawn_batch(make_user)
    page = open_page(browser, f"{live_server.url}/housing/{batch.code}/results/", 390)
    expect(whole_draw(page)).to_have_class(re.compile("ok"))
    assert page.get_by_test_id("draw-seed").inner_text() == batch.draw.seed
    assert page.get_by_test_id("draw-protocol-digest").inner_text() == batch.draw.protocol_digest
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # one byte of the roster that makes it unreadable (a "g" in a commitment): named, line 3
    roster = bytes(Roster.objects.get(batch=batch).csv).decode()
    lines = roster.split("\n")
    lines[2] = lines[2][:-1] + "g"
    files = {
        "roster": "\n".join(lines),
        "protocol": batch.draw.protocol,
        "results": page.request.get(f"{live_server.url}/housing/{batch.code}/results.csv").text(),
    }
    page.close()
    page = open_page(browser, f"{live_server.url}/housing/{batch.code}/results/", 390)
    serve(page, batch.code, files)
    expect(whole_draw(page)).to_have_class(re.compile("bad"))
    first = page.get_by_test_id("draw-first-mismatch")
    assert first.get_attribute("data-subject") == "roster" and "第 3 行" in first.inner_text()
    # a protocol that is no longer JSON
    page.close()
    page = open_page(browser, f"{live_server.url}/housing/{batch.code}/results/", 390)
    serve(page, batch.code, dict(files, roster=roster, protocol=batch.draw.protocol[:-3]))
    expect(whole_draw(page)).to_have_class(re.compile("bad"))
    assert page.get_by_test_id("draw-first-mismatch").get_attribute("data-subject") == "protocol"


def test_whole_draw_of_20000_entries_and_the_first_mismatch(
    browser: Any, live_server: Any, make_user: Any
):
    batch = drawn_batch(make_user)
    files = big_draw(20_000)
    url = f"{live_server.url}/housing/{batch.code}/results/"
    page = open_page(browser, url)
    serve(page, batch.code, files)
    expect(whole_draw(page)).to_have_class(re.compile("ok"))
    assert page.get_by_test_id("draw-seed").inner_text() == files["result"].seed
    protocol = json.loads(files["protocol"])
    assert page.get_by_test_id("draw-results-digest").inner_text() == protocol["results"]["digest"]

    # one byte of the results file: the rank of row 1234 (line 1235 after the header)
    lines = files["results"].split("\n")
    fields = lines[1234].split(",")
    fields[4] = fields[4][:-1] + str((int(fields[4][-1]) + 1) % 10)  # one byte
    lines[1234] = ",".join(fields)
    changed = dict(files, results="\n".join(lines))
    page.close()
    page = open_page(browser, url)
    serve(page, batch.code, changed)
    expect(whole_draw(page)).to_have_class(re.compile("bad"))
    first = page.get_by_test_id("draw-first-mismatch")
    assert first.get_attribute("data-subject") == "results.csv"
    assert "第 1235 行" in first.inner_text() and fields[0] in first.inner_text()
    assert "rank" in first.inner_text()

    # one byte of the roster: an identity commitment's last hex digit
    roster_lines = files["roster"].split("\n")
    line = roster_lines[777]
    roster_lines[777] = line[:-1] + ("0" if line[-1] != "0" else "1")
    page.close()
    page = open_page(browser, url)
    serve(page, batch.code, dict(files, roster="\n".join(roster_lines)))
    expect(whole_draw(page)).to_have_class(re.compile("bad"))
    first = page.get_by_test_id("draw-first-mismatch")
    assert first.get_attribute("data-subject") == "roster"
    details = page.get_by_test_id("check-output").text_content()
    assert line.split(",")[0] in details  # the changed entry is named

    # one byte of the protocol: a digit of the seed
    text = files["protocol"]
    at = text.index('"seed": "') + len('"seed": "')
    flipped = text[:at] + ("0" if text[at] != "0" else "1") + text[at + 1 :]
    page.close()
    page = open_page(browser, url)
    serve(page, batch.code, dict(files, protocol=flipped))
    expect(whole_draw(page)).to_have_class(re.compile("bad"))
    first = page.get_by_test_id("draw-first-mismatch")
    assert first.get_attribute("data-subject") == "protocol_digest"


def test_own_entry_on_the_applicants_page_at_390px(browser: Any, live_server: Any, make_user: Any):
    """The applicant's own page fills in the registration number and the salt; the applicant
    types the ID number and sees the entry verified and the commitment recomputed."""
    from conftest import PASSWORD

    batch = drawn_batch(make_user)
    application = batch.applications.order_by("number")[2]
    user = application.user
    assert user is not None
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    applicant, others = household(application)
    server = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-CN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(server + "/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    page.locator("[data-role]").first.wait_for()
    page.goto(f"{server}/housing/applications/{application.number}/")
    assert page.get_by_test_id("check-regno").input_value() == application.number
    assert page.get_by_test_id("check-salt").input_value() == application.salt
    page.get_by_test_id("check-applicant-id").fill(applicant)
    page.get_by_test_id("check-ids").fill(" ".join(others))
    page.get_by_test_id("check-entry").click()
    expect(page.get_by_test_id("entry-verdict")).to_have_class(re.compile("ok"))
    expect(page.get_by_test_id("entry-commitment-verdict")).to_have_class(re.compile("ok"))
    assert page.get_by_test_id("entry-commitment").inner_text() == application.identity_commitment
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_own_entry_before_the_draw_uses_the_frozen_root(
    browser: Any, live_server: Any, make_user: Any
):
    """Frozen, not drawn: no protocol yet, so the entry is checked against the root and size the
    notary confirmed (on the page), and no keys are shown."""
    from conftest import PASSWORD
    from gaoxin.housing.tests.builders import frozen_batch

    batch = frozen_batch(make_user)
    application = batch.applications.order_by("number")[0]
    roster = Roster.objects.get(batch=batch)
    proof = roster_tree(roster.pk, roster.root).proof(application.number)
    user = application.user
    assert user is not None
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    page.locator("[data-role]").first.wait_for()
    page.goto(f"{live_server.url}/housing/applications/{application.number}/")
    assert page.get_by_test_id("check-draw").count() == 0  # nothing drawn to re-run
    page.get_by_test_id("check-entry").click()
    expect(page.get_by_test_id("entry-verdict")).to_have_class(re.compile("ok"))
    assert page.get_by_test_id("entry-published-root").inner_text() == roster.root
    assert page.get_by_test_id("entry-leaf").inner_text() == f"{proof.leaf_index} / {roster.size}"
    assert page.get_by_test_id("entry-keys").count() == 0
    expect(page.get_by_test_id("entry-need-identity")).to_be_visible()  # no ID number typed
    context.close()
