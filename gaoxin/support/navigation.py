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
    if access.can_view_awards(user):
        return [
            (50, _("Tiers (雁阵)"), reverse("support:tiers")),
            (51, _("Support awards"), reverse("support:awards")),
            (52, _("Zone indicators"), reverse("support:indicators")),
        ]
    if access.own_enterprises(user):
        return [(50, _("Our tier (雁阵)"), reverse("support:tier_mine"))]
    return []
