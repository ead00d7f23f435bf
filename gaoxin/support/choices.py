from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AwardStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")


class LedgerKind(models.TextChoices):
    COMMITMENT = "commitment", _("Commitment")
    PAYMENT = "payment", _("Payment")


class ProgrammeKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    CREDIT_LINE = "credit_line", _("Credit line")


class Measure(models.TextChoices):
    """What a tier criterion reads, for one enterprise and one year (docs/support.md)."""

    REVENUE = "revenue", _("Revenue of the year (10,000 yuan)")
    GROWTH = "growth", _("Revenue growth over the previous year (%)")
    RND_SHARE = "rnd_share", _("R&D spending as a share of revenue (%)")
    EMPLOYEES = "employees", _("Employees (average of the months)")
    KEY_INDUSTRY = "key_industry", _("In a key industry of the catalogue (1 = yes)")


class TierRunStatus(models.TextChoices):
    COMPUTED = "computed", _("Computed, under review")
    PUBLISHED = "published", pgettext_lazy("tier list", "Published")


class LandUse(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial")
    COMMERCIAL = "commercial", _("Commercial")
    RESIDENTIAL = "residential", _("Residential")
    OTHER = "other", _("Other")


class Sector(models.TextChoices):
    PRIMARY = "primary", _("Primary sector")
    SECONDARY = "secondary", _("Secondary sector")
    TERTIARY = "tertiary", _("Tertiary sector")


class CallStatus(models.TextChoices):
    """An open call (揭榜挂帅), one state machine (states.CALL)."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed for applications")
    REVIEW = "review", _("Under expert review")
    DECIDED = "decided", _("Winner decided")
    NOTICE = "notice", _("In public notice")
    CONFIRMED = "confirmed", _("Award confirmed")


class CallEligibility(models.TextChoices):
    ENTERPRISES = "enterprises", _("Enterprises registered in the zone")
    TEAMS = "teams", _("Teams led by a person in the registry")


class ConflictTie(models.TextChoices):
    """How the registry ties an expert to an applicant (a registry conflict's kind)."""

    EMPLOYED = "employed", _("Employed by")
    ACTS_FOR = "acts_for", _("Acts for")
    LEADS = "leads", _("Leads the applying team")


class ConflictSource(models.TextChoices):
    REGISTRY = "registry", _("Tied to the applicant in the registry")
    DECLARED = "declared", _("Declared by the expert")
