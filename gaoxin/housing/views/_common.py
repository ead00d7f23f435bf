"""What the housing views share: finding a batch, and a transition's POST answered by a message
and a redirect back to the page it was taken from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gaoxin.common.errors import GaoxinError

from .. import access, selectors
from ..models import SaleBatch


def batch_or_404(code: str) -> SaleBatch:
    batch = selectors.batch_get(code=code)
    if batch is None:
        raise Http404
    return batch


def staff_batch(request: HttpRequest, code: str) -> SaleBatch:
    """The batch of a back-office page: 404 if there is none, 403 if the user may not see it."""
    batch = batch_or_404(code)
    if not access.can_view_batch_admin(request.user, batch):
        raise PermissionDenied
    return batch


_LIST_FILTERS = {"outcome", "condition", "q", "page"}


def transition(
    request: HttpRequest,
    batch: SaleBatch,
    call: Callable[[], Any],
    success: str | Callable[[Any], str],
    *,
    back_to: str = "housing:manage_batch",
    query: str = "",
) -> HttpResponse:
    """Run one service call; tell the user what happened (or the error, in their language) and
    go back to the page the action was taken from."""
    try:
        outcome = call()
    except GaoxinError as error:
        messages.error(request, error.message())
    else:
        messages.success(request, success(outcome) if callable(success) else success)
    target = reverse(back_to, kwargs={"code": batch.code})
    # back to the same filtered page of a list: the list's own filters, nothing else
    kept = urlencode([(k, v) for k, v in parse_qsl(query) if k in _LIST_FILTERS])
    return redirect(f"{target}?{kept}" if kept else target)
