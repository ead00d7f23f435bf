"""Pages of the open calls (揭榜挂帅).

zone        the calls (list, new), a call (edit while draft, panel, one URL per transition, the
            objections to answer) and its ranking
public      the published calls, a call's page (apply while open, the 公示 notice and objections)
            and the applicant's own applications
expert      the applications assigned to them (not those they are excluded from) with their own
            scores only, a form to score and one to declare a conflict

A refusal comes back as a message naming the field or the row; nothing is half-written."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.common.errors import GaoxinError

from . import access, selectors_calls
from .choices import CallEligibility
from .models import CallApplication, CallObjection, OpenCall, Programme
from .services import calls as services


def _zone_call(http: HttpRequest, pk: int) -> OpenCall:
    if not access.can_view_calls_zone(http.user):
        raise PermissionDenied
    found = selectors_calls.call_get(pk)
    if found is None:
        raise Http404
    return found


def _input(http: HttpRequest) -> services.CallInput:
    year = http.POST.get("year", "")
    return services.CallInput(
        title=http.POST.get("title", ""),
        problem=http.POST.get("problem", ""),
        outcome=http.POST.get("outcome", ""),
        programme_code=http.POST.get("programme", ""),
        reward=http.POST.get("reward", ""),
        year=int(year) if year.isdigit() else 0,
        eligibility=http.POST.get("eligibility", ""),
        deadline=http.POST.get("deadline", ""),
        criteria=http.POST.get("criteria", ""),
        trim_from=http.POST.get("trim_from", "5"),
    )


def _form_context() -> dict[str, object]:
    return {
        "all_programmes": Programme.objects.order_by("code"),
        "eligibilities": CallEligibility.choices,
        "this_year": timezone.localdate().year,
    }


@require_GET
@login_required
def zone_list(http: HttpRequest) -> HttpResponse:
    if not access.can_view_calls_zone(http.user):
        raise PermissionDenied
    return render(
        http,
        "support/calls_zone.html",
        {
            "calls": selectors_calls.call_list()[:200],
            "can_manage": access.can_manage_calls(http.user),
            **_form_context(),
        },
    )


@require_POST
@login_required
def call_new(http: HttpRequest) -> HttpResponse:
    if not access.can_manage_calls(http.user):
        raise PermissionDenied
    try:
        call = services.call_create(actor=http.user, data=_input(http))
    except GaoxinError as failure:
        messages.error(http, failure.message())
        return redirect("support:calls_zone")
    messages.success(http, _("Call saved as a draft; set its panel and publish it."))
    return redirect("support:call_zone", pk=call.pk)


@require_GET
@login_required
def zone_detail(http: HttpRequest, pk: int) -> HttpResponse:
    call = _zone_call(http, pk)
    return render(
        http,
        "support/call_zone.html",
        {
            "call": call,
            "criteria_text": "\n".join(f"{c.name}:{c.weight}" for c in call.criteria.all()),
            "actions": selectors_calls.call_actions(http.user, call),
            "applications": selectors_calls.applications(call),
            "panel": selectors_calls.panel(call),
            "conflicts": selectors_calls.conflicts(call),
            "objections": selectors_calls.objections(call),
            **_form_context(),
        },
    )


def _act(http: HttpRequest, pk: int, call: Callable[[], object], done: str) -> HttpResponse:
    try:
        call()
        messages.success(http, done)
    except GaoxinError as failure:
        messages.error(http, failure.message())
    return redirect("support:call_zone", pk=pk)


def _manage(http: HttpRequest, pk: int) -> None:
    if not access.can_manage_calls(http.user):
        raise PermissionDenied
    if not OpenCall.objects.filter(pk=pk).exists():
        raise Http404


@require_POST
@login_required
def call_edit(http: HttpRequest, pk: int) -> HttpResponse:
    _manage(http, pk)
    data = _input(http)
    return _act(
        http,
        pk,
        lambda: services.call_update(actor=http.user, pk=pk, data=data),
        _("Call saved."),
    )


@require_POST
@login_required
def call_panel(http: HttpRequest, pk: int) -> HttpResponse:
    _manage(http, pk)
    names = http.POST.get("experts", "").replace("，", ",").replace("\n", ",").split(",")
    return _act(
        http,
        pk,
        lambda: services.panel_set(actor=http.user, pk=pk, usernames=names),
        _("Expert panel saved."),
    )


@require_POST
@login_required
def call_publish(http: HttpRequest, pk: int) -> HttpResponse:
    _manage(http, pk)
    return _act(
        http, pk, lambda: services.call_publish(actor=http.user, pk=pk), _("Call published.")
    )


@require_POST
@login_required
def call_close(http: HttpRequest, pk: int) -> HttpResponse:
    _manage(http, pk)
    return _act(
        http,
        pk,
        lambda: services.call_close(actor=http.user, pk=pk),
        _("Applications closed."),
    )


@require_POST
@login_required
def call_review(http: HttpRequest, pk: int) -> HttpResponse:
    _manage(http, pk)
    return _act(
        http,
        pk,
        lambda: services.review_start(actor=http.user, pk=pk),
        _("Review started; experts tied to an applicant were excluded."),
    )


@require_POST
@login_required
def call_decide(http: HttpRequest, pk: int) -> HttpResponse:
    _manage(http, pk)
    raw = http.POST.get("application", "")
    return _act(
        http,
        pk,
        lambda: services.call_decide(
            actor=http.user, pk=pk, application_pk=int(raw) if raw.isdigit() else 0
        ),
        _("Winner decided."),
    )


@require_POST
@login_required
def call_announce(http: HttpRequest, pk: int) -> HttpResponse:
    _manage(http, pk)
    return _act(
        http,
        pk,
        lambda: services.call_announce(actor=http.user, pk=pk, days=http.POST.get("days", "")),
        _("Public notice started."),
    )


@require_POST
@login_required
def call_confirm(http: HttpRequest, pk: int) -> HttpResponse:
    _manage(http, pk)
    return _act(
        http,
        pk,
        lambda: services.call_confirm(actor=http.user, pk=pk),
        _("Award confirmed; it waits for a leader's approval on its page."),
    )


@require_POST
@login_required
def objection_answer(http: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_manage_calls(http.user):
        raise PermissionDenied
    found = CallObjection.objects.filter(pk=pk).values_list("call_id", flat=True).first()
    if found is None:
        raise Http404
    return _act(
        http,
        found,
        lambda: services.objection_answer(
            actor=http.user, objection_pk=pk, answer=http.POST.get("answer", "")
        ),
        _("Objection answered."),
    )


@require_GET
@login_required
def ranking(http: HttpRequest, pk: int) -> HttpResponse:
    call = _zone_call(http, pk)
    return render(
        http,
        "support/call_ranking.html",
        {
            "call": call,
            "criteria": list(call.criteria.all()),
            "rows": selectors_calls.ranking(call),
            "actions": selectors_calls.call_actions(http.user, call),
        },
    )


# -- public ----------------------------------------------------------------------------------------


@require_GET
@login_required
def public_list(http: HttpRequest) -> HttpResponse:
    if not access.can_read_calls(http.user):
        raise PermissionDenied
    return render(http, "support/calls_public.html", {"calls": selectors_calls.public_calls()})


@require_GET
@login_required
def public_detail(http: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_read_calls(http.user):
        raise PermissionDenied
    call = selectors_calls.public_call_get(pk)
    if call is None:
        raise Http404
    return render(
        http,
        "support/call_public.html",
        {
            "call": call,
            "accepting": selectors_calls.accepting(call),
            "notice": call.winner_id is not None and call.notice_ends_at is not None,
            "notice_running": selectors_calls.notice_running(call),
            "objections": selectors_calls.objections(call),
            "companies": sorted(access.own_enterprises(http.user)),
        },
    )


@require_POST
@login_required
def apply(http: HttpRequest, pk: int) -> HttpResponse:
    if selectors_calls.public_call_get(pk) is None:
        raise Http404
    try:
        services.application_submit(
            actor=http.user,
            pk=pk,
            team=http.POST.get("team", ""),
            proposal=http.POST.get("proposal", ""),
            credit_code=http.POST.get("credit_code", ""),
        )
    except GaoxinError as failure:
        messages.error(http, failure.message())
        return redirect("support:call_public", pk=pk)
    messages.success(http, _("Application submitted."))
    return redirect("support:calls_mine")


@require_POST
@login_required
def object_to(http: HttpRequest, pk: int) -> HttpResponse:
    if selectors_calls.public_call_get(pk) is None:
        raise Http404
    try:
        services.objection_file(actor=http.user, pk=pk, text=http.POST.get("text", ""))
        messages.success(http, _("Objection filed; the zone will answer it."))
    except GaoxinError as failure:
        messages.error(http, failure.message())
    return redirect("support:call_public", pk=pk)


@require_GET
@login_required
def mine(http: HttpRequest) -> HttpResponse:
    return render(
        http,
        "support/calls_mine.html",
        {"applications": selectors_calls.own_applications(http.user)},
    )


# -- expert ----------------------------------------------------------------------------------------


@require_GET
@login_required
def expert(http: HttpRequest) -> HttpResponse:
    if not access.is_expert(http.user):
        raise PermissionDenied
    apps = list(selectors_calls.expert_applications(http.user))
    criteria = selectors_calls.criteria_of(sorted({a.call_id for a in apps}))
    mine = selectors_calls.own_scores(http.user, [a.pk for a in apps])
    rows = [
        {
            "application": a,
            "fields": [(c, mine.get((a.pk, c.pk))) for c in criteria.get(a.call_id, [])],
            "scored": any((a.pk, c.pk) in mine for c in criteria.get(a.call_id, [])),
        }
        for a in apps
    ]
    return render(
        http,
        "support/expert.html",
        {"rows": rows, "exclusions": selectors_calls.expert_exclusions(http.user)},
    )


def _expert_application(http: HttpRequest, pk: int) -> None:
    if not access.is_expert(http.user):
        raise PermissionDenied
    if not CallApplication.objects.filter(pk=pk).exists():
        raise Http404


def _expert_act(http: HttpRequest, call: Callable[[], object], done: str) -> HttpResponse:
    try:
        call()
        messages.success(http, done)
    except GaoxinError as failure:
        messages.error(http, failure.message())
    return redirect("support:expert")


@require_POST
@login_required
def expert_score(http: HttpRequest, pk: int) -> HttpResponse:
    _expert_application(http, pk)
    values: dict[int, object] = {
        int(key[6:]): value
        for key, value in http.POST.items()
        if key.startswith("score_") and key[6:].isdigit()
    }
    return _expert_act(
        http,
        lambda: services.scores_submit(actor=http.user, application_pk=pk, values=values),
        _("Scores saved."),
    )


@require_POST
@login_required
def expert_conflict(http: HttpRequest, pk: int) -> HttpResponse:
    _expert_application(http, pk)
    return _expert_act(
        http,
        lambda: services.conflict_declare(
            actor=http.user, application_pk=pk, reason=http.POST.get("reason", "")
        ),
        _("Conflict declared; you are excluded from this application."),
    )
