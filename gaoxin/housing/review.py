"""Running the eligibility review of a batch: facts in a few set-based queries, decisions in
memory, then every decision written in one transaction (a crash leaves the previous state, and
the review can simply be run again). Progress is written in its own small transactions so the
page can show it while the review runs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gaoxin.common import audit

from .eligibility import decide, gather_facts, live_applications
from .models import Eligibility, EligibilityReview, Override

CHUNK = 5000


def _progress(review: EligibilityReview, **fields: object) -> None:
    EligibilityReview.objects.filter(pk=review.pk).update(**fields, updated_at=timezone.now())


def run_review(review_id: int) -> None:
    review = EligibilityReview.objects.select_related("batch").get(pk=review_id)
    batch = review.batch
    rules = batch.config.get("rules", {})
    try:
        applications = list(live_applications(batch))
        _progress(review, status="running", stage="registry", total=len(applications), done=0)
        rows: list[Eligibility] = []
        for start in range(0, len(applications), CHUNK):
            chunk = applications[start : start + CHUNK]
            facts = gather_facts(batch, chunk, rules)
            for application in chunk:
                decision = decide(application, facts, rules)
                rows.append(
                    Eligibility(
                        application=application,
                        general=decision.general,
                        first_home=decision.first_home,
                        key_industry=decision.key_industry,
                        reasons=[r.as_dict() for r in decision.reasons],
                        facts=decision.facts,
                        needs_attention=bool(decision.reasons),
                    )
                )
            _progress(review, stage="deciding", done=start + len(chunk))
        with transaction.atomic():
            approved = list(
                Override.objects.filter(application__batch=batch, status="approved").order_by("pk")
            )
            Eligibility.objects.filter(application__batch=batch).delete()
            Eligibility.objects.bulk_create(rows, batch_size=2000)
            _reapply(approved)
            summary = {
                "applications": len(rows),
                "eligible": sum(1 for r in rows if r.general),
                "first_home": sum(1 for r in rows if r.first_home),
                "key_industry": sum(1 for r in rows if r.key_industry),
            }
            EligibilityReview.objects.filter(pk=review.pk).update(
                status="done", stage="done", done=len(rows), finished_at=timezone.now()
            )
            audit.record(
                actor=review.started_by, action="housing.review.finished", obj=batch, after=summary
            )
    except Exception as error:
        _progress(review, status="failed", error=f"{type(error).__name__}: {error}"[:2000])
        raise


def _reapply(approved: list[Override]) -> None:
    """Approved overrides survive a re-run of the automatic review."""
    for override in approved:
        current = Eligibility.objects.get(application_id=override.application_id)
        setattr(current, override.pool, override.eligible)
        current.overridden = True
        current.save(update_fields=[override.pool, "overridden", "updated_at"])
