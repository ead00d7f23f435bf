"""Navigation for the page shell: the links the current user's rules allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.common import access as common_access

from . import access, roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "user_roles": []}
    links = [(_("Home"), reverse("accounts:home"))]
    if user.has_perm("registry.view_registry"):  # registry.access.can_view_registry
        links.append((_("Registry"), reverse("registry:index")))
    if common_access.can_view_audit_log(user):
        links.append((_("Audit log"), reverse("common:audit_log")))
    if access.can_use_admin_site(user):
        links.append((_("Administration"), reverse("admin:index")))
    links.append((_("My account"), reverse("accounts:account")))
    return {"nav_links": links, "user_roles": roles.roles_of(user)}
