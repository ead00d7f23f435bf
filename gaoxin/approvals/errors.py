"""The approvals desk's errors, in Chinese and English."""

from gaoxin.common.errors import ErrorCode

BAD_TRANSITION = ErrorCode(
    "approvals.bad_transition",
    "当前状态为“{current}”，不能改为“{target}”。",
    "The state is “{current}”; it cannot become “{target}”.",
    409,
)
CONFLICT = ErrorCode(
    "approvals.conflict",
    "事项 {item} 刚刚已由 {who} 处理（{what}），您的决定未保存。请查看最新情况。",
    "Item {item} was just handled by {who} ({what}); your decision was not saved. "
    "Look at the item as it is now.",
    409,
)
NOT_ALLOWED = ErrorCode(
    "approvals.not_allowed",
    "您无权对{what_zh}执行此操作。",
    "You may not do this on {what_en}.",
    403,
)
UNKNOWN_ENTERPRISE = ErrorCode(
    "approvals.unknown_enterprise",
    "统一社会信用代码 {code} 不在登记簿中。",
    "The unified social credit code {code} is not in the registry.",
    422,
)
NO_TEMPLATE = ErrorCode(
    "approvals.no_template",
    "流程模板 {code} 没有已发布的版本。",
    "The process template {code} has no published version.",
    422,
)
VERSION_NOT_DRAFT = ErrorCode(
    "approvals.version_not_draft",
    "模板版本 v{number} 已发布，只能修改草稿版本；请先新建版本。",
    "Template version v{number} is published; only a draft can be edited. Make a new version.",
    409,
)
FIELD_REQUIRED = ErrorCode(
    "approvals.field_required",
    "请填写“{field_zh}”。",
    "Fill in “{field_en}”.",
    422,
)
VALUE_INVALID = ErrorCode(
    "approvals.value_invalid",
    "“{field_zh}”的值“{value}”无效：{reason_zh}",
    "“{field_en}” has an invalid value “{value}”: {reason_en}",
    422,
)
DOCUMENT_MISSING = ErrorCode(
    "approvals.document_missing",
    "材料“{name}”（{code}）未提交，且不允许容缺。",
    "The document “{name}” ({code}) is missing and may not follow later (no 容缺).",
    422,
)
PROMISE_DATE_REQUIRED = ErrorCode(
    "approvals.promise_date_required",
    "容缺材料“{name}”（{code}）需填写承诺补交日期（不早于今天）。",
    "The 容缺 document “{name}” ({code}) needs a promise date, today or later.",
    422,
)
WAITING_FOR = ErrorCode(
    "approvals.waiting_for",
    "事项 {item} 须在 {other} 办结后才能决定。",
    "Item {item} must wait until {other} is decided.",
    409,
)
REASON_REQUIRED = ErrorCode(
    "approvals.reason_required",
    "“{decision}”须写明理由或条件。",
    "“{decision}” needs its reasons or conditions written.",
    422,
)
NOT_PREREVIEWABLE = ErrorCode(
    "approvals.not_prereviewable",
    "事项 {item} 不可在拿地前预审，或项目已取得土地。",
    "Item {item} cannot be pre-reviewed before land, or the project already has its land.",
    409,
)
COMMITMENT_ONLY = ErrorCode(
    "approvals.commitment_only",
    "事项 {item} 不适用告知承诺制。",
    "Item {item} cannot be decided on a commitment (告知承诺).",
    409,
)
CASE_REUSED = ErrorCode(
    "approvals.case_reused",
    "案件号 {case} 已用于另一项决定（事项 {item}），本次未执行。",
    "Case number {case} was already used for another decision (item {item}); nothing was done.",
    409,
)
NOT_FOUND = ErrorCode(
    "approvals.not_found",
    "找不到{what_zh}“{key}”。",
    "No {what_en} “{key}”.",
    404,
)
CERTIFICATE_HELD = ErrorCode(
    "approvals.certificate_held",
    "事项 {item} 的证照暂缓出具：容缺材料尚未补齐。",
    "The certificate of item {item} is held until the promised documents arrive.",
    409,
)
STAGE_LEFT_EMPTY = ErrorCode(
    "approvals.stage_left_empty",
    "阶段“{stage}”只剩事项 {item}，不能删除：每个阶段至少要有一个审批事项。",
    "Stage “{stage}” has only item {item} left; it cannot be removed: every stage needs at "
    "least one approval item.",
    409,
)
ITEM_WAITED_FOR = ErrorCode(
    "approvals.item_waited_for",
    "事项 {item} 是 {others} 的前置事项（“须等待”），请先修改这些事项再删除。",
    "Item {item} is what {others} wait for (“waits for”); change those items before removing it.",
    409,
)
