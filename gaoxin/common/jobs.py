"""One background job, whatever it does: an import, an eligibility review, a draw, and every
later desk's. A concrete job is a model inheriting `Job`; its task runs it in the worker
(django-tasks, `manage.py db_worker`), pages show it with `common/_job_progress.html` and
`{% job_wait %}` says when no worker is there to run it.

    status      JobStatus, moved only along JOB (queued → running → done | failed); a job with
                its own lifecycle (ImportRun: reading, writing, rejected …) overrides `status`
                and says which of its states are ACTIVE, SUCCEEDED and FAILED
    attempts    how often a worker started it (a lost worker's job is run again, common/worker.py)
    progress    `progress()` → (done, total) for the progress bar
    error       the code of a GaoxinError and its parameters, rendered again in the reader's
                language, or a message (`error`) when there is no code"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .errors import JOB_BAD_TRANSITION, ErrorCode, GaoxinError
from .models import BaseModel
from .statemachine import StateMachine


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


JOB = StateMachine(
    "job",
    JobStatus,
    {
        (JobStatus.QUEUED, JobStatus.RUNNING): "start",
        (JobStatus.QUEUED, JobStatus.FAILED): "fail",
        (JobStatus.RUNNING, JobStatus.RUNNING): "restart",  # a lost worker's job run again
        (JobStatus.RUNNING, JobStatus.DONE): "finish",
        (JobStatus.RUNNING, JobStatus.FAILED): "fail",
    },
    error=JOB_BAD_TRANSITION,
)


class Job(BaseModel):
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    error_params = models.JSONField(_("error details"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    ACTIVE: ClassVar[frozenset[str]] = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})
    SUCCEEDED: ClassVar[frozenset[str]] = frozenset({JobStatus.DONE})
    FAILED: ClassVar[frozenset[str]] = frozenset({JobStatus.FAILED})

    class Meta:
        abstract = True

    # what pages ask of a job, so that no template compares status strings
    @property
    def is_active(self) -> bool:
        """Waiting for a worker or running: the page keeps polling."""
        return self.status in self.ACTIVE

    @property
    def is_done(self) -> bool:
        return self.status in self.SUCCEEDED

    @property
    def is_failed(self) -> bool:
        return self.status in self.FAILED

    @property
    def finished(self) -> bool:
        return not self.is_active

    def progress(self) -> tuple[int, int]:
        """(done, total) of the work; (0, 0) when the job cannot tell."""
        return (0, 0)

    @property
    def progress_percent(self) -> int:
        if self.finished:
            return 100
        done, total = self.progress()
        return min(99, int(100 * done / total)) if total else 0

    def fail_with(self, error: GaoxinError) -> dict[str, Any]:
        """The fields that record `error` (for an update() inside the caller's transaction)."""
        return {
            "error_code": error.code,
            "error_params": {key: str(value) for key, value in error.params.items()},
            "error": f"{error.message('zh')} / {error.message('en')}"[:2000],
        }

    def error_message_in(self, language: str) -> str:
        found = ErrorCode.lookup(self.error_code) if self.error_code else None
        if found is None:
            return self.error or self.error_code
        return found.render(language, **self.error_params)

    @property
    def error_message(self) -> str:
        """The error in the reader's language."""
        return self.error_message_in(get_language() or "zh-hans")
