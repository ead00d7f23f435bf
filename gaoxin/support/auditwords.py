"""Enterprise support's audit events as sentences (common/auditwords.py)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy

from gaoxin.common import auditwords

from .models import Award, LandSale, TierRun

ACTIONS = {
    "support.award.proposed": gettext_lazy("{actor} proposed the support award {object}"),
    "support.award.milestones_set": gettext_lazy(
        "{actor} set the milestones of the award {object}"
    ),
    "support.award.approve": gettext_lazy("{actor} approved the support award {object}"),
    "support.award.refuse": gettext_lazy("{actor} refused the support award {object}"),
    "support.milestone.pay": gettext_lazy("{actor} paid a milestone of the award {object}"),
    "support.tier_run.computed": gettext_lazy("{actor} computed the tiers of {object}"),
    "support.tier_run.published": gettext_lazy("{actor} published the tier list of {object}"),
    "support.demo_loaded": gettext_lazy("{actor} loaded the enterprise support demo"),
    "support.land_sale.recorded": gettext_lazy("{actor} recorded the land sale {object}"),
    "support.value_added.set": gettext_lazy("{actor} entered the value added of {object}"),
}


def _awards(ids: list[str]) -> Mapping[str, str]:
    rows = Award.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {str(pk): number for pk, number in rows.values_list("pk", "number")}


def _runs(ids: list[str]) -> Mapping[str, str]:
    rows = TierRun.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {str(pk): str(year) for pk, year in rows.values_list("pk", "year")}


def _sales(ids: list[str]) -> Mapping[str, str]:
    rows = LandSale.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {str(pk): parcel for pk, parcel in rows.values_list("pk", "parcel")}


def _years(ids: list[str]) -> Mapping[str, str]:
    return {i: i for i in ids}


def register() -> None:
    auditwords.register_actions(ACTIONS)
    auditwords.register_objects("support.award", _awards, gettext_lazy("award"))
    auditwords.register_objects("support.tierrun", _runs, gettext_lazy("tier year"))
    auditwords.register_objects("support.landsale", _sales, gettext_lazy("parcel"))
    auditwords.register_objects("support.value_added", _years, gettext_lazy("year"))
