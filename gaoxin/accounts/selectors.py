"""Reads for the accounts pages: who holds which role in which scope (the roles page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from . import roles
from .choices import ScopeKind
from .models import RoleGrant, User


@dataclass(frozen=True)
class ScopeOption:
    value: str  # "" (zone-wide), "kind:key" for a listed scope, "kind:" for a kind typed by key
    label: str
    kind: str


def user_role_list(*, query: str = "", role: str = "") -> QuerySet[User]:
    """Users by username, each with `live_grants` (its live grants, oldest first): two queries
    for a page of users however many grants they hold. `query` matches the username or the
    display name; `role` keeps the holders of that role."""
    users = User.objects.order_by("username")
    if query.strip():
        text = query.strip()
        users = users.filter(Q(username__icontains=text) | Q(display_name__icontains=text))
    if role:
        users = users.filter(role_grants__role=role, role_grants__revoked_at__isnull=True)
    live = RoleGrant.objects.filter(revoked_at__isnull=True).order_by("granted_at", "pk")
    return users.distinct().prefetch_related(
        Prefetch("role_grants", queryset=live, to_attr="live_grants")
    )


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username.strip()).first()


def grant_get(pk: int) -> RoleGrant | None:
    return RoleGrant.objects.select_related("user").filter(pk=pk).first()


def scope_kinds_in_use() -> list[str]:
    """The scope kinds some role can be granted in, in ScopeKind order."""
    used = {kind for role in roles.ROLES for kind in role.scope_kinds}
    return [kind for kind in ScopeKind.values if kind in used]


def scope_names() -> dict[str, dict[str, str]]:
    """For each scope kind in use that an app lists: key -> name (one query per kind)."""
    names = {}
    for kind in scope_kinds_in_use():
        listed = roles.scope_choices(kind)
        if listed is not None:
            names[kind] = dict(listed)
    return names


def scope_options(names: dict[str, dict[str, str]]) -> list[ScopeOption]:
    """What the grant form's scope list offers: zone-wide, then every listed scope of each kind
    in use; a kind that no app lists is offered once, its key typed in a field of its own."""
    options = [ScopeOption("", str(roles.scope_label("", "")), "")]
    for kind in scope_kinds_in_use():
        kind_label = str(ScopeKind(kind).label)
        if kind in names:
            options += [
                ScopeOption(f"{kind}:{key}", roles.scope_label(kind, key, names[kind]), kind)
                for key, name in names[kind].items()
            ]
        else:
            options.append(ScopeOption(f"{kind}:", kind_label, kind))
    return options
