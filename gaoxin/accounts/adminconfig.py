"""Django admin's app config pointing at Gaoxin's site (kept apart: no model imports here)."""

from django.contrib.admin.apps import AdminConfig


class GaoxinAdminConfig(AdminConfig):
    default_site = "gaoxin.accounts.admin_site.GaoxinAdminSite"
