"""The registry's link in the page shell."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.common import navigation

from . import access


def links(request: HttpRequest) -> Iterable[navigation.Link]:
    if access.can_view_registry(request.user):
        return [(30, _("Registry"), reverse("registry:index"))]
    return []
