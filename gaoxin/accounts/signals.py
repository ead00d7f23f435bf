"""Login, logout and failed-login events go to the audit log (recording only; no rules here)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from gaoxin.common import audit


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(actor=user, action="auth.login", obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action="auth.logout", obj=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit.record(actor=AnonymousUser(), action="auth.login_failed", after={"username": username})
