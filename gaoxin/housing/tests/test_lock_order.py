"""Issue #12: the override and the review take the batch lock first (the module's lock order),
so an override approved while the automatic review rewrites the decisions is never lost and
two services never wait on each other in opposite orders (PostgreSQL: SQLite has no row
locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gaoxin.housing import review_run, services
from gaoxin.housing.choices import Relation
from gaoxin.housing.models import Eligibility
from gaoxin.housing.registration import MemberIn

from . import builders
from .factories import person_id

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reviewed(make_user):
    """A batch in review with one household the registry does not know (not eligible)."""
    batch = builders.published_batch(code="R2026")
    services.application_register(
        actor=builders.bind(make_user("applicant"), person_id(901), "路人"),
        batch=batch,
        pools=[],
        members=[MemberIn(Relation.APPLICANT, "路人", person_id(901))],
    )
    builders.review(batch, actor=make_user("reviewer"))
    return batch, None, None


REASON = "申请人户籍迁入材料已补充核验，信息一致"


def _proposed(batch, make_user):
    stranger_app = batch.applications.get()
    override = services.override_propose(
        actor=make_user("reviewer"),
        application=stranger_app,
        pool="general",
        eligible=True,
        reason=REASON,
    )
    return stranger_app, override


def test_override_decide_locks_the_batch_before_the_override(reviewed, make_user):
    batch, _owner, _stranger = reviewed
    _app, override = _proposed(batch, make_user)
    decider = make_user("reviewer")
    with CaptureQueriesContext(connection) as queries:
        services.override_decide(actor=decider, override=override, approve=True)
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert locking and '"housing_salebatch"' in locking[0].split("FROM")[1].split("WHERE")[0]
    assert any('"housing_override"' in sql.split("FROM")[1] for sql in locking[1:])


def test_an_override_approved_during_a_review_rerun_is_not_lost(
    reviewed,
    make_user,
    monkeypatch,
):
    batch, _owner, _stranger = reviewed
    app, override = _proposed(batch, make_user)
    second = make_user("reviewer")
    finished = threading.Event()
    errors: list[BaseException] = []

    def approve() -> None:
        try:
            services.override_decide(actor=second, override=override, approve=True)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            finished.set()
            connection.close()

    original = review_run._insert
    started: list[threading.Thread] = []

    def insert_while_approving(decisions):
        # The review has read the approved overrides and deleted the old decisions; another
        # reviewer approves now. With the batch lock held, the approval waits for this commit.
        thread = threading.Thread(target=approve)
        thread.start()
        started.append(thread)
        finished.wait(timeout=2)
        original(decisions)

    monkeypatch.setattr(review_run, "_insert", insert_while_approving)
    rerun = services.review_start(actor=second, batch=batch, enqueue=False)
    review_run.run_review(rerun.pk)
    started[0].join(timeout=30)
    assert not errors, errors
    eligibility = Eligibility.objects.get(application=app)
    assert eligibility.general is True and eligibility.overridden
