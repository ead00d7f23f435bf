"""The grid service desk's enumerations; which status may follow which is in states.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CarrierKind(models.TextChoices):
    PARK = "park", _("Industrial park")
    INCUBATOR = "incubator", _("Incubator")
    BUILDING = "building", _("Office building")
    STANDALONE = "standalone", _("Stand-alone site")


class RequestStatus(models.TextChoices):
    """A request's life (受理 → 派单 → 办理 → 办结 → 评价 → 结案)."""

    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the enterprise")
    RESOLVED = "resolved", _("Resolved, awaiting rating")
    CLOSED = "closed", _("Case closed")


class Level(models.IntegerChoices):
    """The escalation ladder: each step has its own working-day limit (Category)."""

    OFFICER = 1, _("Grid officer")
    LEADER = 2, _("Grid leader")
    DEPARTMENT = 3, _("Department")
    LEADERSHIP = 4, _("Zone leadership (督办)")


class Channel(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise account")
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit finding")
    HOTLINE = "hotline", _("12345 hotline transfer")


class EntryKind(models.TextChoices):
    """An entry in a request's history. Notes are internal; replies the enterprise sees."""

    NOTE = "note", _("Internal note")
    REPLY = "reply", _("Reply to the enterprise")
    EVENT = "event", _("Event")


class Severity(models.TextChoices):
    """A work-safety hazard's severity (隐患等级); the rectification limit depends on it."""

    GENERAL = "general", _("General (一般)")
    SERIOUS = "serious", _("Serious (较大)")
    MAJOR = "major", _("Major (重大)")


class HazardStatus(models.TextChoices):
    """A hazard's life (隐患整改): open → rectification reported → closed by a re-inspection
    that passes; a re-inspection that fails reopens it."""

    OPEN = "open", _("To be rectified")
    REPORTED = "reported", _("Rectified, awaiting re-inspection")
    CLOSED = "closed", _("Closed after re-inspection")


class HazardLevel(models.IntegerChoices):
    """Who is answerable for an overdue hazard: the grid's safety officer, then the grid leader,
    then the emergency-management department (应急)."""

    OFFICER = 1, _("Grid officer")
    LEADER = 2, _("Grid leader")
    DEPARTMENT = 3, _("Emergency management department (应急)")


class NoticeKind(models.TextChoices):
    PUBLIC_HEALTH = "health", _("Public-health measure")
    EMERGENCY = "emergency", _("Emergency measure")
    POLICY = "policy", _("Policy change")
    OTHER = "other", _("Other")


class PeriodType(models.TextChoices):
    """How often a statistics report (数据统计报表) is filled."""

    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


class ReportStatus(models.TextChoices):
    """A statistics report's life: draft → submitted → accepted, or returned for correction and
    submitted again (states.STATISTICS_REPORT)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for correction")


class FieldKind(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
