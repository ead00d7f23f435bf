"""The desk's links in the page shell (common/navigation.py) and its to-dos on the home page
(common/todos.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts import roles
from gaoxin.common.navigation import Link
from gaoxin.common.todos import Todo

from . import access, selectors


def links(request: HttpRequest) -> Iterable[Link]:
    user = request.user
    if not access.can_use_desk(user):
        return []
    out: list[Link] = [(50, _("Approvals"), reverse("approvals:mine"))]
    if access.reviewer_departments(user):
        out.append((51, _("Approval queue"), reverse("approvals:queue")))
    if access.intake_departments(user):
        out.append((52, _("One-window intake"), reverse("approvals:intake")))
    if access.can_view_dashboard(user):
        out.append((53, _("Approval figures"), reverse("approvals:dashboard")))
    if access.can_edit_template(user):
        out.append((54, _("Approval process template"), reverse("approvals:templates")))
    return out


def todos(request: HttpRequest) -> Iterable[Todo]:
    user = request.user
    out: list[Todo] = []
    depts = access.reviewer_departments(user)
    if depts:
        n = selectors.queue_count(depts)
        if n:
            out.append(
                Todo(
                    roles.APPROVAL_REVIEWER,
                    _("Approval items to decide"),
                    reverse("approvals:queue"),
                    n,
                )
            )
    intake = access.intake_departments(user)
    if intake:
        n = selectors.intake_queue(intake).count()
        if n:
            out.append(
                Todo(roles.APPROVAL_INTAKE, _("Packages to check"), reverse("approvals:intake"), n)
            )
    return out
