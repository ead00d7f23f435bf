"""Statistics collection (数据统计): the zone's report forms with their versioned fields, and one
report per enterprise, form and period with its values as typed decimals (docs/servicedesk.md,
"Statistics collection"). Imported by models.py, so Django sees these as the desk's models.

Later work reads the figures through `selectors_statistics.figures_for(enterprise, period)`:
one row per value in `StatisticsValue`, keyed by the field's code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import BaseModel
from gaoxin.registry.models import Enterprise

from .choices import FieldKind, PeriodType, ReportStatus


class StatisticsForm(BaseModel):
    """A report form (统计报表) the zone collects from its key enterprises, per period type.
    Its fields live in versions: changing them makes a new version, and a report keeps the
    version it was started on."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    period_type = models.CharField(_("period type"), max_length=10, choices=PeriodType.choices)
    # The first period collected is the one containing this day.
    starts_on = models.DateField(_("collected from"))
    # A period's report is due this many working days after the period ends.
    due_days = models.PositiveSmallIntegerField(_("due (working days after the period)"))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("statistics form")
        verbose_name_plural = _("statistics forms")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_days__gte=1) & Q(due_days__lte=60),
                name="servicedesk_stats_form_due_days",
            )
        ]

    def __str__(self) -> str:
        return self.name_zh

    def current(self) -> StatisticsFormVersion | None:
        return self.versions.order_by("-number").first()


class StatisticsFormVersion(models.Model):
    form = models.ForeignKey(StatisticsForm, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["form", "number"]
        verbose_name = _("statistics form version")
        verbose_name_plural = _("statistics form versions")
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="servicedesk_stats_version")
        ]

    def __str__(self) -> str:
        return f"{self.form_id} v{self.number}"


class StatisticsField(models.Model):
    """One field (指标) of a form version: 营业收入 in 万元, a decimal, required, plausible within
    ±30% of the previous period."""

    version = models.ForeignKey(
        StatisticsFormVersion, on_delete=models.PROTECT, related_name="fields"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=32)
    label_zh = models.CharField(_("Chinese label"), max_length=60)
    label_en = models.CharField(_("English label"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=FieldKind.choices)
    required = models.BooleanField(_("required"), default=True)
    # Plausible change against the previous period, in percent either way; NULL: not checked.
    band = models.DecimalField(
        _("plausible change (±%)"), max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("statistics field")
        verbose_name_plural = _("statistics fields")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="servicedesk_stats_field")
        ]

    def __str__(self) -> str:
        return self.label_zh

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en


class StatisticsReport(models.Model):
    """One enterprise's report of one form for one period (unique), and who filled it."""

    form = models.ForeignKey(StatisticsForm, on_delete=models.PROTECT, related_name="reports")
    version = models.ForeignKey(StatisticsFormVersion, on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    # The period's label ("2026-03", "2026-Q1", "2026") and its first and last day.
    period = models.CharField(_("period"), max_length=8)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # The grid that served the enterprise on the period's last day (whose officer answers).
    grid = models.ForeignKey(
        "servicedesk.Grid", on_delete=models.PROTECT, related_name="statistics_reports"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    filled_by_officer = models.BooleanField(_("filled by the grid officer"), default=False)
    filled_at = models.DateTimeField(_("last filled at"), null=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    # Raised by every change: a form carries the revision it was shown (two people at once).
    revision = models.PositiveIntegerField(default=1)
    last_changed_by = models.CharField(_("last changed by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "enterprise"]
        verbose_name = _("statistics report")
        verbose_name_plural = _("statistics reports")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "enterprise", "period"], name="servicedesk_stats_report_once"
            )
        ]
        indexes = [
            models.Index(fields=["form", "period", "status"], name="servicedesk_stats_period"),
            models.Index(fields=["enterprise", "period"], name="servicedesk_stats_ent"),
        ]

    def __str__(self) -> str:
        return f"{self.form_id}/{self.period}/{self.enterprise_id}"

    @property
    def editable(self) -> bool:
        """Values may still change: a draft, or a report returned for correction."""
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    @property
    def counted(self) -> bool:
        """Sent in: counts as submitted for completeness and is read by figures_for."""
        return self.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)

    @property
    def awaits_review(self) -> bool:
        return self.status == ReportStatus.SUBMITTED


class StatisticsValue(models.Model):
    """One figure of a report, as a typed decimal, with the explanation given for an implausible
    change. `code` repeats the field's code so that figures read across versions by code."""

    report = models.ForeignKey(StatisticsReport, on_delete=models.CASCADE, related_name="values")
    field = models.ForeignKey(StatisticsField, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=32)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ["report", "field__position"]
        verbose_name = _("statistics value")
        verbose_name_plural = _("statistics values")
        constraints = [
            models.UniqueConstraint(fields=["report", "field"], name="servicedesk_stats_value")
        ]
        indexes = [models.Index(fields=["code", "report"], name="servicedesk_stats_code")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.code}={self.value}"
