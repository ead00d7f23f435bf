"""Fast-track approvals (占地类产业项目流程再造): the process template and the projects.

The template is versioned: stages, items and documents belong to one `TemplateVersion`. Only a
draft version is edited; publishing it makes it the one new projects start on. A project pins
the version it started with and copies every item's department, limit and flags into its own
rows, so no later edit of the template changes a running project."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import BaseModel
from gaoxin.registry.models import Enterprise

from .choices import (
    CheckStatus,
    DocumentStatus,
    ItemStatus,
    ProjectStatus,
    StageStatus,
    VersionStatus,
)


class Department(BaseModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ProcessTemplate(BaseModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)

    def __str__(self) -> str:
        return self.name


class TemplateVersion(BaseModel):
    template = models.ForeignKey(ProcessTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # 拿地即开工: the construction permit within this many working days of the land contract.
    quick_start_days = models.PositiveIntegerField(
        _("拿地即开工 within (working days)"), default=10
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="approvals_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.template.code} v{self.number}"


class StageDef(models.Model):
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    lead_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    issues_permit = models.BooleanField(default=False)  # the construction-permit stage

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="approvals_stagedef_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class DocumentDef(models.Model):
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="documents")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="approvals_docdef_code")
        ]

    def __str__(self) -> str:
        return self.name


class ItemDef(models.Model):
    stage = models.ForeignKey(StageDef, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    limit_days = models.PositiveSmallIntegerField(_("statutory limit (working days)"))
    commitment = models.BooleanField(_("告知承诺"), default=False)
    prereviewable = models.BooleanField(_("may be pre-reviewed before land"), default=False)
    waits_for = models.JSONField(default=list, blank=True)  # codes of items it must wait for
    # [[document code, 容缺 allowed], ...]
    documents = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["stage__order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Project(BaseModel):
    number = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="projects")
    parcel = models.CharField(_("land parcel"), max_length=100)
    land_contract_on = models.DateField(_("land contract date"), null=True, blank=True)
    investment = models.DecimalField(_("investment (10k yuan)"), max_digits=14, decimal_places=2)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agent_authorisation = models.CharField(max_length=200, blank=True)
    agent_authorised_on = models.DateField(null=True, blank=True)
    green_channel = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.IN_PROGRESS
    )
    started_on = models.DateField()
    permit_on = models.DateField(null=True, blank=True)
    quick_start = models.BooleanField(default=False, db_index=True)  # 拿地即开工
    # Stored when each stage closes (see docs/approvals.md): serial limits vs actual days.
    serial_days = models.PositiveIntegerField(default=0)
    actual_days = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ProjectStage(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    lead_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    issues_permit = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=StageStatus.choices, default=StageStatus.WAITING, db_index=True
    )
    opened_on = models.DateField(null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    dispatched_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    serial_days = models.PositiveIntegerField(default=0)
    working_days = models.PositiveIntegerField(null=True, blank=True)
    intake_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="approvals_stage_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class ProjectDocument(BaseModel):
    """One document of the project, uploaded once and reused by every item that needs it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=DocumentStatus.choices)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    promised_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)
    promise_broken = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="approvals_document_once")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_promised(self) -> bool:
        """Not received yet: 容缺, promised by ``promised_on``."""
        return self.status == DocumentStatus.PROMISED


class ProjectItem(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items")
    stage = models.ForeignKey(ProjectStage, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="items")
    limit_days = models.PositiveSmallIntegerField()
    commitment = models.BooleanField(default=False)
    prereviewable = models.BooleanField(default=False)
    waits_for = models.JSONField(default=list, blank=True)
    documents = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING, db_index=True
    )
    version = models.PositiveIntegerField(default=0)
    dispatched_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True, db_index=True)
    target_on = models.DateField(null=True, blank=True)  # green channel's internal target
    paused_since = models.DateField(null=True, blank=True)
    pauses = models.JSONField(default=list, blank=True)  # [["2026-06-01", "2026-06-03"], ...]
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    working_days = models.PositiveIntegerField(null=True, blank=True)
    prereviewed_on = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    reasons = models.TextField(blank=True)
    correction_request = models.TextField(blank=True)
    certificate_held = models.BooleanField(default=False)
    suspended_from = models.CharField(max_length=16, blank=True)
    alert_level = models.PositiveSmallIntegerField(default=0)  # 1 head alerted, 2 leadership

    class Meta:
        ordering = ["stage__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="approvals_item_once")
        ]
        indexes = [
            models.Index(fields=["department", "status"]),
            # a department's queue: its open items by deadline
            models.Index(fields=["department", "status", "due_on"], name="approvals_item_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.project.number}/{self.code}"

    @property
    def in_correction(self) -> bool:
        """The department asked for a correction; the clock stands until the applicant answers."""
        return self.status == ItemStatus.CORRECTION


class ExternalDecision(BaseModel):
    """A decision pushed by a department's own system, once per its case number."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    case_number = models.CharField(max_length=64)
    item = models.ForeignKey(ProjectItem, on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "case_number"], name="approvals_case_once"
            )
        ]

    def __str__(self) -> str:
        return self.case_number


class ComplianceCheck(BaseModel):
    """After a 告知承诺 approval: the check that the commitment holds, due within the limit."""

    item = models.OneToOneField(
        ProjectItem, on_delete=models.CASCADE, related_name="compliance_check"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=CheckStatus.choices, default=CheckStatus.OPEN)
    finding = models.TextField(blank=True)
    checked_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"check {self.item_id}"


class Certificate(BaseModel):
    item = models.OneToOneField(ProjectItem, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(max_length=32, unique=True)  # the verification code
    digest = models.CharField(max_length=64)  # SHA-256 of the certificate's facts
    facts = models.JSONField()
    issued_on = models.DateField()
    revoked = models.BooleanField(default=False)
    carrier = models.CharField(max_length=50, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True)
    shipped_on = models.DateField(null=True, blank=True)
    delivered_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code
