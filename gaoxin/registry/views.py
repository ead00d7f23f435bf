"""Registry pages. Each view checks an access.py rule and calls selectors or services."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc.errors import JoseError

from gaoxin.common.errors import GaoxinError
from gaoxin.common.logfilters import mask_text
from gaoxin.common.viewguards import require_rule

from . import access, oidc, selectors, services
from . import errors as registry_errors
from .choices import ImportKind
from .forms import (
    ClassificationForm,
    CounterBindForm,
    CounterUnbindForm,
    EndClassificationForm,
    EnterpriseFilterForm,
    ImportForm,
    IndustryForm,
    PersonFilterForm,
    RevealForm,
)
from .identifiers import mask_name
from .imports import reports
from .models import EnterpriseClassification, KeyIndustry

REVEAL_SESSION_KEY = "registry_revealed"
logger = logging.getLogger(__name__)


def _today() -> date:
    return timezone.localdate()  # the zone's calendar day (TIME_ZONE is Asia/Shanghai)


@require_GET
@require_rule(access.can_view_registry)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/index.html",
        {
            "counts": selectors.registry_counts(),
            "can_import": access.can_run_import(request.user),
            "can_view_imports": access.can_view_imports(request.user),
        },
    )


@require_GET
@require_rule(access.can_view_registry)
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None)
    filters = selectors.EnterpriseFilter()
    if form.is_valid():
        filters = selectors.EnterpriseFilter(**form.cleaned_data)
    page = Paginator(selectors.enterprise_list(filters=filters), 50).get_page(
        request.GET.get("page")
    )
    key = selectors.key_industry_enterprises(
        enterprise_ids=[e.pk for e in page.object_list], on=_today()
    )
    return render(
        request, "registry/enterprise_list.html", {"form": form, "page": page, "key": key}
    )


@require_GET
@require_rule(access.can_view_registry)
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(enterprise_id=enterprise_id)
    if enterprise is None:
        raise Http404
    today = _today()
    return render(
        request,
        "registry/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "classifications": selectors.enterprise_classifications(enterprise=enterprise),
            "in_zone": enterprise.in_zone_on(today),
            "key_today": enterprise.pk
            in selectors.key_industry_enterprises(enterprise_ids=[enterprise.pk], on=today),
            "can_manage": access.can_manage_catalogue(request.user),
            "form": ClassificationForm(),
            "end_form": EndClassificationForm(),
        },
    )


def _error(request: HttpRequest, error: GaoxinError) -> None:
    messages.error(request, error.message())


@require_POST
@require_rule(access.can_manage_catalogue)
def enterprise_classify(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(enterprise_id=enterprise_id)
    if enterprise is None:
        raise Http404
    form = ClassificationForm(request.POST)
    if form.is_valid():
        try:
            services.classification_add(
                actor=request.user, enterprise=enterprise, **form.cleaned_data
            )
            messages.success(request, _("The classification was recorded."))
        except GaoxinError as error:
            _error(request, error)
    else:
        messages.error(request, _("Check the classification form: %s") % form.errors.as_text())
    return redirect("registry:enterprise_detail", enterprise_id=enterprise.pk)


@require_POST
@require_rule(access.can_manage_catalogue)
def classification_end(request: HttpRequest, classification_id: int) -> HttpResponse:
    classification = get_object_or_404(EnterpriseClassification, pk=classification_id)
    form = EndClassificationForm(request.POST)
    if form.is_valid():
        try:
            services.classification_end(
                actor=request.user, classification=classification, **form.cleaned_data
            )
            messages.success(request, _("The classification was ended."))
        except GaoxinError as error:
            _error(request, error)
    return redirect("registry:enterprise_detail", enterprise_id=classification.enterprise_id)


@require_GET
@require_rule(access.can_view_registry)
def industry_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/industry_list.html",
        {
            "industries": selectors.industry_list(),
            "today": _today(),
            "can_manage": access.can_manage_catalogue(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@require_rule(access.can_manage_catalogue)
def industry_edit(request: HttpRequest, industry_id: int | None = None) -> HttpResponse:
    industry = get_object_or_404(KeyIndustry, pk=industry_id) if industry_id else None
    form = IndustryForm(request.POST or None, instance=industry)
    if industry is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if industry is None:
                services.industry_create(actor=request.user, **data)
            else:
                data.pop("code")
                services.industry_update(actor=request.user, industry=industry, **data)
            messages.success(request, _("The catalogue was updated."))
            return redirect("registry:industry_list")
        except GaoxinError as error:
            _error(request, error)
    return render(request, "registry/industry_form.html", {"form": form, "industry": industry})


def _revealed(request: HttpRequest) -> set[int]:
    return set(request.session.get(REVEAL_SESSION_KEY, []))


@require_GET
@require_rule(access.can_view_registry)
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET or None)
    filters = selectors.PersonFilter()
    if form.is_valid():
        filters = selectors.PersonFilter(**form.cleaned_data)
    page = Paginator(selectors.person_list(filters=filters), 50).get_page(request.GET.get("page"))
    return render(request, "registry/person_list.html", {"form": form, "page": page})


@require_GET
@require_rule(access.can_view_registry)
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(person_id=person_id)
    if person is None:
        raise Http404
    today = _today()
    unmasked = access.can_view_personal_data(request.user) and person.pk in _revealed(request)
    if unmasked:
        try:
            services.person_viewed(actor=request.user, person=person)
        except GaoxinError as error:  # a view that cannot be recorded is not shown unmasked
            unmasked = False
            _error(request, error)
    facts = {
        # Agencies report a month's contributions after it ends: count up to last month.
        "continuous_months": selectors.insurance_continuous_months(
            person_ids=[person.pk], ending=selectors.add_months(selectors.month_of(today), -1)
        ).get(person.pk, 0),
        "degree": selectors.highest_verified_degree(person_ids=[person.pk]).get(person.pk),
        "owns_zone_home": person.pk
        in selectors.household_owns_zone_home(person_ids=[person.pk], on=today),
        "key_employer": selectors.employed_by_key_industry(person_ids=[person.pk], on=today).get(
            person.pk
        ),
        "qualified": person.pk in selectors.purchase_qualified(person_ids=[person.pk], on=today),
    }
    context: dict[str, Any] = {
        "person": person,
        "unmasked": unmasked,
        "can_reveal": access.can_view_personal_data(request.user) and not unmasked,
        "reveal_form": RevealForm(),
        "relatives": selectors.person_relatives(person=person, on=today),
        "employments": selectors.person_employments(person=person),
        "timeline": selectors.insurance_timeline(person=person),
        "degrees": selectors.person_degrees(person=person),
        "properties": selectors.person_properties(person=person),
        "qualifications": selectors.person_qualifications(person=person),
        "facts": facts,
        "today": today,
    }
    return render(request, "registry/person_detail.html", context)


@require_POST
@require_rule(access.can_view_personal_data)
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    """Unmask one person's data for this session; audited (services.person_reveal)."""
    person = selectors.person_get(person_id=person_id)
    if person is None:
        raise Http404
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you need the unmasked data."))
        return redirect("registry:person_detail", person_id=person.pk)
    services.person_reveal(actor=request.user, person=person, purpose=form.cleaned_data["purpose"])
    revealed = _revealed(request) | {person.pk}
    request.session[REVEAL_SESSION_KEY] = sorted(revealed)[-200:]
    return redirect("registry:person_detail", person_id=person.pk)


@require_http_methods(["GET", "POST"])
@require_rule(access.can_view_imports)
def import_list(request: HttpRequest) -> HttpResponse:
    can_import = access.can_run_import(request.user)
    form = ImportForm(request.POST or None, request.FILES or None) if can_import else None
    if request.method == "POST":
        if form is None:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                run = services.import_start(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    mode=form.mode,
                )
                return redirect("registry:import_detail", run_id=run.pk)
            except GaoxinError as error:
                _error(request, error)
    page = Paginator(selectors.import_run_list(), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/import_list.html",
        {"form": form, "page": page, "kinds": ImportKind.choices},
    )


def _run_or_404(run_id: int) -> Any:
    run = selectors.import_run_get(run_id=run_id)
    if run is None:
        raise Http404
    return run


@require_GET
@require_rule(access.can_view_imports)
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    return render(request, "registry/import_detail.html", _run_context(request, run_id))


def _run_context(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = _run_or_404(run_id)
    show = access.can_view_import_errors(request.user)
    return {
        "run": run,
        "show_errors": show,
        "preview": [_masked(e) for e in run.errors_preview] if show else [],
        "warnings": [_masked(w) for w in run.warnings_preview] if show else [],
    }


def _masked(error: dict[str, Any]) -> dict[str, Any]:
    """A rejected value on the page, with ID numbers, mobile numbers and names masked; the
    full values are in the error report, whose every download is audited."""
    value = mask_text(str(error.get("value", "")))
    if "姓名" in str(error.get("column", "")):
        value = mask_name(value)
    return {**error, "value": value}


@require_GET
@require_rule(access.can_view_imports)
def import_status(request: HttpRequest, run_id: int) -> HttpResponse:
    """The fragment the detail page polls while the import runs (htmx, every second)."""
    response = render(request, "registry/_import_status.html", _run_context(request, run_id))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@require_rule(access.can_view_import_errors)
def import_errors(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(run_id)
    if not run.error_report:
        raise Http404
    try:
        services.import_errors_downloaded(actor=request.user, run=run)
    except GaoxinError as error:
        _error(request, error)
        return redirect("registry:import_detail", run_id=run.pk)
    with run.error_report.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.xlsx"'
    return response


@require_GET
@require_rule(access.can_view_imports)
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in ImportKind.values or fmt not in {"xlsx", "csv"}:
        raise Http404
    if fmt == "xlsx":
        content = reports.template_xlsx(kind)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = reports.template_csv(kind)
        mime = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="gaoxin-{kind}-template.{fmt}"'
    return response


# -- the service counter: binding an applicant's account to the person on the ID card ----------


def _counter_page(
    request: HttpRequest, bind: CounterBindForm, unbind: CounterUnbindForm
) -> HttpResponse:
    """The counter page, with a refused form's errors shown beside its fields."""
    return render(
        request,
        "registry/identity_counter.html",
        {"form": bind, "unbind_form": unbind, "bindings": selectors.recent_bindings()},
    )


@require_GET
@require_rule(access.can_bind_identity)
def identity_counter(request: HttpRequest) -> HttpResponse:
    return _counter_page(request, CounterBindForm(), CounterUnbindForm())


@require_POST
@require_rule(access.can_bind_identity)
def identity_bind(request: HttpRequest) -> HttpResponse:
    form = CounterBindForm(request.POST)
    if not form.is_valid():
        return _counter_page(request, form, CounterUnbindForm())
    try:
        binding = services.identity_bind_at_counter(actor=request.user, **form.cleaned_data)
    except GaoxinError as error:
        form.add_error(None, error.message())
        return _counter_page(request, form, CounterUnbindForm())
    messages.success(
        request,
        _("The account %(user)s is bound to %(name)s (%(number)s).")
        % {
            "user": binding.user.username,
            "name": mask_name(binding.person.name),
            "number": binding.person.masked_id_number,
        },
    )
    return redirect("registry:identity_counter")


@require_POST
@require_rule(access.can_bind_identity)
def identity_unbind(request: HttpRequest) -> HttpResponse:
    form = CounterUnbindForm(request.POST)
    if not form.is_valid():
        return _counter_page(request, CounterBindForm(), form)
    try:
        services.identity_unbind(actor=request.user, **form.cleaned_data)
    except GaoxinError as error:
        form.add_error(None, error.message())
        return _counter_page(request, CounterBindForm(), form)
    messages.success(
        request,
        _("The account %(user)s is no longer bound.") % {"user": form.cleaned_data["username"]},
    )
    return redirect("registry:identity_counter")


# -- sign-in through the provincial identity service (OpenID Connect) -----------------------

OIDC_NEXT_KEY = "oidc_next"


def _safe_next(request: HttpRequest, value: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return reverse("housing:my_applications")


@require_GET
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Off to the provincial identity service (authorization code flow, state, nonce, PKCE)."""
    if not oidc.enabled():
        raise Http404
    request.session[OIDC_NEXT_KEY] = _safe_next(request, request.GET.get("next", ""))
    callback = settings.GAOXIN_PUBLIC_URL.rstrip("/") + reverse("registry:oidc_callback")
    try:
        response: HttpResponse = oidc.client().authorize_redirect(request, callback)
    except (OSError, ValueError, RuntimeError, OAuthError) as error:
        logger.warning("identity service unreachable: %s", error)
        return _oidc_failed(request, type(error).__name__)
    return response


@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity service: the code is exchanged for tokens at its token endpoint,
    the ID token checked (signature, issuer, audience, expiry, nonce), and its verified
    ID-number claim decides which registry person, and so which account, this is."""
    if not oidc.enabled():
        raise Http404
    try:
        token = oidc.client().authorize_access_token(request)
    except (OSError, ValueError, RuntimeError, OAuthError, JoseError) as error:
        logger.warning("identity service sign-in refused: %s", error)
        return _oidc_failed(request, type(error).__name__)
    verified = oidc.verified_claims(token)
    if not verified.id_number:
        missing = GaoxinError(
            registry_errors.IDENTITY_CLAIM_MISSING, claim=settings.GAOXIN_OIDC_ID_NUMBER_CLAIM
        )
        return _oidc_failed(request, error=missing)
    try:
        user = services.identity_sign_in_verified(
            signed_in=request.user,
            id_number=verified.id_number,
            issuer=verified.issuer,
            subject=verified.subject,
        )
    except GaoxinError as error:
        return _oidc_failed(request, error=error)
    next_url = request.session.pop(OIDC_NEXT_KEY, "")
    if request.user.pk != user.pk:
        login(request, user, backend="gaoxin.accounts.backends.RoleBackend")
    messages.success(request, _("Signed in through the provincial identity service."))
    return redirect(_safe_next(request, next_url))


def _oidc_failed(
    request: HttpRequest, reason: str = "", *, error: GaoxinError | None = None
) -> HttpResponse:
    shown = error or GaoxinError(registry_errors.IDENTITY_SIGN_IN_FAILED, reason=reason[:60])
    return render(
        request, "registry/oidc_failed.html", {"message": shown.message()}, status=shown.status
    )
