"""The indicators' own sources, for the zone administrator: land sales and value added by
sector (services/sources.py). A refused entry comes back with the message naming the field and
the values typed, so nothing typed is lost."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.common.errors import GaoxinError

from . import access
from .choices import LandUse, Sector
from .models import LandSale, SectorValueAdded
from .services import sources


def _page(http: HttpRequest, typed: dict[str, Any] | None = None) -> HttpResponse:
    sales = Paginator(LandSale.objects.order_by("-sold_on", "parcel"), 50).get_page(
        http.GET.get("page")
    )
    by_year: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in SectorValueAdded.objects.order_by("-year"):
        by_year[row.year][row.sector] = row.value
    years = [
        (year, [figures.get(s.value) for s in Sector], sum(figures.values(), Decimal(0)))
        for year, figures in by_year.items()
    ]
    return render(
        http,
        "support/sources.html",
        {
            "page": sales,
            "uses": LandUse.choices,
            "sectors": list(Sector),
            "years": years,
            "typed": typed or {},
            "last_year": timezone.localdate().year - 1,
        },
        status=422 if typed else 200,
    )


def _allowed(http: HttpRequest) -> None:
    if not access.can_edit_indicator_sources(http.user):
        raise PermissionDenied


@require_GET
@login_required
def page(http: HttpRequest) -> HttpResponse:
    _allowed(http)
    return _page(http)


@require_POST
@login_required
def land_sale(http: HttpRequest) -> HttpResponse:
    _allowed(http)
    fields = {k: http.POST.get(k, "") for k in ("parcel", "sold_on", "use", "area_m2")}
    try:
        sale = sources.land_sale_record(actor=http.user, **fields)
    except GaoxinError as failure:
        messages.error(http, failure.message())
        return _page(http, {"land": fields})
    messages.success(http, _("Land sale %(parcel)s recorded.") % {"parcel": sale.parcel})
    return redirect("support:indicator_sources")


@require_POST
@login_required
def value_added(http: HttpRequest) -> HttpResponse:
    _allowed(http)
    year = http.POST.get("year", "")
    values = {s.value: http.POST.get(s.value, "") for s in Sector}
    try:
        number = sources.value_added_set(actor=http.user, year=year, values=values)
    except GaoxinError as failure:
        messages.error(http, failure.message())
        return _page(http, {"gdp": {"year": year, **values}})
    messages.success(http, _("Value added of %(year)s saved.") % {"year": number})
    return redirect("support:indicator_sources")
