"""Housing's links in the page shell."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.common import navigation
from gaoxin.common.todos import Todo

from . import access, selectors


def links(request: HttpRequest) -> Iterable[navigation.Link]:
    user = request.user
    result: list[navigation.Link] = [(10, _("Housing sales"), reverse("housing:announcements"))]
    if access.can_register(user):
        result.append((15, _("My applications"), reverse("housing:my_applications")))
    if access.can_list_batches_admin(user):
        result.append((20, _("Sale batches"), reverse("housing:manage_list")))
    return result


def todos(request: HttpRequest) -> Iterable[Todo]:
    """The housing sales' items of the user's to-do list on their home page."""
    return selectors.todos_for(request.user)
