"""The eligibility review: its progress, the exception queue, the two-person overrides and the
answers to objections (one URL per transition, POST only)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.common.errors import GaoxinError
from gaoxin.common.viewguards import require_rule

from .. import access, errors, selectors, services
from ..choices import ReviewOutcome
from ..models import Objection, Override, SaleBatch
from ._common import staff_batch, transition


@require_GET
@require_rule(access.can_list_batches_admin)
def review_progress(request: HttpRequest, code: str) -> HttpResponse:
    """Polled while the review runs. The poll that sees it finish reloads the page, so that the
    queue below shows the new decisions at once (issue #14: it stayed empty until reloaded)."""
    batch = staff_batch(request, code)
    review = selectors.review_latest(batch)
    response = render(request, "housing/_review_progress.html", {"batch": batch, "review": review})
    if request.htmx and review is not None and not review.is_active:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@require_GET
@require_rule(access.can_list_batches_admin)
def review_queue(request: HttpRequest, code: str) -> HttpResponse:
    """The queue at volume: counts by outcome and by failed condition, filters, a search by
    registration number or name, 50 rows a page; each row's decision form opens on demand."""
    batch = staff_batch(request, code)
    review = selectors.review_latest(batch)
    queue = selectors.review_queue_page(
        batch,
        outcome=request.GET.get("outcome", ReviewOutcome.ATTENTION),
        condition=request.GET.get("condition", ""),
        query=request.GET.get("q", ""),
        page=request.GET.get("page", 1),
    )
    filters = {"outcome": queue.outcome, "condition": queue.condition, "q": queue.query}
    context = {
        "batch": batch,
        "actions": selectors.batch_actions(batch, request.user, review=review),
        "review": review,
        "queue": queue,
        "outcomes": [
            (value, label, queue.outcome_counts.get(value, 0))
            for value, label in ReviewOutcome.choices
        ],
        "filter_query": urlencode({k: v for k, v in filters.items() if v}),
        "pending": selectors.pending_overrides(batch),
        "can_review": access.can_review(request.user, batch),
    }
    return render(request, "housing/review_queue.html", context)


def _decision(value: str) -> bool | None:
    """The decision form's choice: yes, no, or nothing chosen (which the service refuses)."""
    return {"yes": True, "no": False}.get(value)


@require_POST
@require_rule(access.can_list_batches_admin)
def review_start(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    return transition(
        request,
        batch,
        lambda: services.review_start(actor=request.user, batch=batch),
        _("The review is running."),
        back_to="housing:review_queue",
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def override_propose(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    found = selectors.application_get(number=request.POST.get("number", ""))
    if found is None or found.batch_id != batch.pk:
        raise Http404
    return transition(
        request,
        batch,
        lambda: services.override_propose(
            actor=request.user,
            application=found,
            pool=request.POST.get("pool", ""),
            eligible=_decision(request.POST.get("eligible", "")),
            reason=request.POST.get("reason", ""),
        ),
        _("Override proposed; a second reviewer must approve it."),
        back_to="housing:review_queue",
        query=request.POST.get("back", ""),
    )


def _override(batch: SaleBatch, pk: int) -> Override:
    override = Override.objects.filter(pk=pk, application__batch=batch).first()
    if override is None:
        raise Http404
    return override


def _decide(request: HttpRequest, code: str, pk: int, *, approve: bool) -> HttpResponse:
    batch = staff_batch(request, code)
    override = _override(batch, pk)
    back_to = "housing:objections" if request.POST.get("from") == "objections" else None
    return transition(
        request,
        batch,
        lambda: services.override_decide(actor=request.user, override=override, approve=approve),
        _("Override approved: the decision is changed.")
        if approve
        else _("Override rejected: the decision stands."),
        back_to=back_to or "housing:review_queue",
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def override_approve(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _decide(request, code, pk, approve=True)


@require_POST
@require_rule(access.can_list_batches_admin)
def override_reject(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _decide(request, code, pk, approve=False)


@require_GET
@require_rule(access.can_list_batches_admin)
def objections(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    return render(
        request,
        "housing/objections.html",
        {
            "batch": batch,
            "objections": selectors.objections_with_history(batch),
            "can_review": access.can_review(request.user, batch),
            "actions": selectors.batch_actions(batch, request.user),
        },
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def objection_answer(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Answer an objection: the decision stands (`outcome=dismiss`) or, upheld
    (`outcome=uphold`, with the pool and the new decision), changes by a proposed override that
    a second reviewer approves."""
    batch = staff_batch(request, code)
    objection = Objection.objects.filter(pk=pk, application__batch=batch).first()
    if objection is None:
        raise Http404
    answer = request.POST.get("answer", "")
    if request.POST.get("outcome") == "uphold":
        return transition(
            request,
            batch,
            lambda: services.objection_uphold(
                actor=request.user,
                objection=objection,
                answer=answer,
                pool=request.POST.get("pool", ""),
                eligible=_decision(request.POST.get("eligible", "")),
            ),
            _("Objection upheld; the change of decision waits for a second reviewer's approval."),
            back_to="housing:objections",
        )
    if request.POST.get("outcome") != "dismiss":
        messages.error(request, GaoxinError(errors.OBJECTION_OUTCOME_REQUIRED).message())
        return redirect("housing:objections", code=batch.code)
    return transition(
        request,
        batch,
        lambda: services.objection_answer(actor=request.user, objection=objection, answer=answer),
        _("Answer recorded; the decision stands."),
        back_to="housing:objections",
    )
