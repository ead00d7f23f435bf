from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
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
