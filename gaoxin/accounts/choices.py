from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopeKind(models.TextChoices):
    """What a role grant can be limited to. Empty (no kind) is zone-wide. Which kinds a role
    accepts is its `Role.scope_kinds` (roles.py); the app that owns the data lists the keys
    (roles.register_scope_choices)."""

    SALES_OFFICE = "sales_office", _("Sales office")
    GRID = "grid", _("Grid")
    DEPARTMENT = "department", _("Department")
    ENTERPRISE = "enterprise", _("Enterprise")
    APPROVAL_DEPARTMENT = "approval_department", _("Approving department")
