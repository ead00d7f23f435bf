"""Enterprise support's errors, in Chinese and English. Sums are shown in yuan with thousands
separators (services format them)."""

from gaoxin.common.errors import ErrorCode

OVER_RECIPIENT_CEILING = ErrorCode(
    "support.over_recipient_ceiling",
    "不能批准：{recipient} 在“{ceiling}”下已承诺 {committed} 元，再批 {amount} 元将达 {total} 元，"
    "超过每个对象 {limit} 元的上限。",
    "Not approved: {recipient} already has {committed} yuan committed under “{ceiling_en}”; "
    "{amount} yuan more would make {total} yuan, above its ceiling of {limit} yuan per recipient.",
    409,
)
OVER_YEAR_CEILING = ErrorCode(
    "support.over_year_ceiling",
    "不能批准：“{ceiling}”{year} 年度已承诺 {committed} 元，再批 {amount} 元将达 {total} 元，"
    "超过年度 {limit} 元的上限。",
    "Not approved: “{ceiling_en}” has {committed} yuan committed for {year}; {amount} yuan "
    "more would make {total} yuan, above its yearly ceiling of {limit} yuan.",
    409,
)
OVER_AWARD = ErrorCode(
    "support.over_award",
    "节点金额合计 {total} 元超过奖励 {number} 的批准金额 {amount} 元。",
    "The milestones add up to {total} yuan, more than the {amount} yuan of award {number}.",
    422,
)
BAD_TRANSITION = ErrorCode(
    "support.bad_transition",
    "{what} 当前为“{current}”，不能执行“{target}”。",
    "{what} is “{current}”; it cannot be “{target}”.",
    409,
)
AMOUNT_INVALID = ErrorCode(
    "support.amount_invalid",
    "“{field_zh}”应为正整数（元），收到“{value}”。",
    "“{field_en}” is a positive whole number of yuan; got “{value}”.",
    422,
)
FIELD_REQUIRED = ErrorCode(
    "support.field_required",
    "请填写“{field_zh}”。",
    "Fill in “{field_en}”.",
    422,
)
UNKNOWN_RECIPIENT = ErrorCode(
    "support.unknown_recipient",
    "“{value}”不在登记簿中（{kind_zh}）。",
    "“{value}” is not in the registry ({kind_en}).",
    422,
)
UNKNOWN_PROGRAMME = ErrorCode(
    "support.unknown_programme",
    "扶持项目“{value}”不存在。",
    "The support programme “{value}” does not exist.",
    422,
)
MILESTONES_REQUIRED = ErrorCode(
    "support.milestones_required",
    "奖励 {number} 还没有拨付节点，请先设置节点。",
    "Award {number} has no milestones; set them first.",
    422,
)
TIER_RUN_PUBLISHED = ErrorCode(
    "support.tier_run_published",
    "{year} 年度雁阵梯队名单已公布，不能重新计算。",
    "The {year} tier list is published; it cannot be computed again.",
    409,
)
TIER_RUN_MISSING = ErrorCode(
    "support.tier_run_missing",
    "{year} 年度尚未计算雁阵梯队。",
    "The tiers of {year} have not been computed yet.",
    404,
)
YEAR_INVALID = ErrorCode(
    "support.year_invalid",
    "“年度”无效：“{value}”（应为 2000 至 2100 之间的年份）。",
    "“Year” is not valid: “{value}” (a year from 2000 to 2100).",
    422,
)
VALUE_INVALID = ErrorCode(
    "support.value_invalid",
    "“{field_zh}”无效：“{value}”（{reason_zh}）。",
    "“{field_en}” is not valid: “{value}” ({reason_en}).",
    422,
)
PARCEL_EXISTS = ErrorCode(
    "support.parcel_exists",
    "地块“{parcel}”已于 {sold_on} 登记出让，不能重复登记。",
    "Parcel “{parcel}” is already recorded as sold on {sold_on}; it cannot be recorded twice.",
    409,
)
CALL_TRANSITION = ErrorCode(
    "support.call_transition",
    "揭榜挂帅榜单当前为“{current}”，不能转为“{target}”。",
    "The open call is “{current}”; it cannot become “{target}”.",
    409,
)
CALL_DEADLINE_PASSED = ErrorCode(
    "support.call_deadline_passed",
    "揭榜截止时间 {deadline} 已过，不能再申报。",
    "The call closed for applications at {deadline}; no more applications.",
    409,
)
CALL_DEADLINE_NOT_PASSED = ErrorCode(
    "support.call_deadline_not_passed",
    "揭榜截止时间 {deadline} 未到，不能截止申报。",
    "The call's deadline {deadline} has not passed yet; it cannot be closed.",
    409,
)
CALL_DEADLINE_INVALID = ErrorCode(
    "support.call_deadline_invalid",
    "“截止时间”无效：“{value}”（应为将来的时间，如 2026-12-31 17:00）。",
    "“Deadline” is not valid: “{value}” (a future time such as 2026-12-31 17:00).",
    422,
)
CALL_REWARD_OVER_CEILING = ErrorCode(
    "support.call_reward_over_ceiling",
    "奖励 {reward} 元超过“{programme}”每个对象 {limit} 元的上限。",
    "The reward of {reward} yuan is above the ceiling of {limit} yuan per recipient of "
    "“{programme_en}”.",
    422,
)
CALL_ELIGIBILITY_PROGRAMME = ErrorCode(
    "support.call_eligibility_programme",
    "“{programme}”的奖励发给{kind_zh}，揭榜对象应为“{expected_zh}”。",
    "“{programme_en}” awards go to {kind_en}; the call must be open to “{expected_en}”.",
    422,
)
CALL_CRITERIA_INVALID = ErrorCode(
    "support.call_criteria_invalid",
    "评审标准第 {row} 行无效：“{value}”（应为“名称:权重”，权重为 1 至 100 的整数）。",
    "Criterion row {row} is not valid: “{value}” (write “name:weight”, a weight from 1 to 100).",
    422,
)
CALL_NOT_ELIGIBLE = ErrorCode(
    "support.call_not_eligible",
    "本榜单只接受{expected_zh}申报，您的账号不能以此身份申报。",
    "This call is open to {expected_en} only; your account cannot apply as one.",
    403,
)
CALL_ALREADY_APPLIED = ErrorCode(
    "support.call_already_applied",
    "{applicant} 已申报本榜单（{number}）。",
    "{applicant} has already applied for this call ({number}).",
    409,
)
CALL_NOT_EXPERT = ErrorCode(
    "support.call_not_expert",
    "用户“{value}”不具有评审专家角色。",
    "The user “{value}” does not hold the review expert role.",
    422,
)
CALL_EXCLUDED = ErrorCode(
    "support.call_excluded",
    "您已回避申报 {number}（{reason}），不能评分。",
    "You are excluded from application {number} ({reason}); you cannot score it.",
    403,
)
CALL_SCORE_INVALID = ErrorCode(
    "support.call_score_invalid",
    "“{criterion}”的评分无效：“{value}”（应为 0 至 100 的整数）。",
    "The score for “{criterion}” is not valid: “{value}” (a whole number from 0 to 100).",
    422,
)
CALL_NO_WINNER = ErrorCode(
    "support.call_no_winner",
    "申报 {value} 不属于本榜单或尚无评分，不能定为揭榜方。",
    "Application {value} is not of this call or has no scores; it cannot be the winner.",
    422,
)
CALL_NOTICE_RUNNING = ErrorCode(
    "support.call_notice_running",
    "公示期至 {ends} 结束，期满后才能确认。",
    "The public notice runs until {ends}; confirm after it ends.",
    409,
)
CALL_NOTICE_CLOSED = ErrorCode(
    "support.call_notice_closed",
    "公示期已于 {ends} 结束，不再受理异议。",
    "The public notice ended at {ends}; objections are no longer taken.",
    409,
)
CALL_NOTICE_DAYS = ErrorCode(
    "support.call_notice_days",
    "“公示天数”无效：“{value}”（应为 1 至 30 的整数）。",
    "“Days of notice” is not valid: “{value}” (a whole number from 1 to 30).",
    422,
)
CALL_OBJECTIONS_OPEN = ErrorCode(
    "support.call_objections_open",
    "还有 {n} 条异议未答复，答复后才能确认。",
    "{n} objection(s) are not answered yet; answer them before confirming.",
    409,
)
CALL_OBJECTION_ANSWERED = ErrorCode(
    "support.call_objection_answered",
    "该异议已答复。",
    "This objection has already been answered.",
    409,
)
CALL_TEXT_SHORT = ErrorCode(
    "support.call_text_short",
    "“{field_zh}”至少 {n} 个字。",
    "“{field_en}” needs at least {n} characters.",
    422,
)
