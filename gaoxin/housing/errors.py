"""Error codes of the housing app (Chinese and English)."""

from __future__ import annotations

from gaoxin.common.errors import ErrorCode

BATCH_BAD_TRANSITION = ErrorCode(
    "housing.bad_transition",
    "批次当前为“{current}”，不能转到“{target}”。",
    "The batch is “{current}”; it cannot move to “{target}”.",
    409,
)
BATCH_NOT_EDITABLE = ErrorCode(
    "housing.batch_not_editable",
    "批次已发布，规则、房源和熵源声明不能再修改。",
    "The batch is published: its rules, units and entropy declaration can no longer change.",
    409,
)
BATCH_CODE_TAKEN = ErrorCode(
    "housing.batch_code_taken", "批次代码 {code} 已被使用。", "Batch code {code} is taken.", 422
)
WINDOW_INVALID = ErrorCode(
    "housing.window_invalid",
    "登记截止时间必须晚于开始时间。",
    "Registration must close after it opens.",
    422,
)
NO_UNITS = ErrorCode(
    "housing.no_units", "批次还没有房源，不能发布。", "The batch has no units yet.", 409
)
NO_ENTROPY = ErrorCode(
    "housing.no_entropy",
    "发布前须声明至少一个公开的未来随机源（如某日股指收盘价）。",
    "Declare at least one public future random value (e.g. an index close on a date) first.",
    409,
)
CONFIG_INVALID = ErrorCode(
    "housing.config_invalid", "分配规则无效：{detail}", "Invalid allocation rules: {detail}", 422
)
REGISTRATION_CLOSED = ErrorCode(
    "housing.registration_closed",
    "登记时间为 {opens} 至 {closes}，现在不在登记时间内。",
    "Registration runs from {opens} to {closes}; it is not open now.",
    409,
)
ID_NUMBER_INVALID = ErrorCode(
    "housing.id_number_invalid",
    "{who}的身份证号“{value}”无效（{reason}）。",
    "The ID number “{value}” of {who_en} is not valid ({reason}).",
    422,
)
PERSON_ALREADY_REGISTERED = ErrorCode(
    "housing.person_already_registered",
    "{who}（{masked}）已在本批次的另一份登记中，每人每批次只能登记一次。",
    "{who_en} ({masked}) is already in another registration of this batch; "
    "a person may register once per batch.",
    409,
)
DUPLICATE_MEMBER = ErrorCode(
    "housing.duplicate_member",
    "同一身份证号在本次登记中出现了两次：{masked}。",
    "The same ID number appears twice in this registration: {masked}.",
    422,
)
CHILD_NOT_MINOR = ErrorCode(
    "housing.child_not_minor",
    "子女（{masked}）在登记截止日已满 18 周岁，不属于未成年子女。",
    "The child ({masked}) is 18 or older on the closing date, not a minor.",
    422,
)
UNKNOWN_POOL = ErrorCode(
    "housing.unknown_pool",
    "本批次没有资格类别“{pool}”。",
    "This batch has no pool “{pool}”.",
    422,
)
NAME_REQUIRED = ErrorCode(
    "housing.name_required", "请填写{who}的姓名。", "Give the name of {who_en}.", 422
)
NOT_WITHDRAWABLE = ErrorCode(
    "housing.not_withdrawable",
    "登记已截止或已撤回，不能再撤回。",
    "Registration has closed or the application was already withdrawn.",
    409,
)
UNITS_FILE_INVALID = ErrorCode(
    "housing.units_file_invalid",
    "房源表第 {row} 行“{column}”列的值“{value}”无效：{reason_zh}",
    "Units file row {row}, column “{column}”: value “{value}” is invalid: {reason_en}",
    422,
)
UNITS_FILE_UNREADABLE = ErrorCode(
    "housing.units_file_unreadable",
    "无法读取房源表：{detail}。请上传 .xlsx 或 UTF-8 编码的 .csv 文件。",
    "Cannot read the units file: {detail}. Upload an .xlsx or a UTF-8 .csv file.",
    422,
)
UNITS_FILE_HEADERS = ErrorCode(
    "housing.units_file_headers",
    "房源表缺少列：{missing}。应有：{expected}。",
    "The units file lacks the columns: {missing}. Expected: {expected}.",
    422,
)
