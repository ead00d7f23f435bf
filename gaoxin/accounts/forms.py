from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from gaoxin.common.errors import GaoxinError

from . import errors


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RoleGrantForm(forms.Form):
    """The roles page's grant form. Plain text fields on purpose: the service says what is wrong
    with a role or a scope (in Chinese and in English, naming the field). Nothing else posted
    is read: there is no field that could set superuser or staff status."""

    # field -> (Chinese, English) as the error messages name it
    FIELD_NAMES = {
        "username": ("用户", "user"),
        "role": ("角色", "role"),
        "scope": ("授权范围", "scope"),
        "scope_key": ("授权范围", "scope"),
    }

    username = forms.CharField(max_length=150)
    role = forms.CharField(max_length=32)
    scope = forms.CharField(max_length=100, required=False)  # "", "kind:key" or "kind:"
    scope_key = forms.CharField(max_length=64, required=False)  # the key of a "kind:" scope

    def arguments(self) -> tuple[str, str, str, str]:
        """(username, role, scope kind, scope key), or GaoxinError naming the first bad field."""
        if not self.is_valid():
            field = next(name for name in self.fields if name in self.errors)
            zh, en = self.FIELD_NAMES[field]
            raise GaoxinError(errors.ROLE_FIELD_INVALID, field_zh=zh, field_en=en)
        data = self.cleaned_data
        kind, _colon, key = data["scope"].partition(":")
        if kind and not key:  # a kind whose scopes are not listed: its key is typed
            key = data["scope_key"]
        return data["username"], data["role"], kind, key
