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
