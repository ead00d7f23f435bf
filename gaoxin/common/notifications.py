"""Notifications: an in-app inbox for every user and e-mail through Django's e-mail framework.

    notifications.notify(recipients=[officer], subject="…", body="…", link="/servicedesk/…")

`notify` writes the inbox rows in the caller's transaction; the e-mails are enqueued only after
that transaction commits (a rolled-back change sends nothing) and sent by the background worker
(`tasks.send_notification_emails`) with the SMTP settings of docs/deploy.md. A failed send is
marked `failed` with its error and tried again by the scheduler every ten minutes, at most
MAX_ATTEMPTS times; the inbox row is there whatever happens to the e-mail."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def notify(
    *, recipients: Iterable[Any], subject: str, body: str = "", link: str = "", email: bool = True
) -> list[Notification]:
    rows = [
        Notification(
            recipient=user,
            subject=subject[:200],
            body=body,
            link=link[:500],
            email_status=(
                Notification.EMAIL_PENDING
                if email and bool(user.email)
                else Notification.EMAIL_NONE
            ),
        )
        for user in recipients
    ]
    created = Notification.objects.bulk_create(rows)
    pending = [n.pk for n in created if n.email_status == Notification.EMAIL_PENDING]
    if pending:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue(pending))
    return created


def notify_many(items: Iterable[tuple[Iterable[Any], str, str, str]]) -> list[Notification]:
    """Several notifications at once (recipients, subject, body, link), as `notify` writes
    them: one insert and one e-mail task for all."""
    rows = [
        Notification(
            recipient=user,
            subject=subject[:200],
            body=body,
            link=link[:500],
            email_status=(
                Notification.EMAIL_PENDING if bool(user.email) else Notification.EMAIL_NONE
            ),
        )
        for recipients, subject, body, link in items
        for user in recipients
    ]
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    pending = [n.pk for n in created if n.email_status == Notification.EMAIL_PENDING]
    if pending:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue(pending))
    return created


def send_emails(ids: Sequence[int]) -> int:
    """Send the pending or failed e-mails among `ids`; returns how many went out."""
    sent = 0
    rows = list(
        Notification.objects.filter(
            pk__in=list(ids),
            email_status__in=[Notification.EMAIL_PENDING, Notification.EMAIL_FAILED],
            email_attempts__lt=MAX_ATTEMPTS,
        ).select_related("recipient")
    )
    if not rows:
        return 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # the server cannot be reached: every row failed this time
        logger.warning("notifications: the mail server cannot be reached: %s", error)
        _failed([row.pk for row in rows], error)
        return 0
    try:
        for row in rows:
            message = EmailMessage(
                subject=row.subject,
                body=_with_link(row),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[row.recipient.email],
                connection=connection,
            )
            try:
                message.send()
            except Exception as error:  # any transport failure: recorded, retried later
                logger.warning("notification %s: e-mail failed: %s", row.pk, error)
                _failed([row.pk], error)
                continue
            Notification.objects.filter(pk=row.pk).update(
                email_status=Notification.EMAIL_SENT,
                email_attempts=F("email_attempts") + 1,
                email_error="",
            )
            sent += 1
    finally:
        connection.close()
    return sent


def _failed(ids: list[int], error: BaseException) -> None:
    Notification.objects.filter(pk__in=ids).update(
        email_status=Notification.EMAIL_FAILED,
        email_attempts=F("email_attempts") + 1,
        email_error=f"{type(error).__name__}: {error}"[:500],
    )


def _with_link(row: Notification) -> str:
    if not row.link:
        return row.body
    base = getattr(settings, "GAOXIN_PUBLIC_URL", "").rstrip("/")
    return f"{row.body}\n\n{base}{row.link}"


def retry_failed() -> int:
    ids = list(
        Notification.objects.filter(
            email_status=Notification.EMAIL_FAILED, email_attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:500]
    )
    return send_emails(ids) if ids else 0


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
