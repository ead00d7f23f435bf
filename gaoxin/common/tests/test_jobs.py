"""Issue #12, item 5: imports, reviews and draws are one kind of background job (common/jobs.py)
with one status machine, one progress display and an error that keeps its code."""

from __future__ import annotations

import pytest
from django.utils import translation

from gaoxin.common.errors import GaoxinError
from gaoxin.common.jobs import JOB, Job, JobStatus
from gaoxin.housing import errors as housing_errors
from gaoxin.housing.models import DrawRequest, EligibilityReview
from gaoxin.registry.choices import ImportStatus
from gaoxin.registry.models import ImportRun


def test_every_background_job_is_a_job():
    for model in (ImportRun, EligibilityReview, DrawRequest):
        assert issubclass(model, Job), model
        names = {f.name for f in model._meta.get_fields()}
        assert {"status", "attempts", "error_code", "error_params", "finished_at"} <= names


def test_one_machine_for_the_jobs_that_share_the_common_lifecycle():
    assert JOB.allowed(JobStatus.QUEUED, JobStatus.RUNNING)
    assert not JOB.allowed(JobStatus.DONE, JobStatus.RUNNING)
    assert JOB.terminal() == {JobStatus.DONE, JobStatus.FAILED}
    with pytest.raises(GaoxinError) as refused:
        JOB.ensure(JobStatus.DONE, JobStatus.QUEUED)
    assert refused.value.code == "job_bad_transition"


def test_a_job_with_its_own_lifecycle_says_which_states_are_active_done_and_failed():
    run = ImportRun(status=ImportStatus.WRITING, processed_rows=50, total_rows=200)
    assert run.is_active and not run.finished and run.progress_percent == 25
    run.status = ImportStatus.REJECTED
    assert run.is_failed and run.is_rejected and run.finished and run.progress_percent == 100
    run.status = ImportStatus.SUCCEEDED
    assert run.is_done and not run.is_failed


def test_a_failed_job_keeps_its_error_code_and_tells_it_in_the_readers_language():
    request = DrawRequest(status=JobStatus.FAILED)
    error = GaoxinError(housing_errors.WORKER_LOST, attempts=3)
    for field, value in request.fail_with(error).items():
        setattr(request, field, value)
    assert request.error_code == "housing.worker_lost"
    with translation.override("en"):
        assert request.error_message == error.message("en")
    with translation.override("zh-hans"):
        assert request.error_message == error.message("zh")
