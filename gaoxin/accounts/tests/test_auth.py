"""Logging in and out: audit events, lockout after repeated failures, logging out everywhere,
idle expiry, password rules."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import PASSWORD
from gaoxin.common.models import AuditEvent

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_logout_are_audited(make_user):
    user = make_user("auditor", username="li")
    client = Client()
    response = login(client, "li", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(action="auth.login", actor=user).exists()
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()


def test_failed_logins_lock_the_account_then_even_the_right_password_fails(make_user):
    make_user("reviewer", username="wang")
    client = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "wang", "wrong-password")
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode()  # Django's own message, in Chinese
    response = login(client, "wang", "wrong-password")
    assert response.status_code == 429
    assert "失败次数过多" in response.content.decode()
    response = login(client, "wang", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5
    # The same user from another address is not locked out by someone else's guessing.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert login(other, "wang", PASSWORD).status_code == 302


def test_logout_everywhere_ends_other_sessions_but_keeps_this_one(make_user):
    make_user("notary", username="zhao")
    phone, laptop = Client(), Client()
    assert login(phone, "zhao", PASSWORD).status_code == 302
    assert login(laptop, "zhao", PASSWORD).status_code == 302
    response = laptop.post("/accounts/logout-everywhere/", follow=True)
    assert "其他会话已全部结束" in response.content.decode()
    assert laptop.get("/accounts/me/").status_code == 200
    assert phone.get("/accounts/me/").status_code == 302  # back to the login page
    assert AuditEvent.objects.filter(action="auth.logout_everywhere").count() == 1


def test_sessions_expire_when_idle_and_with_the_browser():
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_idle_session_is_expired(make_user):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    make_user("auditor", username="qian")
    client = Client()
    login(client, "qian", PASSWORD)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/accounts/me/").status_code == 302


@pytest.mark.parametrize("weak", ["12345678901", "password123", "short"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_a_decent_password_is_accepted():
    validate_password("长城-Great-Wall-2026")


def test_password_change_needs_the_old_password(make_user):
    make_user("applicant", username="sun")
    client = Client()
    login(client, "sun", PASSWORD)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "Xin-mima-2026!",
            "new_password2": "Xin-mima-2026!",
        },
    )
    assert response.status_code == 200
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-mima-2026!",
            "new_password2": "Xin-mima-2026!",
        },
    )
    assert response.status_code == 302
    assert login(Client(), "sun", "Xin-mima-2026!").status_code == 302


def test_lockout_behind_the_proxy_keys_on_the_forwarded_address(make_user, settings):
    """Issue #13: behind nginx every request has the proxy's REMOTE_ADDR. Five wrong
    passwords from one client must not lock the account for everyone else, and the audit log
    and the lockout must see the same client address."""
    settings.GAOXIN_TRUSTED_PROXY_HEADER = "HTTP_X_REAL_IP"
    make_user("auditor", username="auditor-li")
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, "auditor-li", "wrong-password")
    assert login(attacker, "auditor-li", PASSWORD).status_code == 429
    failed = AuditEvent.objects.filter(action="auth.login_failed").last()
    assert failed is not None and failed.ip == "203.0.113.5"
    owner = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7")
    assert login(owner, "auditor-li", PASSWORD).status_code == 302
