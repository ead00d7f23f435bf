from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.common import jobs


class BatchStatus(models.TextChoices):
    """The sale batch's life; transitions are listed in states.py and nowhere else."""

    DRAFT = "draft", _("Draft")
    REGISTRATION = "registration", _("Registration open")
    REVIEW = "review", _("Eligibility review")
    NOTICE = "notice", _("Public notice")
    FROZEN = "frozen", _("Roster frozen")
    DRAWN = "drawn", _("Drawn")
    UNIT_CHOICE = "unit_choice", _("Unit choice")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Pool(models.TextChoices):
    """Pools an application can claim; the names are fairdraw's pool names."""

    FIRST_HOME = "first_home", _("First-home buyers (刚需)")
    KEY_INDUSTRY = "key_industry", _("Key-industry employees")
    GENERAL = "general", _("Everyone eligible")


class Relation(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Minor child")


class ApplicationStatus(models.TextChoices):
    """A registration entered by a sales office (sheet or API) waits for the applicant's
    confirmation and counts only once confirmed; one not confirmed by the close lapses."""

    UNCONFIRMED = "unconfirmed", _("Waiting for the applicant's confirmation")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Not confirmed in time")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("Sales system (API)")
    IMPORT = "import", _("Spreadsheet import")


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    CHOSEN = "chosen", _("Chosen")
    CONTRACTED = "contracted", _("Contracted")


class OverrideStatus(models.TextChoices):
    """A two-person override of an eligibility decision: states.OVERRIDE."""

    PROPOSED = "proposed", _("Waiting for a second reviewer")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TurnStatus(models.TextChoices):
    """One place in the unit-choice queue (选房): a winner's, or a waitlisted household's."""

    WAITING = "waiting", _("Waiting")
    CHOSEN = "chosen", _("Chose a unit")
    DECLINED = "declined", _("Declined")
    NO_SHOW = "no_show", _("Did not come")
    CONTRACTED = "contracted", _("Contract signed")
    FORFEITED = "forfeited", _("Did not sign")
    NOT_CALLED = "not_called", _("Not called (no unit left)")


class TurnSource(models.TextChoices):
    WINNER = "winner", _("Winner")
    WAITLIST = "waitlist", _("Waitlist (候补)")


# The housing jobs' status is the platform's (common/jobs.py).
JobStatus = jobs.JobStatus


class Condition(models.TextChoices):
    """The conditions the automatic review checks (eligibility.decide): a failed one is a
    reason {pool, condition, zh, en}. The labels name the failure, as the review queue's
    filter and the applicant's timeline say it."""

    IN_REGISTRY = "in_registry", _("Not in the zone registry")
    QUALIFICATION = "qualification", _("No home-purchase qualification")
    NO_HOME = "no_home", _("The household owns a home")
    EMPLOYER = "employer", _("Employer not a key-industry enterprise of the zone")
    INSURANCE = "insurance", _("Too few months of social insurance")
    DEGREE = "degree", _("Degree below the minimum")
    NO_ZONE_HOME = "no_zone_home", _("The household owns a home in the zone")
    ONCE_ONLY = "once_only", _("Key-industry benefit already used")


class ReviewOutcome(models.TextChoices):
    """The review queue's filter by outcome (selectors.review_queue_page)."""

    ATTENTION = "attention", _("Needs a look")
    OVERRIDDEN = "overridden", _("Changed by two reviewers")
    INELIGIBLE = "ineligible", _("Not eligible")
    ELIGIBLE = "eligible", _("Eligible for every pool claimed")
    ALL = "all", _("All")


# The draw's rounds in words of the domain (fairdraw names them by pool; "waitlist" and
# "choice" are its reserved names for the waitlist and the unit-choice order).
ROUND_LABELS = {
    "first_home": _("the first-home round (刚需)"),
    "key_industry": _("the key-industry round"),
    "general": _("the general round (everyone eligible)"),
    "waitlist": _("the waitlist draw (候补)"),
    "choice": _("the unit-choice order"),
    "*": _("every round (one key for all)"),
}


def round_label(name: str) -> str:
    return str(ROUND_LABELS.get(name, name))
