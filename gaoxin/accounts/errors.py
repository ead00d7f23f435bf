from gaoxin.common.errors import ErrorCode

TOKEN_USER_INACTIVE = ErrorCode(
    "token_user_inactive",
    "账户 {username} 已停用，不能签发令牌。",
    "Account {username} is inactive; no token can be issued for it.",
)
TOKEN_NAME_REQUIRED = ErrorCode(
    "token_name_required", "令牌名称不能为空。", "A token needs a name.", 422
)
# -- role grants (the field named first: the roles page shows the message beside the form) ----
ROLE_UNKNOWN = ErrorCode(
    "role_unknown",
    "“角色”：“{role}”不是本系统设置的角色。",
    "Field “role”: “{role}” is not a role of this system.",
    422,
)
ROLE_SCOPE_NOT_ALLOWED = ErrorCode(
    "role_scope_not_allowed",
    "“授权范围”：“{role_zh}”角色不能按{kind_zh}授予。",
    "Field “scope”: the role “{role_en}” cannot be granted within a {kind_en}.",
    422,
)
ROLE_SCOPE_UNKNOWN = ErrorCode(
    "role_scope_unknown",
    "“授权范围”：“{scope_key}”不是系统中已有的{kind_zh}。",
    "Field “scope”: “{scope_key}” is not a {kind_en} of this system.",
    422,
)
ROLE_ALREADY_HELD = ErrorCode(
    "role_already_held",
    "账户 {username} 已在该授权范围内持有“{role_zh}”角色。",
    "Account {username} already holds the role “{role_en}” within this scope.",
    409,
)
ROLE_USER_INACTIVE = ErrorCode(
    "role_user_inactive",
    "“用户”：账户 {username} 已停用，不能授予角色。",
    "Field “user”: account {username} is inactive; no role can be granted to it.",
    422,
)
ROLE_USER_UNKNOWN = ErrorCode(
    "role_user_unknown",
    "“用户”：没有用户名为 {username} 的账户。",
    "Field “user”: there is no account with the username {username}.",
    422,
)
ROLE_FIELD_INVALID = ErrorCode(
    "role_field_invalid",
    "“{field_zh}”：未填写或过长。",
    "Field “{field_en}”: missing or too long.",
    422,
)
