"""Errors a user can act on: a stable code plus a Chinese and an English message.

Every app keeps its own catalogue of `ErrorCode`s in its `errors.py`; services raise
`GaoxinError(code, **params)`, and views and the API render it in the user's language (the API
returns both). Messages are `str.format` templates over the params."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

_BY_CODE: dict[str, ErrorCode] = {}
_MOMENT = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: (\d{2}:\d{2}))?")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# Parameters that name a moment (never what a person typed, which is shown as typed).
MOMENT_PARAMS = frozenset({"opens", "closes", "ends", "until", "when"})


def _moment(value: Any, chinese: bool) -> Any:
    """A local day or moment as services pass it ("2026-12-08 15:50",
    `housing.errors.local_time`) in the reader's date style (gaoxin/config/formats):
    2026年12月8日 15:50, or 8 Dec 2026 15:50. Anything else is left as it is."""
    if not isinstance(value, str):
        return value
    match = _MOMENT.fullmatch(value)
    if match is None:
        return value
    year, month, day, time = match.groups()
    if chinese:
        text = f"{int(year)}年{int(month)}月{int(day)}日"
    else:
        text = f"{int(day)} {_MONTHS[int(month) - 1]} {year}"
    return f"{text} {time}" if time else text


@dataclass(frozen=True)
class ErrorCode:
    code: str
    zh: str
    en: str
    status: int = 400

    def __post_init__(self) -> None:
        _BY_CODE.setdefault(self.code, self)  # a stored code renders again later (jobs.py)

    @staticmethod
    def lookup(code: str) -> ErrorCode | None:
        """The error with this code, from any app's catalogue that has been imported."""
        return _BY_CODE.get(code)

    def render(self, language: str, **params: Any) -> str:
        chinese = language.startswith("zh")
        template = self.zh if chinese else self.en
        shown = {
            key: _moment(value, chinese) if key in MOMENT_PARAMS else value
            for key, value in params.items()
        }
        try:
            return template.format(**shown)
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
BODY_UNREADABLE = ErrorCode(
    "body_unreadable",
    "无法解析请求内容：应为 UTF-8 编码的 JSON。",
    "Cannot parse the request body: it must be JSON in UTF-8.",
    400,
)
BODY_TOO_LARGE = ErrorCode(
    "body_too_large",
    "请求内容超过 {limit} MB 上限。",
    "The request body is over the {limit} MB limit.",
    413,
)
NUL_IN_URL = ErrorCode(
    "nul_in_url",
    "请求地址中含有不允许的字符（NUL）。",
    "The request's address contains a character that is not allowed (NUL).",
    400,
)
# Untrusted workbooks (common/workbooks.py), whichever importer reads them.
WORKBOOK_INVALID = ErrorCode(
    "workbook_invalid",
    "无法打开 Excel 文件：{detail_zh}。请用 Excel 重新另存为 .xlsx，或另存为 CSV。",
    "Cannot open the Excel file: {detail_en}. Save it again from Excel as .xlsx, or as CSV.",
    422,
)
WORKBOOK_TOO_LARGE = ErrorCode(
    "workbook_too_large",
    "Excel 文件解压后共 {size} MB，超过上限 {limit} MB（最大的部件 {part} 为 {part_size} MB）。"
    "请拆分文件，或另存为 CSV。",
    "The Excel file unpacks to {size} MB, more than the {limit} MB limit (its largest part, "
    "{part}, is {part_size} MB). Split the file, or save it as CSV.",
    422,
)
WORKBOOK_TOO_COMPLEX = ErrorCode(
    "workbook_too_complex",
    "读取这个 Excel 文件超出了内存或时间上限（{limit}），未导入任何数据。常见原因：单元格分布的"
    "范围过大（例如第 1 行和第 1048576 行、A 列和 XFD 列都有内容），或文件被刻意构造。"
    "请只把数据区域复制到新文件，或另存为 CSV。",
    "Reading this Excel file went over the memory or time limit ({limit}); nothing was imported. "
    "Usual causes: cells spread over a huge area (something in row 1 and in row 1,048,576, or "
    "in column A and column XFD), or a deliberately crafted file. Copy only the data into a new "
    "file, or save it as CSV.",
    422,
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
# The database could not be reached, or the connection ended under the request (PostgreSQL
# restarting): whether the request was saved cannot be known (its COMMIT may have succeeded
# with the answer lost). common/middleware.DatabaseUnavailableMiddleware.
DATABASE_UNAVAILABLE = ErrorCode(
    "database_unavailable",
    "数据库暂时无法访问，无法确认本次提交是否已保存。请稍后查看；再次提交同一内容不会重复保存"
    "（已保存的登记会原样返回）。",
    "The database could not be reached, so whether this was saved cannot be known. Look again "
    "in a moment; sending the same again never saves it twice (a saved registration comes back "
    "as it is).",
    503,
)
JOB_BAD_TRANSITION = ErrorCode(
    "job_bad_transition",
    "后台任务当前为“{current}”，不能转到“{target}”。",
    "The background job is “{current}”; it cannot move to “{target}”.",
    409,
)
