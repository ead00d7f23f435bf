"""Check characters on published codes, and every single-character alteration rejected."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.registry import identifiers as ids

# GB 32100-2015's own example, and public codes of well-known enterprises (as printed on their
# business licences and in the national enterprise credit information publicity system).
PUBLISHED_CREDIT_CODES = [
    "91350100M000100Y43",  # the example in GB 32100-2015
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
]
# GB 11643-1999's examples (§ 8 and Appendix).
PUBLISHED_ID_NUMBERS = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("code", PUBLISHED_CREDIT_CODES)
def test_published_credit_codes_are_valid(code):
    assert ids.validate_credit_code(code) == code
    assert ids.validate_credit_code(f" {code.lower()} ") == code


@pytest.mark.parametrize("code", PUBLISHED_CREDIT_CODES)
def test_every_single_character_change_of_a_credit_code_is_rejected(code):
    for position in range(18):
        for replacement in ids.CREDIT_CODE_ALPHABET:
            if replacement == code[position]:
                continue
            altered = code[:position] + replacement + code[position + 1 :]
            if position in range(2, 8) and not replacement.isdigit():
                reason = "characters"
            else:
                reason = "check"
            with pytest.raises(ids.IdentifierError) as caught:
                ids.validate_credit_code(altered)
            assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100I000100Y43", "characters"),  # I is not in the alphabet
        ("91350100O000100Y43", "characters"),
        ("91350100M000100Y34", "check"),  # the last two swapped
    ],
)
def test_malformed_credit_codes(code, reason):
    with pytest.raises(ids.IdentifierError) as caught:
        ids.validate_credit_code(code)
    assert caught.value.reason == reason


@pytest.mark.parametrize("number", PUBLISHED_ID_NUMBERS)
def test_published_id_numbers_are_valid_and_derive_birth_and_sex(number):
    assert ids.validate_id_number(number) == number
    assert ids.validate_id_number(number.lower()) == number


def test_derived_birth_date_and_sex():
    assert ids.id_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert ids.id_sex("11010519491231002X") == "F"  # 17th digit 2: even
    assert ids.id_birth_date("440524188001010014") == date(1880, 1, 1)
    assert ids.id_sex("440524188001010014") == "M"  # 17th digit 1: odd


@pytest.mark.parametrize("number", PUBLISHED_ID_NUMBERS)
def test_every_single_digit_change_of_an_id_number_is_rejected(number):
    for position in range(18):
        for replacement in "0123456789X":
            if replacement == number[position] or (position < 17 and replacement == "X"):
                continue
            altered = number[:position] + replacement + number[position + 1 :]
            with pytest.raises(ids.IdentifierError):
                ids.validate_id_number(altered)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002", "length"),
        ("1101051949123100AX", "characters"),
        ("110105194913310021", "birth_date"),  # month 13
        ("110105189902300025", "birth_date"),  # before 1900 / 30 February
    ],
)
def test_malformed_id_numbers(number, reason):
    with pytest.raises(ids.IdentifierError) as caught:
        ids.validate_id_number(number)
    assert caught.value.reason == reason


def test_birth_date_in_the_future_is_rejected():
    number = ids.make_id_number("340104", date(2030, 1, 1), 11)
    with pytest.raises(ids.IdentifierError) as caught:
        ids.validate_id_number(number, today=date(2026, 1, 1))
    assert caught.value.reason == "birth_date"


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    sequence=st.integers(0, 999),
    region=st.sampled_from(["340104", "340171", "110105", "440305"]),
)
def test_made_id_numbers_round_trip(born, sequence, region):
    number = ids.make_id_number(region, born, sequence)
    assert ids.validate_id_number(number) == number
    assert ids.id_birth_date(number) == born
    assert ids.id_sex(number) == ("M" if sequence % 2 else "F")


@given(body=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8))
def test_made_credit_codes_are_valid(body):
    code = ids.make_credit_code("91", "340171", body)
    assert ids.is_valid_credit_code(code)


def test_masking():
    assert ids.mask_id_number("340104199003071235") == "340104********1235"
    assert ids.mask_name("张小明") == "张*明"
    assert ids.mask_name("李明") == "李*"
    assert ids.mask_name("欧阳小明") == "欧**明"
    assert ids.mask_name("王") == "*"  # issue #13: a one-character name is shown whole nowhere
    assert ids.mask_phone("13812345678") == "138****5678"


def test_minor_turns_adult_on_the_18th_birthday():
    born = date(2008, 3, 10)
    assert ids.is_minor(born, date(2026, 3, 9))
    assert not ids.is_minor(born, date(2026, 3, 10))  # 18 today
    leap = date(2008, 2, 29)
    assert ids.is_minor(leap, date(2026, 2, 28))
    assert not ids.is_minor(leap, date(2026, 3, 1))


@pytest.mark.parametrize(
    "name",
    [
        "张\n三",
        "张\r三",
        "张\u0085三",
        "张\u2028三",
        "\u202e三张",
        "张\u200b三",
        "张\ufeff三",
        "=HYPERLINK(1)",
        "张<三>",
        "  ",
        "·",
        "张  三",
    ],
)
def test_names_with_line_breaks_format_characters_or_formulas_are_refused(name):
    assert ids.personal_name_problem(name) is not None


@pytest.mark.parametrize(
    "name", ["张三", "阿卜杜拉·艾力", "欧阳娜娜", "Anna-Maria O'Neil", "王堃", "𠮷田", "䶮", "龘"]
)
def test_real_names_pass(name):
    assert ids.personal_name_problem(name) is None
