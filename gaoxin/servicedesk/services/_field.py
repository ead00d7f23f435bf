"""Input checks shared by the visit, safety and notice services: whole numbers and dates from
forms, and photo uploads (the registry's upload size limit, generated stored names)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile

from gaoxin.accounts.models import RoleGrant
from gaoxin.common.errors import GaoxinError, ensure
from gaoxin.common.exports import printable
from gaoxin.common.uploads import stored_name

from .. import clock, errors
from ..models import FieldSettings

PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
MAX_PHOTOS = 10


def whole(value: Any, *, zh: str, en: str, low: int, high: int) -> int:
    text = str(value if value is not None else "").strip()
    try:
        number = int(text)
    except ValueError:
        number = low - 1
    ensure(
        low <= number <= high,
        errors.NUMBER_INVALID,
        field_zh=zh,
        field_en=en,
        low=low,
        high=high,
        value=text[:20],
    )
    return number


def past_date(value: Any, *, zh: str, en: str) -> date:
    """A date from a form: ISO, not in the future; empty means today."""
    text = str(value or "").strip()
    if not text:
        return clock.today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or day > clock.today():
        raise GaoxinError(errors.DATE_INVALID, field_zh=zh, field_en=en, value=text[:20])
    return day


def field_settings() -> FieldSettings:
    """The zone's row, or the defaults until an administrator first saves it."""
    return FieldSettings.objects.filter(pk=1).first() or FieldSettings(pk=1)


def _opened(upload: UploadedFile, default: str, too_large: Any) -> tuple[str, int, bytes]:
    """(readable name, size, first 16 bytes) of an upload within the registry's size limit."""
    name = printable((upload.name or default).replace("\\", "/").rsplit("/", 1)[-1])[:200]
    name = name or default
    limit_mb = settings.GAOXIN_REGISTRY_MAX_UPLOAD_MB
    size = upload.size or 0
    ensure(size <= limit_mb * 1024 * 1024, too_large, name=name, size=size // 2**20, limit=limit_mb)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return name, size, head


def _image(head: bytes) -> str:
    kind = next((t for magic, t in PHOTO_TYPES.items() if head.startswith(magic)), "")
    if not kind and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "image/webp"
    return kind


def photo_kind(upload: UploadedFile) -> tuple[str, str, int]:
    """(content type, readable name, size) of an uploaded photo, or the error naming it."""
    name, size, head = _opened(upload, "photo", errors.PHOTO_TOO_LARGE)
    kind = _image(head)
    ensure(bool(kind) and size > 0, errors.PHOTO_INVALID, name=name)
    return kind, name, size


# What a request may carry besides photos: PDF by its signature, Word and Excel (Office Open
# XML, a zip file) by their signature and their name's ending.
DOCUMENT_TYPES = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".docx": (
        b"PK\x03\x04",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def attachment_kind(upload: UploadedFile) -> tuple[str, str, int]:
    """(content type, readable name, size) of a request's attachment — a photo, PDF, .docx or
    .xlsx checked by its first bytes, within the registry's upload limit — or the error naming
    it."""
    name, size, head = _opened(upload, "file", errors.ATTACHMENT_TOO_LARGE)
    kind = _image(head)
    if not kind:
        ending = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        magic, document = DOCUMENT_TYPES.get(ending, (b"", ""))
        kind = document if magic and head.startswith(magic) else ""
    ensure(bool(kind) and size > 0, errors.ATTACHMENT_INVALID, name=name)
    return kind, name, size


def check_photos(photos: list[UploadedFile]) -> list[tuple[UploadedFile, str, str, int]]:
    ensure(
        len(photos) <= MAX_PHOTOS,
        errors.NUMBER_INVALID,
        field_zh="照片数量",
        field_en="Number of photos",
        low=0,
        high=MAX_PHOTOS,
        value=len(photos),
    )
    return [(p, *photo_kind(p)) for p in photos]


def save_photo(row: Any, upload: UploadedFile) -> None:
    row.file.save(stored_name("hazard"), upload, save=False)


def granted(role: str, kind: str, keys: list[str] | set[str] | frozenset[str]) -> list[Any]:
    """Active people holding `role` scoped to one of `keys` (or zone-wide when kind is "")."""
    grants = RoleGrant.objects.filter(revoked_at__isnull=True, role=role, scope_kind=kind)
    if kind:
        grants = grants.filter(scope_key__in=list(keys))
    ids = grants.values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))
