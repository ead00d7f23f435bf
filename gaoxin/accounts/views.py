from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.common.audit import chain_head
from gaoxin.common.viewguards import require_rule

from . import access, roles, services
from .forms import LoginForm


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The public landing page for visitors; for staff and applicants, one panel per role with
    what that role can do."""
    if not request.user.is_authenticated:
        return render(request, "accounts/landing.html")
    user_roles = roles.roles_of(request.user)
    return render(request, "accounts/home.html", {"roles": user_roles})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
