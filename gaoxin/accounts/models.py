from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import BaseModel

from .choices import ScopeKind


class User(AbstractUser):
    """Staff and applicants alike. Roles are RoleGrant rows (see roles.py), never groups."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    # Bumped by "log out everywhere": it is part of the session hash, so every other session of
    # this user stops validating at its next request.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("manage_users", "Can create users and assign roles"),
            ("manage_api_tokens", "Can issue and revoke API tokens"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "gaoxin.accounts.User.session_auth_hash"
        value = f"{self.password}|{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class ApiToken(BaseModel):
    """A bearer token for system-to-system calls (e.g. a developer's sales system). Only the
    SHA-256 of the token is stored; the token itself is shown once, when it is issued."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RoleGrant(models.Model):
    """One role held by one user, zone-wide (no scope) or within one scope (a sales office, a
    grid, a department, an enterprise). Effective while not revoked; a revoked grant stays as
    the record of who held what when. Written only by services.role_grant / role_revoke."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=32)  # a code in roles.ROLES
    scope_kind = models.CharField(_("scope"), max_length=32, choices=ScopeKind.choices, blank=True)
    scope_key = models.CharField(_("scope key"), max_length=64, blank=True)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope_kind", "scope_key"],
                condition=Q(revoked_at__isnull=True),
                name="accounts_one_live_grant_per_scope",
            ),
            models.CheckConstraint(
                condition=Q(scope_kind="", scope_key="") | (~Q(scope_kind="") & ~Q(scope_key="")),
                name="accounts_grant_scope_kind_and_key_together",
            ),
        ]
        indexes = [models.Index(fields=["scope_kind", "scope_key"])]

    def __str__(self) -> str:
        scope = f" @ {self.scope_kind}:{self.scope_key}" if self.scope_kind else ""
        return f"{self.user} · {self.role}{scope}"

    @property
    def live(self) -> bool:
        return self.revoked_at is None
