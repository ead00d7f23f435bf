from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gaoxin.common.adminaudit import AuditedAdminMixin
from gaoxin.common.errors import GaoxinError

from . import services
from .models import ApiToken, User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Gaoxin"), {"fields": ("display_name", "phone")}),
    )
    list_display = ("username", "display_name", "is_active", "last_login")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "display_name")

    # What only the IT superuser may change: a zone administrator gives roles (groups, whose
    # permissions are exactly those of roles.py), never superuser status or loose permissions.
    PRIVILEGED = ("is_superuser", "is_staff", "user_permissions")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, *self.PRIVILEGED)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            stored = User.objects.filter(pk=obj.pk).first() if change else None
            for name in ("is_superuser", "is_staff"):
                if getattr(obj, name) != (getattr(stored, name) if stored else False):
                    raise PermissionDenied(name)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if not request.user.is_superuser and "user_permissions" in form.changed_data:
            raise PermissionDenied("user_permissions")
        super().save_related(request, form, formsets, change)


# Roles are groups whose permissions `sync_roles` sets from roles.py: read-only here, so that no
# administrator can widen a role from the admin.
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(DjangoGroupAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "token_hash", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued with `manage.py issue_api_token`, which shows the token once

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            try:
                services.api_token_revoke(actor=request.user, token=token)
            except GaoxinError as error:
                self.message_user(request, error.message(), messages.ERROR)
                return
        self.message_user(request, _("Tokens revoked."), messages.SUCCESS)
