"""Housing pages: public announcements, registration, the applicant's own application, and the
back office of a sale batch. Every rule is an access.py call; every write a service call."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone as tz
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.common import ratelimits
from gaoxin.common.errors import INVALID_INPUT, GaoxinError
from gaoxin.common.viewguards import require_rule
from gaoxin.registry.identifiers import mask_id_number, mask_name

from . import access, charts, documents, errors, publication, selectors, services
from .choices import BatchStatus, Channel, Relation
from .forms import BatchForm, EntropyForm, RegistrationForm, RulesForm, UnitsUploadForm
from .models import Objection, Override, SaleBatch
from .proofs import own_check
from .registration import MemberIn
from .report import readable
from .simulation import GROUP_LABELS, batch_simulation
from .spreadsheet import check_size


def _batch_or_404(code: str) -> SaleBatch:
    batch = selectors.batch_get(code=code)
    if batch is None:
        raise Http404
    return batch


# -- public --------------------------------------------------------------------------------------


@require_GET
def announcements(request: HttpRequest) -> HttpResponse:
    """Every published sale with every public page and file that exists for it now."""
    batches = [(b, selectors.batch_public_links(b)) for b in selectors.batch_public_list()]
    return render(request, "housing/announcements.html", {"batches": batches})


@require_GET
def announcement(request: HttpRequest, code: str) -> HttpResponse:
    batch = selectors.batch_public_get(code=code)
    if batch is None:
        raise Http404
    context = {
        "batch": batch,
        "units": batch.units.all(),
        "rounds": selectors.batch_rounds(batch),
        "entropy": batch.entropy,
        "can_register": access.can_register(request.user),
    }
    return render(request, "housing/announcement.html", context)


# -- applicants ----------------------------------------------------------------------------------


def _members(data: dict[str, Any]) -> list[MemberIn]:
    members = [MemberIn(Relation.APPLICANT, data["applicant_name"], data["applicant_id"])]
    if data.get("spouse_id"):
        members.append(MemberIn(Relation.SPOUSE, data["spouse_name"], data["spouse_id"]))
    for prefix in ("child1", "child2"):
        if data.get(f"{prefix}_id"):
            members.append(MemberIn(Relation.CHILD, data[f"{prefix}_name"], data[f"{prefix}_id"]))
    return members


@require_http_methods(["GET", "POST"])
@require_rule(access.can_register)
def register(request: HttpRequest, code: str) -> HttpResponse:
    batch = selectors.batch_public_get(code=code)
    if batch is None:
        raise Http404
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.application_register(
                actor=request.user,
                batch=batch,
                members=_members(form.cleaned_data),
                pools=form.cleaned_data["pools"],
                phone=form.cleaned_data["phone"],
                channel=Channel.WEB,
            )
        except GaoxinError as error:
            form.add_error(None, error.message())
        else:
            request.session[f"salt:{result.application.number}"] = result.salt
            if not result.created:
                messages.info(request, _("You had already registered this household."))
            return redirect("housing:application", number=result.application.number)
    return render(request, "housing/register.html", {"batch": batch, "form": form})


@require_GET
@require_rule(access.can_register)
def my_applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "housing/my_applications.html",
        {"applications": selectors.applications_of_user(user=request.user)},
    )


@require_GET
def application(request: HttpRequest, number: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = selectors.application_get(number=number)
    if found is None or not access.can_view_application(request.user, found):
        raise Http404  # the same answer for "not yours" and "no such number": no enumeration
    own = found.user_id == request.user.pk
    unmasked = access.can_view_household_unmasked(request.user, found)
    if unmasked:
        try:
            services.application_viewed(actor=request.user, application=found)
        except GaoxinError as error:  # a view that cannot be recorded is not shown unmasked
            unmasked = False
            messages.warning(request, error.message())
    members = [
        {
            "relation": Relation(m.relation).label,
            "name": m.name if unmasked else mask_name(m.name),
            "id_number": mask_id_number(m.id_number),
        }
        for m in found.members.all()
    ]
    context = {
        "application": found,
        "members": members,
        "own": own,
        "salt": found.salt if unmasked else None,
        "can_withdraw": access.can_withdraw_application(request.user, found)
        and found.batch.status == BatchStatus.REGISTRATION,
        "eligibility": getattr(found, "eligibility", None)
        if found.batch.status not in {BatchStatus.REGISTRATION, BatchStatus.REVIEW} or not own
        else None,
        "objections": found.objections.all(),
        "can_object": access.can_object(request.user, found)
        and found.batch.status == BatchStatus.NOTICE,
        "own_check": own_check(found) if own else None,
        "result": getattr(found, "draw_result", None),
        "turn": selectors.turn_of(found),
    }
    return render(request, "housing/application.html", context)


@require_POST
def application_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.application_get(number=number)
    if found is None or not access.can_view_application(request.user, found):
        raise Http404
    try:
        services.application_withdraw(actor=request.user, application=found)
    except GaoxinError as error:
        messages.error(request, error.message())
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("housing:application", number=found.number)


# -- back office ---------------------------------------------------------------------------------


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


@require_http_methods(["GET", "POST"])
def manage_batch(request: HttpRequest, code: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    batch = _batch_or_404(code)
    if not access.can_view_batch_admin(request.user, batch):
        raise PermissionDenied
    rules = batch.config.get("rules", {})
    rules_form = RulesForm(initial={**rules, "key_mode": rules.get("key_mode", "per_round")})
    entropy_form = EntropyForm(
        initial={
            "sources": "\n".join(
                f"{s['name']} | {s['declared']}" for s in batch.entropy.get("sources", [])
            ),
            "notary_commitment": batch.entropy.get("notary_commitment") or "",
        }
    )
    units_form = UnitsUploadForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "rules":
                rules_form = RulesForm(request.POST)
                if rules_form.is_valid():
                    data = rules_form.cleaned_data
                    services.batch_set_rules(
                        actor=request.user,
                        batch=batch,
                        rules=services.Rules(
                            first_home_percent=str(data["first_home_percent"].normalize()),
                            key_industry_percent=str(data["key_industry_percent"].normalize()),
                            waitlist_length=data["waitlist_length"],
                            key_mode=data["key_mode"],
                            key_industry_first=data["key_industry_first"],
                        ),
                    )
                    messages.success(request, _("Allocation rules saved."))
                    return redirect("housing:manage_batch", code=batch.code)
            elif action == "entropy":
                entropy_form = EntropyForm(request.POST)
                if entropy_form.is_valid():
                    services.batch_declare_entropy(
                        actor=request.user,
                        batch=batch,
                        sources=entropy_form.cleaned_data["sources"],
                        notary_commitment=entropy_form.cleaned_data["notary_commitment"] or None,
                    )
                    messages.success(request, _("Entropy declaration saved."))
                    return redirect("housing:manage_batch", code=batch.code)
            elif action in {"units", "applications"}:
                units_form = UnitsUploadForm(request.POST, request.FILES)
                if not units_form.is_valid():
                    messages.error(request, _("Choose a file to upload."))
                else:
                    upload = units_form.cleaned_data["file"]
                    importer, message = {
                        "units": (services.units_import, _("%(n)s units imported.")),
                        "applications": (
                            services.applications_import,
                            _("%(n)s households registered."),
                        ),
                    }[action]
                    check_size(upload.size)  # before the upload is read into memory
                    count = importer(
                        actor=request.user, batch=batch, data=upload.read(), filename=upload.name
                    )
                    messages.success(request, message % {"n": count})
                    return redirect("housing:manage_batch", code=batch.code)
            elif action == "publish":
                services.batch_publish(actor=request.user, batch=batch)
                messages.success(
                    request, _("The batch is published; registration opens at its time.")
                )
                return redirect("housing:manage_batch", code=batch.code)
            elif action == "close_registration":
                services.batch_close_registration(actor=request.user, batch=batch)
                messages.success(request, _("Registration is closed."))
                return redirect("housing:manage_batch", code=batch.code)
            else:
                messages.error(request, _("Unknown action."))
        except GaoxinError as error:
            messages.error(request, error.message())
    context = {
        "batch": batch,
        "counts": selectors.batch_counts(batch),
        "rounds": selectors.batch_rounds(batch),
        "units": batch.units.all()[:200],
        "rules_form": rules_form,
        "entropy_form": entropy_form,
        "units_form": units_form,
        "can_set_up": access.can_set_up_sales(request.user),
        "can_manage": access.can_manage_project(request.user, batch.project),
        "is_draft": batch.status == BatchStatus.DRAFT,
        "review": selectors.review_latest(batch),
        "roster": getattr(batch, "roster", None),
        "can_confirm": access.can_confirm_roster(request.user, batch),
        "can_reveal": access.can_reveal_secret(request.user, batch),
        "can_draw": access.can_run_draw(request.user, batch),
        "reveal": getattr(batch, "reveal", None),
        "draw_request": selectors.draw_request_latest(batch),
        "sources": batch.entropy.get("sources", []),
        # public pages only once they exist (a draft has none): issue #14
        "public_links": (
            selectors.batch_public_links(batch) if batch.status != BatchStatus.DRAFT else []
        ),
    }
    return render(request, "housing/manage_batch.html", context)


# -- review, notice, roster --------------------------------------------------------------------


def _staff_batch(request: HttpRequest, code: str) -> SaleBatch:
    batch = _batch_or_404(code)
    if not access.can_view_batch_admin(request.user, batch):
        raise PermissionDenied
    return batch


@require_GET
@require_rule(access.can_list_batches_admin)
def review_progress(request: HttpRequest, code: str) -> HttpResponse:
    """Polled while the review runs. The poll that sees it finish reloads the page, so that the
    queue below shows the new decisions at once (issue #14: it stayed empty until reloaded)."""
    batch = _staff_batch(request, code)
    review = selectors.review_latest(batch)
    response = render(request, "housing/_review_progress.html", {"batch": batch, "review": review})
    if request.htmx and review is not None and not review.is_active:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@require_http_methods(["GET", "POST"])
@require_rule(access.can_list_batches_admin)
def review_queue(request: HttpRequest, code: str) -> HttpResponse:
    batch = _staff_batch(request, code)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "start":
                services.review_start(actor=request.user, batch=batch)
                messages.success(request, _("The review is running."))
            elif request.POST.get("action") == "propose":
                found = selectors.application_get(number=request.POST.get("number", ""))
                if found is None or found.batch_id != batch.pk:
                    raise Http404
                services.override_propose(
                    actor=request.user,
                    application=found,
                    pool=request.POST.get("pool", ""),
                    eligible=request.POST.get("eligible") == "yes",
                    reason=request.POST.get("reason", ""),
                )
                messages.success(
                    request, _("Override proposed; a second reviewer must approve it.")
                )
            elif request.POST.get("action") in {"approve", "reject"}:
                override = Override.objects.filter(
                    pk=request.POST.get("override") or 0, application__batch=batch
                ).first()
                if override is None:
                    raise Http404
                services.override_decide(
                    actor=request.user,
                    override=override,
                    approve=request.POST["action"] == "approve",
                )
                messages.success(request, _("Override decided."))
        except GaoxinError as error:
            messages.error(request, error.message())
        return redirect("housing:review_queue", code=batch.code)
    context = {
        "batch": batch,
        "review": selectors.review_latest(batch),
        "queue": selectors.review_queue(batch)[:500],
        "pending": selectors.pending_overrides(batch),
        "can_review": access.can_review(request.user, batch),
        "can_run": access.can_run_review(request.user, batch)
        and batch.status == BatchStatus.REVIEW,
    }
    return render(request, "housing/review_queue.html", context)


@require_http_methods(["GET", "POST"])
@require_rule(access.can_list_batches_admin)
def objections(request: HttpRequest, code: str) -> HttpResponse:
    batch = _staff_batch(request, code)
    if request.method == "POST":
        objection = Objection.objects.filter(
            pk=request.POST.get("objection") or 0, application__batch=batch
        ).first()
        if objection is None:
            raise Http404
        try:
            services.objection_answer(
                actor=request.user, objection=objection, answer=request.POST.get("answer", "")
            )
            messages.success(request, _("Answer recorded."))
        except GaoxinError as error:
            messages.error(request, error.message())
        return redirect("housing:objections", code=batch.code)
    return render(
        request,
        "housing/objections.html",
        {
            "batch": batch,
            "objections": selectors.objections_of_batch(batch),
            "can_review": access.can_review(request.user, batch),
        },
    )


@require_GET
def notice(request: HttpRequest, code: str) -> HttpResponse:
    """The public notice (公示): every application's decision, names masked."""
    batch = selectors.batch_public_get(code=code)
    if batch is None or batch.status in {BatchStatus.REGISTRATION, BatchStatus.REVIEW}:
        raise Http404
    rows = []
    for eligibility in selectors.notice_list(batch):
        applicant = next(
            (m for m in eligibility.application.members.all() if m.relation == Relation.APPLICANT),
            None,
        )
        rows.append(
            {
                "number": eligibility.application.number,
                "name": mask_name(applicant.name) if applicant else "",
                "eligibility": eligibility,
            }
        )
    roster = getattr(batch, "roster", None)
    return render(request, "housing/notice.html", {"batch": batch, "rows": rows, "roster": roster})


@require_GET
def roster_download(request: HttpRequest, code: str) -> HttpResponse:
    batch = selectors.batch_public_get(code=code)
    roster = getattr(batch, "roster", None) if batch else None
    if roster is None:
        raise Http404
    response = HttpResponse(bytes(roster.csv), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-roster.csv"'  # type: ignore[union-attr]
    response["X-Roster-Root"] = roster.root
    return response


@require_POST
def application_object(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.application_get(number=number)
    if found is None or not access.can_view_application(request.user, found):
        raise Http404
    try:
        services.objection_file(
            actor=request.user, application=found, text=request.POST.get("text", "")
        )
        messages.success(request, _("Your objection was filed; a reviewer will answer it."))
    except GaoxinError as error:
        messages.error(request, error.message())
    return redirect("housing:application", number=found.number)


@require_POST
@require_rule(access.can_list_batches_admin)
def batch_stage(request: HttpRequest, code: str) -> HttpResponse:
    """Stage actions of the back office: start the notice, freeze, confirm the roster."""
    batch = _staff_batch(request, code)
    action = request.POST.get("action", "")
    try:
        if action == "notice":
            try:
                ends = tz.make_aware(datetime.fromisoformat(request.POST.get("ends_at", "")))
            except ValueError:
                messages.error(request, _("Give the end of the public notice as a date and time."))
                return redirect("housing:manage_batch", code=batch.code)
            services.notice_start(actor=request.user, batch=batch, ends_at=ends)
            messages.success(request, _("The public notice has started."))
        elif action == "freeze":
            services.roster_freeze(actor=request.user, batch=batch)
            messages.success(request, _("The roster is frozen and published."))
        elif action == "confirm":
            size = request.POST.get("size", "")
            services.roster_confirm(
                actor=request.user,
                batch=batch,
                size=int(size) if size.isdigit() else -1,
                root=request.POST.get("root", ""),
            )
            messages.success(request, _("You confirmed the roster."))
        else:
            messages.error(request, _("Unknown action."))
    except GaoxinError as error:
        messages.error(request, error.message())
    return redirect("housing:manage_batch", code=batch.code)


@require_GET
@require_rule(access.can_list_batches_admin)
def simulation(request: HttpRequest, code: str) -> HttpResponse:
    """The simulator's expected outcome for the batch's rules (loaded into the set-up page)."""
    batch = _staff_batch(request, code)
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


# -- the draw and its results ------------------------------------------------------------------


@require_POST
@require_rule(access.can_list_batches_admin)
def draw_action(request: HttpRequest, code: str) -> HttpResponse:
    """The two halves of the draw: the notary reveals, the zone administrator runs."""
    batch = _staff_batch(request, code)
    try:
        if request.POST.get("action") == "reveal":
            services.draw_reveal(
                actor=request.user, batch=batch, secret=request.POST.get("secret", "")
            )
            messages.success(request, _("The secret is revealed and matches the commitment."))
        elif request.POST.get("action") == "draw":
            count = len(batch.entropy.get("sources", []))
            values = [request.POST.get(f"value_{i}", "") for i in range(count)]
            services.draw_request(actor=request.user, batch=batch, values=values)
            messages.success(
                request, _("The draw is running in the background; this page shows its progress.")
            )
        else:
            messages.error(request, _("Unknown action."))
    except GaoxinError as error:
        messages.error(request, error.message())
    return redirect("housing:manage_batch", code=batch.code)


@require_GET
@require_rule(access.can_list_batches_admin)
def draw_progress(request: HttpRequest, code: str) -> HttpResponse:
    """The draw request's progress (polled by the manage page while the worker runs it)."""
    batch = _staff_batch(request, code)
    return render(
        request,
        "housing/_draw_progress.html",
        {"batch": batch, "draw_request": selectors.draw_request_latest(batch)},
    )


def _published_draw(code: str) -> Any:
    batch = selectors.batch_public_get(code=code)
    draw = getattr(batch, "draw", None) if batch is not None else None
    if draw is None:
        raise Http404
    return batch, draw


@require_GET
def results(request: HttpRequest, code: str) -> HttpResponse:
    """Public results: search by registration number (names masked), downloads, how to verify.
    The page's form asks htmx for the answer alone (`_lookup_result.html`); without JavaScript
    the whole page comes back. Lookups are rate-limited per client address
    (GAOXIN_LOOKUP_RATE), so that registration numbers cannot be enumerated."""
    number = request.GET.get("number", "").strip().upper()[:32]
    fragment = bool(request.htmx) and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    batch = None
    if fragment:  # the hot path: three cached values, then the draw's results index
        public = selectors.public_draw_get(code=code)
    else:
        batch = selectors.drawn_batch_public_get(code=code)
        public = None if batch is None else selectors.public_draw_of(batch)
    if public is None:
        raise Http404
    found = None
    if number:
        wait = ratelimits.over_limit(
            request, group="housing.results_lookup", rate=settings.GAOXIN_LOOKUP_RATE
        )
        if wait is not None:
            if fragment:  # htmx swaps no error answer: let the browser show the 429 page
                return HttpResponse(status=204, headers={"HX-Redirect": request.get_full_path()})
            return ratelimits.too_many_requests(request, wait)
        found = publication.result_get(draw=public, number=number)
    if batch is None:  # no page shell, so no context processors either
        response = HttpResponse(
            render_to_string("housing/_lookup_result.html", {"number": number, "found": found})
        )
    else:
        response = render(
            request,
            "housing/results.html",
            {
                "batch": batch,
                "draw": batch.draw,
                "number": number,
                "found": found,
                "summary": selectors.draw_winners_per_round(batch.draw),
            },
        )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def protocol_download(request: HttpRequest, code: str) -> HttpResponse:
    batch, draw = _published_draw(code)
    response = HttpResponse(
        draw.protocol.encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-protocol.json"'
    return response


@require_GET
def results_download(request: HttpRequest, code: str) -> HttpResponse:
    batch, draw = _published_draw(code)
    response = HttpResponse(services.results_csv(draw), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-results.csv"'
    return response


# -- unit choice (选房), contracts, closing report ----------------------------------------------


def _choice_action(request: HttpRequest, batch: SaleBatch) -> None:
    """One POST on the unit-choice page; every branch is a service call."""
    action = request.POST.get("action", "")
    number = request.POST.get("number", "").strip().upper()[:32]
    if action == "start":
        count = services.unit_choice_start(actor=request.user, batch=batch)
        messages.success(
            request, _("Unit choice is open: %(n)s places in the queue.") % {"n": count}
        )
    elif action in {"chosen", "declined", "no_show"}:
        unit = None
        if action == "chosen":
            unit_id = _int(request.POST.get("unit"))
            unit = batch.units.filter(pk=unit_id).first() if unit_id is not None else None
            if unit is None:
                raise GaoxinError(errors.UNIT_REQUIRED)
        outcome = cast(services.TurnOutcome, action)  # one of the three, checked above
        services.turn_record(
            actor=request.user, batch=batch, number=number, outcome=outcome, unit=unit
        )
        messages.success(request, _("Recorded for %(number)s.") % {"number": number})
    elif action == "contract":
        signed_on = _date(request.POST.get("signed_on", ""))
        services.contract_record(
            actor=request.user,
            batch=batch,
            number=number,
            contract_number=request.POST.get("contract_number", ""),
            signed_on=signed_on,
        )
        messages.success(request, _("Contract recorded for %(number)s.") % {"number": number})
    elif action == "forfeit":
        services.contract_forfeit(actor=request.user, batch=batch, number=number)
        messages.success(
            request, _("%(number)s did not sign; the unit is available again.") % {"number": number}
        )
    elif action == "close":
        services.batch_close(actor=request.user, batch=batch)
        messages.success(request, _("The sale is closed; its report is published."))
    else:
        messages.error(request, _("Unknown action."))


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise GaoxinError(INVALID_INPUT, detail=f"signed_on={value[:20]!r}") from error


@require_http_methods(["GET", "POST"])
@require_rule(access.can_list_batches_admin)
def unit_choice(request: HttpRequest, code: str) -> HttpResponse:
    """The sales office's unit-choice desk: whose turn it is, the units left, contracts."""
    batch = _staff_batch(request, code)
    if request.method == "POST":
        try:
            _choice_action(request, batch)
        except GaoxinError as error:
            messages.error(request, error.message())
        return redirect("housing:unit_choice", code=batch.code)
    board = selectors.choice_board(batch) if batch.status != BatchStatus.DRAWN else None
    return render(
        request,
        "housing/unit_choice.html",
        {
            "batch": batch,
            "board": board,
            "current": services.current_turn(batch)
            if batch.status == BatchStatus.UNIT_CHOICE
            else None,
            "can_start": access.can_start_unit_choice(request.user, batch),
            "can_record": access.can_record_unit_choice(request.user, batch),
            "today": tz.localdate().isoformat(),
        },
    )


def _closed_report(code: str) -> Any:
    batch = selectors.batch_public_get(code=code)
    report = getattr(batch, "report", None) if batch is not None else None
    if report is None:
        raise Http404
    return batch, report


@require_GET
def report(request: HttpRequest, code: str) -> HttpResponse:
    """The public closing report: figures per pool, shares, statistical checks, charts."""
    batch, closing = _closed_report(code)
    return render(
        request,
        "housing/report.html",
        {
            "batch": batch,
            "report": closing,
            "data": readable(closing.data),
            "groups": [
                {**g, "label": GROUP_LABELS.get(g["group"], g["group"])}
                for g in closing.data["groups"]
            ],
            "charts": charts.svg_charts(readable(closing.data)),
            "pdf_url": reverse("housing:report_pdf", args=[batch.code]),
        },
    )


@require_GET
def announcement_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """摇号结果公告 (PDF): winners per round, the waitlist, the draw's values, how to verify."""
    batch, draw = _published_draw(code)
    data = documents.published(
        "announcement.pdf", draw.protocol_digest, lambda: documents.announcement_pdf(batch, draw)
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-announcement.pdf"'
    return response


@require_GET
def results_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """Every roster entry's result as a spreadsheet (names masked, nothing evaluates)."""
    batch, draw = _published_draw(code)
    response = HttpResponse(
        documents.published(
            "results.xlsx", draw.protocol_digest, lambda: documents.results_xlsx(batch, draw)
        ),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-results.xlsx"'
    return response


@require_GET
def report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """结案报告 (PDF): the stored closing report with its charts."""
    batch, closing = _closed_report(code)
    data = documents.published(
        "report.pdf", closing.digest, lambda: documents.report_pdf(batch, closing)
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-closing-report.pdf"'
    return response
