"""Enterprise support's links in the page shell (common/navigation.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.common.navigation import Link

from . import access


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
