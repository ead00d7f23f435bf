"""The columns of each agency file: Chinese header (what templates carry and files must have),
English header (also accepted), whether required, and an example value for the template.

Columns are matched by header, in any order; a trailing "*" (templates mark required columns
with it) and spaces are ignored."""

from __future__ import annotations

from dataclasses import dataclass

from ..choices import ImportKind


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool = True
    example: str = ""
    note_zh: str = ""


@dataclass(frozen=True)
class Spec:
    kind: ImportKind
    title_zh: str
    columns: tuple[Column, ...]
    key_zh: str  # what makes a row unique (natural key), for duplicate messages
    key_en: str

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


ID = "身份证号"
CODE = "统一社会信用代码"
FLAG_NOTE = "是 / 否"
DATE_NOTE = "YYYY-MM-DD"

SPECS: dict[str, Spec] = {
    ImportKind.ENTERPRISE: Spec(
        ImportKind.ENTERPRISE,
        "企业",
        (
            Column("credit_code", CODE, "credit_code", True, "91340100MA2N0B8X2N"),
            Column("name", "企业名称", "name", True, "合肥示例集成电路有限公司"),
            Column("address", "注册地址", "registered_address", False, "合肥市高新区创新大道 1 号"),
            Column("sector", "国民经济行业", "sector", False, "集成电路制造"),
            Column("status", "登记状态", "status", False, "存续", "存续 / 注销 / 吊销 / 迁出"),
            Column(
                "business_from",
                "工商登记在区内起始日期",
                "business_in_zone_from",
                False,
                "2019-03-01",
                DATE_NOTE,
            ),
            Column(
                "business_to", "工商登记在区内截止日期", "business_in_zone_to", False, "", DATE_NOTE
            ),
            Column(
                "tax_from",
                "税务关系在区内起始日期",
                "tax_in_zone_from",
                False,
                "2019-03-01",
                DATE_NOTE,
            ),
            Column("tax_to", "税务关系在区内截止日期", "tax_in_zone_to", False, "", DATE_NOTE),
        ),
        "统一社会信用代码",
        "credit code",
    ),
    ImportKind.CLASSIFICATION: Spec(
        ImportKind.CLASSIFICATION,
        "重点产业认定",
        (
            Column("credit_code", CODE, "credit_code", True, "91340100MA2N0B8X2N"),
            Column("industry", "重点产业", "industry", True, "集成电路", "产业代码或名称"),
            Column("effective_from", "生效日期", "effective_from", True, "2023-01-01", DATE_NOTE),
            Column("effective_to", "失效日期", "effective_to", False, "", DATE_NOTE),
            Column("basis", "认定依据", "basis", True, "合高管〔2023〕12号"),
        ),
        "企业、产业和生效日期",
        "enterprise, industry and start date",
    ),
    ImportKind.PERSON: Spec(
        ImportKind.PERSON,
        "人员",
        (
            Column("id_number", ID, "id_number", True, "340104199003071235"),
            Column("name", "姓名", "name", True, "张明"),
            Column("phone", "联系电话", "phone", False, "13800000000"),
        ),
        "身份证号",
        "ID number",
    ),
    ImportKind.MARRIAGE: Spec(
        ImportKind.MARRIAGE,
        "婚姻",
        (
            Column("id_number", ID, "id_number", True, "340104199003071235"),
            Column(
                "spouse_id_number", "配偶身份证号", "spouse_id_number", True, "340104199105082349"
            ),
            Column("married_on", "结婚登记日期", "married_on", True, "2018-05-20", DATE_NOTE),
            Column("ended_on", "离婚日期", "ended_on", False, "", DATE_NOTE),
        ),
        "夫妻和结婚登记日期",
        "couple and marriage date",
    ),
    ImportKind.CHILD: Spec(
        ImportKind.CHILD,
        "子女",
        (
            Column(
                "parent_id_number", "父母身份证号", "parent_id_number", True, "340104199003071235"
            ),
            Column(
                "child_id_number", "子女身份证号", "child_id_number", True, "340104201906013458"
            ),
        ),
        "父母和子女",
        "parent and child",
    ),
    ImportKind.EMPLOYMENT: Spec(
        ImportKind.EMPLOYMENT,
        "就业",
        (
            Column("id_number", ID, "id_number", True, "340104199003071235"),
            Column(
                "credit_code",
                "用人单位统一社会信用代码",
                "employer_credit_code",
                True,
                "91340100MA2N0B8X2N",
            ),
            Column("started_on", "入职日期", "started_on", True, "2021-07-01", DATE_NOTE),
            Column("ended_on", "离职日期", "ended_on", False, "", DATE_NOTE),
        ),
        "人员、单位和入职日期",
        "person, employer and start date",
    ),
    ImportKind.INSURANCE: Spec(
        ImportKind.INSURANCE,
        "社保缴费",
        (
            Column("id_number", ID, "id_number", True, "340104199003071235"),
            Column(
                "credit_code",
                "缴费单位统一社会信用代码",
                "employer_credit_code",
                True,
                "91340100MA2N0B8X2N",
            ),
            Column("month", "缴费月份", "month", True, "2024-03", "YYYY-MM"),
            Column("in_zone", "是否在高新区缴纳", "paid_in_zone", True, "是", FLAG_NOTE),
            Column("makeup", "是否补缴", "make_up", True, "否", FLAG_NOTE),
            Column("paid_on", "缴费日期", "paid_on", False, "2024-03-15", DATE_NOTE),
        ),
        "人员、单位和月份",
        "person, employer and month",
    ),
    ImportKind.DEGREE: Spec(
        ImportKind.DEGREE,
        "学历",
        (
            Column("id_number", ID, "id_number", True, "340104199003071235"),
            Column("level", "学历层次", "level", True, "本科", "专科 / 本科 / 硕士 / 博士"),
            Column("institution", "毕业院校", "institution", True, "中国科学技术大学"),
            Column("graduated_on", "毕业日期", "graduated_on", False, "2012-07-01", DATE_NOTE),
            Column(
                "verification_ref", "学历验证编号", "verification_ref", True, "A1234567890123456"
            ),
            Column(
                "verification_status",
                "核验结果",
                "verification_status",
                True,
                "已核验",
                "已核验 / 未核验 / 核验不符",
            ),
        ),
        "学历验证编号",
        "verification reference",
    ),
    ImportKind.PROPERTY: Spec(
        ImportKind.PROPERTY,
        "不动产",
        (
            Column(
                "certificate_no",
                "不动产权证号",
                "certificate_no",
                True,
                "皖(2020)合肥市不动产权第0123456号",
            ),
            Column(
                "owners",
                "权利人身份证号",
                "owner_id_numbers",
                True,
                "340104199003071235",
                "多个权利人用 ; 分隔",
            ),
            Column("address", "坐落", "address", True, "合肥市高新区望江西路 100 号 1 栋 101"),
            Column("district", "行政区", "district", True, "高新区"),
            Column("in_zone", "是否在高新区内", "in_zone", True, "是", FLAG_NOTE),
            Column("use", "用途", "use", True, "住宅", "住宅 / 商业 / 办公 / 工业 / 其他"),
            Column("registered_on", "登记日期", "registered_on", True, "2020-06-30", DATE_NOTE),
            Column("disposed_on", "注销（转移）日期", "disposed_on", False, "", DATE_NOTE),
        ),
        "不动产权证号",
        "certificate number",
    ),
    ImportKind.QUALIFICATION: Spec(
        ImportKind.QUALIFICATION,
        "购房资格",
        (
            Column("id_number", ID, "id_number", True, "340104199003071235"),
            Column("status", "资格状态", "status", True, "有资格", "有资格 / 无资格 / 已撤销"),
            Column("decided_on", "认定日期", "decided_on", False, "2025-01-10", DATE_NOTE),
            Column("valid_from", "有效期起", "valid_from", True, "2025-01-10", DATE_NOTE),
            Column("valid_to", "有效期止", "valid_to", False, "2026-01-09", DATE_NOTE),
            Column("decision_ref", "决定文号", "decision_ref", False, "合房资〔2025〕001号"),
        ),
        "人员和有效期起",
        "person and start of validity",
    ),
}


def spec_for(kind: str) -> Spec:
    return SPECS[kind]


def clean_header(value: str) -> str:
    return value.strip().rstrip("*＊").strip().replace(" ", "").replace("\u3000", "").lower()
