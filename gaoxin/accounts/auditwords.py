"""The accounts app's audit events as sentences, and every user named by role and username
(common/auditwords.py), registered in AccountsConfig.ready()."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.common import auditwords

from .models import ApiToken, RoleGrant, User
from .roles import ROLES, role_name

ACTIONS = {
    "auth.login": gettext_lazy("{actor} signed in"),
    "auth.logout": gettext_lazy("{actor} signed out"),
    "auth.logout_everywhere": gettext_lazy("{actor} signed out on every device"),
    "auth.login_failed": gettext_lazy("A sign-in failed ({actor})"),
    "user.created": gettext_lazy("{actor} created {object}"),
    "role.granted": gettext_lazy("{actor} granted {object}"),
    "role.revoked": gettext_lazy("{actor} revoked {object}"),
    "api_token.issued": gettext_lazy("{actor} issued {object}"),
    "api_token.revoked": gettext_lazy("{actor} revoked {object}"),
}

ORDER = {role.code: i for i, role in enumerate(ROLES)}


def _pks(ids: list[str] | list[int]) -> list[int]:
    return [int(i) for i in ids if str(i).isdigit()]


def actors(ids: list[int]) -> Mapping[int, str]:
    """Each user as "资格审核员 reviewer": the first of their roles, then the username."""
    names = dict(User.objects.filter(pk__in=_pks(ids)).values_list("pk", "username"))
    held: dict[int, list[str]] = defaultdict(list)
    for user_id, role in RoleGrant.objects.filter(
        user_id__in=list(names), revoked_at__isnull=True
    ).values_list("user_id", "role"):
        held[user_id].append(role)
    labels = {}
    for pk, username in names.items():
        codes = sorted(held.get(pk, []), key=lambda code: ORDER.get(code, 99))
        labels[pk] = auditwords.label(role_name(codes[0]) if codes else _("user"), username)
    return labels


def users(ids: list[str]) -> Mapping[str, str]:
    rows = User.objects.filter(pk__in=_pks(ids)).values_list("pk", "username")
    return {str(pk): auditwords.label(_("the account"), name) for pk, name in rows}


def grants(ids: list[str]) -> Mapping[str, str]:
    rows = RoleGrant.objects.filter(pk__in=_pks(ids)).values_list("pk", "role", "user__username")
    return {
        str(pk): auditwords.label(
            _("the role %(role)s of %%(name)s") % {"role": role_name(role)}, username
        )
        for pk, role, username in rows
    }


def tokens(ids: list[str]) -> Mapping[str, str]:
    rows = ApiToken.objects.filter(pk__in=_pks(ids)).values_list("pk", "name")
    return {str(pk): auditwords.label(_("the API token"), name) for pk, name in rows}


def register() -> None:
    auditwords.register_actions(ACTIONS)
    auditwords.register_actors(actors)
    auditwords.register_objects("accounts.user", users, gettext_lazy("account"))
    auditwords.register_objects("accounts.rolegrant", grants, gettext_lazy("role grant"))
    auditwords.register_objects("accounts.apitoken", tokens, gettext_lazy("API token"))
