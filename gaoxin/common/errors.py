"""Errors a user can act on: a stable code plus a Chinese and an English message.

Every app keeps its own catalogue of `ErrorCode`s in its `errors.py`; services raise
`GaoxinError(code, **params)`, and views and the API render it in the user's language (the API
returns both). Messages are `str.format` templates over the params."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language


@dataclass(frozen=True)
class ErrorCode:
    code: str
    zh: str
    en: str
    status: int = 400

    def render(self, language: str, **params: Any) -> str:
        template = self.zh if language.startswith("zh") else self.en
        try:
            return template.format(**params)
        except (KeyError, IndexError):
            return template


class GaoxinError(Exception):
    """A rule was broken; nothing was written (services raise it inside their transaction)."""

    def __init__(self, error: ErrorCode, **params: Any) -> None:
        self.error = error
        self.params = params
        super().__init__(f"{error.code}: {error.render('en', **params)}")

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def status(self) -> int:
        return self.error.status

    def message(self, language: str | None = None) -> str:
        return self.error.render(language or get_language() or "zh-hans", **self.params)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "message_zh": self.error.render("zh", **self.params),
            "message_en": self.error.render("en", **self.params),
        }
        if self.params:
            body["params"] = {key: str(value) for key, value in self.params.items()}
        return body


def ensure(condition: bool, error: ErrorCode, **params: Any) -> None:
    if not condition:
        raise GaoxinError(error, **params)


# Errors of the common app (and generic ones other apps reuse).
NOT_ALLOWED = ErrorCode("not_allowed", "您无权执行此操作。", "You are not allowed to do this.", 403)
NOT_AUTHENTICATED = ErrorCode(
    "not_authenticated", "请先登录或提供有效的 API 令牌。", "Log in or send a valid API token.", 401
)
NOT_FOUND = ErrorCode("not_found", "未找到请求的对象。", "The requested object was not found.", 404)
INVALID_INPUT = ErrorCode("invalid_input", "输入有误：{detail}", "Invalid input: {detail}", 422)
RATE_LIMITED = ErrorCode(
    "rate_limited", "请求过于频繁，请稍后再试。", "Too many requests; try later.", 429
)
AUDIT_HEAD_MALFORMED = ErrorCode(
    "audit_head_malformed",
    "链头格式应为 事件ID:哈希，收到 “{value}”。",
    "A chain head is written EVENT_ID:HASH; got “{value}”.",
)
# A full disk or a read-only database (common/storagefaults.py): not the user's fault, and
# nothing was written.
STORAGE_FULL = ErrorCode(
    "storage_full",
    "服务器存储空间已满（{where}），本次操作未保存任何内容。请联系管理员释放空间后重试。",
    "No space is left for {where_en}; nothing was saved. Ask an administrator to free space, "
    "then try again.",
    503,
)
STORAGE_READ_ONLY = ErrorCode(
    "storage_read_only",
    "{where}当前为只读，本次操作未保存任何内容。请稍后重试或联系管理员。",
    "Nothing can be written to {where_en} at the moment (it is read-only); nothing was saved. "
    "Try again later or ask an administrator.",
    503,
)
