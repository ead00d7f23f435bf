from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.common import todos
from gaoxin.common.audit import chain_head
from gaoxin.common.errors import GaoxinError
from gaoxin.common.viewguards import require_rule

from . import access, errors, roles, selectors, services
from .choices import ScopeKind
from .forms import LoginForm, RoleGrantForm


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The public landing page for visitors; for staff and applicants, one panel per role: its
    to-do list (what waits for this user now, from every app's common/todos provider), then
    everything the role can do."""
    if not request.user.is_authenticated:
        return render(request, "accounts/landing.html")
    found = todos.todos_for(request)
    panels = [(role, found.get(role.code, [])) for role in roles.roles_of(request.user)]
    return render(request, "accounts/home.html", {"panels": panels})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The provincial identity service's button (registry/oidc.py), when it is connected.
        context["oidc_enabled"] = bool(
            settings.GAOXIN_OIDC_DISCOVERY_URL and settings.GAOXIN_OIDC_CLIENT_ID
        )
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


@require_GET
@require_rule(access.can_view_own_account)
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {"roles": roles.roles_of(request.user), "head": chain_head()},
    )


@require_POST
@require_rule(access.can_view_own_account)
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    services.user_logout_everywhere(actor=request.user, request=request)  # type: ignore[arg-type]
    messages.success(request, _("All your other sessions have been ended."))
    return redirect("accounts:account")


# -- roles ---------------------------------------------------------------------------------------


def _roles_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    query = request.GET.get("q", "")
    role_filter = request.GET.get("role", "")
    page = Paginator(selectors.user_role_list(query=query, role=role_filter), 50).get_page(
        request.GET.get("page")
    )
    names = selectors.scope_names()
    rows = [
        {
            "user": user,
            "editable": access.can_change_roles_of(request.user, user),
            "grants": [
                {
                    "pk": grant.pk,
                    "role_name": roles.role_name(grant.role),
                    "scope": roles.scope_label(
                        grant.scope_kind, grant.scope_key, names.get(grant.scope_kind, {})
                    ),
                    "granted_at": grant.granted_at,
                }
                for grant in user.live_grants  # type: ignore[attr-defined]
            ],
        }
        for user in page
    ]
    options = selectors.scope_options(names)
    hints = [
        (role.name, " / ".join(str(ScopeKind(kind).label) for kind in role.scope_kinds))
        for role in roles.ROLES
        if role.scope_kinds
    ]
    return {
        "page": page,
        "rows": rows,
        "query": query,
        "role_filter": role_filter,
        "all_roles": roles.ROLES,
        "scope_options": options,
        "typed_scopes": any(option.value.endswith(":") for option in options),
        "scope_hints": hints,
        "posted": {},
        **extra,
    }


@require_GET
@require_rule(access.can_manage_roles)
def roles_page(request: HttpRequest) -> HttpResponse:
    """Who holds which role in which scope; grant a role, revoke a grant."""
    return render(request, "accounts/roles.html", _roles_context(request))


@require_POST
@require_rule(access.can_manage_roles)
def role_grant(request: HttpRequest) -> HttpResponse:
    """Only these fields are read: whatever else is posted (is_superuser, is_staff…) is ignored."""
    form = RoleGrantForm(request.POST)
    posted = {name: request.POST.get(name, "") for name in form.fields}
    try:
        username, role, scope_kind, scope_key = form.arguments()
        user = selectors.user_by_username(username)
        if user is None:
            raise GaoxinError(errors.ROLE_USER_UNKNOWN, username=username)
        grant = services.role_grant(
            actor=request.user,
            user=user,
            role=role,
            scope_kind=scope_kind,
            scope_key=scope_key,
        )
    except GaoxinError as error:
        if error.status == 403:
            raise PermissionDenied from error
        context = _roles_context(request, error=error.message(), posted=posted)
        return render(request, "accounts/roles.html", context, status=error.status)
    messages.success(
        request,
        _("%(user)s now holds the role %(role)s (%(scope)s).")
        % {
            "user": grant.user.username,
            "role": roles.role_name(grant.role),
            "scope": roles.scope_label(grant.scope_kind, grant.scope_key),
        },
    )
    return redirect("accounts:roles")


@require_POST
@require_rule(access.can_manage_roles)
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_get(pk)
    if grant is None:
        raise Http404
    try:
        services.role_revoke(actor=request.user, grant=grant)
    except GaoxinError as error:
        if error.status == 403:
            raise PermissionDenied from error
        messages.error(request, error.message())
    else:
        messages.success(
            request,
            _("The role %(role)s (%(scope)s) of %(user)s is revoked.")
            % {
                "user": grant.user.username,
                "role": roles.role_name(grant.role),
                "scope": roles.scope_label(grant.scope_kind, grant.scope_key),
            },
        )
    return redirect("accounts:roles")
