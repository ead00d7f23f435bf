"""Check characters and masking of the two national identifiers the registry keys on.

- 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a 31-character
  alphabet (digits and capitals without I, O, Z, S, V); the 18th is a mod-31 check character
  over the first 17 with weights 3^i mod 31.
- 居民身份证号 (resident identity number), GB 11643-1999: 6-digit region code, 8-digit birth
  date, 3-digit sequence (odd = male, even = female), and a mod-11 check character (0-9 or X)
  over the first 17 digits with weights 2^(17-i) mod 11 (ISO 7064 MOD 11-2).

The functions here are pure (no Django import) so the import row parsers and the synthetic zone
use exactly the same rules.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_ALPHABET)}
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# GB 11714-1997 organisation code (positions 9-17 of a credit code), used to build realistic codes.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdentifierError(ValueError):
    """`reason` is one of: length, characters, check, birth_date."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalize_code(value: str) -> str:
    """Strip spaces (including full-width ones) and upper-case: what people type or paste."""
    return value.strip().replace(" ", "").replace("\u3000", "").upper()


# -- 统一社会信用代码 -------------------------------------------------------------------------


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_VALUE[ch] * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """The normalised code, or IdentifierError naming why it is not a valid code."""
    code = normalize_code(value)
    if len(code) != 18:
        raise IdentifierError("length")
    if not _CREDIT_SHAPE.match(code):
        raise IdentifierError("characters")
    if credit_code_check_char(code[:17]) != code[17]:
        raise IdentifierError("check")
    return code


def is_valid_credit_code(value: str) -> bool:
    try:
        validate_credit_code(value)
    except IdentifierError:
        return False
    return True


def org_code_check_char(first8: str) -> str:
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - 55) * w
        for ch, w in zip(first8, ORG_CODE_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def make_credit_code(prefix: str, region: str, org_body: str) -> str:
    """Build a valid code: `prefix` (2 chars, e.g. "91" for an enterprise registered with market
    regulation), `region` (6 digits), `org_body` (8 digits/capitals of the organisation code)."""
    org = org_body + org_code_check_char(org_body)
    first17 = prefix + region + org
    return first17 + credit_code_check_char(first17)


# -- 居民身份证号 -----------------------------------------------------------------------------


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str, *, today: date | None = None) -> str:
    """The normalised number ('x' becomes 'X'), or IdentifierError naming why it is invalid.
    The birth date must be a real date from 1850 (the standard's own example is born in 1880)
    up to `today`."""
    number = normalize_code(value)
    if len(number) != 18:
        raise IdentifierError("length")
    if not _ID_SHAPE.match(number):
        raise IdentifierError("characters")
    born = _birth_date(number)
    if born is None or born.year < 1850 or (today is not None and born > today):
        raise IdentifierError("birth_date")
    if id_check_char(number[:17]) != number[17]:
        raise IdentifierError("check")
    return number


def is_valid_id_number(value: str, *, today: date | None = None) -> bool:
    try:
        validate_id_number(value, today=today)
    except IdentifierError:
        return False
    return True


def _birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_birth_date(number: str) -> date:
    """Birth date of a number that passed `validate_id_number`."""
    born = _birth_date(number)
    if born is None:
        raise IdentifierError("birth_date")
    return born


def id_sex(number: str) -> str:
    """ "M" or "F": the 17th digit is odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def make_id_number(region: str, born: date, sequence: int) -> str:
    """A valid number for `region` (6 digits), `born`, and a sequence 0-999 (odd = male)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


# -- masking ---------------------------------------------------------------------------------


def mask_id_number(number: str) -> str:
    """`340104********1234`: region code and the last four kept."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


# Between the letters of a name, as ID cards and passports print them: the middle dot of
# minority and transliterated names (阿卜杜拉·艾力, also its full-width and bullet look-alikes),
# and single spaces, hyphens and apostrophes in names written in Latin letters.
NAME_JOINERS = frozenset("·・•‧.． -'’")


def personal_name_problem(name: str) -> tuple[str, str] | None:
    """None when `name` reads as a person's name; else (Chinese, English) saying what is wrong.

    Letters of any script (CJK extensions included) and combining marks, joined by
    NAME_JOINERS; no line breaks of any kind (CR, LF, U+0085, U+2028/9), no invisible or
    direction-changing format characters (zero-width spaces and joiners, U+202A–U+202E, U+2066–
    U+2069, U+FEFF), nothing a spreadsheet would run as a formula, no other symbols (digits
    pass: an all-digit name is refused by the caller, and test households are numbered).
    One rule for every channel: the web form, the API and the sales office's sheet."""
    for char in name:
        category = unicodedata.category(char)
        if category[0] in "LM" or category == "Nd" or char in NAME_JOINERS:
            continue
        code = f"U+{ord(char):04X}"
        if category[0] in "CZ" and char != " ":
            return (
                f"含有不可见或控制字符 {code}",
                f"contains an invisible or control character {code}",
            )
        if char in "=+@＝＋＠":
            return (
                f"不能含有公式字符 “{char}”",
                f"must not contain the formula character “{char}”",
            )
        return (
            f"不能含有字符 “{char}”（{code}）",
            f"must not contain the character “{char}” ({code})",
        )
    if not any(unicodedata.category(c)[0] == "L" for c in name):
        return ("应含有文字", "must contain letters")
    if name[0] in NAME_JOINERS or name[-1] in NAME_JOINERS or "  " in name:
        return (
            "首尾不能是分隔符，也不能有连续空格",
            "must not start or end with a separator or hold double spaces",
        )
    return None


_DOTS = str.maketrans({c: "·" for c in "・•‧.．"})


def same_name(given: str, registered: str) -> bool:
    """`given` is the registry's name as a person would type it from their ID card: the same
    after Unicode compatibility normalisation (full-width letters), with the middle dot's
    look-alikes taken for the middle dot and Latin letters compared without case."""

    def key(name: str) -> str:
        return unicodedata.normalize("NFKC", name.strip()).translate(_DOTS).casefold()

    return key(given) == key(registered)


def mask_name(name: str) -> str:
    """`张*明`, `李*`, `欧阳**`… : the first character kept, and the last when the name has three
    or more characters; a one-character name is masked whole (`*`)."""
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


# -- ages ------------------------------------------------------------------------------------


def years_ago(day: date, years: int) -> date:
    """The same calendar day `years` earlier; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def adult_cutoff(on: date, age: int = 18) -> date:
    """People born on or before this date are at least `age` full years old on `on`.

    Someone born 29 February reaches their birthday on 1 March in common years, so on
    28 February of a common year they are still under age."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # `on` is 29 February and the year `age` years earlier is common
        return date(on.year - age, 2, 28)


def is_minor(born: date, on: date, age: int = 18) -> bool:
    return born > adult_cutoff(on, age)
