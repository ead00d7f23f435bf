"""Enterprise support's links in the page shell (common/navigation.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts import roles
from gaoxin.common.navigation import Link
from gaoxin.common.todos import Todo

from . import access, selectors_calls


def links(request: HttpRequest) -> Iterable[Link]:
    user = request.user
    found: list[Link] = []
    if access.can_view_awards(user):
        found += [
            (50, _("Tiers (雁阵)"), reverse("support:tiers")),
            (51, _("Support awards"), reverse("support:awards")),
            (52, _("Zone indicators"), reverse("support:indicators")),
            (53, _("Open calls (揭榜挂帅)"), reverse("support:calls_zone")),
        ]
    elif access.own_enterprises(user):
        found.append((50, _("Our tier (雁阵)"), reverse("support:tier_mine")))
    if access.is_expert(user):
        found.append((54, _("Applications to score"), reverse("support:expert")))
    if access.can_read_calls(user) and not access.can_view_awards(user):
        found.append((55, _("Open calls (揭榜挂帅)"), reverse("support:calls_public")))
    return found


def todos(request: HttpRequest) -> Iterable[Todo]:
    """An expert's applications still to score; the zone's objections still to answer."""
    user = request.user
    out: list[Todo] = []
    if access.is_expert(user):
        n = selectors_calls.expert_unscored_count(user)
        if n:
            out.append(
                Todo(roles.SUPPORT_EXPERT, _("Applications to score"), reverse("support:expert"), n)
            )
    if access.can_manage_calls(user):
        n = selectors_calls.unanswered_objections()
        if n:
            out.append(
                Todo(
                    roles.ZONE_ADMIN,
                    _("Objections to open calls to answer"),
                    reverse("support:calls_zone"),
                    n,
                )
            )
    return out
