"""Error codes of the housing app (Chinese and English)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from gaoxin.common.errors import ErrorCode


def local_time(moment: datetime) -> str:
    """A moment as error messages name it: local time to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


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
BATCH_CODE_INVALID = ErrorCode(
    "housing.batch_code_invalid",
    "批次代码“{code}”无效：应为 2 到 12 个字母或数字。",
    "The batch code “{code}” is not valid: 2 to 12 letters or digits.",
    422,
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
    "housing.config_invalid",
    "规则无效。{detail}。",
    "The rules are not valid. {detail_en}.",
    422,
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
    "The ID number “{value}” of {who_en} is not valid ({reason_en}).",
    422,
)
PERSON_ALREADY_REGISTERED = ErrorCode(
    "housing.person_already_registered",
    "本户已有成员在本批次一份已确认的登记中，同一人每批次只能登记一次。",
    "Someone of this household is already in a confirmed registration of this batch; a person "
    "may register once per batch.",
    409,
)
OWN_REGISTRATION_EXISTS = ErrorCode(
    "housing.own_registration_exists",
    "您在本批次已有一份已确认的登记（{number}）；如要改用这一份，请先撤回那一份。",
    "You already have a confirmed registration in this batch ({number}); withdraw it first to "
    "use this one instead.",
    409,
)
IDENTITY_NOT_BOUND = ErrorCode(
    "housing.identity_not_bound",
    "您的账号尚未绑定经核验的身份，不能登记。请通过省统一身份认证平台登录，或携带身份证到政务服务窗口办理绑定。",
    "Your account is not bound to a verified identity yet, so it cannot register. Sign in "
    "through the provincial identity service, or bring your ID card to the service counter.",
    403,
)
APPLICANT_NOT_SELF = ErrorCode(
    "housing.applicant_not_self",
    "主申请人必须是您本人（账号绑定的身份证号 {masked}）。",
    "The principal applicant must be you (the ID number your account is bound to, {masked}).",
    422,
)
MEMBER_NOT_IN_REGISTRY = ErrorCode(
    "housing.member_not_in_registry",
    "{who}（{masked}）不在高新区人口登记簿中。",
    "{who_en} ({masked}) is not in the zone's population registry.",
    422,
)
MEMBER_NAME_MISMATCH = ErrorCode(
    "housing.member_name_mismatch",
    "{who}（{masked}）的姓名“{name}”与登记簿不一致，请按身份证填写。",
    "The name “{name}” of {who_en} ({masked}) does not match the registry; write it as on the "
    "ID card.",
    422,
)
MEMBER_NOT_SPOUSE = ErrorCode(
    "housing.member_not_spouse",
    "配偶（{masked}）在登记簿中不是主申请人的配偶。",
    "The spouse ({masked}) is not the principal applicant's spouse in the registry.",
    422,
)
MEMBER_NOT_CHILD = ErrorCode(
    "housing.member_not_child",
    "子女（{masked}）在登记簿中不是主申请人或其配偶的未成年子女。",
    "The child ({masked}) is not a minor child of the principal applicant or their spouse in "
    "the registry.",
    422,
)
NOT_CONFIRMABLE = ErrorCode(
    "housing.not_confirmable",
    "这份登记不在待确认状态，或登记已截止，不能确认。",
    "This registration is not waiting for confirmation, or registration has closed.",
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
NAME_INVALID = ErrorCode(
    "housing.name_invalid",
    "{who}的姓名“{value}”{reason}。",
    "The name of {who_en}, “{value}”, {reason_en}.",
    422,
)
NAME_REQUIRED = ErrorCode(
    "housing.name_required",
    "请填写{who}的姓名（文字，不超过 50 个字）。",
    "Give the name of {who_en} (text, at most 50 characters).",
    422,
)
PHONE_INVALID = ErrorCode(
    "housing.phone_invalid",
    "手机号码“{value}”无效：应为 5 到 19 位数字，可以 + 开头。",
    "The phone number “{value}” is not valid: 5 to 19 digits, optionally after a +.",
    422,
)
HOUSEHOLD_SHAPE = ErrorCode(
    "housing.household_shape",
    "家庭成员应为一名申请人、至多一名配偶和至多 {children} 名子女（收到：{got}）。",
    "A household is one applicant, at most one spouse and at most {children} children "
    "(got: {got_en}).",
    422,
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
SHEET_UNREADABLE = ErrorCode(
    "housing.sheet_unreadable",
    "无法读取文件：{detail_zh}。请上传 .xlsx 或 .csv（UTF-8 或 GBK 编码）文件。",
    "Cannot read the file: {detail_en}. Upload an .xlsx or a .csv (UTF-8 or GBK) file.",
    422,
)
FILE_TOO_LARGE = ErrorCode(
    "housing.file_too_large",
    "文件为 {size} MB，超过上限 {limit} MB，未读取。",
    "The file is {size} MB, over the {limit} MB limit; it was not read.",
    422,
)
SHEET_ENCODING = ErrorCode(
    "housing.sheet_encoding",
    "无法识别文件编码：既不是 UTF-8 也不是 GBK/GB18030（第 {line} 行附近）。"
    "请另存为 UTF-8 CSV 或 XLSX。",
    "Cannot read the file's text: it is neither UTF-8 nor GBK/GB18030 (near line {line}). "
    "Save it as UTF-8 CSV or XLSX.",
    422,
)
SHEET_BAD_CSV = ErrorCode(
    "housing.sheet_bad_csv",
    "CSV 格式错误（第 {row} 行）：{detail}",
    "Malformed CSV (row {row}): {detail}",
    422,
)
SHEET_TOO_MANY_ROWS = ErrorCode(
    "housing.sheet_too_many_rows",
    "文件超过 {limit} 行数据，未导入任何数据。请拆分文件。",
    "The file has more than {limit} data rows; nothing was imported. Split the file.",
    422,
)
SHEET_NO_ROWS = ErrorCode(
    "housing.sheet_no_rows",
    "文件只有表头，没有数据行，未导入任何数据。",
    "The file has a header row but no data rows; nothing was imported.",
    422,
)
SHEET_DUPLICATE_COLUMN = ErrorCode(
    "housing.sheet_duplicate_column",
    "表头中“{column}”列出现了不止一次，无法确定使用哪一列。",
    "The column “{column}” appears more than once in the header; it is unclear which to use.",
    422,
)
SHEET_HEADERS = ErrorCode(
    "housing.sheet_headers",
    "文件缺少列：{missing}。应有：{expected}。",
    "The file lacks the columns: {missing}. Expected: {expected}.",
    422,
)
ROW_INVALID = ErrorCode(
    "housing.row_invalid",
    "第 {row} 行：{reason_zh}",
    "Row {row}: {reason_en}",
    422,
)
REVIEW_NOT_DONE = ErrorCode(
    "housing.review_not_done",
    "资格审核尚未完成：请在本批次的“资格审核”页运行自动审核，完成后再开始公示。",
    "The eligibility review has not finished: run the automatic review on the batch's "
    "eligibility review page, and start the notice when it has finished.",
    409,
)
OVERRIDES_PENDING = ErrorCode(
    "housing.overrides_pending",
    "还有 {n} 项改判待第二名审核员批准或驳回。",
    "{n} overrides still wait for a second reviewer's approval or rejection.",
    409,
)
OVERRIDE_DECISION_REQUIRED = ErrorCode(
    "housing.override_decision_required",
    "请选择要改判的资格类别和新的决定（符合或不符合），再提交。",
    "Choose the pool and the new decision (eligible or not eligible) before you submit.",
    422,
)
OVERRIDE_CLOSED = ErrorCode(
    "housing.override_closed",
    "资格审核阶段可以改判；公示期间只能在认定异议成立时改判（在“异议”页办理）；名单冻结后不能再改判。",
    "Decisions change during the eligibility review; during the "
    "public notice only by upholding an objection (on the objections page); not after the "
    "roster is frozen.",
    409,
)
OBJECTION_OUTCOME_REQUIRED = ErrorCode(
    "housing.objection_outcome_required",
    "请选择答复结果：异议成立（改判）或不成立（维持原决定）。",
    "Choose the outcome: the objection is upheld (the decision changes) or dismissed (the "
    "decision stands).",
    422,
)
OBJECTION_ANSWERED = ErrorCode(
    "housing.objection_answered",
    "该异议已经答复，不能再次答复。",
    "This objection has been answered already.",
    409,
)
OVERRIDE_REASON_REQUIRED = ErrorCode(
    "housing.override_reason_required",
    "改判必须写明理由（至少 10 个字）。",
    "An override needs a written reason (at least 10 characters).",
    422,
)
SECOND_REVIEWER_REQUIRED = ErrorCode(
    "housing.second_reviewer_required",
    "提出改判的审核员不能自己批准，须由另一名审核员批准。",
    "The reviewer who proposed an override cannot approve it; a second reviewer must.",
    403,
)
OVERRIDE_DECIDED = ErrorCode(
    "housing.override_decided",
    "该改判已处理（当前为“{current}”）。",
    "This override was already decided (it is “{current}”).",
    409,
)
POOL_NOT_CLAIMED = ErrorCode(
    "housing.pool_not_claimed",
    "该申请没有申请“{pool}”类别。",
    "The application did not claim the pool “{pool}”.",
    422,
)
NOTICE_END_INVALID = ErrorCode(
    "housing.notice_end_invalid",
    "公示截止时间必须在将来。",
    "The end of the public notice must be in the future.",
    422,
)
NOTICE_CLOSED = ErrorCode(
    "housing.notice_closed",
    "公示期已于 {ends} 结束，不能再提出异议。",
    "The public notice ended on {ends}; objections are closed.",
    409,
)
NOTICE_RUNNING = ErrorCode(
    "housing.notice_running",
    "公示期到 {ends} 才结束。",
    "The public notice runs until {ends}.",
    409,
)
OBJECTIONS_OPEN = ErrorCode(
    "housing.objections_open",
    "还有 {n} 条异议未答复。",
    "{n} objections have not been answered yet.",
    409,
)
TEXT_REQUIRED = ErrorCode(
    "housing.text_required", "请填写内容（至少 5 个字）。", "Write at least 5 characters.", 422
)
ROSTER_MISMATCH = ErrorCode(
    "housing.roster_mismatch",
    "核对不符：您输入的 {given_size} 条、根哈希 {given_root} 与冻结名单不一致。请重新下载名单文件，"
    "用 fairdraw root 计算后再输入。",
    "They do not match the frozen roster: you entered {given_size} entries and root "
    "{given_root}. Download the roster file again and compute both with fairdraw root.",
    422,
)
ROSTER_CONFIRMED = ErrorCode(
    "housing.roster_confirmed",
    "名单已由公证员确认。",
    "The notary already confirmed the roster.",
    409,
)
ROWS_INVALID = ErrorCode(
    "housing.rows_invalid",
    "{count} 行有错误，未导入任何数据。{details}",
    "{count} rows have errors; nothing was imported. {details_en}",
    422,
)
SECRET_MISMATCH = ErrorCode(
    "housing.secret_mismatch",
    "公证员的秘密值与事先公布的承诺值不符。",
    "The notary's secret does not match the commitment published in advance.",
    422,
)
NOT_REVEALED = ErrorCode(
    "housing.not_revealed",
    "公证员尚未公开秘密值（或会签），不能摇号。",
    "The notary has not revealed the secret (or co-signed) yet: no draw.",
    409,
)
ROSTER_NOT_CONFIRMED = ErrorCode(
    "housing.roster_not_confirmed",
    "公证员尚未确认名单，不能摇号。",
    "The notary has not confirmed the roster yet: no draw.",
    409,
)
VALUES_NOT_ENTERED = ErrorCode(
    "housing.values_not_entered",
    "管委会管理员尚未录入公开随机值；公证员须在其录入之后再公开秘密值。",
    "The zone administrator has not entered the public values yet; the notary reveals the "
    "secret after them.",
    409,
)
VALUES_FIXED = ErrorCode(
    "housing.values_fixed",
    "公证员已公开秘密值，公开随机值已锁定，不能再更改。",
    "The notary has revealed the secret: the public values are fixed and cannot change.",
    409,
)
VALUES_DIFFER = ErrorCode(
    "housing.values_differ",
    "这些不是公证员公开秘密值之前录入的公开随机值；摇号只使用事先录入的值。",
    "These are not the public values entered before the notary revealed the secret; the draw "
    "uses only the values entered beforehand.",
    409,
)
VALUES_INVALID = ErrorCode(
    "housing.values_invalid",
    "公开随机值有误。{detail}。",
    "The public values are not valid. {detail_en}.",
    422,
)
NOT_YOUR_TURN = ErrorCode(
    "housing.not_your_turn",
    "现在轮到选房顺序第 {position} 位（{number}），不是 {asked}。",
    "It is the turn of queue position {position} ({number}), not {asked}.",
    409,
)
NO_TURN_LEFT = ErrorCode(
    "housing.no_turn_left",
    "已没有可选房源或等候选房的家庭。",
    "No unit is left to choose, or nobody is waiting.",
    409,
)
UNIT_NOT_AVAILABLE = ErrorCode(
    "housing.unit_not_available",
    "房源 {unit} 不可选（不属于本批次或已被选）。",
    "Unit {unit} cannot be chosen (not in this batch, or already taken).",
    409,
)
UNIT_REQUIRED = ErrorCode("housing.unit_required", "请选择房源。", "Choose a unit.", 422)
TURN_NOT_CHOSEN = ErrorCode(
    "housing.turn_not_chosen",
    "{number} 当前状态为“{status}”，只有已选房的家庭才能签约或放弃签约。",
    "{number} is “{status}”: only a household that chose a unit can sign or forfeit.",
    409,
)
CONTRACT_NUMBER_REQUIRED = ErrorCode(
    "housing.contract_number_required",
    "请填写合同编号（最多 64 个字符）。",
    "Enter the contract number (at most 64 characters).",
    422,
)
CONTRACT_NUMBER_TAKEN = ErrorCode(
    "housing.contract_number_taken",
    "合同编号 {contract} 已在本批次使用。",
    "Contract number {contract} is already used in this batch.",
    409,
)
CONTRACTS_PENDING = ErrorCode(
    "housing.contracts_pending",
    "还有 {count} 户已选房但未签约（或放弃签约），不能结束选房。",
    "{count} households chose a unit but have not signed (or forfeited): unit choice cannot close.",
    409,
)
ROSTER_CHANGED = ErrorCode(
    "housing.roster_changed",
    "存储的名单与公证员确认的名单（默克尔根 {root}）不一致，摇号未进行。请联系管理员。",
    "The stored roster is not the one the notary confirmed (Merkle root {root}); no draw. "
    "Contact an administrator.",
    409,
)
WORKER_LOST = ErrorCode(
    "housing.worker_lost",
    "后台工作进程在运行此任务时已丢失 {attempts} 次，不再自动重试。请查看工作进程日志后重新发起。",
    "The background worker was lost {attempts} times while running this job; it is not retried "
    "again. Check the worker's log, then start it again.",
    500,
)
DRAW_CRASHED = ErrorCode(
    "housing.draw_crashed",
    "摇号时发生内部错误（{detail}），未写入任何结果。请联系管理员。",
    "An internal error ({detail}) stopped the draw; nothing was written. Contact an administrator.",
    500,
)
REVIEW_CRASHED = ErrorCode(
    "housing.review_crashed",
    "自动审核时发生内部错误（{detail}），未改变任何审核结果。请重新运行或联系管理员。",
    "An internal error ({detail}) stopped the automatic review; no decision changed. Run it "
    "again or contact an administrator.",
    500,
)
APPLICATION_BAD_TRANSITION = ErrorCode(
    "housing.application_bad_transition",
    "申请当前为“{current}”，不能转到“{target}”。",
    "The application is “{current}”; it cannot move to “{target}”.",
    409,
)
TURN_BAD_TRANSITION = ErrorCode(
    "housing.turn_bad_transition",
    "选房顺序位当前为“{current}”，不能转到“{target}”。",
    "This place in the unit-choice queue is “{current}”; it cannot move to “{target}”.",
    409,
)
UNIT_BAD_TRANSITION = ErrorCode(
    "housing.unit_bad_transition",
    "房源当前为“{current}”，不能转到“{target}”。",
    "The unit is “{current}”; it cannot move to “{target}”.",
    409,
)
