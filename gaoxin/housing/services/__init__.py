"""Writes for housing sales, one module per stage of a sale. Keyword-only arguments, one
transaction, rows locked batch first (locks.py), an audit event for every change.

    setup         sales offices, projects, batches, rules, entropy, units, publication
    registration  online, sheet and API registration, the applicant's confirmation of a sales
                  office's entry, withdrawal, closing registration
    review        the automatic review's start (worker half: ../review_run.py), overrides
    notice        public notice, objections, the frozen roster and its confirmation
    draw          the notary's reveal, the draw request (worker half: ../draw_run.py)
    unit_choice   unit choice (选房), contracts, closing the sale

Callers use `services.<name>`; reads live in ../selectors.py."""

from ..draw_run import draw_execute, draw_request_run
from ..rules import Rules, rules_config
from .draw import draw_enter_values, draw_request, draw_reveal
from .notice import (
    notice_start,
    objection_answer,
    objection_file,
    objection_uphold,
    roster_confirm,
    roster_freeze,
)
from .registration import (
    Registered,
    application_confirm,
    application_register,
    application_viewed,
    application_withdraw,
    applications_import,
    batch_close_registration,
)
from .review import override_decide, override_propose, review_start
from .setup import (
    batch_create,
    batch_declare_entropy,
    batch_publish,
    batch_set_rules,
    project_create,
    sales_office_create,
    units_import,
)
from .unit_choice import (
    TurnOutcome,
    batch_close,
    contract_forfeit,
    contract_record,
    turn_record,
    unit_choice_start,
)

__all__ = [
    "Registered",
    "Rules",
    "TurnOutcome",
    "application_confirm",
    "application_register",
    "application_viewed",
    "application_withdraw",
    "applications_import",
    "batch_close",
    "batch_close_registration",
    "batch_create",
    "batch_declare_entropy",
    "batch_publish",
    "batch_set_rules",
    "contract_forfeit",
    "contract_record",
    "draw_enter_values",
    "draw_execute",
    "draw_request",
    "draw_request_run",
    "draw_reveal",
    "notice_start",
    "objection_answer",
    "objection_file",
    "objection_uphold",
    "override_decide",
    "override_propose",
    "project_create",
    "review_start",
    "roster_confirm",
    "roster_freeze",
    "rules_config",
    "sales_office_create",
    "turn_record",
    "unit_choice_start",
    "units_import",
]
