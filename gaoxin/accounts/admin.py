from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gaoxin.common.adminaudit import AuditedAdminMixin
from gaoxin.common.errors import GaoxinError

from . import roles, services
from .models import ApiToken, RoleGrant, User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    # Roles are granted and revoked on the roles page (accounts:roles), never here: the user
    # form shows them read-only and has no groups.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Gaoxin"), {"fields": ("display_name", "phone", "roles")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ("username", "display_name", "is_active", "last_login")
    list_filter = ("is_active",)
    search_fields = ("username", "display_name")

    # What only the IT superuser may change: a zone administrator gives roles (on the roles
    # page), never superuser status. Loose permissions are not offered: they give nothing
    # (accounts.backends.RoleBackend).
    PRIVILEGED = ("is_superuser", "is_staff")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = (*super().get_readonly_fields(request, obj), "roles")
        if request.user.is_superuser:
            return fields
        return (*fields, *self.PRIVILEGED)

    @admin.display(description=_("Roles"))
    def roles(self, obj: User) -> str:
        grants = obj.role_grants.filter(revoked_at__isnull=True).order_by("role", "scope_key")
        held = [
            f"{roles.role_name(g.role)} ({roles.scope_label(g.scope_kind, g.scope_key)})"
            for g in grants
        ]
        return "; ".join(held) or "—"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            stored = User.objects.filter(pk=obj.pk).first() if change else None
            for name in ("is_superuser", "is_staff"):
                if getattr(obj, name) != (getattr(stored, name) if stored else False):
                    raise PermissionDenied(name)
        super().save_model(request, obj, form, change)


# Roles are not groups: the group pages go, so that nothing but the roles page gives a role.
admin.site.unregister(Group)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Read-only: grants are written by the roles page's services (audited), not here."""

    list_display = ("user", "role", "scope_kind", "scope_key", "granted_at", "revoked_at")
    list_filter = ("role", "scope_kind")
    search_fields = ("user__username", "scope_key")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
