"""The roles of Gaoxin and the one way every app asks about them.

A role is held through a RoleGrant: zone-wide, or within one scope (a sales office, a grid, a
department, an enterprise). Every `access.py` rule reads roles here — `has_role`, `scopes` —
from the user's live grants, read once per user object (one query per request). Django's own
permission checks (the admin, and common's rules, which cannot import this module) are answered
from the same grants by accounts.backends.RoleBackend: a role's `permissions` below. Groups play
no part.

Adding a role (e.g. the grid service desk's grid officer) is one entry in ROLES (with the scope
kinds it can be granted in) plus its rules in the owning app's access.py. See
docs/architecture.md ("Roles")."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import ScopeKind
from .models import RoleGrant


@dataclass(frozen=True)
class Capability:
    """One thing a role can do, shown on its home page; `url_name` when the page exists."""

    label: str | Promise
    url_name: str = ""


@dataclass(frozen=True)
class Role:
    code: str
    name: str | Promise
    description: str | Promise
    # Django permissions ("app_label.codename") the role gives: what the admin site and
    # common's rules check. Every other rule reads the role itself (has_role, scopes).
    permissions: tuple[str, ...] = ()
    capabilities: tuple[Capability, ...] = field(default_factory=tuple)
    # The scopes this role can be granted in, besides zone-wide (ScopeKind values). A rule of
    # the owning app reads the scope (housing.access.can_manage_project for a sales office).
    scope_kinds: tuple[str, ...] = ()


ZONE_ADMIN = "zone_admin"
REVIEWER = "reviewer"
DEVELOPER = "developer"
NOTARY = "notary"
AUDITOR = "auditor"
APPLICANT = "applicant"
GRID_OFFICER = "grid_officer"
GRID_LEADER = "grid_leader"
DEPARTMENT_OFFICER = "department_officer"
LEADERSHIP = "leadership"
ENTERPRISE_USER = "enterprise_user"
COUNTER_OFFICER = "counter_officer"
APPROVAL_REVIEWER = "approval_reviewer"
APPROVAL_HEAD = "approval_head"
APPROVAL_INTAKE = "approval_intake"
APPROVAL_AGENT = "approval_agent"
SUPPORT_EXPERT = "support_expert"

ROLES: tuple[Role, ...] = (
    Role(
        ZONE_ADMIN,
        _("Zone administrator"),
        _("Runs the zone's housing sales and registry, manages users and roles."),
        (
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.view_apitoken",
            "accounts.change_apitoken",
            "accounts.view_rolegrant",
            "common.view_auditevent",
            "common.view_auditchainhead",
            "common.change_calendaryear",
        ),
        (
            Capability(_("Grant and revoke roles, each within its scope"), "accounts:roles"),
            Capability(_("Manage users and API tokens"), "admin:index"),
            Capability(_("Browse the audit log"), "common:audit_log"),
            Capability(_("Enter each year's official holidays (工作日历)"), "common:calendar"),
            Capability(_("Set up housing projects and sale batches"), "housing:manage_list"),
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
        (),
        (
            Capability(_("Look up enterprises and people in the zone registry"), "registry:index"),
            Capability(
                _("Review applications that need a person's decision"), "housing:manage_list"
            ),
            Capability(
                _("Propose or approve overrides, each with a written reason"), "housing:manage_list"
            ),
        ),
    ),
    Role(
        DEVELOPER,
        _("Developer sales office"),
        _("The developer's sales office: units, registrations from its sales system, contracts."),
        (),
        (
            Capability(
                _("Import units and registrations for your own projects"), "housing:manage_list"
            ),
            Capability(_("Record unit choices and contracts"), "housing:manage_list"),
            Capability(_("Call the API from your sales system"), "api-1.0.0:openapi-view"),
        ),
        scope_kinds=(ScopeKind.SALES_OFFICE,),
    ),
    Role(
        NOTARY,
        _("Notary"),
        _("Supervises the draw: commits to a secret in advance and reveals it at the draw."),
        ("common.view_auditchainhead", "common.add_auditcountersignature"),
        (
            Capability(
                _("Give the zone administrator your secret's commitment before publication")
            ),
            Capability(
                _("Reveal the secret at the draw and co-sign the protocol"), "housing:manage_list"
            ),
            Capability(_("Record the audit chain head"), "common:checkpoints"),
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
        ),
        (
            Capability(_("Browse and filter the audit log"), "common:audit_log"),
            Capability(_("Read the zone registry (personal data masked)"), "registry:index"),
            Capability(
                _("Check the audit chain head against published documents"), "common:checkpoints"
            ),
        ),
    ),
    Role(
        COUNTER_OFFICER,
        _("Service counter officer"),
        _(
            "Works a government service counter: checks an applicant's ID card in person and "
            "binds their account to that registry person."
        ),
        (),
        (
            Capability(
                _("Bind an applicant's account to the person on the ID card"),
                "registry:identity_counter",
            ),
        ),
    ),
    Role(
        APPLICANT,
        _("Applicant"),
        _("A household applying to buy a home in a sale batch."),
        (),
        (
            Capability(_("Register your household for a sale batch"), "housing:announcements"),
            Capability(
                _("Follow your application and check your roster entry"),
                "housing:my_applications",
            ),
        ),
    ),
    Role(
        GRID_OFFICER,
        _("Grid officer"),
        _("A grid officer (网格员): serves a grid's enterprises, takes their requests, visits."),
        (),
        (
            Capability(_("Work the requests of your grid"), "servicedesk:queue"),
            Capability(_("Record a phone call or a visit finding as a request"), "servicedesk:new"),
            Capability(
                _("Visit your grid's enterprises and inspect work safety"), "servicedesk:visits"
            ),
            Capability(_("Send notices and chase their acknowledgement"), "servicedesk:notices"),
        ),
        scope_kinds=(ScopeKind.GRID,),
    ),
    Role(
        GRID_LEADER,
        _("Grid leader"),
        _("Leads a grid's team; takes what the officers escalate."),
        (),
        (
            Capability(_("Work the requests of your grid"), "servicedesk:queue"),
            Capability(_("See your grid's figures"), "servicedesk:dashboard"),
            Capability(
                _("Visit your grid's enterprises and inspect work safety"), "servicedesk:visits"
            ),
        ),
        scope_kinds=(ScopeKind.GRID,),
    ),
    Role(
        DEPARTMENT_OFFICER,
        _("Department officer"),
        _("A department (人社, 市场监管, 住建, 税务, 应急 …) that takes escalated requests."),
        (),
        (Capability(_("Resolve the requests escalated to your department"), "servicedesk:queue"),),
        scope_kinds=(ScopeKind.DEPARTMENT,),
    ),
    Role(
        LEADERSHIP,
        _("Zone leadership"),
        _("The zone's leadership: supervises (督办) what reaches it, sees every figure."),
        (),
        (
            Capability(
                _("Supervise the requests escalated to the leadership"), "servicedesk:queue"
            ),
            Capability(_("The service desk's figures"), "servicedesk:dashboard"),
            Capability(_("Map of the grids"), "servicedesk:map"),
        ),
    ),
    Role(
        ENTERPRISE_USER,
        _("Enterprise user"),
        _("A person acting for one enterprise (by its credit code): its requests and ratings."),
        (),
        (
            Capability(_("Submit and follow your enterprise's requests"), "servicedesk:mine"),
            Capability(
                _("Rectify the safety hazards found at your enterprise"), "servicedesk:hazards"
            ),
            Capability(_("Read and acknowledge the zone's notices"), "servicedesk:notices"),
        ),
        scope_kinds=(ScopeKind.ENTERPRISE,),
    ),
    Role(
        APPROVAL_REVIEWER,
        _("Approval reviewer"),
        _("Reviews the approval items (审批事项) of one department."),
        (),
        (Capability(_("Decide your department's approval items"), "approvals:queue"),),
        scope_kinds=(ScopeKind.APPROVAL_DEPARTMENT,),
    ),
    Role(
        APPROVAL_HEAD,
        _("Approving department head"),
        _("Heads a department's approvals; alerted when its items are due or overdue."),
        (),
        (Capability(_("Decide your department's approval items"), "approvals:queue"),),
        scope_kinds=(ScopeKind.APPROVAL_DEPARTMENT,),
    ),
    Role(
        APPROVAL_INTAKE,
        _("One-window intake (一窗受理)"),
        _("Checks stage packages for completeness and dispatches their items."),
        (),
        (Capability(_("Check and dispatch stage packages"), "approvals:intake"),),
        scope_kinds=(ScopeKind.APPROVAL_DEPARTMENT,),
    ),
    Role(
        APPROVAL_AGENT,
        _("Filing agent (帮办代办)"),
        _("Zone staff who file approvals for an enterprise under its recorded authorisation."),
        (),
        (Capability(_("File the projects you are authorised for"), "approvals:mine"),),
    ),
    Role(
        SUPPORT_EXPERT,
        _("Review expert (揭榜挂帅)"),
        _(
            "Scores the applications of the open calls whose panel they sit on, blind to the "
            "other experts' scores; excluded where the registry ties them to the applicant."
        ),
        (),
        (Capability(_("Score the applications assigned to you"), "support:expert"),),
    ),
)

ROLES_BY_CODE = {role.code: role for role in ROLES}

# A grant as the rules see it: (role code, scope kind, scope key); kind and key are "" when the
# grant is zone-wide.
Grant = tuple[str, str, str]
Scope = tuple[str, str]  # (scope kind, scope key)


def grants(user: Any) -> frozenset[Grant]:
    """The user's live grants, read once per user object (one query per request however many
    rules a page checks), as Django's ModelBackend keeps permissions on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_gaoxin_grants", None)
    if cached is None:
        rows = RoleGrant.objects.filter(user_id=user.pk, revoked_at__isnull=True).values_list(
            "role", "scope_kind", "scope_key"
        )
        cached = frozenset((role, kind, key) for role, kind, key in rows)
        user._gaoxin_grants = cached
    return cached


def forget(user: Any) -> None:
    """Drop what was read of the user's roles and permissions (after a grant or a revocation),
    so the same user object reads them again."""
    for name in ("_gaoxin_grants", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, name):
            delattr(user, name)


def role_codes(user: Any) -> frozenset[str]:
    """The codes of the roles the user holds, zone-wide or in any scope."""
    return frozenset(role for role, _kind, _key in grants(user))


def roles_of(user: Any) -> list[Role]:
    codes = role_codes(user)
    return [role for role in ROLES if role.code in codes]


def has_role(user: Any, code: str, scope: Scope | None = None) -> bool:
    """Without `scope`: the user holds the role zone-wide or in any scope. With a scope
    (kind, key): the user holds it zone-wide or in exactly that scope."""
    held = grants(user)
    if scope is None:
        return any(role == code for role, _kind, _key in held)
    kind, key = scope
    return (code, "", "") in held or (code, kind, str(key)) in held


def scopes(user: Any, code: str, kind: str) -> frozenset[str]:
    """The keys of the scopes of this kind in which the user holds the role (a zone-wide grant
    is not a scope: a rule that accepts one says so with has_role)."""
    return frozenset(key for role, k, key in grants(user) if role == code and k == kind)


def permissions_of(user: Any) -> set[str]:
    """The Django permissions of the user's roles (accounts.backends.RoleBackend)."""
    codes = role_codes(user)
    return {p for role in ROLES if role.code in codes for p in role.permissions}


# Scope choices: the app that owns the data behind a scope kind (housing for sales offices)
# registers a function listing (key, label) pairs in its AppConfig.ready(); the roles page offers
# them. A kind nobody registered takes its key as typed.
ScopeChoices = Callable[[], Iterable[tuple[str, str]]]
_scope_choices: dict[str, ScopeChoices] = {}


def register_scope_choices(kind: str, provider: ScopeChoices) -> None:
    _scope_choices[str(kind)] = provider


def scope_choices(kind: str) -> list[tuple[str, str]] | None:
    """(key, label) pairs for a scope kind, or None when no app lists them."""
    provider = _scope_choices.get(str(kind))
    return None if provider is None else [(str(key), str(label)) for key, label in provider()]


def scope_label(kind: str, key: str, names: Mapping[str, str] | None = None) -> str:
    """How a scope reads on a page: "Sales office: 合肥某置业有限公司" (the key when the kind's
    list does not name it). `names`: the kind's list already read (a page of many grants)."""
    if not kind:
        return str(_("Zone-wide"))
    listed = names if names is not None else dict(scope_choices(kind) or [])
    return _("%(kind)s: %(name)s") % {"kind": ScopeKind(kind).label, "name": listed.get(key, key)}


def role_name(code: str) -> str:
    role = ROLES_BY_CODE.get(code)
    return str(role.name) if role else code
