"""A synthetic, deterministic zone: enterprises across the 13 key industries and others (valid
credit codes), people with valid ID numbers (Anhui region codes, mostly Hefei; plausible
ages), Chinese names, marriages and children, job changes and gaps in insurance, make-up
payments, degrees in realistic proportions, property inside and outside the zone, and
home-purchase qualification decisions.

`generate(persons=N, seed=S)` yields the agency files' rows (lists of strings, in the columns of
imports/columns.py) kind by kind, so the same data can be written as CSV/XLSX files or imported
straight away through the import pipeline (`manage.py synth`). The same seed gives the same
zone, byte for byte."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import identifiers
from .catalogue import KEY_INDUSTRIES
from .choices import ImportKind

HEFEI_REGIONS = (
    "340102",
    "340103",
    "340104",
    "340111",
    "340121",
    "340122",
    "340123",
    "340124",
    "340181",
)
ANHUI_REGIONS = (
    "340202",
    "340302",
    "340403",
    "340503",
    "340602",
    "340702",
    "340823",
    "341002",
    "341102",
    "341202",
    "341302",
    "341502",
    "341602",
    "341702",
    "341802",
)
OTHER_REGIONS = ("320102", "330106", "370102", "410105", "420106", "110105", "310115")
ZONE_REGION = "340171"  # 合肥高新技术产业开发区
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程汪"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉丹宇浩凯秀兰建国志文斌琳"
    "晨阳欣怡子涵梓轩思雨佳琪俊杰嘉怡雪婷宏博天宇家豪一诺梦瑶"
)
BRANDS = (
    "科讯",
    "芯源",
    "华晶",
    "睿思",
    "智行",
    "聚能",
    "光谷",
    "瀚海",
    "维信",
    "国盾",
    "鼎泰",
    "蓝图",
    "启明",
    "云帆",
    "安泰",
    "中科",
    "晶合",
    "长鑫",
    "海创",
    "恒远",
    "新锐",
    "卓越",
    "星辰",
    "达远",
)
NON_KEY_SECTORS = ("批发和零售业", "餐饮业", "建筑业", "房地产业", "商务服务业", "交通运输业")
INSTITUTIONS = (
    "中国科学技术大学",
    "合肥工业大学",
    "安徽大学",
    "安徽医科大学",
    "安徽建筑大学",
    "安徽农业大学",
    "南京大学",
    "浙江大学",
    "东南大学",
    "武汉大学",
    "安徽职业技术学院",
)
DISTRICTS_OUT = ("蜀山区", "包河区", "庐阳区", "瑶海区", "经开区", "滨湖新区", "肥西县")
ZONE_STREETS = ("望江西路", "创新大道", "黄山路", "长江西路", "天智路", "习友路")


@dataclass
class Zone:
    """Rows of each agency file, as they would arrive (strings, template column order)."""

    rows: dict[str, list[Sequence[str]]] = field(
        default_factory=lambda: {kind.value: [] for kind in ImportKind}
    )
    insurance_count: int = 0


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _months_back(end: date, count: int) -> list[tuple[int, int]]:
    months = []
    year, month = end.year, end.month
    for _ in range(count):
        months.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def _flag(value: bool) -> str:
    return "是" if value else "否"


class _Generator:
    def __init__(self, persons: int, seed: int, as_of: date, months: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311  (reproducible test data, not secrets)
        self.target = persons
        self.as_of = as_of
        self.months = months
        self.zone = Zone()
        self.ids: set[str] = set()
        self.codes: set[str] = set()
        self.refs: set[str] = set()

    # -- identities ------------------------------------------------------------------------

    def name(self) -> str:
        rng = self.rng
        given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
        return rng.choice(SURNAMES) + given

    def id_number(self, born: date, male: bool) -> str:
        rng = self.rng
        roll = rng.random()
        regions = HEFEI_REGIONS if roll < 0.6 else ANHUI_REGIONS if roll < 0.9 else OTHER_REGIONS
        while True:
            sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
            number = identifiers.make_id_number(rng.choice(regions), born, sequence)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def credit_code(self) -> str:
        rng = self.rng
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        while True:
            body = "MA" + "".join(rng.choice(alphabet[:10] + alphabet[10:]) for _ in range(6))
            body = body.replace("I", "1").replace("O", "0")
            region = ZONE_REGION if rng.random() < 0.7 else rng.choice(HEFEI_REGIONS)
            code = identifiers.make_credit_code("91", region, body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def birth(self, min_age: int, max_age: int) -> date:
        days = self.rng.randrange(min_age * 365 + 1, max_age * 365 - 1)
        return self.as_of - timedelta(days=days)

    def day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    # -- the zone ---------------------------------------------------------------------------

    def enterprises(self) -> list[tuple[str, bool, date | None]]:
        """(credit code, in the zone, moved-out date) of every enterprise."""
        rng = self.rng
        count = max(30, self.target // 40)
        out = []
        rows = self.zone.rows
        for index in range(count):
            code = self.credit_code()
            key = index % 2 == 0
            industry = KEY_INDUSTRIES[index // 2 % len(KEY_INDUSTRIES)] if key else None
            sector = industry[1] if industry else rng.choice(NON_KEY_SECTORS)
            suffix = "股份有限公司" if rng.random() < 0.2 else "有限公司"
            name = f"合肥{rng.choice(BRANDS)}{sector[:4]}{index + 1}号{suffix}"
            in_zone = rng.random() < 0.75
            start = self.day_between(date(2008, 1, 1), date(2022, 12, 31))
            moved = self.day_between(date(2023, 1, 1), self.as_of) if rng.random() < 0.05 else None
            status = "迁出" if moved else ("注销" if rng.random() < 0.02 else "存续")
            zone_from = start.isoformat() if in_zone else ""
            zone_to = moved.isoformat() if (in_zone and moved) else ""
            rows[ImportKind.ENTERPRISE].append(
                [
                    code,
                    name,
                    f"合肥市高新区{rng.choice(ZONE_STREETS)}{rng.randrange(1, 999)}号"
                    if in_zone
                    else f"合肥市{rng.choice(DISTRICTS_OUT)}某路{rng.randrange(1, 999)}号",
                    sector,
                    status,
                    zone_from,
                    zone_to,
                    zone_from,
                    zone_to,
                ]
            )
            if industry and in_zone:
                since = max(start, date(2021, 1, 1)) + timedelta(days=rng.randrange(0, 400))
                ended = ""
                if rng.random() < 0.08:
                    ended = self.day_between(since, self.as_of).isoformat()
                rows[ImportKind.CLASSIFICATION].append(
                    [
                        code,
                        industry[1],
                        since.isoformat(),
                        ended,
                        f"合高管〔{since.year}〕{rng.randrange(1, 300)}号 重点产业企业认定",
                    ]
                )
            out.append((code, in_zone and moved is None, moved))
        return out

    def people(self, enterprises: list[tuple[str, bool, date | None]]) -> None:
        rng = self.rng
        rows = self.zone.rows
        made = 0
        certificate = 0
        window = _months_back(self.as_of.replace(day=1) - timedelta(days=1), self.months)
        while made < self.target:
            adults = []
            male = rng.random() < 0.5
            born = self.birth(22, 58)
            a = self.id_number(born, male)
            a_name = self.name()
            phone = f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}"
            rows[ImportKind.PERSON].append([a, a_name, phone])
            adults.append((a, born))
            made += 1
            married = (
                made < self.target
                and born < self.as_of - timedelta(days=25 * 365)
                and (rng.random() < 0.6)
            )
            if married:
                spouse_born = min(
                    self.as_of - timedelta(days=22 * 365),
                    born + timedelta(days=rng.randrange(-1500, 1500)),
                )
                b = self.id_number(spouse_born, not male)
                b_name = self.name()
                rows[ImportKind.PERSON].append([b, b_name, ""])
                made += 1
                adults.append((b, spouse_born))
                younger = max(born, spouse_born)
                wed = self.day_between(
                    younger + timedelta(days=22 * 365), self.as_of - timedelta(days=30)
                )
                divorced = self.day_between(wed, self.as_of) if rng.random() < 0.05 else None
                rows[ImportKind.MARRIAGE].append(
                    [a, b, wed.isoformat(), divorced.isoformat() if divorced else ""]
                )
                for _ in range(rng.choice((0, 1, 1, 1, 2, 2))):
                    if made >= self.target or wed + timedelta(days=300) >= self.as_of:
                        break
                    child_born = self.day_between(
                        wed + timedelta(days=300), self.as_of - timedelta(days=1)
                    )
                    c = self.id_number(child_born, rng.random() < 0.5)
                    family = a_name[0] if male else b_name[0]  # the father's surname
                    rows[ImportKind.PERSON].append([c, family + self.name()[1:], ""])
                    made += 1
                    rows[ImportKind.CHILD].append([a, c])
                    rows[ImportKind.CHILD].append([b, c])
            for number, adult_born in adults:
                self.career(number, adult_born, enterprises, window)
            if rng.random() < 0.3:
                certificate += 1
                self.home(certificate, [n for n, _b in adults])
            if rng.random() < 0.6:
                self.qualification(a)

    def career(
        self,
        number: str,
        born: date,
        enterprises: list[tuple[str, bool, date | None]],
        window: list[tuple[int, int]],
    ) -> None:
        rng = self.rng
        rows = self.zone.rows
        roll = rng.random()
        level = (
            4
            if roll < 0.03
            else 3
            if roll < 0.15
            else 2
            if roll < 0.50
            else 1
            if roll < 0.70
            else 0
        )
        if level:
            ref = f"{rng.randrange(10**15, 10**16)}{level}"
            while ref in self.refs:
                ref = f"{rng.randrange(10**15, 10**16)}{level}"
            self.refs.add(ref)
            grad_age = (20, 22, 25, 28)[level - 1]
            graduated = born + timedelta(days=grad_age * 365 + rng.randrange(150, 200))
            status = (
                "已核验" if rng.random() < 0.9 else ("未核验" if rng.random() < 0.7 else "核验不符")
            )
            rows[ImportKind.DEGREE].append(
                [
                    number,
                    ("专科", "本科", "硕士", "博士")[level - 1],
                    rng.choice(INSTITUTIONS),
                    min(graduated, self.as_of).isoformat(),
                    ref,
                    status,
                ]
            )
        if rng.random() > 0.85:
            return  # not employed
        jobs = rng.choice((1, 1, 1, 2, 2, 3))
        start = self.as_of - timedelta(days=rng.randrange(30 * 30, 30 * 120))
        periods = []
        for job in range(jobs):
            employer = rng.choice(enterprises)
            if rng.random() < 0.7:  # most people work in the zone
                zone_employers = [e for e in enterprises[:64] if e[1]]
                employer = rng.choice(zone_employers) if zone_employers else employer
            last = job == jobs - 1
            end = (
                None
                if last
                else self.day_between(start + timedelta(days=120), start + timedelta(days=900))
            )
            if end is not None and end >= self.as_of:
                end = None
            periods.append((employer, start, end))
            rows[ImportKind.EMPLOYMENT].append(
                [number, employer[0], start.isoformat(), end.isoformat() if end else ""]
            )
            if end is None:
                break
            gap = 0 if rng.random() < 0.7 else rng.randrange(20, 120)
            start = end + timedelta(days=1 + gap)
            if start >= self.as_of:
                break  # between jobs today
        labels = self.month_labels(window)
        for year, month in window:
            first = date(year, month, 1)
            payer: tuple[str, bool, date | None] | None = None
            for candidate, begin, finish in periods:
                if begin <= first + timedelta(days=27) and (finish is None or finish >= first):
                    payer = candidate
            if payer is None:
                continue
            makeup = False
            paid = date(year, month, 15)
            if rng.random() < 0.03:  # a missed month
                if rng.random() < 0.5:
                    continue  # a real gap
                makeup = True  # paid later (补缴)
                paid = min(
                    self.as_of - timedelta(days=1), paid + timedelta(days=rng.randrange(40, 200))
                )
            in_zone = payer[1] or (payer[2] is not None and first < payer[2])
            month_text, regular_paid = labels[(year, month)]
            rows[ImportKind.INSURANCE].append(
                (  # a tuple of shared strings: millions of these are held in memory
                    number,
                    payer[0],
                    month_text,
                    _flag(in_zone),
                    _flag(makeup),
                    paid.isoformat() if makeup else regular_paid,
                )
            )
            self.zone.insurance_count += 1

    def month_labels(self, window: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[str, str]]:
        if not hasattr(self, "_labels"):
            self._labels = {(y, m): (_month(y, m), date(y, m, 15).isoformat()) for y, m in window}
        return self._labels

    def home(self, serial: int, owners: list[str]) -> None:
        rng = self.rng
        in_zone = rng.random() < 0.35
        registered = self.day_between(date(2010, 1, 1), self.as_of - timedelta(days=1))
        disposed = self.day_between(registered, self.as_of) if rng.random() < 0.15 else None
        use = "住宅" if rng.random() < 0.9 else rng.choice(("商业", "办公"))
        district = "高新区" if in_zone else rng.choice(DISTRICTS_OUT)
        street = rng.choice(ZONE_STREETS) if in_zone else "某路"
        holders = owners if rng.random() < 0.7 else owners[:1]
        self.zone.rows[ImportKind.PROPERTY].append(
            [
                f"皖({registered.year})合肥市不动产权第{serial:07d}号",
                ";".join(holders),
                f"合肥市{district}{street}{rng.randrange(1, 300)}号"
                f"{rng.randrange(1, 30)}栋{rng.randrange(101, 2802)}",
                district,
                _flag(in_zone),
                use,
                registered.isoformat(),
                disposed.isoformat() if disposed else "",
            ]
        )

    def qualification(self, number: str) -> None:
        rng = self.rng
        decided = self.day_between(self.as_of - timedelta(days=700), self.as_of - timedelta(days=1))
        status = "有资格" if rng.random() < 0.8 else "无资格"
        valid_to = decided + timedelta(days=365)
        self.zone.rows[ImportKind.QUALIFICATION].append(
            [
                number,
                status,
                decided.isoformat(),
                decided.isoformat(),
                valid_to.isoformat(),
                f"合房资〔{decided.year}〕{rng.randrange(1, 99999):05d}号",
            ]
        )


def generate(*, persons: int, seed: int, as_of: date = date(2026, 1, 1), months: int = 24) -> Zone:
    """The whole zone in memory (rows per kind). ~1 KB per person."""
    generator = _Generator(persons, seed, as_of, months)
    enterprises = generator.enterprises()
    generator.people(enterprises)
    return generator.zone


def rows_in_load_order(zone: Zone) -> Iterator[tuple[str, list[Sequence[str]]]]:
    for kind in ImportKind:
        yield kind.value, zone.rows[kind.value]
