"""Enterprise support: programmes with their ceilings, awards paid in milestones, and the
ledger of every commitment and payment. Sums are whole yuan (BigIntegerField): the policy's
ceilings are whole yuan and a payment order is never for a fraction of one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import BaseModel
from gaoxin.registry.models import Enterprise, Person

from .choices import (
    AwardStatus,
    CallEligibility,
    CallStatus,
    ConflictSource,
    ConflictTie,
    LandUse,
    LedgerKind,
    Measure,
    MilestoneStatus,
    ProgrammeKind,
    Sector,
    TierRunStatus,
)


class CeilingGroup(BaseModel):
    """A ceiling that several programmes share for one recipient, where the policy says so
    (e.g. "one enterprise receives at most X from the platform and the competition funds
    together")."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    ceiling_per_recipient = models.BigIntegerField(_("ceiling per recipient (yuan)"))

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Programme(BaseModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=ProgrammeKind.choices)
    policy = models.CharField(_("policy reference"), max_length=200, blank=True)
    ceiling_per_recipient = models.BigIntegerField(_("ceiling per recipient (yuan)"))
    ceiling_per_year = models.BigIntegerField(_("ceiling per budget year (yuan)"))
    group = models.ForeignKey(
        CeilingGroup,
        verbose_name=_("shared ceiling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    for_people = models.BooleanField(_("awards go to people"), default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Award(BaseModel):
    number = models.CharField(_("number"), max_length=20, unique=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="awards")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("budget year"))
    amount = models.BigIntegerField(_("amount (yuan)"))
    status = models.CharField(
        _("status"), max_length=16, choices=AwardStatus.choices, default=AwardStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_code = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, person__isnull=True)
                | Q(enterprise__isnull=True, person__isnull=False),
                name="support_award_one_recipient",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="support_award_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def recipient_name(self) -> str:
        """The enterprise's name, or a person's masked name (pages and exports never show a
        person's full name or ID number; the registry's audited view does)."""
        if self.enterprise is not None:
            return self.enterprise.name
        return self.person.masked_name if self.person is not None else ""


class Milestone(BaseModel):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="milestones")
    seq = models.PositiveSmallIntegerField(_("sequence"))
    title = models.CharField(_("title"), max_length=200)
    amount = models.BigIntegerField(_("amount (yuan)"))
    status = models.CharField(
        max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING
    )
    evidence = models.TextField(_("evidence"), blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["award", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["award", "seq"], name="support_milestone_seq"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="support_milestone_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.award_id} #{self.seq}"


class LedgerEntry(models.Model):
    """Append-only: one row per commitment (an award approved) and per payment (a milestone
    paid). The finance bureau's export reads it as it is."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="ledger")
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=LedgerKind.choices)
    amount = models.BigIntegerField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_name = models.CharField(max_length=150)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


# -- tiers (雁阵) ----------------------------------------------------------------------------------


class Tier(BaseModel):
    """One tier of the 雁阵 formation, in force between two dates; a higher rank is a higher
    tier. An enterprise is placed in the highest-ranked tier whose every criterion it meets."""

    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    class Meta:
        ordering = ["-rank"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="support_tier_code")
        ]

    def __str__(self) -> str:
        return self.name_zh


class TierCriterion(models.Model):
    """measure >= threshold (the only comparison the policies use: at least so much)."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="criteria")
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices)
    threshold = models.DecimalField(_("at least"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["tier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "measure"], name="support_criterion_once")
        ]

    def __str__(self) -> str:
        return f"{self.measure} >= {self.threshold}"


class TierRun(BaseModel):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        max_length=16, choices=TierRunStatus.choices, default=TierRunStatus.COMPUTED
    )
    enterprises = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class TierAssignment(models.Model):
    """One enterprise's measures for the run's year and the tier they place it in; None where
    the data is incomplete (fewer than 12 monthly reports, no previous year, no revenue). The
    reasons per criterion are read from these measures against the tiers' criteria
    (selectors.tier_reasons)."""

    run = models.ForeignKey(TierRun, on_delete=models.CASCADE, related_name="assignments")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, related_name="+")
    previous_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, related_name="+")
    months = models.PositiveSmallIntegerField(default=0)
    revenue = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    growth = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    rnd_share = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    employees = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    key_industry = models.DecimalField(max_digits=2, decimal_places=0, null=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="support_assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.enterprise_id}"


# -- zone indicators' source data ------------------------------------------------------------------


class LandSale(BaseModel):
    """One parcel of land sold (土地出让) by the zone: when, for what use, how large."""

    parcel = models.CharField(_("parcel"), max_length=40, unique=True)
    sold_on = models.DateField(_("sold on"), db_index=True)
    use = models.CharField(_("use"), max_length=16, choices=LandUse.choices)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["sold_on", "parcel"]

    def __str__(self) -> str:
        return self.parcel


class SectorValueAdded(BaseModel):
    """The zone's value added (增加值) of one sector in one year, as the statistics bureau
    reports it (100 million yuan)."""

    year = models.PositiveSmallIntegerField(_("year"))
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    value = models.DecimalField(
        _("value added (100 million yuan)"), max_digits=14, decimal_places=2
    )

    class Meta:
        ordering = ["year", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sector"], name="support_value_added_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.sector}"


class IndicatorYear(models.Model):
    """An indicator's value for a year, stored because its source is too large to read on every
    request (`indicator_store.py`): recomputed when the source marks the year changed."""

    code = models.CharField(_("indicator"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    missing_zh = models.CharField(max_length=200, blank=True)
    missing_en = models.CharField(max_length=200, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "year"], name="support_indicator_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.year}"


class IndicatorYearChanged(models.Model):
    """A mark: the source data of this year changed since the stored values were computed.
    Append-only, written in the changing transaction; the store deletes the marks it has read."""

    year = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return str(self.year)


# -- open calls (揭榜挂帅) ------------------------------------------------------------------------


class OpenCall(BaseModel):
    """A challenge the zone posts: the problem, the outcome wanted, the reward (an award under
    `programme`, so its ceilings apply when the award is made), the deadline and who may apply."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    outcome = models.TextField(_("outcome wanted"))
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    reward = models.BigIntegerField(_("reward (yuan)"))
    year = models.PositiveSmallIntegerField(_("budget year"))
    eligibility = models.CharField(
        _("who may apply"), max_length=16, choices=CallEligibility.choices
    )
    deadline = models.DateTimeField(_("deadline"))
    trim_from = models.PositiveSmallIntegerField(
        _("drop highest and lowest from this many scores"), default=5
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    winner = models.ForeignKey(
        "CallApplication", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notice_ends_at = models.DateTimeField(_("notice ends"), null=True, blank=True)
    award = models.ForeignKey(Award, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(reward__gt=0), name="support_call_reward"),
        ]

    def __str__(self) -> str:
        return self.number


class CallCriterion(models.Model):
    """One published criterion of a call with its weight (the weights need not add to 100:
    the total is the weighted mean)."""

    call = models.ForeignKey(OpenCall, on_delete=models.CASCADE, related_name="criteria")
    seq = models.PositiveSmallIntegerField()
    name = models.CharField(_("criterion"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("weight"))

    class Meta:
        ordering = ["call", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["call", "seq"], name="support_call_criterion_seq")
        ]

    def __str__(self) -> str:
        return self.name


class CallExpert(models.Model):
    """An expert on a call's panel (a user holding the support_expert role)."""

    call = models.ForeignKey(OpenCall, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["call", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="support_call_expert_once")
        ]

    def __str__(self) -> str:
        return f"{self.call_id}/{self.user_id}"


class CallApplication(BaseModel):
    """An enterprise's (or a team's, led by a registry person) proposal for a call."""

    call = models.ForeignKey(OpenCall, on_delete=models.PROTECT, related_name="applications")
    number = models.CharField(_("number"), max_length=24, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lead = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team = models.CharField(_("team"), max_length=100)
    proposal = models.TextField(_("proposal"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["call", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | Q(lead__isnull=False),
                name="support_call_application_applicant",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def applicant_name(self) -> str:
        if self.enterprise is not None:
            return f"{self.enterprise.name}（{self.team}）"
        return f"{self.team}（{self.lead.masked_name if self.lead else ''}）"


class CallConflict(BaseModel):
    """An expert excluded from one application: tied to the applicant in the registry (found
    when review starts) or declared by the expert."""

    application = models.ForeignKey(
        CallApplication, on_delete=models.CASCADE, related_name="conflicts"
    )
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=ConflictSource.choices)
    # registry conflicts: the tie and the enterprise; declared ones: the expert's reason
    tie = models.CharField(max_length=16, choices=ConflictTie.choices, blank=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"], name="support_call_conflict_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.expert_id}"

    @property
    def describe(self) -> str:
        """The reason in the reader's language: the registry tie, or the expert's own words."""
        if not self.tie:
            return self.reason
        label = str(ConflictTie(self.tie).label)
        return f"{label} {self.enterprise.name}" if self.enterprise is not None else label


class CallScore(BaseModel):
    """One expert's score (0–100) of one application on one criterion. Only the expert who gave
    it sees it until the zone reads the ranking (selectors_calls)."""

    application = models.ForeignKey(
        CallApplication, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(CallCriterion, on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["application", "criterion", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion", "expert"], name="support_call_score_once"
            ),
            models.CheckConstraint(condition=Q(value__lte=100), name="support_call_score_max"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.criterion_id}/{self.expert_id}"


class CallObjection(BaseModel):
    """An objection to a call's announced award during its public notice (公示), answered by the
    zone (the housing notice's pattern)."""

    call = models.ForeignKey(OpenCall, on_delete=models.CASCADE, related_name="objections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("objection"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["call", "id"]

    def __str__(self) -> str:
        return f"objection {self.pk}"
