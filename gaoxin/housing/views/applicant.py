"""The applicant's pages: registering a household, the household's own application, its
withdrawal and objection."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.common.errors import GaoxinError
from gaoxin.common.faults import pause_point
from gaoxin.common.viewguards import require_rule
from gaoxin.registry.identifiers import mask_id_number, mask_name
from gaoxin.registry.selectors import bound_person

from .. import access, selectors, services
from ..choices import Channel, Relation
from ..forms import RegistrationForm
from ..proofs import own_check
from ..registration import MemberIn


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
    principal = bound_person(request.user)
    if principal is None:  # bound first: the page says how
        connected = bool(settings.GAOXIN_OIDC_DISCOVERY_URL and settings.GAOXIN_OIDC_CLIENT_ID)
        return render(
            request,
            "housing/register.html",
            {"batch": batch, "form": None, "unbound": True, "oidc_enabled": connected},
        )
    form = RegistrationForm(request.POST or None, principal=principal)
    registered = selectors.live_applications_of_user_in(user=request.user, batch=batch)
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
            # committed; what follows (the answer, the session's save) may meet a restarting
            # database, and must not say the registration failed (common/sessions.py)
            pause_point("housing.registration.committed")
            request.session[f"salt:{result.application.number}"] = result.salt
            if not result.created:
                messages.info(request, _("You had already registered this household."))
            return redirect("housing:application", number=result.application.number)
    return render(
        request,
        "housing/register.html",
        {
            "batch": batch,
            "form": form,
            "registered": registered,
            "open": selectors.registration_open(batch),
            "principal_masked": mask_id_number(principal.id_number),
        },
    )


@require_GET
@require_rule(access.can_register)
def my_applications(request: HttpRequest) -> HttpResponse:
    rows = [
        (
            found,
            selectors.application_stage(
                found,
                shows_decision=selectors.application_actions(found, request.user).shows_decision,
            ),
        )
        for found in selectors.applications_of_user(user=request.user)
    ]
    person = bound_person(request.user)
    return render(
        request,
        "housing/my_applications.html",
        {
            "rows": rows,
            "awaiting": selectors.applications_awaiting_confirmation(user=request.user),
            "bound": person,
            "bound_masked": mask_id_number(person.id_number) if person else "",
        },
    )


@require_GET
def application(request: HttpRequest, number: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = selectors.application_get(number=number)
    if found is None or not access.can_view_application(request.user, found):
        raise Http404  # the same answer for "not yours" and "no such number": no enumeration
    own = found.user_id == request.user.pk
    actions = selectors.application_actions(found, request.user)
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
        "actions": actions,
        "eligibility": getattr(found, "eligibility", None) if actions.shows_decision else None,
        "timeline": selectors.application_timeline(found, shows_decision=actions.shows_decision),
        "stage": selectors.application_stage(found, shows_decision=actions.shows_decision),
        "objections": found.objections.all(),
        "own_check": own_check(found) if own else None,
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


@require_POST
def application_confirm(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.application_get(number=number)
    if found is None or not access.can_view_application(request.user, found):
        raise Http404
    try:
        services.application_confirm(actor=request.user, application=found)
    except GaoxinError as error:
        messages.error(request, error.message())
    else:
        messages.success(
            request, _("You confirmed the registration; it now takes part in the sale.")
        )
    return redirect("housing:application", number=found.number)


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
