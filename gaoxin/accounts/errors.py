from gaoxin.common.errors import ErrorCode

TOKEN_USER_INACTIVE = ErrorCode(
    "token_user_inactive",
    "账户 {username} 已停用，不能签发令牌。",
    "Account {username} is inactive; no token can be issued for it.",
)
TOKEN_NAME_REQUIRED = ErrorCode(
    "token_name_required", "令牌名称不能为空。", "A token needs a name.", 422
)
