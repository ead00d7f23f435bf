"""Error codes of the registry, each with a Chinese and an English message. Import row errors
use the ROW_* codes; their messages are templates over the row's value and the column."""

from __future__ import annotations

from gaoxin.common.errors import ErrorCode

# -- catalogue and classifications ---------------------------------------------------------
INDUSTRY_CODE_TAKEN = ErrorCode(
    "registry.industry_code_taken",
    "产业代码 {code} 已存在。",
    "The industry code {code} is already in the catalogue.",
)
PERIOD_INVALID = ErrorCode(
    "registry.period_invalid",
    "失效日期 {end} 早于生效日期 {start}。",
    "The end date {end} is before the start date {start}.",
    422,
)
CLASSIFICATION_OVERLAP = ErrorCode(
    "registry.classification_overlap",
    "企业 {enterprise} 在 {start} 起已有重叠的“{industry}”认定。",
    "Enterprise {enterprise} already has an overlapping “{industry}” classification from {start}.",
)
INDUSTRY_NOT_EFFECTIVE = ErrorCode(
    "registry.industry_not_effective",
    "产业“{industry}”在 {start} 尚未生效或已失效。",
    "The industry “{industry}” is not in effect on {start}.",
)
BASIS_REQUIRED = ErrorCode(
    "registry.basis_required",
    "请填写认定依据（文件名称或文号）。",
    "Give the basis of the classification (document title or reference).",
    422,
)

# -- imports (file level) --------------------------------------------------------------------
IMPORT_EMPTY_FILE = ErrorCode("registry.import_empty", "文件是空的。", "The file is empty.", 422)
IMPORT_NO_ROWS = ErrorCode(
    "registry.import_no_rows",
    "文件只有表头，没有数据行。",
    "The file has a header row but no data rows.",
    422,
)
IMPORT_ENCODING = ErrorCode(
    "registry.import_encoding",
    "无法识别文件编码：既不是 UTF-8 也不是 GBK/GB18030（第 {line} 行附近）。"
    "请另存为 UTF-8 CSV 或 XLSX。",
    "Cannot read the file's text: it is neither UTF-8 nor GBK/GB18030 (near line {line}). "
    "Save it as UTF-8 CSV or XLSX.",
    422,
)
IMPORT_BINARY = ErrorCode(
    "registry.import_binary",
    "这不是 CSV 或 XLSX 文件（内容是二进制数据）。",
    "This is not a CSV or XLSX file (it contains binary data).",
    422,
)
IMPORT_BAD_CSV = ErrorCode(
    "registry.import_bad_csv",
    "CSV 格式错误（第 {line} 行）：{detail}",
    "Malformed CSV (line {line}): {detail}",
    422,
)
IMPORT_HEADERS = ErrorCode(
    "registry.import_headers",
    "表头与“{kind}”模板不符。缺少列：{missing}；无法识别的列：{unknown}。请下载模板核对。",
    "The header row does not match the “{kind}” template. Missing: {missing}; unknown: "
    "{unknown}. Download the template and compare.",
    422,
)
IMPORT_TOO_LARGE = ErrorCode(
    "registry.import_too_large",
    "文件过大（{size} MB，上限 {limit} MB）。",
    "The file is too large ({size} MB; the limit is {limit} MB).",
    422,
)
RETENTION_DAYS = ErrorCode(
    "registry.retention_days",
    "保留天数应至少为 1 天（收到 {days}）。",
    "The retention period must be at least 1 day (got {days}).",
)
IMPORT_NOT_ALLOWED = ErrorCode(
    "registry.import_not_allowed", "您无权导入数据。", "You are not allowed to import data.", 403
)
IMPORT_NOT_FINISHED = ErrorCode(
    "registry.import_not_finished",
    "该导入尚未结束。",
    "This import has not finished yet.",
    409,
)
IMPORT_BAD_TRANSITION = ErrorCode(
    "registry.import_bad_transition",
    "导入状态不能从“{current}”变为“{target}”。",
    "An import cannot go from “{current}” to “{target}”.",
    409,
)
IMPORT_CRASHED = ErrorCode(
    "registry.import_crashed",
    "导入时发生内部错误，未写入任何数据。请联系管理员（导入编号 {run}）。",
    "An internal error stopped the import; nothing was written. Contact an administrator "
    "(import #{run}).",
    500,
)
IMPORT_STORAGE_FULL = ErrorCode(
    "registry.import_storage_full",
    "服务器存储空间已满（{where}），导入已停止，未写入任何数据。请管理员释放空间后重新导入此文件"
    "（导入编号 {run}）。",
    "No space is left for {where_en}: the import stopped and nothing was written. Once an "
    "administrator has freed space, import the file again (import #{run}).",
    503,
)
IMPORT_READ_ONLY = ErrorCode(
    "registry.import_read_only",
    "{where}当前为只读，导入已停止，未写入任何数据。恢复可写后请重新导入此文件（导入编号 {run}）。",
    "The import stopped because {where_en} is read-only; nothing was written. Import the file "
    "again once it is writable (import #{run}).",
    503,
)

# -- imports (row level): {value} is the cell as written -------------------------------------
ROW_REQUIRED = ErrorCode("row.required", "必填项为空。", "Required value is missing.")
ROW_CREDIT_CODE = ErrorCode(
    "row.credit_code",
    "统一社会信用代码无效（{reason_zh}）。",
    "Not a valid unified social credit code ({reason_en}).",
)
ROW_ID_NUMBER = ErrorCode(
    "row.id_number",
    "居民身份证号无效（{reason_zh}）。",
    "Not a valid resident ID number ({reason_en}).",
)
ROW_DATE = ErrorCode(
    "row.date",
    "日期格式应为 YYYY-MM-DD 且为有效日期。",
    "A date must be YYYY-MM-DD and exist.",
)
ROW_MONTH = ErrorCode(
    "row.month",
    "月份格式应为 YYYY-MM 或 YYYYMM（1990–2100 年）。",
    "A month must be YYYY-MM or YYYYMM (years 1990–2100).",
)
ROW_CHOICE = ErrorCode("row.choice", "取值应为：{allowed}。", "Allowed values: {allowed}.")
ROW_PHONE = ErrorCode(
    "row.phone",
    "电话号码应为 5 到 19 位数字，可以 + 开头（空格和短横线可省略）。",
    "A phone number is 5 to 19 digits, optionally after a + (spaces and dashes are dropped).",
)
ROW_TOO_LONG = ErrorCode(
    "row.too_long", "内容过长（最多 {limit} 个字符）。", "Too long (at most {limit} characters)."
)
ROW_PERIOD = ErrorCode(
    "row.period",
    "结束日期早于开始日期。",
    "The end date is before the start date.",
)
ROW_FUTURE = ErrorCode("row.future", "日期不能晚于今天。", "The date cannot be in the future.")
ROW_UNKNOWN_PERSON = ErrorCode(
    "row.unknown_person",
    "登记簿中没有此身份证号的人员，请先导入人员。",
    "No person with this ID number in the registry; import people first.",
)
ROW_UNKNOWN_ENTERPRISE = ErrorCode(
    "row.unknown_enterprise",
    "登记簿中没有此统一社会信用代码的企业，请先导入企业。",
    "No enterprise with this credit code in the registry; import enterprises first.",
)
ROW_UNKNOWN_INDUSTRY = ErrorCode(
    "row.unknown_industry",
    "重点产业目录中没有此产业代码或名称。",
    "No such code or name in the key-industry catalogue.",
)
ROW_DUPLICATE = ErrorCode(
    "row.duplicate",
    "与第 {other} 行重复（同一{key}）。",
    "Duplicates row {other} (same {key_en}).",
)
ROW_SELF_REFERENCE = ErrorCode(
    "row.self_reference",
    "不能与本人建立此关系。",
    "A person cannot be related to themselves this way.",
)
ROW_CONFLICT = ErrorCode(
    "row.conflict",
    "与登记簿中已有记录冲突：{detail_zh}",
    "Conflicts with the registry: {detail_en}",
)
ROW_CONTROL_CHARACTERS = ErrorCode(
    "row.control_characters",
    "含有不可见的控制字符（如 NUL），请删除后重新导出。",
    "Contains invisible control characters (such as NUL); remove them and export again.",
)
ROW_NAME_UNPRINTABLE = ErrorCode(  # a warning: the row is imported
    "row.name_unprintable",
    "姓名中的“{char}”（{code}）没有可用字体，在本系统生成的 PDF 文件中将显示为〔{code}〕；"
    "该行已照常导入，请核对此字是否正确。",
    "The name's character “{char}” ({code}) is in none of the system's fonts and will print as "
    "〔{code}〕 in its PDF documents; the row was imported as it is: check that the character "
    "is right.",
)
ROW_FORMULA = ErrorCode(
    "row.formula",
    "不能以 = + - @ 开头（会被电子表格当作公式）。",
    "Must not start with = + - @ (a spreadsheet would take it for a formula).",
)
ROW_COLUMNS = ErrorCode(
    "row.columns",
    "此行有 {found} 列，表头有 {expected} 列。",
    "This row has {found} columns; the header has {expected}.",
)


def by_code(code: str) -> ErrorCode | None:
    """The registry error with this code (run records keep the code and its parameters), or
    one of the common errors an import can end with (an unreadable workbook)."""
    from gaoxin.common import errors as common

    for value in [*globals().values(), *vars(common).values()]:
        if isinstance(value, ErrorCode) and value.code == code:
            return value
    return None


# -- identity bindings (an account bound to the registry person it acts as) -------------------
IDENTITY_ACCOUNT_UNKNOWN = ErrorCode(
    "registry.identity_account_unknown",
    "没有用户名为“{username}”的账号。",
    "There is no account with the user name “{username}”.",
    422,
)
IDENTITY_NOT_APPLICANT = ErrorCode(
    "registry.identity_not_applicant",
    "账号“{username}”不是申请人账号，不能绑定身份。",
    "The account “{username}” is not an applicant account; only applicant accounts are bound.",
    422,
)
IDENTITY_ACCOUNT_BOUND = ErrorCode(
    "registry.identity_account_bound",
    "账号“{username}”已绑定身份（{masked}），一个账号只能绑定一个人。",
    "The account “{username}” is already bound ({masked}); an account is bound to one person.",
)
IDENTITY_PERSON_UNKNOWN = ErrorCode(
    "registry.identity_person_unknown",
    "登记簿中没有身份证号为 {masked} 的人员，不能绑定。",
    "The registry has no person with the ID number {masked}; nothing was bound.",
    422,
)
IDENTITY_PERSON_BOUND = ErrorCode(
    "registry.identity_person_bound",
    "身份证号为 {masked} 的人员已绑定另一个账号；一人只能绑定一个账号。"
    "如需更换账号，请先解除原绑定。",
    "The person with the ID number {masked} is already bound to another account; a person has "
    "one account. Unbind the other account first to change it.",
)
IDENTITY_NAME_MISMATCH = ErrorCode(
    "registry.identity_name_mismatch",
    "身份证上的姓名“{name}”与登记簿中身份证号 {masked} 的姓名不一致，不能绑定。",
    "The name “{name}” on the ID card does not match the registry's name for the ID number "
    "{masked}; nothing was bound.",
    422,
)
IDENTITY_CARD_NOT_CHECKED = ErrorCode(
    "registry.identity_card_not_checked",
    "请先当面核验身份证原件，再勾选“已当面核验身份证原件”。",
    "Check the ID card in person first, then tick “ID card checked in person”.",
    422,
)
IDENTITY_NOT_BOUND = ErrorCode(
    "registry.identity_not_bound",
    "该账号未绑定身份，没有可解除的绑定。",
    "This account is not bound to anyone; there is nothing to unbind.",
)
IDENTITY_CLAIM_MISSING = ErrorCode(
    "registry.identity_claim_missing",
    "省统一身份认证平台没有提供经核验的身份证号（{claim}），未能绑定身份。",
    "The provincial identity service gave no verified ID number ({claim}); nothing was bound.",
)
IDENTITY_SIGN_IN_FAILED = ErrorCode(
    "registry.identity_sign_in_failed",
    "通过省统一身份认证平台登录未成功（{reason}），请重试，或携带身份证到政务服务窗口办理绑定。",
    "Signing in through the provincial identity service did not succeed ({reason}); try again, "
    "or bring your ID card to the service counter to be bound there.",
)
IDENTITY_NOT_IN_REGISTRY = ErrorCode(
    "registry.identity_not_in_registry",
    "您的身份已通过省统一身份认证平台核验，但高新区登记簿中没有您的记录；请携带身份证到政务服务窗口办理。",
    "The provincial identity service verified you, but the zone registry has no record of you; "
    "bring your ID card to the service counter.",
)
