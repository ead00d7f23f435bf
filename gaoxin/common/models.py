"""Shared model base and the tamper-evident audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One append-only event. `hash` covers every other field and `prev_hash`, so the events
    form a hash chain; `seq` numbers them without gaps. Written only by `audit.record`."""

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """Singleton row (pk=1): the newest event's seq and hash. Locked by every append, so events
    are chained one at a time even with many app servers."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_event_id = models.PositiveBigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.last_event_id}:{self.last_hash}"


class AuditCheckpoint(models.Model):
    """A signed statement of the audit chain's head at a moment (daily, at every draw, or on
    demand): `common/checkpoints.py`. The signing key lives outside the database and every
    checkpoint is also appended to a journal file, so someone who can only write the database
    can neither forge one nor make one disappear."""

    seq = models.PositiveBigIntegerField()
    event_id = models.PositiveBigIntegerField(null=True, blank=True)
    chain_hash = models.CharField(max_length=64)
    reason = models.CharField(max_length=80)
    signed_at = models.DateTimeField(db_index=True)
    public_key = models.CharField(max_length=64)  # Ed25519, hex
    signature = models.CharField(max_length=128, unique=True)  # hex

    class Meta:
        verbose_name = _("audit checkpoint")
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.seq}:{self.chain_hash}"

    @property
    def reason_label(self) -> str:
        if self.reason == "daily":
            return str(_("daily"))
        if self.reason.startswith("draw:"):
            return str(_("draw of batch %(code)s") % {"code": self.reason.removeprefix("draw:")})
        if self.reason.startswith("before-draw:"):
            code = self.reason.removeprefix("before-draw:")
            return str(_("just before the draw of batch %(code)s") % {"code": code})
        if self.reason == "manual":
            return str(_("on request"))
        return self.reason


class AuditCountersignature(models.Model):
    """A notary or auditor attests that they recorded a checkpoint's head themselves."""

    checkpoint = models.ForeignKey(
        AuditCheckpoint, on_delete=models.PROTECT, related_name="countersignatures"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit checkpoint countersignature")
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "user"], name="countersign_once")
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} by {self.user_id}"


class CalendarYear(models.Model):
    """A year of China's official calendar that has been entered (common/workdays.py): its
    public holidays and the weekend days that become working days (调休) are CalendarDay rows.
    Deadlines that reach a year without a row are computed on weekends alone, provisionally."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    source = models.CharField(
        max_length=200
    )  # "chinesecalendar 1.11.0" or the State Council notice
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the plain week: a holiday (休) or an adjusted working day (班)."""

    HOLIDAY = "holiday"
    WORKDAY = "workday"

    day = models.DateField(primary_key=True)
    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    kind = models.CharField(
        max_length=8, choices=[(HOLIDAY, _("holiday")), (WORKDAY, _("working day"))]
    )
    name = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"

    @property
    def is_holiday(self) -> bool:
        return self.kind == self.HOLIDAY


class ScheduledRun(models.Model):
    """One due occurrence of a periodic job (common/scheduler.py), claimed by whichever
    scheduler inserts it first: the unique (name, due_at) makes a due job run once however
    many workers on however many hosts tick at that moment."""

    name = models.CharField(max_length=100)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    claimed_by = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        constraints = [
            models.UniqueConstraint(fields=["name", "due_at"], name="scheduled_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.due_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """A message to one user (common/notifications.py): shown in the app's inbox and, where
    the user has an e-mail address, sent by e-mail after the commit that caused it."""

    EMAIL_NONE = "none"  # no address, or not wanted
    EMAIL_PENDING = "pending"
    EMAIL_SENT = "sent"
    EMAIL_FAILED = "failed"  # tried; retried by the scheduler until MAX_ATTEMPTS

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=8, default=EMAIL_NONE)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject


class WorkerBeat(models.Model):
    """A background worker process saying it is alive (every heartbeat, worker.Monitor): pages
    whose job waits can tell "queued" from "nobody will ever run it"."""

    worker = models.CharField(max_length=200, primary_key=True)  # host:pid
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")

    def __str__(self) -> str:
        return f"{self.worker} {self.beat_at:%H:%M:%S}"


class TaskLease(models.Model):
    """A background task a worker process is running (gaoxin/common/worker.py): which process
    (host, boot, pid and its start time) and when it last showed it was alive. A RUNNING task
    whose lease's process is gone, or whose heartbeat stopped, was lost and is run again."""

    task_id = models.UUIDField(primary_key=True)
    task_path = models.CharField(max_length=200)
    worker_id = models.CharField(max_length=64, blank=True)
    host = models.CharField(max_length=255)
    boot_id = models.CharField(max_length=64, blank=True)
    pid = models.PositiveIntegerField()
    process_started = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.task_path} on {self.host}:{self.pid}"
