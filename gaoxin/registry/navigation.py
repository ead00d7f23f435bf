"""The registry's link in the page shell."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.common import navigation

from . import access


def links(request: HttpRequest) -> Iterable[navigation.Link]:
    shown: list[navigation.Link] = []
    if access.can_view_registry(request.user):
        shown.append((30, _("Registry"), reverse("registry:index")))
    if access.can_bind_identity(request.user):
        shown.append((31, _("Identity counter"), reverse("registry:identity_counter")))
    return shown
