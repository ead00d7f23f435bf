from django.db import models
from django.utils.translation import gettext_lazy as _


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
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("Sales system (API)")
    IMPORT = "import", _("Spreadsheet import")


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    CHOSEN = "chosen", _("Chosen")
    CONTRACTED = "contracted", _("Contracted")


class JobStatus(models.TextChoices):
    """A background job's life (the eligibility review, the draw request): states.JOB."""

    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ReviewStatus = JobStatus  # the name the review's pages used


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
