"""`{% job_wait job %}`: how long a background job has waited or run, and, when it has waited
more than a few seconds with no live worker, what to do (issue #12/#14: a draw must never sit
at "waiting" with nobody told that no worker is running)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .. import worker

register = template.Library()

PATIENCE_SECONDS = 5


@register.simple_tag
def job_wait(job: Any) -> SafeString | str:
    if job is None or not getattr(job, "is_active", False):
        return ""
    seconds = int((timezone.now() - job.created_at).total_seconds())
    elapsed = format_html(
        '<span class="muted" data-testid="job-elapsed">{}</span>',
        _("waiting or running for %(s)s s") % {"s": seconds},
    )
    if seconds < PATIENCE_SECONDS or worker.alive():
        return elapsed
    return format_html(
        '{} <p class="notice" role="alert" data-testid="no-worker">{}</p>',
        elapsed,
        _(
            "No background worker is running, so this will not start. Start one with "
            "python manage.py db_worker (make run starts it for you), or ask the system "
            "administrator."
        ),
    )
