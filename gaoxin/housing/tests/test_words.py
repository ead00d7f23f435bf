"""What people read, in words of the sale and in their language (issue #14, items 7, 8, 10):
fairdraw's errors at the boundary, the registration form's messages, the audit log's
sentences and the closing report's shortfalls."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from gaoxin import fairdraw
from gaoxin.common import auditwords
from gaoxin.common.models import AuditEvent
from gaoxin.housing import errors
from gaoxin.housing.fairdrawwords import as_gaoxin_error
from gaoxin.housing.forms import RegistrationForm
from gaoxin.housing.report import shortfalls

from .builders import SYSTEM, draft_batch


def _value_error() -> fairdraw.FairdrawError:
    declaration = fairdraw.EntropyDeclaration(
        (fairdraw.EntropySource("上证综指收盘点位", "上海证券交易所 12月1日收盘"),)
    )
    with pytest.raises(fairdraw.FairdrawError) as caught:
        declaration.reveal(["3215.67"], None).check()
    return caught.value


def test_a_fairdraw_error_is_told_in_words_of_the_sale_in_each_language() -> None:
    error = as_gaoxin_error(_value_error(), errors.VALUES_INVALID, sources=["上证综指收盘点位"])
    zh, en = error.message("zh-hans"), error.message("en")
    assert "第 1 个随机源（上证综指收盘点位）的取值" in zh
    assert "3215.67" in zh and "321567" in zh
    assert "sources[0]" not in zh + en and "field" not in zh + en
    assert not any("a" <= c <= "z" for c in zh.replace("3215.67", "")), zh
    assert en.startswith("The public values are not valid. The value of source 1 (")


@pytest.mark.parametrize(
    ("field", "value", "zh", "en"),
    [
        ("applicant_id", "34012", "身份证号应为 18 位，现在填写了 5 位。", "this one has 5"),
        ("phone", "12345", "手机号码为 11 位数字", "11 digits"),
        ("applicant_name", "", "请填写申请人的姓名。", "Give the name of the applicant."),
    ],
)
def test_the_registration_form_says_what_is_wrong_with_each_field(
    field: str, value: str, zh: str, en: str
) -> None:
    data = {"applicant_name": "张三", "applicant_id": "110101199003074477", "phone": "13800138000"}
    data[field] = value
    for language, expected in (("zh-hans", zh), ("en", en)):
        with translation.override(language):
            form = RegistrationForm(data={**data, "consent": "on"})
            assert not form.is_valid()
            message = " ".join(str(m) for m in form.errors[field])
            assert expected in message, message
            assert "确保" not in message and "输入一个有效的值" not in message


@pytest.mark.django_db
def test_the_audit_log_tells_events_as_sentences_with_the_raw_record_folded(
    client_for: Any,
) -> None:
    batch = draft_batch(code="GXW1")
    event = AuditEvent.objects.filter(action="housing.batch.created").latest("pk")
    with translation.override("zh-hans"):
        told = auditwords.tell([event])[0]
    assert "创建了销售批次" in told.sentence and "GXW1" in told.sentence
    assert "housing.salebatch" not in told.sentence
    client: Client = client_for("auditor")
    page = client.get("/audit/").content.decode()
    assert "创建了销售批次" in page
    assert '<details class="raw"><summary>原始记录</summary>' in page
    assert batch.code in page


def _report(shares: list[dict[str, Any]], eligible: dict[str, int], **choice: int) -> dict:
    return {
        "batch": {"units": 24},
        "pools": [{"pool": p, "eligible": n} for p, n in eligible.items()],
        "shares": shares,
        "choice": {"units_unsold": 0, "not_called": 0, **choice},
    }


def test_a_shortfall_against_the_policy_is_flagged_with_its_cause() -> None:
    data = _report(
        [
            {"pool": "first_home", "minimum": 30, "achieved": 4.2, "purchased": 4.2},
            {"pool": "key_industry", "minimum": 10, "achieved": 12.5, "purchased": 8.3},
        ],
        {"first_home": 1, "key_industry": 5},
        units_unsold=16,
        declined=3,
        no_show=2,
        forfeited=1,
    )
    found = {(f["kind"], f.get("pool")): f for f in shortfalls(data)}
    share = found[("share", "first_home")]
    assert (share["cause"], share["reserved"], share["eligible"], share["carried"]) == (
        "too_few_eligible",
        8,
        1,
        7,
    )
    assert found[("purchases", "key_industry")]["cause"] == "winners_did_not_buy"
    unsold = found[("unsold", None)]
    assert (unsold["unsold"], unsold["cause"]) == (16, "waitlist_ran_out")


def test_a_sale_that_met_its_policy_has_no_shortfall() -> None:
    data = _report(
        [{"pool": "first_home", "minimum": 30, "achieved": 33.3, "purchased": 33.3}],
        {"first_home": 20},
    )
    assert shortfalls(data) == []
    data["choice"].update(units_unsold=2, not_called=5)
    assert [(f["kind"], f["cause"]) for f in shortfalls(data)] == [("unsold", "closed_early")]


def test_system_actor_is_named_in_words() -> None:
    assert SYSTEM is not None  # the builders' system actor exists; its events are told by name
    assert "system:demo" in auditwords.SYSTEM_ACTORS


def test_an_error_names_its_moments_in_the_readers_date_style() -> None:
    error = errors.REGISTRATION_CLOSED
    params = {"opens": "2026-12-01 15:50", "closes": "2026-12-15 15:50"}
    assert error.render("zh-hans", **params) == (
        "登记时间为 2026年12月1日 15:50 至 2026年12月15日 15:50，现在不在登记时间内。"
    )
    assert "from 1 Dec 2026 15:50 to 15 Dec 2026 15:50" in error.render("en", **params)
    # what a person typed is shown as typed, even when it looks like a date
    assert "“2026-12-01”" in errors.BATCH_CODE_INVALID.render("en", code="2026-12-01")


def test_the_report_pdf_says_each_shortfall_with_its_cause() -> None:
    from gaoxin.housing.documents import shortfall_sentences

    data = _report(
        [{"pool": "first_home", "minimum": 30, "achieved": 4.2, "purchased": 4.2}],
        {"first_home": 1},
        units_unsold=16,
    )
    first, unsold = shortfall_sentences(data)
    assert first.startswith("刚需") and "4.2%" in first and "30%" in first
    assert "转入普通轮次" in first
    assert "16 套未售出" in unsold and "候补名单已用完" in unsold


def test_every_audit_action_has_a_sentence() -> None:
    """An action written anywhere in production code (literally, or as a transition of the
    batch, override or unit-choice machines) is told as a sentence, not as its code."""
    import re
    from pathlib import Path

    import gaoxin
    from gaoxin.housing.states import BATCH, OVERRIDE, TURN
    from gaoxin.servicedesk.states import HAZARD, REQUEST, STATISTICS_REPORT

    root = Path(gaoxin.__file__).parent
    written: set[str] = set()
    for path in root.rglob("*.py"):
        if {"tests", "testing", "fairdraw", "migrations"} & set(path.parts):
            continue
        written |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text()))
    written |= {f"housing.batch.{name}" for name in BATCH.transitions.values()}
    written |= {f"housing.override.{name}" for name in OVERRIDE.transitions.values()}
    written |= {f"housing.choice.{name}" for name in TURN.transitions.values()}
    written |= {f"servicedesk.request.{name}" for name in REQUEST.transitions.values()}
    written |= {f"servicedesk.hazard.{name}" for name in HAZARD.transitions.values()}
    written |= {
        f"servicedesk.statistics_report.{name}" for name in STATISTICS_REPORT.transitions.values()
    }
    assert len(written) > 40  # the scan found the actions
    assert written - auditwords.known_actions() == set()
