"""Django admin writes go to the audit chain too: a ModelAdmin mixin recording every save and
delete (with the changed fields) in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest

from . import audit


def _plain(value: Any) -> Any:
    """Related objects (a user's groups and permissions) as their names: the audit log holds
    JSON, and a Group is not JSON."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return sorted(str(_plain(item)) for item in value)
    return value


def _snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any]:
    data = model_to_dict(obj, fields=fields)
    return {key: _plain(value) for key, value in data.items() if "password" not in key}


class AuditedAdminMixin:
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changed = list(form.changed_data) if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            audit.record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}.{'changed' if change else 'created'}",
                obj=obj,
                after=_snapshot(obj, changed),
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)  # type: ignore[misc]
            m2m = [
                name
                for name in form.changed_data
                if name in {"groups", "members", "user_permissions"}
            ]
            if m2m:
                audit.record(
                    actor=request.user,
                    action=f"admin.{form.instance._meta.model_name}.relations_changed",
                    obj=form.instance,
                    after=_snapshot(form.instance, m2m),
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before = _snapshot(obj)
            audit.record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}.deleted",
                obj=obj,
                before=before,
            )
            super().delete_model(request, obj)  # type: ignore[misc]
