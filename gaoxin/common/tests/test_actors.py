"""Issue #12, item 3: an actor is a user or a named system actor, never None; what the system
does is audited under its name."""

from __future__ import annotations

import pytest

from gaoxin.common import audit
from gaoxin.common.actors import DEMO, SCHEDULER, WORKER, SystemActor, is_system, user_of
from gaoxin.common.errors import GaoxinError
from gaoxin.housing import services
from gaoxin.housing.tests.builders import published_batch
from gaoxin.housing.tests.test_registration import household


@pytest.mark.django_db
def test_the_system_is_audited_under_its_name():
    event = audit.record(actor=SCHEDULER, action="test.tick")
    assert event.actor_id is None and event.actor_name == "system:scheduler"


@pytest.mark.django_db
def test_none_is_no_actor():
    with pytest.raises(TypeError):
        audit.record(actor=None, action="test.nobody")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        services.sales_office_create(actor=None, name="无名")  # type: ignore[arg-type]


def test_a_system_actor_is_no_user():
    assert is_system(WORKER) and not WORKER.is_authenticated and WORKER.pk is None
    assert user_of(DEMO) is None and str(SystemActor("nightly")) == "system:nightly"


@pytest.mark.django_db
def test_a_system_actor_cannot_register_a_household_or_act_as_a_sales_office():
    batch = published_batch(code="SYS26")
    for channel in ("web", "api"):
        with pytest.raises(GaoxinError) as refused:
            services.application_register(
                actor=WORKER, batch=batch, members=household(1), pools=[], channel=channel
            )
        assert refused.value.code == "not_allowed"
