"""Enterprise support's audit events as sentences (common/auditwords.py)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy

from gaoxin.common import auditwords

from .models import Award, CallApplication, LandSale, OpenCall, TierRun

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
    "support.call.created": gettext_lazy("{actor} drafted the open call {object}"),
    "support.call.edited": gettext_lazy("{actor} edited the open call {object}"),
    "support.call.panel_set": gettext_lazy(
        "{actor} set the expert panel of the open call {object}"
    ),
    "support.call.publish": gettext_lazy("{actor} published the open call {object}"),
    "support.call.close": gettext_lazy("{actor} closed applications to the open call {object}"),
    "support.call.start_review": gettext_lazy(
        "{actor} started the expert review of the open call {object}"
    ),
    "support.call.decide": gettext_lazy("{actor} decided the winner of the open call {object}"),
    "support.call.announce": gettext_lazy(
        "{actor} announced the award of the open call {object} for public notice"
    ),
    "support.call.confirm": gettext_lazy("{actor} confirmed the award of the open call {object}"),
    "support.call_application.submitted": gettext_lazy(
        "{actor} applied to an open call with {object}"
    ),
    "support.call_conflict.found": gettext_lazy(
        "{actor} started a review that excluded an expert tied to {object} in the registry"
    ),
    "support.call_conflict.declared": gettext_lazy(
        "{actor} declared a conflict of interest with {object}"
    ),
    "support.call_scores.submitted": gettext_lazy("{actor} scored {object}"),
    "support.call_objection.filed": gettext_lazy(
        "{actor} objected to the award of the open call {object}"
    ),
    "support.call_objection.answered": gettext_lazy(
        "{actor} answered an objection to the open call {object}"
    ),
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


def _calls(ids: list[str]) -> Mapping[str, str]:
    rows = OpenCall.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {str(pk): number for pk, number in rows.values_list("pk", "number")}


def _applications(ids: list[str]) -> Mapping[str, str]:
    rows = CallApplication.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {str(pk): number for pk, number in rows.values_list("pk", "number")}


def register() -> None:
    auditwords.register_actions(ACTIONS)
    auditwords.register_objects("support.award", _awards, gettext_lazy("award"))
    auditwords.register_objects("support.tierrun", _runs, gettext_lazy("tier year"))
    auditwords.register_objects("support.landsale", _sales, gettext_lazy("parcel"))
    auditwords.register_objects("support.value_added", _years, gettext_lazy("year"))
    auditwords.register_objects("support.opencall", _calls, gettext_lazy("open call"))
    auditwords.register_objects(
        "support.callapplication", _applications, gettext_lazy("call application")
    )
