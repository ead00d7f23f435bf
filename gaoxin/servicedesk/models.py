"""The grid service desk (网格化企业服务): grids, carriers and who serves whom; request categories
and their limits; requests (诉求) with their steps up the escalation ladder, their history and
attachments. See docs/servicedesk.md.

Effective-dated rows (`valid_from`, `valid_to`) keep history: `valid_to` is the last day a row
held (inclusive), NULL while it holds. A request stores who served it at each step, so a
reassignment never rewrites the past."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import BaseModel
from gaoxin.registry.models import Enterprise

from .choices import (
    CarrierKind,
    Channel,
    EntryKind,
    HazardLevel,
    HazardStatus,
    Level,
    NoticeKind,
    RequestStatus,
    Severity,
)


class Department(BaseModel):
    """A department that takes escalated matters (人社, 市场监管, 住建, 税务, 应急 …)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name_zh


class Grid(BaseModel):
    """One grid (网格): a boundary and the enterprises and carriers inside it."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # A GeoJSON Polygon geometry: {"type": "Polygon", "coordinates": [[[lon, lat], …]]}.
    boundary = models.JSONField(_("boundary (GeoJSON polygon)"), default=dict, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Carrier(BaseModel):
    """A carrier (载体): a park, incubator or office building housing enterprises."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=CarrierKind.choices)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="carriers")
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self) -> str:
        return self.name


class EnterpriseAssignment(models.Model):
    """Which grid (and carrier) serves a key enterprise, from when to when."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="assignments")
    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("grid assignment")
        verbose_name_plural = _("grid assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(valid_to__isnull=True),
                name="servicedesk_one_current_assignment",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="servicedesk_assignment_period",
            ),
        ]
        indexes = [models.Index(fields=["grid", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.grid_id} ({self.valid_from})"


class Duty(BaseModel):
    """A duty of a grid's team. The zone edits the list; "1+3" is one core duty (enterprise
    service) plus work safety, statistics and public-health prevention."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100)
    core = models.BooleanField(_("core duty"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")

    def __str__(self) -> str:
        return self.name_zh


class DutyHolder(models.Model):
    """An officer answerable for one duty in one grid, from when to when. One person may hold
    several duties; each duty of a grid has one holder at a time."""

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="duty_holders")
    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty holder")
        verbose_name_plural = _("duty holders")
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "duty"],
                condition=Q(valid_to__isnull=True),
                name="servicedesk_one_current_holder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grid_id}/{self.duty_id}: {self.officer_id} ({self.valid_from})"


class Category(BaseModel):
    """A kind of request, its default department and the working-day limit of each step."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer_days = models.PositiveSmallIntegerField(_("grid officer's limit (working days)"))
    leader_days = models.PositiveSmallIntegerField(_("grid leader's limit (working days)"))
    department_days = models.PositiveSmallIntegerField(_("department's limit (working days)"))
    leadership_days = models.PositiveSmallIntegerField(_("leadership's limit (working days)"))
    active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=Q(officer_days__gte=1)
                & Q(leader_days__gte=1)
                & Q(department_days__gte=1)
                & Q(leadership_days__gte=1),
                name="servicedesk_category_limits_positive",
            )
        ]

    def __str__(self) -> str:
        return self.name_zh

    def limit(self, level: int) -> int:
        return {
            Level.OFFICER: self.officer_days,
            Level.LEADER: self.leader_days,
            Level.DEPARTMENT: self.department_days,
            Level.LEADERSHIP: self.leadership_days,
        }[Level(level)]


class ServiceRequest(BaseModel):
    """A request (诉求) of one enterprise, on the clock of its current step.

    The figures of the dashboard read the columns filled at resolution (`resolved_on`,
    `resolved_level`, `resolved_on_time`, `working_days`) so that counting a year of requests is
    one aggregate over one table."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="requests")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    hotline_case = models.CharField(
        _("12345 case number"), max_length=40, null=True, blank=True, unique=True
    )
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.ACCEPTED
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=1)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    accepted_on = models.DateField(_("accepted on"), db_index=True)
    step_started_on = models.DateField(_("step started on"))
    # The current step's deadline; NULL while the clock is stopped (waiting for the enterprise).
    step_due = models.DateField(_("due"), null=True, blank=True)
    due_provisional = models.BooleanField(_("deadline provisional"), default=False)
    # Days of the current step that do not count: [[first, last], …] (ISO dates, inclusive).
    pauses = models.JSONField(_("pauses"), default=list, blank=True)
    waiting_since = models.DateField(_("waiting since"), null=True, blank=True)
    reply = models.TextField(_("reply to the enterprise"), blank=True)
    redone = models.BooleanField(_("redone once (重办)"), default=False)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolved_level = models.PositiveSmallIntegerField(
        _("resolved at level"), choices=Level.choices, null=True, blank=True
    )
    resolved_on_time = models.BooleanField(_("resolved within every limit"), null=True)
    working_days = models.PositiveIntegerField(_("working days to resolve"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    overdue_steps = models.PositiveSmallIntegerField(_("steps overdue"), default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    # Raised by every change: a form carries the version it was shown, and an action on an
    # older version is refused as a conflict (two officers acting at the same moment).
    version = models.PositiveIntegerField(default=1)
    last_change = models.CharField(_("last change"), max_length=32, blank=True)
    last_changed_by = models.CharField(_("last changed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-accepted_on", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="servicedesk_rating_1_to_5",
            )
        ]
        indexes = [
            models.Index(fields=["status", "step_due"], name="servicedesk_req_due"),
            models.Index(fields=["grid", "accepted_on"], name="servicedesk_req_grid"),
            models.Index(fields=["accepted_on"], name="servicedesk_req_accepted"),
            # Open and overdue now: the open requests by deadline (a few thousand of millions).
            models.Index(
                fields=["step_due"],
                condition=models.Q(
                    status__in=[
                        RequestStatus.ACCEPTED,
                        RequestStatus.ASSIGNED,
                        RequestStatus.IN_PROGRESS,
                        RequestStatus.WAITING,
                    ]
                ),
                name="servicedesk_req_open_due",
            ),
            models.Index(fields=["department", "status"], name="servicedesk_req_dept"),
            models.Index(fields=["enterprise", "status"], name="servicedesk_req_ent"),
            models.Index(fields=["handler", "status"], name="servicedesk_req_handler"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED)

    def overdue_on(self, day: date) -> bool:
        return self.is_open and self.step_due is not None and self.step_due < day


class RequestStep(models.Model):
    """One step of a request on the ladder: who had it, from when, by when, how it ended."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="steps")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # How the step began: accepted, escalated by hand (with a reason) or by the deadline job.
    how = models.CharField(_("how"), max_length=16)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")

    def __str__(self) -> str:
        return f"{self.request_id} level {self.level} from {self.started_on}"


class RequestEntry(models.Model):
    """The request's history: internal notes, replies the enterprise sees, and events."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("author"), max_length=150)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("request entry")
        verbose_name_plural = _("request entries")

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} #{self.pk}"

    @property
    def public(self) -> bool:
        return self.kind != EntryKind.NOTE


class RequestAttachment(models.Model):
    """A photo or file on a request; internal ones are seen by staff only."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="servicedesk/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(max_length=100, default="")
    internal = models.BooleanField(_("internal"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


# -- the figures' monthly store (figurestore.py) -------------------------------------------------


class FigureMonth(models.Model):
    """The counts behind the dashboard's figures for the requests accepted in one calendar month,
    per grid, category, department and handler: a cache of `ServiceRequest`, rebuilt month by
    month from it whenever a service marks the month changed (figurestore.py). Merged requests are
    left out, as the figures leave them out."""

    month = models.DateField()  # the first day
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    accepted = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    in_grid = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)  # still open now (the map's shading)
    days_sum = models.FloatField(default=0)  # working days to resolve, summed over `days_n`
    days_n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "grid"], name="servicedesk_figmonth")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.grid_id}"


class FigureMonthChanged(models.Model):
    """A month whose requests changed since the store last counted it (appended by the services
    in the same transaction as the change; consumed by figurestore.refresh)."""

    month = models.DateField()

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


# -- visits and work safety (docs/servicedesk.md, "Visits and work safety") ---------------------


class FieldSettings(models.Model):
    """The zone's settings for visits and hazards: one row (pk 1), edited by zone
    administrators. Every change is audited."""

    visits_per_quarter = models.PositiveSmallIntegerField(
        _("visits per key enterprise per quarter"), default=1
    )
    general_days = models.PositiveSmallIntegerField(
        _("rectification limit, general hazard (working days)"), default=10
    )
    serious_days = models.PositiveSmallIntegerField(
        _("rectification limit, serious hazard (working days)"), default=5
    )
    major_days = models.PositiveSmallIntegerField(
        _("rectification limit, major hazard (working days)"), default=3
    )

    class Meta:
        verbose_name = _("visit and safety settings")
        verbose_name_plural = _("visit and safety settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(visits_per_quarter__gte=1)
                & Q(general_days__gte=1)
                & Q(serious_days__gte=1)
                & Q(major_days__gte=1),
                name="servicedesk_field_settings_positive",
            )
        ]

    def __str__(self) -> str:
        return f"N={self.visits_per_quarter}"

    def days(self, severity: str) -> int:
        return {
            Severity.GENERAL: self.general_days,
            Severity.SERIOUS: self.serious_days,
            Severity.MAJOR: self.major_days,
        }[Severity(severity)]


class Visit(models.Model):
    """An officer's visit to a key enterprise (走访): notes, findings, and the request a finding
    became."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="visits")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("visited on"))
    notes = models.TextField(_("notes"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["grid", "visited_on"], name="servicedesk_visit_grid"),
            models.Index(fields=["enterprise", "visited_on"], name="servicedesk_visit_ent"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.visited_on}"


class ChecklistTemplate(models.Model):
    """A work-safety checklist (检查表). Its items live in versions: editing makes a new version,
    and a past inspection keeps the version it was done against."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self) -> str:
        return self.name

    def current(self) -> ChecklistVersion | None:
        return self.versions.order_by("-number").first()


class ChecklistVersion(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    items = models.JSONField(_("items"), default=list)  # ["消防通道畅通", …]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "number"]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="servicedesk_checklist_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.number}"


class Inspection(models.Model):
    """A work-safety inspection of an enterprise against one checklist version."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="inspections")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, related_name="+")
    inspected_on = models.DateField(_("inspected on"))
    # One answer per item of the version, in order: True passed, False failed.
    results = models.JSONField(_("results"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.inspected_on}"

    def answers(self) -> list[tuple[str, bool | None]]:
        items = list(self.version.items)
        results = list(self.results) + [None] * (len(items) - len(self.results))
        return list(zip(items, results, strict=False))


class Hazard(models.Model):
    """A work-safety hazard (隐患) found at an inspection: severity, rectification deadline in
    working days by severity, re-inspection; an overdue one escalates like a request."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="hazards")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="hazards")
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=HazardStatus.choices, default=HazardStatus.OPEN
    )
    level = models.PositiveSmallIntegerField(
        _("answerable"), choices=HazardLevel.choices, default=HazardLevel.OFFICER
    )
    found_on = models.DateField(_("found on"))
    due_on = models.DateField(_("rectify by"))
    due_provisional = models.BooleanField(_("deadline provisional"), default=False)
    # The current rung's deadline (the job escalates when it has passed).
    step_due = models.DateField(_("step due"))
    reported_on = models.DateField(_("rectification reported on"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectified_on_time = models.BooleanField(_("rectified on time"), null=True)
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        indexes = [
            models.Index(fields=["status", "step_due"], name="servicedesk_hazard_due"),
            models.Index(fields=["grid", "due_on"], name="servicedesk_hazard_grid"),
        ]

    def __str__(self) -> str:
        return self.number

    def overdue_on(self, day: date) -> bool:
        return self.status == HazardStatus.OPEN and self.due_on < day

    @property
    def is_closed(self) -> bool:
        return self.status == HazardStatus.CLOSED

    @property
    def awaits_rectification(self) -> bool:
        """Found and not yet reported rectified: the enterprise's move."""
        return self.status == HazardStatus.OPEN

    @property
    def awaits_reinspection(self) -> bool:
        """The enterprise reported it rectified: a re-inspection is what comes next."""
        return self.status == HazardStatus.REPORTED


class HazardCheck(models.Model):
    """A hazard's history: the finding, rectification reports, re-inspections, escalations."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("kind"), max_length=16)
    passed = models.BooleanField(null=True)
    text = models.TextField(_("text"), blank=True)
    author_name = models.CharField(_("author"), max_length=150)
    on = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["hazard", "id"]
        verbose_name = _("hazard check")
        verbose_name_plural = _("hazard checks")

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.kind}"


class HazardPhoto(models.Model):
    """Photo evidence of a hazard or of its rectification."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="servicedesk/hazards/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(max_length=32)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["hazard", "id"]
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")

    def __str__(self) -> str:
        return self.original_name


# -- notices (docs/servicedesk.md, "Notices") ---------------------------------------------------


class Notice(models.Model):
    """A notice (通知) from the zone to the enterprises of chosen grids or key industries."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    grids = models.JSONField(_("grids"), default=list)  # grid codes
    industries = models.JSONField(_("key industries"), default=list)  # KeyIndustry codes
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_on = models.DateField(_("sent on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.number


class NoticeRecipient(models.Model):
    """One enterprise a notice went to, the grid serving it then, and its acknowledgement."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["notice", "grid", "enterprise"]
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [
            models.UniqueConstraint(fields=["notice", "enterprise"], name="servicedesk_notice_once")
        ]
        indexes = [models.Index(fields=["enterprise", "notice"], name="servicedesk_notice_ent")]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.enterprise_id}"


# -- statistics collection (docs/servicedesk.md, "Statistics collection") -----------------------

from .models_statistics import (  # noqa: E402, F401  (Django finds the app's models here)
    StatisticsField,
    StatisticsForm,
    StatisticsFormVersion,
    StatisticsReport,
    StatisticsValue,
)
