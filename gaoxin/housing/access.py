"""Who may do what in housing sales. One function per rule, each condition on its own line."""

from __future__ import annotations

from typing import Any

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.registry.selectors import bound_person

from .choices import ApplicationStatus, Channel, Relation
from .models import Application, HousingProject, SaleBatch


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_set_up_sales(user: Any) -> bool:
    """Create projects and batches, set rules, publish: zone administrators."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.ZONE_ADMIN)


def can_manage_project(user: Any, project: HousingProject) -> bool:
    """Units and registrations of one project: zone administrators, and that project's own
    developer sales office (never another developer's): the developer role granted within
    the project's sales office. A developer grant without a scope manages no project."""
    if not _active(user):
        return False
    if roles.has_role(user, roles.ZONE_ADMIN):
        return True
    offices = roles.scopes(user, roles.DEVELOPER, ScopeKind.SALES_OFFICE)
    return str(project.sales_office_id) in offices


def can_view_batch_admin(user: Any, batch: SaleBatch) -> bool:
    """The batch's back-office page: its managers, reviewers, notaries and auditors."""
    if not _active(user):
        return False
    if can_manage_project(user, batch.project):
        return True
    return any(roles.has_role(user, code) for code in (roles.REVIEWER, roles.NOTARY, roles.AUDITOR))


def can_list_batches_admin(user: Any) -> bool:
    if not _active(user):
        return False
    codes = (roles.ZONE_ADMIN, roles.DEVELOPER, roles.REVIEWER, roles.NOTARY, roles.AUDITOR)
    return any(roles.has_role(user, code) for code in codes)


def can_register(user: Any) -> bool:
    """Registering a household online: applicants (a sales office registers through the API or
    an import, under can_manage_project)."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.APPLICANT)


def is_principal(user: Any, application: Application) -> bool:
    """The user's account is bound to the person entered as the application's principal
    applicant (registry.IdentityBinding)."""
    person = bound_person(user)
    if person is None:
        return False
    return any(
        m.relation == Relation.APPLICANT and m.id_number == person.id_number
        for m in application.members.all()
    )


def can_view_application(user: Any, application: Application) -> bool:
    """An applicant sees only their own household's application, and a sales office's entry
    that names them as the principal applicant while it waits for their confirmation; staff
    who see the batch see its applications."""
    if not _active(user):
        return False
    if application.user_id == user.pk:
        return True
    if application.status == ApplicationStatus.UNCONFIRMED and is_principal(user, application):
        return True
    return can_view_batch_admin(user, application.batch)


def can_confirm_application(user: Any, application: Application) -> bool:
    """Confirm a sales office's entry: only the applicant, from the account bound to the person
    entered as the principal applicant (issue #13). Until then it counts for nothing."""
    if not _active(user):
        return False
    if not roles.has_role(user, roles.APPLICANT):
        return False
    return is_principal(user, application)


def can_view_household_unmasked(user: Any, application: Application) -> bool:
    """Full names and the secret salt: only the account that registered the household (staff
    see names masked; ID numbers are masked for everyone). Each such view is audited."""
    if not _active(user):
        return False
    return application.user_id == user.pk


def can_withdraw_application(user: Any, application: Application) -> bool:
    """A household withdraws its own registration. The project's staff (its sales office) may
    withdraw only what they entered themselves (by the sales system's API or the sheet) and the
    applicant has not confirmed, never a registration the household made online or confirmed
    (issue #13)."""
    if not _active(user):
        return False
    if application.user_id == user.pk:
        return True
    if application.channel == Channel.WEB:
        return False
    if application.confirmed_at is not None:
        return False  # confirmed: the household's own now
    return can_manage_project(user, application.batch.project)


def can_run_review(user: Any, batch: SaleBatch) -> bool:
    """Start the automatic review: zone administrators and reviewers."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.ZONE_ADMIN) or roles.has_role(user, roles.REVIEWER)


def can_review(user: Any, batch: SaleBatch) -> bool:
    """Work the exception queue, propose and approve overrides, answer objections: reviewers
    only (they cannot change rules or run draws)."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.REVIEWER)


def can_object(user: Any, application: Application) -> bool:
    """Object during the public notice: the household that registered, for its own application."""
    if not _active(user):
        return False
    return application.user_id == user.pk


def can_confirm_roster(user: Any, batch: SaleBatch) -> bool:
    if not _active(user):
        return False
    return roles.has_role(user, roles.NOTARY)


def can_reveal_secret(user: Any, batch: SaleBatch) -> bool:
    """The notary's half of the draw's two-person rule."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.NOTARY)


def can_run_draw(user: Any, batch: SaleBatch) -> bool:
    """The zone administrator's half: enters the public values and runs the draw."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.ZONE_ADMIN)


def can_start_unit_choice(user: Any, batch: SaleBatch) -> bool:
    """Open unit choice after the draw, and close the sale with its report: zone administrators."""
    if not _active(user):
        return False
    return roles.has_role(user, roles.ZONE_ADMIN)


def can_record_unit_choice(user: Any, batch: SaleBatch) -> bool:
    """Record each turn (chose / declined / did not come) and each contract: the project's own
    sales office, and zone administrators."""
    return can_manage_project(user, batch.project)
