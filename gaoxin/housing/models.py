"""职住平衡 sales: projects (楼盘), sale batches (批次) with their units, applications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from gaoxin.common.jobs import Job
from gaoxin.common.models import BaseModel

from .choices import (
    ApplicationStatus,
    BatchStatus,
    Channel,
    OverrideStatus,
    Relation,
    TurnSource,
    TurnStatus,
    UnitStatus,
)


class SalesOffice(BaseModel):
    """A developer's sales office (开发企业). Its staff hold the developer role scoped to it (an
    accounts.RoleGrant with scope "sales_office" and the office's id) and see only its own
    projects."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)

    class Meta:
        verbose_name = _("sales office")
        verbose_name_plural = _("sales offices")

    def __str__(self) -> str:
        return self.name


class HousingProject(BaseModel):
    name = models.CharField(_("project name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    district = models.CharField(_("district"), max_length=50, default="高新区")
    sales_office = models.ForeignKey(
        SalesOffice,
        verbose_name=_("sales office"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    presale_permit = models.CharField(_("pre-sale permit number"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("housing project")
        verbose_name_plural = _("housing projects")

    def __str__(self) -> str:
        return self.name


class SaleBatch(BaseModel):
    """One registration-and-lottery sale. `config` is the fairdraw configuration (units, rounds
    with pools and quotas, key mode, waitlist length); `entropy` the fairdraw entropy declaration
    (public future values and the notary's commitment), fixed when registration opens."""

    project = models.ForeignKey(HousingProject, on_delete=models.PROTECT, related_name="batches")
    name = models.CharField(_("batch name"), max_length=200)
    code = models.CharField(
        _("batch code"),
        max_length=16,
        unique=True,
        help_text=_("Prefix of registration numbers, e.g. H2026A"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=BatchStatus.choices,
        default=BatchStatus.DRAFT,
        db_index=True,
    )
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    config = models.JSONField(_("allocation rules"), default=dict)
    entropy = models.JSONField(_("entropy declaration"), default=dict)
    next_number = models.PositiveIntegerField(default=1, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("objections close"), null=True, blank=True)

    class Meta:
        verbose_name = _("sale batch")
        verbose_name_plural = _("sale batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="housing_batch_window_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.name}"


class Unit(BaseModel):
    batch = models.ForeignKey(SaleBatch, on_delete=models.CASCADE, related_name="units")
    building = models.CharField(_("building"), max_length=20)
    entrance = models.CharField(_("unit (entrance)"), max_length=20, blank=True)
    room = models.CharField(_("room"), max_length=20)
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=2)
    price = models.DecimalField(_("total price (yuan)"), max_digits=12, decimal_places=2)
    status = models.CharField(
        max_length=12, choices=UnitStatus.choices, default=UnitStatus.AVAILABLE
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        # natural order: 201 before 1001, building 2 before building 10
        ordering = [
            Length("building"),
            "building",
            Length("entrance"),
            "entrance",
            Length("room"),
            "room",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "building", "entrance", "room"], name="housing_unit_unique"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.building}-{self.entrance}-{self.room}"
            if self.entrance
            else (f"{self.building}-{self.room}")
        )


class Application(BaseModel):
    """One household's registration. `salt` and `identity_commitment` make the roster entry:
    the applicant keeps the salt (on the receipt) to check their entry later."""

    batch = models.ForeignKey(SaleBatch, on_delete=models.PROTECT, related_name="applications")
    number = models.CharField(_("registration number"), max_length=32, unique=True)
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    claims_first_home = models.BooleanField(_("claims the first-home pool"), default=False)
    claims_key_industry = models.BooleanField(_("claims the key-industry pool"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="housing_applications",
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    salt = models.CharField(max_length=64)
    identity_commitment = models.CharField(max_length=64)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # When the applicant confirmed it from the account bound to the principal applicant (a web
    # registration is confirmed as it is made; a sales office's entry when the applicant
    # confirms it). Only confirmed registrations count: their members are `live`.
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number

    @property
    def pools(self) -> list[str]:
        """fairdraw pool names claimed; everyone eligible is in the general pool."""
        claimed = ["first_home"] if self.claims_first_home else []
        claimed += ["key_industry"] if self.claims_key_industry else []
        return [*claimed, "general"]


class ApplicationMember(models.Model):
    """A person in an application. The partial unique constraint is what makes "a person may
    appear in only one (live) application per batch" hold under concurrent submissions. A
    member is live while the application is confirmed and not withdrawn: a sales office's
    unconfirmed entry blocks nobody."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    batch = models.ForeignKey(SaleBatch, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(max_length=10, choices=Relation.choices)
    id_number = models.CharField(_("resident ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=50)
    live = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "id_number"],
                condition=Q(live=True),
                name="housing_one_live_application_per_person",
            )
        ]
        indexes = [models.Index(fields=["id_number"])]

    def __str__(self) -> str:
        return f"{self.relation}:{self.name}"


class EligibilityReview(Job):
    """One run of the automatic review of a batch (a background job); progress for the page."""

    batch = models.ForeignKey(SaleBatch, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(max_length=40, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"review {self.pk} of {self.batch_id}"

    def progress(self) -> tuple[int, int]:
        return (self.done, self.total)


class Eligibility(BaseModel):
    """The decision for one application: per pool eligible or not, with every failed condition
    as a reason people understand ({pool, condition, zh, en}), and the facts it rests on."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="eligibility"
    )
    general = models.BooleanField(_("eligible"))
    first_home = models.BooleanField(_("first-home pool"), null=True)
    key_industry = models.BooleanField(_("key-industry pool"), null=True)
    reasons = models.JSONField(default=list)
    facts = models.JSONField(default=dict)
    needs_attention = models.BooleanField(default=False, db_index=True)
    overridden = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.application_id}: {self.general}/{self.first_home}/{self.key_industry}"

    @property
    def eligible_pools(self) -> list[str]:
        if not self.general:
            return []
        pools = ["first_home"] if self.first_home else []
        pools += ["key_industry"] if self.key_industry else []
        return [*pools, "general"]


class Override(BaseModel):
    """A reviewer's proposal to change a decision, with a written reason; it takes effect only
    when a second reviewer approves it (two-person rule)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="overrides")
    pool = models.CharField(max_length=16)
    eligible = models.BooleanField()
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=OverrideStatus.choices, default=OverrideStatus.PROPOSED
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The objection this override upholds: during the public notice a decision changes only
    # that way (services.objection_uphold), still by two reviewers.
    objection = models.ForeignKey(
        "Objection", null=True, blank=True, on_delete=models.PROTECT, related_name="overrides"
    )

    def __str__(self) -> str:
        return f"override {self.pk} ({self.status})"


class Objection(BaseModel):
    """An applicant's objection during the public notice (公示), answered by a reviewer."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="objections"
    )
    text = models.TextField(_("objection"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"objection {self.pk}"


class Roster(BaseModel):
    """The frozen roster (fairdraw's CSV, byte for byte) and its Merkle root; the notary confirms
    the count and the root. Nothing about it changes after freezing."""

    batch = models.OneToOneField(SaleBatch, on_delete=models.PROTECT, related_name="roster")
    root = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    csv = models.BinaryField()
    audit_head = models.CharField(max_length=100)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"roster {self.root[:12]}… ({self.size})"


class BenefitUse(BaseModel):
    """The once-only ledger of the key-industry benefit (只享受一次): filled when a key-industry
    buyer signs (part 2); read by every later review."""

    id_number = models.CharField(max_length=18, db_index=True)
    batch = models.ForeignKey(SaleBatch, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    used_on = models.DateField()

    def __str__(self) -> str:
        return f"benefit used {self.used_on}"


class DrawValues(BaseModel):
    """The administrator's half of the two-person rule: the declared public random values as
    published, entered before the notary reveals the secret (issue #13, item 6), so that nobody
    who knows the secret can still choose a value. Fixed once the notary has revealed."""

    batch = models.OneToOneField(SaleBatch, on_delete=models.PROTECT, related_name="draw_values")
    values = models.JSONField(default=list)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"values for {self.batch_id}"


class NotaryReveal(BaseModel):
    """The notary's half of the two-person rule: the secret whose SHA-256 was declared before
    registration opened (or a co-signature when no commitment was declared)."""

    batch = models.OneToOneField(SaleBatch, on_delete=models.PROTECT, related_name="reveal")
    secret = models.CharField(max_length=200, blank=True)
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"reveal for {self.batch_id}"


class DrawRequest(Job):
    """The zone administrator's "run the draw" with the public values they entered, carried out
    by the background worker (task `housing.tasks.draw` → `draw_run.draw_request_run`); the
    manage page polls it for progress. A lost worker's task is run again (common/worker.py) and
    `draw_execute` is idempotent, so the draw still happens once."""

    batch = models.ForeignKey(SaleBatch, on_delete=models.PROTECT, related_name="draw_requests")
    values = models.JSONField(default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"draw request {self.pk} ({self.status})"


class Draw(BaseModel):
    """The draw of a batch, run once: the published protocol (fairdraw JSON, byte for byte) and
    the values it used. The results are the DrawResult rows; their export must hash to the
    protocol's results digest, which `fairdraw verify` checks."""

    batch = models.OneToOneField(SaleBatch, on_delete=models.PROTECT, related_name="draw")
    values = models.JSONField(default=list)
    protocol = models.TextField()
    protocol_digest = models.CharField(max_length=64)
    seed = models.CharField(max_length=64)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"draw {self.protocol_digest[:12]}…"


class DrawResult(models.Model):
    """One roster entry's result (a row of fairdraw's results file)."""

    # One index (draw, number) serves the public lookup, the ordered export and the relation;
    # separate draw and number indexes (and Django's LIKE index on number) only cost the draw.
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="results", db_index=False)
    # No database-level foreign key: PostgreSQL would check and lock each of 200,000 application
    # rows at the draw's commit (about a third of the draw's time, docs/benchmarks.md). The link
    # is right by construction — the draw inserts it by joining each registration number to the
    # batch's applications, with the batch locked, in the same transaction — and PROTECT (which
    # Django enforces itself) keeps any application with a result from being deleted.
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="draw_result", db_constraint=False
    )
    number = models.CharField(max_length=32)
    pools = models.CharField(max_length=100)
    identity_commitment = models.CharField(max_length=64)
    round = models.CharField(max_length=40)
    rank = models.PositiveIntegerField()
    outcome = models.CharField(max_length=4)  # won | lost
    key = models.CharField(max_length=64)
    waitlist = models.PositiveIntegerField(null=True)
    choice = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "number"], name="housing_drawresult_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.outcome}"

    def line(self) -> str:
        waitlist = "" if self.waitlist is None else str(self.waitlist)
        choice = "" if self.choice is None else str(self.choice)
        return (
            f"{self.number},{self.pools},{self.identity_commitment},{self.round},{self.rank},"
            f"{self.outcome},{self.key},{waitlist},{choice}"
        )


class ChoiceTurn(BaseModel):
    """A place in the unit-choice queue (选房): the winners in unit-choice order (选房顺序号),
    then the waitlisted households in waitlist order (候补), called only while units remain.
    The sales office records what happened at each turn, then the contract."""

    batch = models.ForeignKey(SaleBatch, on_delete=models.PROTECT, related_name="turns")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="turn")
    position = models.PositiveIntegerField(_("queue position"))
    source = models.CharField(max_length=8, choices=TurnSource.choices)
    round = models.CharField(_("round won"), max_length=40, blank=True)
    status = models.CharField(
        max_length=12, choices=TurnStatus.choices, default=TurnStatus.WAITING, db_index=True
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="turns"
    )
    contract_number = models.CharField(_("contract number"), max_length=64, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="housing_turn_position"),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status__in=["chosen", "contracted"]),
                name="housing_unit_taken_once",
            ),
        ]

    def __str__(self) -> str:
        return f"turn {self.position} of {self.batch_id} ({self.status})"


class ClosingReport(BaseModel):
    """The batch's closing report, computed once when unit choice closes and never changed:
    `data` holds every figure and test result the page and the PDF show; `digest` is the
    SHA-256 of its canonical JSON (printed on both)."""

    batch = models.OneToOneField(SaleBatch, on_delete=models.PROTECT, related_name="report")
    data = models.JSONField()
    digest = models.CharField(max_length=64)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"closing report {self.digest[:12]}…"
