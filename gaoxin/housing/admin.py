from __future__ import annotations

from django.contrib import admin

from gaoxin.common.adminaudit import AuditedAdminMixin

from .models import HousingProject, SalesOffice


@admin.register(SalesOffice)
class SalesOfficeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "credit_code")
    search_fields = ("name",)


@admin.register(HousingProject)
class HousingProjectAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "sales_office", "district", "presale_permit")
    list_filter = ("sales_office",)
    search_fields = ("name",)
