"""Enterprise support's links in the page shell (common/navigation.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.common.navigation import Link

from . import access


def links(request: HttpRequest) -> Iterable[Link]:
    if not access.can_view_awards(request.user):
        return []
    return [(50, _("Support awards"), reverse("support:awards"))]
