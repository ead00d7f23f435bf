from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Active (存续)")
    DEREGISTERED = "deregistered", _("Deregistered (注销)")
    REVOKED = "revoked", _("Licence revoked (吊销)")
    MOVED_OUT = "moved_out", _("Moved out (迁出)")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class DegreeLevel(models.IntegerChoices):
    """Ordered: a higher value is a higher degree, so MAX() answers "highest degree"."""

    ASSOCIATE = 1, _("Associate (专科)")
    BACHELOR = 2, _("Bachelor (本科)")
    MASTER = 3, _("Master (硕士)")
    DOCTOR = 4, _("Doctor (博士)")


class VerificationStatus(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    UNVERIFIED = "unverified", _("Not verified")
    MISMATCH = "mismatch", _("Verification failed")


class PropertyUse(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    OFFICE = "office", _("Office")
    INDUSTRIAL = "industrial", _("Industrial")
    OTHER = "other", _("Other")


class QualificationStatus(models.TextChoices):
    QUALIFIED = "qualified", _("Qualified")
    NOT_QUALIFIED = "not_qualified", _("Not qualified")
    REVOKED = "revoked", _("Revoked")


class ImportKind(models.TextChoices):
    """Order matters for a full load: later kinds refer to earlier ones."""

    ENTERPRISE = "enterprise", _("Enterprises")
    CLASSIFICATION = "classification", _("Key-industry classifications")
    PERSON = "person", _("People")
    MARRIAGE = "marriage", _("Marriages")
    CHILD = "child", _("Children")
    EMPLOYMENT = "employment", _("Employment")
    INSURANCE = "insurance", _("Social-insurance contributions")
    DEGREE = "degree", _("Degrees")
    PROPERTY = "property", _("Property")
    QUALIFICATION = "qualification", _("Home-purchase qualification")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    VALID_ROWS_ONLY = "valid_rows_only", _("Import valid rows only")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    READING = "reading", _("Reading and validating")
    WRITING = "writing", _("Writing")
    SUCCEEDED = "succeeded", _("Imported")
    REJECTED = "rejected", _("Rejected: errors, nothing imported")
    FAILED = "failed", _("Failed: file unreadable")


class MakeupPolicy(models.TextChoices):
    """How a late make-up payment (补缴) counts toward a continuous contribution record."""

    COUNT = "count", _("Make-up months count")
    EXCLUDE = "exclude", _("Make-up months break the run")


class BindingMethod(models.TextChoices):
    """How an account was bound to the registry person it registers as (IdentityBinding)."""

    OIDC = "oidc", _("Provincial identity service (OpenID Connect)")
    COUNTER = "counter", _("At the service counter, ID card checked")
