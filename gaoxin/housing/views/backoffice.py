"""The back office of a sale batch: the list of batches, a new batch, the batch page, and the
transitions of set-up, registration and notice (one URL each, POST only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone as tz
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.common.errors import GaoxinError
from gaoxin.common.viewguards import require_rule

from .. import access, selectors, services
from ..forms import BatchForm, EntropyForm, RulesForm, UnitsUploadForm
from ..models import SaleBatch
from ..simulation import batch_simulation
from ..spreadsheet import check_size
from ._common import staff_batch, transition


@require_GET
@require_rule(access.can_list_batches_admin)
def manage_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "housing/manage_list.html",
        {
            "batches": selectors.batch_admin_list(user=request.user),
            "can_set_up": access.can_set_up_sales(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@require_rule(access.can_set_up_sales)
def batch_new(request: HttpRequest) -> HttpResponse:
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(actor=request.user, **form.cleaned_data)
        except GaoxinError as error:
            form.add_error(None, error.message())
        else:
            return redirect("housing:manage_batch", code=batch.code)
    return render(request, "housing/batch_new.html", {"form": form})


def _batch_page(
    request: HttpRequest,
    batch: SaleBatch,
    *,
    rules_form: RulesForm | None = None,
    entropy_form: EntropyForm | None = None,
    units_form: UnitsUploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The batch page; a set-up form that did not validate comes back with its errors."""
    rules = batch.config.get("rules", {})
    sources = batch.entropy.get("sources", [])
    review = selectors.review_latest(batch)
    draw_request = selectors.draw_request_latest(batch)
    context = {
        "batch": batch,
        "actions": selectors.batch_actions(
            batch, request.user, review=review, request=draw_request
        ),
        "counts": selectors.batch_counts(batch),
        "rounds": selectors.batch_rounds(batch),
        "units": batch.units.all()[:200],
        "units_summary": selectors.units_summary(batch),
        "rules_form": rules_form
        or RulesForm(initial={**rules, "key_mode": rules.get("key_mode", "per_round")}),
        "entropy_form": entropy_form
        or EntropyForm(
            initial={
                "sources": "\n".join(f"{s['name']} | {s['declared']}" for s in sources),
                "notary_commitment": batch.entropy.get("notary_commitment") or "",
            }
        ),
        "units_form": units_form or UnitsUploadForm(),
        "review": review,
        "roster": getattr(batch, "roster", None),
        "reveal": getattr(batch, "reveal", None),
        "draw_values": getattr(batch, "draw_values", None),
        "draw_request": draw_request,
        "sources": sources,
        # public pages only once they exist (a draft has none): issue #14
        "public_links": selectors.batch_public_links(batch),
    }
    return render(request, "housing/manage_batch.html", context, status=status)


@require_GET
def manage_batch(request: HttpRequest, code: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _batch_page(request, staff_batch(request, code))


# -- set-up (draft) ------------------------------------------------------------------------------


@require_POST
@require_rule(access.can_list_batches_admin)
def batch_rules(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    form = RulesForm(request.POST)
    if not form.is_valid():
        return _batch_page(request, batch, rules_form=form, status=422)
    data = form.cleaned_data
    rules = services.Rules(
        first_home_percent=format(data["first_home_percent"].normalize(), "f"),
        key_industry_percent=format(data["key_industry_percent"].normalize(), "f"),
        waitlist_length=data["waitlist_length"],
        key_mode=data["key_mode"],
        key_industry_first=data["key_industry_first"],
    )
    return transition(
        request,
        batch,
        lambda: services.batch_set_rules(actor=request.user, batch=batch, rules=rules),
        _("Allocation rules saved."),
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def batch_entropy(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    form = EntropyForm(request.POST)
    if not form.is_valid():
        return _batch_page(request, batch, entropy_form=form, status=422)
    return transition(
        request,
        batch,
        lambda: services.batch_declare_entropy(
            actor=request.user,
            batch=batch,
            sources=form.cleaned_data["sources"],
            notary_commitment=form.cleaned_data["notary_commitment"] or None,
        ),
        _("Entropy declaration saved."),
    )


def _upload(request: HttpRequest, batch: SaleBatch, importer: Any, message: str) -> HttpResponse:
    """A spreadsheet for `importer` (all rows or none); its size is checked before it is read."""
    form = UnitsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("housing:manage_batch", code=batch.code)
    upload = form.cleaned_data["file"]

    def run() -> int:
        check_size(upload.size)  # before the upload is read into memory
        count: int = importer(
            actor=request.user, batch=batch, data=upload.read(), filename=upload.name
        )
        return count

    return transition(request, batch, run, lambda count: message % {"n": count})


@require_POST
@require_rule(access.can_list_batches_admin)
def units_import(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    return _upload(request, batch, services.units_import, _("%(n)s units imported."))


@require_POST
@require_rule(access.can_list_batches_admin)
def batch_publish(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    return transition(
        request,
        batch,
        lambda: services.batch_publish(actor=request.user, batch=batch),
        _("The batch is published; registration opens at its time."),
    )


@require_GET
@require_rule(access.can_list_batches_admin)
def simulation(request: HttpRequest, code: str) -> HttpResponse:
    """The simulator's expected outcome for the batch's rules (loaded into the set-up page)."""
    batch = staff_batch(request, code)
    try:
        demand = min(max(float(request.GET.get("demand", "3")), 1.0), 20.0)
    except ValueError:
        demand = 3.0
    try:
        result = batch_simulation(batch, demand=demand)
    except GaoxinError as error:
        return HttpResponse(f'<p class="errorlist">{error.message()}</p>')
    return render(
        request,
        "housing/_simulation.html",
        {"batch": batch, "simulation": result, "demand": demand},
    )


# -- registration --------------------------------------------------------------------------------


@require_POST
@require_rule(access.can_list_batches_admin)
def applications_import(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    return _upload(request, batch, services.applications_import, _("%(n)s households registered."))


@require_POST
@require_rule(access.can_list_batches_admin)
def registration_close(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    return transition(
        request,
        batch,
        lambda: services.batch_close_registration(actor=request.user, batch=batch),
        _("Registration is closed."),
    )


# -- public notice and the frozen roster ---------------------------------------------------------


@require_POST
@require_rule(access.can_list_batches_admin)
def notice_start(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    try:
        ends = tz.make_aware(datetime.fromisoformat(request.POST.get("ends_at", "")))
    except ValueError:
        messages.error(request, _("Give the end of the public notice as a date and time."))
        return redirect("housing:manage_batch", code=batch.code)
    return transition(
        request,
        batch,
        lambda: services.notice_start(actor=request.user, batch=batch, ends_at=ends),
        _("The public notice has started."),
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def roster_freeze(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    return transition(
        request,
        batch,
        lambda: services.roster_freeze(actor=request.user, batch=batch),
        _("The roster is frozen and published."),
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def roster_confirm(request: HttpRequest, code: str) -> HttpResponse:
    """The notary confirms the count and the root computed on their own computer."""
    batch = staff_batch(request, code)
    size = request.POST.get("size", "")
    return transition(
        request,
        batch,
        lambda: services.roster_confirm(
            actor=request.user,
            batch=batch,
            size=int(size) if size.isdigit() else -1,
            root=request.POST.get("root", ""),
        ),
        _("You confirmed the roster."),
    )
