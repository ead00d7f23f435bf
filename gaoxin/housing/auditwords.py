"""Housing's audit events as sentences and its objects by name (common/auditwords.py),
registered in HousingConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.common import auditwords

from .models import (
    Application,
    ChoiceTurn,
    HousingProject,
    Objection,
    Override,
    Roster,
    SaleBatch,
    SalesOffice,
)

ACTIONS = {
    "housing.sales_office.created": gettext_lazy("{actor} created {object}"),
    "housing.project.created": gettext_lazy("{actor} created {object}"),
    "housing.batch.created": gettext_lazy("{actor} created {object}"),
    "housing.batch.rules_set": gettext_lazy("{actor} set the rules of {object}"),
    "housing.batch.entropy_declared": gettext_lazy(
        "{actor} declared the sources of randomness of {object}"
    ),
    "housing.units.imported": gettext_lazy("{actor} imported the units of {object}"),
    "housing.batch.publish": gettext_lazy("{actor} published {object} and opened registration"),
    "housing.batch.close_registration": gettext_lazy("{actor} closed registration for {object}"),
    "housing.batch.start_notice": gettext_lazy("{actor} started the public notice of {object}"),
    "housing.batch.freeze_roster": gettext_lazy("{actor} froze the roster of {object}"),
    "housing.batch.draw": gettext_lazy("{actor} recorded the draw of {object}"),
    "housing.batch.start_unit_choice": gettext_lazy("{actor} started unit choice for {object}"),
    "housing.batch.close": gettext_lazy("{actor} closed the sale of {object}"),
    "housing.batch.cancel": gettext_lazy("{actor} cancelled {object}"),
    "housing.application.registered": gettext_lazy("{actor} registered {object}"),
    "housing.applications.imported": gettext_lazy(
        "{actor} imported registrations from the sales system into {object}"
    ),
    "housing.application.withdrawn": gettext_lazy("{actor} withdrew {object}"),
    "housing.application.viewed": gettext_lazy("{actor} viewed {object} with personal data"),
    "housing.review.started": gettext_lazy("{actor} started the eligibility review of {object}"),
    "housing.review.finished": gettext_lazy("{actor} finished the eligibility review of {object}"),
    "housing.review.failed": gettext_lazy("The eligibility review of {object} failed ({actor})"),
    "housing.override.proposed": gettext_lazy("{actor} proposed {object}"),
    "housing.override.approved": gettext_lazy("{actor} approved {object}"),
    "housing.override.rejected": gettext_lazy("{actor} rejected {object}"),
    "housing.objection.filed": gettext_lazy("{actor} filed {object}"),
    "housing.objection.answered": gettext_lazy("{actor} answered {object}"),
    "housing.objection.upheld": gettext_lazy("{actor} upheld {object}"),
    "housing.application.lapsed": gettext_lazy(
        "{object} lapsed: it was not confirmed before registration closed ({actor})"
    ),
    "housing.draw.values_entered": gettext_lazy(
        "{actor} entered the public values of the draw of {object}"
    ),
    "housing.roster.confirmed": gettext_lazy("{actor} confirmed {object}"),
    "housing.draw.revealed": gettext_lazy("{actor} revealed the notary's secret for {object}"),
    "housing.draw.requested": gettext_lazy("{actor} asked for the draw of {object}"),
    "housing.draw.failed": gettext_lazy("The draw of {object} failed ({actor})"),
    "housing.choice.chosen": gettext_lazy("{actor} recorded the unit chosen by {object}"),
    "housing.choice.declined": gettext_lazy("{actor} recorded that {object} declined its turn"),
    "housing.choice.no_show": gettext_lazy("{actor} recorded that {object} did not come to choose"),
    "housing.choice.not_called": gettext_lazy(
        "The sale ended before {object} was called ({actor})"
    ),
    "housing.choice.contracted": gettext_lazy("{actor} recorded the purchase contract of {object}"),
    "housing.choice.forfeited": gettext_lazy(
        "{actor} recorded that {object} did not sign after choosing"
    ),
}


def _by_pk(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def batches(ids: list[str]) -> Mapping[str, str]:
    rows = SaleBatch.objects.filter(pk__in=_by_pk(ids)).values_list("pk", "code")
    return {str(pk): auditwords.label(_("sale batch"), code) for pk, code in rows}


def applications(ids: list[str]) -> Mapping[str, str]:
    rows = Application.objects.filter(pk__in=_by_pk(ids)).values_list("pk", "number")
    return {str(pk): auditwords.label(_("registration"), number) for pk, number in rows}


def _of_application(model: type, noun: str, ids: list[str]) -> Mapping[str, str]:
    rows = model.objects.filter(pk__in=_by_pk(ids)).values_list("pk", "application__number")  # type: ignore[attr-defined]
    return {str(pk): auditwords.label(noun, number) for pk, number in rows}


def overrides(ids: list[str]) -> Mapping[str, str]:
    return _of_application(Override, _("the override of registration %(name)s"), ids)


def objections(ids: list[str]) -> Mapping[str, str]:
    return _of_application(Objection, _("the objection to registration %(name)s"), ids)


def turns(ids: list[str]) -> Mapping[str, str]:
    return _of_application(ChoiceTurn, _("registration %(name)s"), ids)


def rosters(ids: list[str]) -> Mapping[str, str]:
    rows = Roster.objects.filter(pk__in=_by_pk(ids)).values_list("pk", "batch__code")
    return {str(pk): auditwords.label(_("the roster of %(name)s"), code) for pk, code in rows}


def projects(ids: list[str]) -> Mapping[str, str]:
    rows = HousingProject.objects.filter(pk__in=_by_pk(ids)).values_list("pk", "name")
    return {str(pk): auditwords.label(_("housing project"), name) for pk, name in rows}


def offices(ids: list[str]) -> Mapping[str, str]:
    rows = SalesOffice.objects.filter(pk__in=_by_pk(ids)).values_list("pk", "name")
    return {str(pk): auditwords.label(_("sales office"), name) for pk, name in rows}


def register() -> None:
    auditwords.register_actions(ACTIONS)
    auditwords.register_objects("housing.salebatch", batches, gettext_lazy("sale batch"))
    auditwords.register_objects("housing.application", applications, gettext_lazy("registration"))
    auditwords.register_objects("housing.override", overrides, gettext_lazy("override"))
    auditwords.register_objects("housing.objection", objections, gettext_lazy("objection"))
    auditwords.register_objects("housing.choiceturn", turns, gettext_lazy("unit-choice turn"))
    auditwords.register_objects("housing.roster", rosters, gettext_lazy("roster"))
    auditwords.register_objects("housing.housingproject", projects, gettext_lazy("housing project"))
    auditwords.register_objects("housing.salesoffice", offices, gettext_lazy("sales office"))
