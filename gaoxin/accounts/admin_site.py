"""The Django admin, open to zone administrators (and the IT superuser) only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import access


class GaoxinAdminSite(admin.AdminSite):
    site_header = _("Gaoxin administration")
    site_title = _("Gaoxin")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return access.can_use_admin_site(request.user)
