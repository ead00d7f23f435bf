"""The yearly 雁阵 run: every enterprise of the registry, its measures for the year from the
monthly statistics reports (submitted or accepted) and the key-industry catalogue, and the
highest tier whose every criterion it meets — in one INSERT … SELECT, never a loop over
enterprises. The zone reviews the computed list, then publishes it (computed → published);
a published year is never computed again. The previous tier is the enterprise's tier in the
published run of the year before.

Measures (NULL where the data is incomplete, and a NULL never meets a criterion):
    revenue      sum of the 12 monthly revenues (10,000 yuan); NULL unless all 12 months are in
    growth       (revenue − last year's) × 100 ÷ last year's; NULL unless both years are whole
                 and last year's is above zero
    rnd_share    sum of the year's R&D spending × 100 ÷ revenue (a month without R&D counts 0)
    employees    average of the months' employee counts
    key_industry 1 if the enterprise is classified in the key-industry catalogue on 31 December
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.registry.models import Enterprise, EnterpriseClassification
from gaoxin.servicedesk.models import StatisticsForm, StatisticsReport, StatisticsValue

from .. import access, errors
from ..choices import Measure, TierRunStatus
from ..models import Tier, TierAssignment, TierRun

COLUMNS = {m.value for m in Measure}  # whitelisted: these names are written into the SQL


def tiers_in_force(day: date) -> list[Tier]:
    return list(
        Tier.objects.filter(effective_from__lte=day)
        .exclude(effective_to__lt=day)
        .prefetch_related("criteria")
        .order_by("-rank")
    )


def _tier_case(tiers: list[Tier]) -> tuple[str, list[object]]:
    """CASE WHEN <all criteria of the highest tier> THEN its id WHEN … END, with params."""
    parts: list[str] = []
    params: list[object] = []
    for tier in tiers:
        conditions = []
        for criterion in tier.criteria.all():
            if criterion.measure not in COLUMNS:
                continue
            conditions.append(f"x.{criterion.measure} >= CAST(%s AS NUMERIC)")
            params.append(criterion.threshold)
        parts.append(f"WHEN {' AND '.join(conditions) or '1 = 1'} THEN %s")
        params.append(tier.pk)
    if not parts:
        return "NULL", []
    return f"CASE {' '.join(parts)} END", params


def _check_year(year: object) -> int:
    text = str(year).strip()
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise GaoxinError(errors.YEAR_INVALID, value=text[:10])
    return int(text)


@transaction.atomic
def tier_run_compute(*, actor: Actor, year: object) -> TierRun:
    if not is_system(actor):
        ensure(access.can_run_tiers(actor), NOT_ALLOWED)
    year = _check_year(year)
    run, _created = TierRun.objects.get_or_create(year=year)
    run = TierRun.objects.select_for_update().get(pk=run.pk)
    ensure(run.status == TierRunStatus.COMPUTED, errors.TIER_RUN_PUBLISHED, year=year)
    TierAssignment.objects.filter(run=run).delete()
    previous = TierRun.objects.filter(year=year - 1, status=TierRunStatus.PUBLISHED).first()
    start, end = date(year, 1, 1), date(year, 12, 31)
    case, case_params = _tier_case(tiers_in_force(end))
    report = StatisticsReport._meta.db_table
    value = StatisticsValue._meta.db_table
    form = StatisticsForm._meta.db_table
    enterprise = Enterprise._meta.db_table
    classification = EnterpriseClassification._meta.db_table
    assignment = TierAssignment._meta.db_table
    # Table names from _meta, measures whitelisted (COLUMNS), every value a parameter.
    sql = f"""
    WITH m AS (
        SELECT r.enterprise_id AS eid,
            SUM(CASE WHEN r.period_start >= %s AND v.code = 'revenue' THEN v.value END) AS rev,
            SUM(CASE WHEN r.period_start < %s AND v.code = 'revenue' THEN v.value END) AS rev0,
            COUNT(DISTINCT CASE WHEN r.period_start >= %s AND v.code = 'revenue'
                THEN r.period_start END) AS months,
            COUNT(DISTINCT CASE WHEN r.period_start < %s AND v.code = 'revenue'
                THEN r.period_start END) AS months0,
            SUM(CASE WHEN r.period_start >= %s AND v.code = 'rnd' THEN v.value END) AS rnd,
            AVG(CASE WHEN r.period_start >= %s AND v.code = 'employees' THEN v.value END) AS emp
        FROM {report} r
        JOIN {form} f ON f.id = r.form_id AND f.period_type = 'monthly'
        JOIN {value} v ON v.report_id = r.id AND v.code IN ('revenue', 'rnd', 'employees')
        WHERE r.period_start >= %s AND r.period_start <= %s
          AND r.status IN ('submitted', 'accepted')
        GROUP BY r.enterprise_id
    ), x AS (
        SELECT e.id AS eid, COALESCE(m.months, 0) AS months,
            CASE WHEN m.months = 12 THEN m.rev END AS revenue,
            CASE WHEN m.months = 12 AND m.months0 = 12 AND m.rev0 > 0
                THEN (m.rev - m.rev0) * 100.0 / m.rev0 END AS growth,
            CASE WHEN m.months = 12 AND m.rev > 0
                THEN COALESCE(m.rnd, 0) * 100.0 / m.rev END AS rnd_share,
            m.emp AS employees,
            CASE WHEN EXISTS (
                SELECT 1 FROM {classification} c
                WHERE c.enterprise_id = e.id AND c.effective_from <= %s
                  AND (c.effective_to IS NULL OR c.effective_to >= %s)
            ) THEN 1 ELSE 0 END AS key_industry
        FROM {enterprise} e LEFT JOIN m ON m.eid = e.id
        WHERE e.status = 'active'
    )
    INSERT INTO {assignment} (run_id, enterprise_id, tier_id, previous_tier_id, months,
        revenue, growth, rnd_share, employees, key_industry)
    SELECT %s, x.eid, {case}, p.tier_id, x.months,
        x.revenue, x.growth, x.rnd_share, x.employees, x.key_industry
    FROM x LEFT JOIN {assignment} p ON p.enterprise_id = x.eid AND p.run_id = %s
    """  # noqa: S608
    params: list[Any] = [start] * 6 + [date(year - 1, 1, 1), end, end, end]
    params += [run.pk, *case_params, previous.pk if previous else -1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One yearly query over millions of monthly figures: let its hash join and
            # aggregate work in memory rather than in batches on disk (this transaction only).
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, params)
    count = TierAssignment.objects.filter(run=run).count()  # SQLite gives no rowcount here
    run.enterprises = count
    run.save(update_fields=["enterprises", "updated_at"])
    audit.record(
        actor=actor, action="support.tier_run.computed", obj=run, after={"enterprises": count}
    )
    return run


@transaction.atomic
def tier_run_publish(*, actor: Actor, year: object) -> TierRun:
    if not is_system(actor):
        ensure(access.can_publish_tiers(actor), NOT_ALLOWED)
    year = _check_year(year)
    run = TierRun.objects.select_for_update().filter(year=year).first()
    if run is None:
        raise GaoxinError(errors.TIER_RUN_MISSING, year=year)
    ensure(run.status == TierRunStatus.COMPUTED, errors.TIER_RUN_PUBLISHED, year=year)
    run.status = TierRunStatus.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        actor=actor,
        action="support.tier_run.published",
        obj=run,
        before={"status": TierRunStatus.COMPUTED},
        after={"status": TierRunStatus.PUBLISHED},
    )
    return run
