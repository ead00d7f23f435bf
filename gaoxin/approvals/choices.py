"""The approvals desk's enums: the states of a project, a stage and an item, and what a
department decides."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ProjectStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class StageStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the previous stage")
    OPEN = "open", _("Open for its package")
    SUBMITTED = "submitted", _("Package submitted")
    IN_REVIEW = "in_review", _("In parallel review")
    CLOSED = "closed", _("Closed")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Not dispatched")
    PREREVIEWED = "prereviewed", _("Pre-reviewed before land")
    IN_REVIEW = "in_review", _("In review")
    CORRECTION = "correction", _("Correction requested (clock stopped)")
    APPROVED = "approved", _("Approved")
    CONDITIONAL = "conditional", _("Approved with conditions")
    REFUSED = "refused", _("Refused")
    SUSPENDED = "suspended", _("Suspended (promised document missing)")
    REVOKED = "revoked", _("Revoked (compliance check failed)")


# An item has "ended" for its stage once a decision is recorded.
ENDED = frozenset(
    {
        ItemStatus.APPROVED,
        ItemStatus.CONDITIONAL,
        ItemStatus.REFUSED,
        ItemStatus.SUSPENDED,
        ItemStatus.REVOKED,
    }
)
OPEN_ITEM = frozenset({ItemStatus.IN_REVIEW, ItemStatus.CORRECTION})


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    CONDITIONAL = "conditional", _("Approve with conditions")
    CORRECTION = "correction", _("Ask for correction (补正)")
    REFUSE = "refuse", _("Refuse")


class DocumentStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROMISED = "promised", _("Promised (容缺)")
    DRAFT = "draft", _("Draft (pre-review)")


class CheckStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
