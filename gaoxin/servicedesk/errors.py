"""The grid service desk's errors, in Chinese and English."""

from gaoxin.common.errors import ErrorCode

BAD_TRANSITION = ErrorCode(
    "servicedesk.bad_transition",
    "诉求当前为“{current}”，不能改为“{target}”。",
    "The request is “{current}”; it cannot become “{target}”.",
    409,
)
CONFLICT = ErrorCode(
    "servicedesk.conflict",
    "诉求 {number} 刚刚已被 {who} 更新（{what}），您的操作未执行。请查看最新情况后再操作。",
    "Request {number} was just updated by {who} ({what}); your action was not taken. "
    "Look at the request as it is now and try again.",
    409,
)
NOT_HANDLER = ErrorCode(
    "servicedesk.not_handler",
    "诉求 {number} 目前在“{level}”处理，您不能办理。",
    "Request {number} is now with the {level}; you cannot act on it.",
    403,
)
FIELD_REQUIRED = ErrorCode(
    "servicedesk.field_required",
    "请填写“{field_zh}”。",
    "Fill in “{field_en}”.",
    422,
)
FIELD_TOO_LONG = ErrorCode(
    "servicedesk.field_too_long",
    "“{field_zh}”最多 {limit} 个字符（现有 {length} 个）。",
    "“{field_en}” takes at most {limit} characters (it has {length}).",
    422,
)
UNKNOWN_ENTERPRISE = ErrorCode(
    "servicedesk.unknown_enterprise",
    "统一社会信用代码 {code} 不在登记簿中。",
    "The unified social credit code {code} is not in the registry.",
    422,
)
NOT_IN_A_GRID = ErrorCode(
    "servicedesk.not_in_a_grid",
    "企业 {name}（{code}）尚未划入网格，请先在网格分配中为它指定网格。",
    "The enterprise {name} ({code}) is not assigned to a grid yet; assign it first.",
    422,
)
UNKNOWN_CATEGORY = ErrorCode(
    "servicedesk.unknown_category",
    "诉求类别“{code}”不存在或已停用。",
    "The request category “{code}” does not exist or is no longer used.",
    422,
)
RATING_INVALID = ErrorCode(
    "servicedesk.rating_invalid",
    "评价应为 1 至 5 星，收到“{value}”。",
    "A rating is 1 to 5 stars; got “{value}”.",
    422,
)
MONTH_INVALID = ErrorCode(
    "servicedesk.month_invalid",
    "“月份”无效：“{value}”（应为 2026-11 这样的年份和月份）。",
    "“Month” is not valid: “{value}” (give a year and a month, such as 2026-11).",
    422,
)
ALREADY_REDONE = ErrorCode(
    "servicedesk.already_redone",
    "诉求 {number} 已重办过一次，不能再次重办；如仍不满意，可重新提出诉求。",
    "Request {number} was redone once already and cannot be redone again; "
    "submit a new request if the matter is still open.",
    409,
)
TOP_OF_LADDER = ErrorCode(
    "servicedesk.top_of_ladder",
    "诉求 {number} 已由区领导督办，不能再上报。",
    "Request {number} is already supervised by the zone leadership; it cannot go higher.",
    409,
)
NO_DEPARTMENT = ErrorCode(
    "servicedesk.no_department",
    "类别“{category}”没有默认部门，请选择承办部门。",
    "The category “{category}” has no default department; choose the department.",
    422,
)
MERGE_TARGET = ErrorCode(
    "servicedesk.merge_target",
    "只能并入同一企业、同一类别且仍在办理中的诉求。",
    "A request can be merged only into an open request of the same enterprise and category.",
    422,
)
HOTLINE_CASE_INVALID = ErrorCode(
    "servicedesk.hotline_case_invalid",
    "12345 工单号“{value}”无效：应为 1 至 40 位字母、数字或连字符。",
    "The 12345 case number “{value}” is not valid: 1 to 40 letters, digits or hyphens.",
    422,
)
LIMIT_INVALID = ErrorCode(
    "servicedesk.limit_invalid",
    "时限应为 1 至 90 个工作日，收到“{value}”。",
    "A limit is 1 to 90 working days; got “{value}”.",
    422,
)

# -- bulk assignment import: row errors (row, column and value are shown beside them) --------
ROW_UNKNOWN_GRID = ErrorCode(
    "servicedesk.row.unknown_grid",
    "没有此编号的网格。",
    "No grid has this code.",
)
ROW_UNKNOWN_CARRIER = ErrorCode(
    "servicedesk.row.unknown_carrier",
    "没有此编号的载体。",
    "No carrier has this code.",
)
ROW_CARRIER_ELSEWHERE = ErrorCode(
    "servicedesk.row.carrier_elsewhere",
    "此载体属于网格 {grid}，与本行的网格不一致。",
    "This carrier lies in grid {grid}, not in the grid of this row.",
)
ROW_BEFORE_CURRENT = ErrorCode(
    "servicedesk.row.before_current",
    "早于该企业现行网格分配的生效日期 {current}；导入不改写历史。",
    "Earlier than the enterprise's current assignment, in force from {current}; "
    "an import does not rewrite history.",
)
FIELD_INVALID = ErrorCode(
    "servicedesk.field_invalid",
    "“{field_zh}”无效：{value}。",
    "“{field_en}” is not valid: {value}.",
    422,
)
DUTY_CODE_TAKEN = ErrorCode(
    "servicedesk.duty_code_taken",
    "职责编码“{code}”已被使用。",
    "The duty code “{code}” is already in use.",
    422,
)
UNKNOWN_DUTY = ErrorCode(
    "servicedesk.unknown_duty",
    "职责“{code}”不存在。",
    "There is no duty “{code}”.",
    422,
)
CORE_DUTY_INACTIVE = ErrorCode(
    "servicedesk.core_duty_inactive",
    "“{name}”是核心职责，不能停用；请先将另一项职责设为核心职责。",
    "“{name}” is the core duty and cannot be stopped; make another duty the core one first.",
    422,
)
CORE_DUTY_NEEDED = ErrorCode(
    "servicedesk.core_duty_needed",
    "网格团队须有一项核心职责：请将另一项职责设为核心职责，“{name}”随即改为一般职责。",
    "A grid's team needs one core duty: make another duty the core one, and “{name}” "
    "becomes an ordinary duty.",
    422,
)
UNKNOWN_OFFICER = ErrorCode(
    "servicedesk.unknown_officer",
    "“{value}”不是网格员或网格长账号。",
    "“{value}” is not the account of a grid officer or grid leader.",
    422,
)
UPLOAD_MISSING = ErrorCode(
    "servicedesk.upload_missing",
    "请选择要导入的文件（CSV 或 XLSX）。",
    "Choose the file to import (CSV or XLSX).",
    422,
)
UPLOAD_TOO_LARGE = ErrorCode(
    "servicedesk.upload_too_large",
    "文件 {size} MB，超过 {limit} MB 的上限。",
    "The file is {size} MB, over the limit of {limit} MB.",
    422,
)
HAZARD_TRANSITION = ErrorCode(
    "servicedesk.hazard_transition",
    "隐患当前为“{current}”，不能改为“{target}”。",
    "The hazard is “{current}”; it cannot become “{target}”.",
    409,
)
HAZARD_CONFLICT = ErrorCode(
    "servicedesk.hazard_conflict",
    "隐患 {number} 刚刚已被他人更新，您的操作未执行。请查看最新情况后再操作。",
    "Hazard {number} was just updated by someone else; your action was not taken. "
    "Look at it as it is now and try again.",
    409,
)
NUMBER_INVALID = ErrorCode(
    "servicedesk.number_invalid",
    "“{field_zh}”应为 {low} 至 {high} 的整数，收到“{value}”。",
    "“{field_en}” is a whole number from {low} to {high}; got “{value}”.",
    422,
)
DATE_INVALID = ErrorCode(
    "servicedesk.date_invalid",
    "“{field_zh}”应为不晚于今天的日期（如 2026-03-01），收到“{value}”。",
    "“{field_en}” is a date no later than today (e.g. 2026-03-01); got “{value}”.",
    422,
)
CHOICE_INVALID = ErrorCode(
    "servicedesk.choice_invalid",
    "“{field_zh}”的取值“{value}”无效。",
    "“{value}” is not a valid choice for “{field_en}”.",
    422,
)
CHECKLIST_INVALID = ErrorCode(
    "servicedesk.checklist_invalid",
    "检查表应有 1 至 100 项，每项 1 至 200 个字符，且不能重复（第 {row} 项有误）。",
    "A checklist has 1 to 100 items of 1 to 200 characters each, none repeated "
    "(item {row} is not).",
    422,
)
CHECKLIST_ANSWERS = ErrorCode(
    "servicedesk.checklist_answers",
    "请逐项填写检查结果：第 {row} 项（{item}）未选择“合格”或“不合格”。",
    "Answer every item of the checklist: item {row} ({item}) is neither passed nor failed.",
    422,
)
PHOTO_INVALID = ErrorCode(
    "servicedesk.photo_invalid",
    "照片“{name}”不是 JPEG、PNG 或 WebP 图片。",
    "The photo “{name}” is not a JPEG, PNG or WebP image.",
    422,
)
PHOTO_TOO_LARGE = ErrorCode(
    "servicedesk.photo_too_large",
    "照片“{name}”过大（{size} MB，上限 {limit} MB）。",
    "The photo “{name}” is too large ({size} MB; the limit is {limit} MB).",
    422,
)
ATTACHMENT_INVALID = ErrorCode(
    "servicedesk.attachment_invalid",
    "附件“{name}”不是 JPEG、PNG、WebP 图片或 PDF、Word（.docx）、Excel（.xlsx）文件。",
    "The attachment “{name}” is not a JPEG, PNG or WebP image, nor a PDF, Word (.docx) or Excel "
    "(.xlsx) file.",
    422,
)
ATTACHMENT_TOO_LARGE = ErrorCode(
    "servicedesk.attachment_too_large",
    "附件“{name}”过大（{size} MB，上限 {limit} MB）。",
    "The attachment “{name}” is too large ({size} MB; the limit is {limit} MB).",
    422,
)
ATTACHMENTS_NONE = ErrorCode(
    "servicedesk.attachments_none",
    "请选择要上传的附件（一次最多 {limit} 个）。",
    "Choose the files to attach (at most {limit} at a time).",
    422,
)
NO_RECIPIENTS = ErrorCode(
    "servicedesk.no_recipients",
    "所选网格或产业下没有企业，通知未发送。请至少选择一个有企业的网格或重点产业。",
    "No enterprise is in the grids or industries chosen; the notice was not sent. "
    "Choose at least one grid or key industry with enterprises.",
    422,
)
UNKNOWN_CODE = ErrorCode(
    "servicedesk.unknown_code",
    "“{field_zh}”中的“{value}”不存在。",
    "“{value}” in “{field_en}” does not exist.",
    422,
)
ALREADY_TURNED = ErrorCode(
    "servicedesk.already_turned",
    "这次走访的发现已转为诉求 {number}。",
    "This visit's finding already became request {number}.",
    409,
)
NO_FINDINGS = ErrorCode(
    "servicedesk.no_findings",
    "这次走访没有记录发现，无法转为诉求。",
    "This visit recorded no findings; there is nothing to turn into a request.",
    422,
)

# -- statistics collection (数据统计) ------------------------------------------------------------

REPORT_TRANSITION = ErrorCode(
    "servicedesk.report_transition",
    "报表当前为“{current}”，不能改为“{target}”。",
    "The report is “{current}”; it cannot become “{target}”.",
    409,
)
REPORT_CONFLICT = ErrorCode(
    "servicedesk.report_conflict",
    "报表 {report} 刚刚已被 {who} 更新，您的操作未执行。请查看最新内容后再操作。",
    "Report {report} was just updated by {who}; your action was not taken. "
    "Look at the report as it is now and try again.",
    409,
)
REPORT_LOCKED = ErrorCode(
    "servicedesk.report_locked",
    "报表 {report} 已报送（{status}），不能再修改；如需更正，请由网格统计员退回。",
    "Report {report} has been sent ({status}) and can no longer be changed; to correct it, "
    "the grid's statistics officer returns it first.",
    409,
)
VALUE_REQUIRED = ErrorCode(
    "servicedesk.value_required",
    "请填写“{field_zh}”，该指标为必填项。",
    "Fill in “{field_en}”: it is required.",
    422,
)
VALUE_INVALID = ErrorCode(
    "servicedesk.value_invalid",
    "“{field_zh}”应为{kind_zh}（不小于 0，最多 {digits} 位整数），收到“{value}”。",
    "“{field_en}” takes {kind_en} (0 or more, at most {digits} digits before the point); "
    "got “{value}”.",
    422,
)
EXPLANATION_NEEDED = ErrorCode(
    "servicedesk.explanation_needed",
    "“{field_zh}”较上期（{previous}：{before}）{change_zh}，超出合理范围 ±{band}%。"
    "数值可以照常报送，但请填写变动原因说明。",
    "“{field_en}” {change_en} against the previous period ({previous}: {before}), beyond the "
    "plausible ±{band}%. The value may stand, but explain the change.",
    422,
)
PERIOD_INVALID = ErrorCode(
    "servicedesk.period_invalid",
    "报告期“{value}”无效：{form}为{kind_zh}报表，应填写如“{example}”，且报告期须已结束、"
    "不早于报表启用时间。",
    "The period “{value}” is not valid: {form} is a {kind_en} report, written like “{example}”, "
    "and the period must have ended and not come before the form was introduced.",
    422,
)
FORM_FIELDS_INVALID = ErrorCode(
    "servicedesk.form_fields_invalid",
    "第 {row} 个指标有误：{detail_zh}",
    "Field {row} is not valid: {detail_en}",
    422,
)
UNKNOWN_FORM = ErrorCode(
    "servicedesk.unknown_form",
    "统计报表“{code}”不存在或已停用。",
    "The statistics form “{code}” does not exist or is no longer used.",
    422,
)
