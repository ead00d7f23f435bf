"""The roles of Gaoxin, each a Django group with its permissions.

Adding a role (e.g. the grid service desk's grid officer) is one entry in ROLES plus, if its
pages are new, rules in the owning app's access.py; `manage.py migrate` (or `sync_roles`) then
creates the group and grants the permissions. See docs/architecture.md ("Roles")."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Capability:
    """One thing a role can do, shown on its home page; `url_name` when the page exists."""

    label: str | Promise
    url_name: str = ""


@dataclass(frozen=True)
class Role:
    code: str  # the group's name
    name: str | Promise
    description: str | Promise
    permissions: tuple[str, ...] = ()  # "app_label.codename"
    capabilities: tuple[Capability, ...] = field(default_factory=tuple)


ZONE_ADMIN = "zone_admin"
REVIEWER = "reviewer"
DEVELOPER = "developer"
NOTARY = "notary"
AUDITOR = "auditor"
APPLICANT = "applicant"

ROLES: tuple[Role, ...] = (
    Role(
        ZONE_ADMIN,
        _("Zone administrator"),
        _("Runs the zone's housing sales and registry, manages users and roles."),
        (
            "accounts.manage_users",
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.manage_api_tokens",
            "accounts.view_apitoken",
            "accounts.change_apitoken",
            "auth.view_group",
            "common.view_auditevent",
            "common.view_auditchainhead",
            "common.change_calendaryear",
            "registry.view_registry",
            "registry.view_personal_data",
            "registry.run_import",
            "registry.manage_catalogue",
        ),
        (
            Capability(_("Manage users, roles and API tokens"), "admin:index"),
            Capability(_("Browse the audit log"), "common:audit_log"),
            Capability(_("Enter each year's official holidays (工作日历)"), "common:calendar"),
            Capability(_("Set up housing projects and sale batches")),
            Capability(
                _("Maintain the key-industry catalogue and the zone registry"),
                "registry:industry_list",
            ),
            Capability(_("Import agency files into the registry"), "registry:import_list"),
        ),
    ),
    Role(
        REVIEWER,
        _("Eligibility reviewer"),
        _("Reviews housing applications against the registry and works the exception queue."),
        ("registry.view_registry", "registry.view_personal_data"),
        (
            Capability(_("Look up enterprises and people in the zone registry"), "registry:index"),
            Capability(_("Review applications that need a person's decision")),
            Capability(_("Propose or approve overrides, each with a written reason")),
        ),
    ),
    Role(
        DEVELOPER,
        _("Developer sales office"),
        _("The developer's sales office: units, registrations from its sales system, contracts."),
        (),
        (
            Capability(_("Import units and registrations for your own projects")),
            Capability(_("Record unit choices and contracts")),
            Capability(_("Call the API from your sales system"), "api-1.0.0:openapi-view"),
        ),
    ),
    Role(
        NOTARY,
        _("Notary"),
        _("Supervises the draw: commits to a secret in advance and reveals it at the draw."),
        ("common.view_auditchainhead", "common.add_auditcountersignature"),
        (
            Capability(_("Publish your secret's commitment before registration closes")),
            Capability(_("Reveal the secret at the draw and co-sign the protocol")),
            Capability(_("Record the audit chain head")),
        ),
    ),
    Role(
        AUDITOR,
        _("Auditor"),
        _("Audit and discipline inspection: reads everything, changes nothing."),
        (
            "common.view_auditevent",
            "common.view_auditchainhead",
            "common.add_auditcountersignature",
            "registry.view_registry",
        ),
        (
            Capability(_("Browse and filter the audit log"), "common:audit_log"),
            Capability(_("Read the zone registry (personal data masked)"), "registry:index"),
            Capability(_("Check the audit chain head against published documents")),
        ),
    ),
    Role(
        APPLICANT,
        _("Applicant"),
        _("A household applying to buy a home in a sale batch."),
        (),
        (
            Capability(_("Register your household for a sale batch")),
            Capability(_("Follow your application and check your roster entry")),
        ),
    ),
)

ROLES_BY_CODE = {role.code: role for role in ROLES}


def role_codes(user: Any) -> frozenset[str]:
    """The codes of the user's roles, read once per user object (one query per request however
    many rules a page checks), as Django's ModelBackend keeps permissions on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_gaoxin_role_codes", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._gaoxin_role_codes = cached
    return cached


def roles_of(user: Any) -> list[Role]:
    names = role_codes(user)
    return [role for role in ROLES if role.code in names]


def has_role(user: Any, code: str) -> bool:
    return code in role_codes(user)


def _permission(dotted: str) -> Permission | None:
    app_label, _dot, codename = dotted.partition(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def sync_roles() -> list[str]:
    """Create each role's group and set its permissions to exactly the listed ones. Returns the
    permissions that do not exist (an app not installed yet); those are logged."""
    missing: list[str] = []
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.code)
        permissions = []
        for dotted in role.permissions:
            permission = _permission(dotted)
            if permission is None:
                missing.append(dotted)
            else:
                permissions.append(permission)
        group.permissions.set(permissions)
    for dotted in missing:
        logger.warning("role permission %s does not exist", dotted)
    return missing


def sync_roles_after_migrate(*, app_config: Any, **kwargs: Any) -> None:
    """post_migrate fires once per app; run after the last one, when every permission exists."""
    from django.apps import apps

    if app_config is list(apps.get_app_configs())[-1]:
        sync_roles()
