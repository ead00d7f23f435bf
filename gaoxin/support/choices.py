from django.db import models
from django.utils.translation import gettext_lazy as _


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
