"""The draw's two halves in the back office, in their order: the zone administrator enters the
public values, then the notary reveals the secret, then the administrator asks for the draw,
which the worker runs with the values entered first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.common.viewguards import require_rule

from .. import access, selectors, services
from ._common import staff_batch, transition


@require_POST
@require_rule(access.can_list_batches_admin)
def draw_reveal(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    return transition(
        request,
        batch,
        lambda: services.draw_reveal(
            actor=request.user, batch=batch, secret=request.POST.get("secret", "")
        ),
        _("The secret is revealed and matches the commitment."),
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def draw_values(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    count = len(batch.entropy.get("sources", []))
    values = [request.POST.get(f"value_{i}", "") for i in range(count)]
    return transition(
        request,
        batch,
        lambda: services.draw_enter_values(actor=request.user, batch=batch, values=values),
        _("The public values are entered; the notary can now reveal the secret."),
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def draw_run(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    return transition(
        request,
        batch,
        lambda: services.draw_request(actor=request.user, batch=batch),
        _("The draw is running in the background; this page shows its progress."),
    )


@require_GET
@require_rule(access.can_list_batches_admin)
def draw_progress(request: HttpRequest, code: str) -> HttpResponse:
    """The draw request's progress (polled by the manage page while the worker runs it)."""
    batch = staff_batch(request, code)
    return render(
        request,
        "housing/_draw_progress.html",
        {"batch": batch, "draw_request": selectors.draw_request_latest(batch)},
    )
