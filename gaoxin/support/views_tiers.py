"""Pages of the 雁阵 tiers: the zone's yearly run (compute, review, publish: a URL each) and an
enterprise's own tier with the reason for each criterion and what it lacks for the next."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.common.errors import GaoxinError
from gaoxin.registry.models import Enterprise

from . import access, selectors_tiers
from .choices import TierRunStatus
from .models import TierRun
from .services import tiers as services

LIST_ROWS = 50


@require_GET
@login_required
def zone(http: HttpRequest) -> HttpResponse:
    if not access.can_view_tiers(http.user):
        raise PermissionDenied
    runs = list(TierRun.objects.order_by("-year"))
    raw = http.GET.get("year", "")
    run = next((r for r in runs if str(r.year) == raw), runs[0] if runs else None)
    filters = {
        "tier": http.GET.get("tier", "")[:40],
        "query": http.GET.get("q", ""),
        "moved": http.GET.get("moved", "") if http.GET.get("moved") in ("up", "down") else "",
    }
    page, rows = None, []
    if run is not None:
        page = Paginator(selectors_tiers.run_rows(run, **filters), LIST_ROWS).get_page(
            http.GET.get("page")
        )
        rows = [(row, selectors_tiers.movement(row)) for row in page.object_list]
    return render(
        http,
        "support/tiers.html",
        {
            "runs": runs,
            "run": run,
            "summary": selectors_tiers.run_summary(run) if run else [],
            "page": page,
            "rows": rows,
            "filters": filters,
            "filtered": any(filters.values()),
            "published": run is not None and run.status == TierRunStatus.PUBLISHED,
            "can_run": access.can_run_tiers(http.user),
            "can_publish": access.can_publish_tiers(http.user),
            "this_year": timezone.localdate().year - 1,
        },
    )


@require_POST
@login_required
def compute(http: HttpRequest) -> HttpResponse:
    if not access.can_run_tiers(http.user):
        raise PermissionDenied
    year = http.POST.get("year", "")
    try:
        run = services.tier_run_compute(actor=http.user, year=year)
        messages.success(http, _("The tiers are computed; review them before publishing."))
        return redirect(f"/support/tiers/?year={run.year}")
    except GaoxinError as failure:
        messages.error(http, failure.message())
    return redirect("support:tiers")


@require_POST
@login_required
def publish(http: HttpRequest) -> HttpResponse:
    if not access.can_publish_tiers(http.user):
        raise PermissionDenied
    year = http.POST.get("year", "")
    try:
        services.tier_run_publish(actor=http.user, year=year)
        messages.success(http, _("The tier list is published."))
    except GaoxinError as failure:
        messages.error(http, failure.message())
    return redirect(f"/support/tiers/?year={year}" if year.isdigit() else "/support/tiers/")


@require_GET
@login_required
def enterprise(http: HttpRequest, credit_code: str) -> HttpResponse:
    if not access.can_view_enterprise_tier(http.user, credit_code):
        raise PermissionDenied
    found = Enterprise.objects.filter(credit_code=credit_code).first()
    if found is None:
        raise Http404
    staff = access.can_view_tiers(http.user)
    return render(
        http,
        "support/tier_enterprise.html",
        {
            "enterprise": found,
            "standing": selectors_tiers.enterprise_tier(found.pk, published_only=not staff),
        },
    )


@require_GET
@login_required
def mine(http: HttpRequest) -> HttpResponse:
    codes = sorted(access.own_enterprises(http.user))
    if not codes:
        raise PermissionDenied
    return redirect("support:tier_enterprise", credit_code=codes[0])
