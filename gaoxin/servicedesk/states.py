"""The grid service desk's state machine (gaoxin/common/statemachine.py): the one place that
lists how a request moves. Escalation is not a status of its own: it moves the request up the
ladder (`level`) and back to "assigned" for the next handler to take."""

from __future__ import annotations

from gaoxin.common.statemachine import StateMachine

from . import errors
from .choices import HazardStatus as H
from .choices import ReportStatus
from .choices import RequestStatus as R

REQUEST = StateMachine(
    "servicedesk.request",
    R,
    {
        (R.ACCEPTED, R.ASSIGNED): "assign",  # 派单
        (R.ACCEPTED, R.IN_PROGRESS): "take",
        (R.ASSIGNED, R.IN_PROGRESS): "take",
        (R.IN_PROGRESS, R.WAITING): "wait",  # 挂起: the clock stops
        (R.WAITING, R.IN_PROGRESS): "resume",
        (R.ASSIGNED, R.ASSIGNED): "escalate",  # up the ladder, to the next handler
        (R.IN_PROGRESS, R.ASSIGNED): "escalate",
        (R.IN_PROGRESS, R.RESOLVED): "resolve",  # 办结, with a reply
        (R.RESOLVED, R.CLOSED): "close",  # rated (评价) or closed unrated after the wait
        (R.RESOLVED, R.IN_PROGRESS): "redo",  # 重办: an unsatisfied rating, once
        (R.ACCEPTED, R.CLOSED): "merge",  # merged into an open request of the same matter
        (R.ASSIGNED, R.CLOSED): "merge",
    },
    error=errors.BAD_TRANSITION,
)

# A work-safety hazard (隐患). Escalation when overdue moves it up its own ladder (`level`: the
# grid's officer → the grid leader → the emergency-management department) without changing its
# status, like a request's.
HAZARD = StateMachine(
    "servicedesk.hazard",
    H,
    {
        (H.OPEN, H.REPORTED): "report",  # the enterprise says it is rectified (with evidence)
        (H.OPEN, H.CLOSED): "pass",  # re-inspection on site finds it rectified
        (H.REPORTED, H.CLOSED): "pass",
        (H.REPORTED, H.OPEN): "fail",  # re-inspection finds it is not: reopened
        (H.OPEN, H.OPEN): "escalate",  # overdue: one rung up (services/safety.py)
    },
    error=errors.HAZARD_TRANSITION,
)

# A statistics report (数据统计): filled by the enterprise or its grid's statistics officer, saved
# as a draft any number of times, submitted (required values present, every implausible change
# explained), then accepted by the grid or returned for correction and submitted again.
STATISTICS_REPORT = StateMachine(
    "servicedesk.statistics_report",
    ReportStatus,
    {
        (ReportStatus.DRAFT, ReportStatus.SUBMITTED): "submit",
        (ReportStatus.RETURNED, ReportStatus.SUBMITTED): "submit",
        (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED): "accept",
        (ReportStatus.SUBMITTED, ReportStatus.RETURNED): "return",
    },
    error=errors.REPORT_TRANSITION,
)
