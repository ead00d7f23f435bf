"""A page whose job waits with no live worker says so and how to start one (issues #12, #14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from gaoxin.common import worker
from gaoxin.common.models import WorkerBeat
from gaoxin.housing.models import DrawRequest
from gaoxin.housing.tests.builders import published_batch

pytestmark = pytest.mark.django_db

TAG = Template("{% load jobs %}{% job_wait job %}")


def _queued(seconds_ago: int) -> DrawRequest:
    request = DrawRequest.objects.create(batch=published_batch(code="WK2026"), values=["1"])
    DrawRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    request.refresh_from_db()
    return request


def test_a_job_waiting_with_no_worker_says_what_to_do(monkeypatch):
    # (this test process may run a worker's monitor thread itself: no live worker is simulated)
    monkeypatch.setattr(worker, "alive", lambda **kwargs: False)
    job = _queued(30)
    html = TAG.render(Context({"job": job}))
    assert 'data-testid="no-worker"' in html and "db_worker" in html
    assert "30" in html


def test_with_a_live_worker_only_the_time_is_shown():
    worker.announce()
    assert worker.alive()
    html = TAG.render(Context({"job": _queued(30)}))
    assert "no-worker" not in html and "job-elapsed" in html


def test_a_silent_worker_is_not_alive(monkeypatch):
    WorkerBeat.objects.create(worker="old:1", beat_at=timezone.now() - timedelta(minutes=5))
    later = timezone.now() + timedelta(minutes=4)  # past any other process's last heartbeat
    WorkerBeat.objects.exclude(worker="old:1").update(beat_at=timezone.now() - timedelta(hours=1))
    assert not worker.alive(now=later)
    monkeypatch.setattr(worker, "alive", lambda **kwargs: False)
    html = TAG.render(Context({"job": _queued(2)}))
    assert "no-worker" not in html  # a few seconds of waiting is normal
