"""The zone registry: enterprises and the key-industry catalogue, people and their households,
employment and monthly social-insurance contributions, degrees, property and home-purchase
qualification, plus the history of imports that filled it. See docs/registry.md.

Dates named `*_to` / `ended_on` are the last day of a period (inclusive); `disposed_on` is the
day a property stopped being owned (the owner no longer owns it on that day). A NULL end means
"still in force"."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gaoxin.common.jobs import Job
from gaoxin.common.models import BaseModel

from . import choices, identifiers


def _in_period(day: date, start: date | None, end: date | None) -> bool:
    return start is not None and start <= day and (end is None or day <= end)


class KeyIndustry(BaseModel):
    """One category of the key-industry catalogue (重点产业目录), in force between two dates."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("key industry")
        verbose_name_plural = _("key-industry catalogue")
        permissions = [("manage_catalogue", "Can edit the key-industry catalogue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="registry_industry_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"

    def in_force_on(self, day: date) -> bool:
        return _in_period(day, self.effective_from, self.effective_to)


class Enterprise(BaseModel):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    sector = models.CharField(_("industry sector (GB/T 4754)"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=choices.EnterpriseStatus.choices,
        default=choices.EnterpriseStatus.ACTIVE,
        db_index=True,
    )
    business_in_zone_from = models.DateField(_("business registration in zone from"), null=True)
    business_in_zone_to = models.DateField(_("business registration in zone to"), null=True)
    tax_in_zone_from = models.DateField(_("tax relationship in zone from"), null=True)
    tax_in_zone_to = models.DateField(_("tax relationship in zone to"), null=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        permissions = [("view_registry", "Can browse the zone registry")]

    def __str__(self) -> str:
        return self.name

    def in_zone_on(self, day: date) -> bool:
        """工商税务关系在区内: both the business registration and the tax relationship."""
        return _in_period(day, self.business_in_zone_from, self.business_in_zone_to) and (
            _in_period(day, self.tax_in_zone_from, self.tax_in_zone_to)
        )


class EnterpriseClassification(BaseModel):
    """An enterprise's recognition as part of a key industry, for a period, on a recorded basis
    (e.g. the zone's recognition notice and its reference number)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="classifications"
    )
    industry = models.ForeignKey(KeyIndustry, on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=300)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("key-industry classification")
        verbose_name_plural = _("key-industry classifications")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "industry", "effective_from"],
                name="registry_classification_key",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="registry_classification_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.industry_id}@{self.effective_from}"


class Person(BaseModel):
    id_number = models.CharField(_("resident ID number"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=50, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=choices.Sex.choices)
    birth_date = models.DateField(_("birth date"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("view_personal_data", "Can see unmasked ID numbers, names and phones")]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_id_number(self) -> str:
        return identifiers.mask_id_number(self.id_number)

    @property
    def masked_name(self) -> str:
        return identifiers.mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return identifiers.mask_phone(self.phone)


class Marriage(BaseModel):
    """Stored once per couple with person_a.id < person_b.id; `ended_on` is the divorce date or
    the last day of the marriage."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    married_on = models.DateField(_("marriage registered on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("marriage")
        verbose_name_plural = _("marriages")
        constraints = [
            models.UniqueConstraint(
                fields=["person_a", "person_b", "married_on"], name="registry_marriage_key"
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="registry_marriage_order"
            ),
        ]
        indexes = [models.Index(fields=["person_b"], name="registry_marriage_b")]

    def __str__(self) -> str:
        return f"{self.person_a_id}+{self.person_b_id}@{self.married_on}"

    def in_force_on(self, day: date) -> bool:
        return _in_period(day, self.married_on, self.ended_on)


class ParentChild(BaseModel):
    parent = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("parent and child")
        verbose_name_plural = _("parents and children")
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="registry_parentchild_key")
        ]
        indexes = [models.Index(fields=["child"], name="registry_parentchild_child")]

    def __str__(self) -> str:
        return f"{self.parent_id}>{self.child_id}"


class Employment(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="employments")
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("employment")
        verbose_name_plural = _("employment")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "enterprise", "started_on"], name="registry_employment_key"
            )
        ]
        indexes = [models.Index(fields=["enterprise"], name="registry_employment_ent")]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.enterprise_id}:{self.started_on}"


class InsuranceContribution(models.Model):
    """One month of social insurance paid for a person by an employer. Narrow on purpose (the
    zone holds tens of millions): no timestamps, the month as the integer YYYYMM. The unique
    index (person, month, employer) is both the natural key and the index the continuity
    selector scans."""

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    month = models.PositiveIntegerField(_("month (YYYYMM)"))
    in_zone = models.BooleanField(_("paid in the zone"))
    is_makeup = models.BooleanField(_("make-up payment (补缴)"), default=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("social-insurance contribution")
        verbose_name_plural = _("social-insurance contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "month", "employer"], name="registry_insurance_key"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=199001, month__lte=210012), name="registry_insurance_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.month}@{self.employer_id}"


class Degree(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="degrees")
    level = models.PositiveSmallIntegerField(_("level"), choices=choices.DegreeLevel.choices)
    institution = models.CharField(_("institution"), max_length=200)
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    verification_ref = models.CharField(_("verification reference"), max_length=64, unique=True)
    verification_status = models.CharField(
        _("verification"),
        max_length=12,
        choices=choices.VerificationStatus.choices,
        default=choices.VerificationStatus.UNVERIFIED,
    )

    class Meta:
        ordering = ["-level"]
        verbose_name = _("degree")
        verbose_name_plural = _("degrees")
        indexes = [models.Index(fields=["person", "level"], name="registry_degree_person")]

    def __str__(self) -> str:
        return self.verification_ref


class Property(BaseModel):
    certificate_no = models.CharField(_("property certificate number"), max_length=64, unique=True)
    address = models.CharField(_("location"), max_length=300)
    district = models.CharField(_("district"), max_length=50)
    in_zone = models.BooleanField(_("inside the zone"))
    use = models.CharField(_("use"), max_length=12, choices=choices.PropertyUse.choices)
    registered_on = models.DateField(_("registered on"))
    disposed_on = models.DateField(_("disposed on"), null=True, blank=True)
    owners: models.ManyToManyField[Person, PropertyOwner] = models.ManyToManyField(
        Person, through="PropertyOwner", related_name="properties"
    )

    class Meta:
        ordering = ["-registered_on"]
        verbose_name = _("property")
        verbose_name_plural = _("property")
        constraints = [
            models.CheckConstraint(
                condition=Q(disposed_on__isnull=True) | Q(disposed_on__gte=F("registered_on")),
                name="registry_property_period",
            )
        ]

    def __str__(self) -> str:
        return self.certificate_no

    def owned_on(self, day: date) -> bool:
        return self.registered_on <= day and (self.disposed_on is None or day < self.disposed_on)


class PropertyOwner(models.Model):
    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="ownerships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("property owner")
        verbose_name_plural = _("property owners")
        constraints = [
            models.UniqueConstraint(fields=["property", "person"], name="registry_owner_key")
        ]
        indexes = [models.Index(fields=["person"], name="registry_owner_person")]

    def __str__(self) -> str:
        return f"{self.property_id}:{self.person_id}"


class PurchaseQualification(BaseModel):
    """购房资格 as decided by the city's housing authority for a person (the main applicant of
    a household), valid between two dates."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="qualifications")
    status = models.CharField(
        _("status"), max_length=16, choices=choices.QualificationStatus.choices
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    decision_ref = models.CharField(_("decision reference"), max_length=64, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("home-purchase qualification")
        verbose_name_plural = _("home-purchase qualifications")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "valid_from"], name="registry_qualification_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.status}@{self.valid_from}"


class ImportRun(Job):
    """One uploaded agency file and what became of it: a background job (common/jobs.py) with
    its own lifecycle, which changes only through `imports.runner.transition` (the one list of
    allowed transitions)."""

    ACTIVE: ClassVar[frozenset[str]] = frozenset(
        {choices.ImportStatus.PENDING, choices.ImportStatus.READING, choices.ImportStatus.WRITING}
    )
    SUCCEEDED: ClassVar[frozenset[str]] = frozenset({choices.ImportStatus.SUCCEEDED})
    FAILED: ClassVar[frozenset[str]] = frozenset(
        {choices.ImportStatus.REJECTED, choices.ImportStatus.FAILED}
    )

    kind = models.CharField(_("kind"), max_length=16, choices=choices.ImportKind.choices)
    mode = models.CharField(
        _("mode"),
        max_length=16,
        choices=choices.ImportMode.choices,
        default=choices.ImportMode.ALL_OR_NOTHING,
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.ImportStatus.choices,
        default=choices.ImportStatus.PENDING,
        db_index=True,
    )
    file = models.FileField(
        _("file"), upload_to="registry/imports/%Y/%m/", max_length=300, blank=True
    )
    # Imports started from the command line read the file where it lies instead.
    source_path = models.CharField(_("server path"), max_length=500, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=16, default="web")
    total_rows = models.PositiveBigIntegerField(_("rows (estimate)"), default=0)
    processed_rows = models.PositiveBigIntegerField(_("rows read"), default=0)
    valid_rows = models.PositiveBigIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveBigIntegerField(_("rows with errors"), default=0)
    inserted = models.PositiveBigIntegerField(_("inserted"), default=0)
    updated = models.PositiveBigIntegerField(_("updated"), default=0)
    unchanged = models.PositiveBigIntegerField(_("unchanged"), default=0)
    errors_preview = models.JSONField(_("first errors"), default=list, blank=True)
    # Warnings do not stop a row (a name character no bundled PDF font can draw).
    warning_count = models.PositiveBigIntegerField(_("warnings"), default=0)
    warnings_preview = models.JSONField(_("first warnings"), default=list, blank=True)
    error_report = models.FileField(
        _("error report"), upload_to="registry/reports/%Y/%m/", max_length=300, blank=True
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        permissions = [("run_import", "Can import agency files into the registry")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.original_name}"

    @property
    def is_rejected(self) -> bool:
        """Read to the end and refused: rows with errors, nothing written."""
        return self.status == choices.ImportStatus.REJECTED

    @property
    def stage_text(self) -> str:
        """What the worker is doing now, for the progress display."""
        from django.utils.translation import gettext as _t

        if self.status == choices.ImportStatus.PENDING:
            return _t("Waiting for the background worker to pick the file up…")
        if self.status == choices.ImportStatus.WRITING:
            return _t("All rows read; writing to the registry in one transaction…")
        return _t("%(n)s of about %(total)s rows read") % {
            "n": self.processed_rows,
            "total": self.total_rows,
        }

    def error_message_in(self, language: str) -> str:
        from .errors import by_code

        error = by_code(self.error_code)
        if error is None:
            return self.error or self.error_code
        return error.render(language, **self.error_params)

    def progress(self) -> tuple[int, int]:
        return (self.processed_rows, self.total_rows)


class IdentityBinding(BaseModel):
    """An account bound to the one registry person it acts as (an applicant registers only as
    this person). One person, one account: both sides are unique. Made by the provincial
    identity service's verified ID-number claim (OpenID Connect) or by a counter officer who
    checked the ID card (services.identity); `bound_by` is that officer, or the account itself
    for the identity service. Audited as registry.identity.bound."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="identity_binding",
    )
    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="binding"
    )
    method = models.CharField(_("how"), max_length=8, choices=choices.BindingMethod.choices)
    bound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bound by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bound_at = models.DateTimeField(_("bound at"))
    # What was checked: the identity service's issuer and subject, or the counter's note.
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("identity binding")
        verbose_name_plural = _("identity bindings")

    def __str__(self) -> str:
        return f"{self.user_id} = {self.person.masked_id_number}"

    @property
    def by_identity_service(self) -> bool:
        return self.method == choices.BindingMethod.OIDC
