"""Navigation for the page shell: the links the current user's rules allow, collected from every
app's provider (gaoxin/common/navigation.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.common import access as common_access
from gaoxin.common import navigation, notifications

from . import access, roles


@navigation.register
def _account_links(request: HttpRequest) -> Iterable[navigation.Link]:
    user = request.user
    if not user.is_authenticated:
        return []
    links: list[navigation.Link] = [(0, _("Home"), reverse("accounts:home"))]
    unread = notifications.unread_count(user)
    inbox = _("Messages")
    links.append((95, f"{inbox} ({unread})" if unread else inbox, reverse("common:inbox")))
    if common_access.can_view_audit_log(user):
        links.append((80, _("Audit log"), reverse("common:audit_log")))
    if common_access.can_enter_calendar(user):
        links.append((85, _("Working-day calendar"), reverse("common:calendar")))
    if access.can_manage_roles(user):
        links.append((88, _("Roles"), reverse("accounts:roles")))
    if access.can_use_admin_site(user):
        links.append((90, _("Administration"), reverse("admin:index")))
    links.append((100, _("My account"), reverse("accounts:account")))
    return links


def navigation_links(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_links": [], "user_roles": []}
    return {"nav_links": navigation.links_for(request), "user_roles": roles.roles_of(user)}
