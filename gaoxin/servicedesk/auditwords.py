"""The service desk's audit events as sentences and its objects by name (common/auditwords.py),
registered in ServiceDeskConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.common import auditwords

from .models import Category, Grid, ServiceRequest, StatisticsForm, StatisticsReport
from .states import REQUEST

TRANSITIONS = {
    "assign": gettext_lazy("{actor} assigned {object} to the grid's officer"),
    "take": gettext_lazy("{actor} took {object} in hand"),
    "wait": gettext_lazy("{actor} put {object} on hold, waiting for the enterprise"),
    "resume": gettext_lazy("{actor} resumed {object}"),
    "escalate": gettext_lazy("{actor} escalated {object}"),
    "resolve": gettext_lazy("{actor} resolved {object}"),
    "close": gettext_lazy("{actor} closed {object}"),
    "redo": gettext_lazy("{actor} rated {object} unsatisfied: it is redone"),
    "merge": gettext_lazy("{actor} merged {object} into another request"),
}
ACTIONS = {
    "servicedesk.request.accepted": gettext_lazy("{actor} accepted {object}"),
    "servicedesk.request.note": gettext_lazy("{actor} added an internal note to {object}"),
    "servicedesk.request.message": gettext_lazy("{actor} sent a message on {object}"),
    "servicedesk.request.attached": gettext_lazy("{actor} attached photos or files to {object}"),
    "servicedesk.request.deadline_recomputed": gettext_lazy(
        "{actor} recomputed the deadline of {object} for the year's holidays"
    ),
    "servicedesk.assignment.set": gettext_lazy("{actor} assigned {object} to a grid"),
    "servicedesk.duty.holder_set": gettext_lazy("{actor} changed a duty holder of {object}"),
    "servicedesk.category.changed": gettext_lazy("{actor} changed the category {object}"),
    "servicedesk.assignments.imported": gettext_lazy("{actor} imported grid assignments {object}"),
    "servicedesk.duty.created": gettext_lazy("{actor} created the duty {object}"),
    "servicedesk.checklist.version_created": gettext_lazy(
        "{actor} made a new version of the safety checklist {object}"
    ),
    "servicedesk.demo_field_loaded": gettext_lazy(
        "{actor} loaded the demo visits, inspections and notices"
    ),
    "servicedesk.field_settings.changed": gettext_lazy(
        "{actor} changed the visit and safety settings"
    ),
    "servicedesk.hazard.deadline_recomputed": gettext_lazy(
        "{actor} recomputed the rectification deadline of {object} for the year's holidays"
    ),
    "servicedesk.hazard.found": gettext_lazy("{actor} recorded the hazard {object}"),
    "servicedesk.hazard.reinspected": gettext_lazy("{actor} re-inspected the hazard {object}"),
    "servicedesk.hazard.report": gettext_lazy("{actor} reported the hazard {object} rectified"),
    "servicedesk.hazard.pass": gettext_lazy("{actor} closed the hazard {object}: rectified"),
    "servicedesk.hazard.fail": gettext_lazy("{actor} reopened the hazard {object}: not rectified"),
    "servicedesk.hazard.escalate": gettext_lazy("{actor} escalated the overdue hazard {object}"),
    "servicedesk.inspection.recorded": gettext_lazy("{actor} recorded the inspection {object}"),
    "servicedesk.notice.acknowledged": gettext_lazy("{actor} acknowledged the notice {object}"),
    "servicedesk.notice.sent": gettext_lazy("{actor} sent the notice {object}"),
    "servicedesk.visit.finding_to_request": gettext_lazy(
        "{actor} turned the finding of the visit {object} into a request"
    ),
    "servicedesk.visit.recorded": gettext_lazy("{actor} recorded the visit {object}"),
    "servicedesk.demo_loaded": gettext_lazy("{actor} loaded the service desk's demo zone"),
    **{f"{REQUEST.name}.{name}": sentence for name, sentence in TRANSITIONS.items()},
    # statistics collection (数据统计)
    "servicedesk.statistics_form.saved": gettext_lazy(
        "{actor} changed the statistics form {object}"
    ),
    "servicedesk.statistics_form.version_created": gettext_lazy(
        "{actor} made a new version of the fields of the statistics form {object}"
    ),
    "servicedesk.statistics_report.saved": gettext_lazy(
        "{actor} saved a draft of the statistics report {object}"
    ),
    "servicedesk.statistics_report.submit": gettext_lazy(
        "{actor} submitted the statistics report {object}"
    ),
    "servicedesk.statistics_report.accept": gettext_lazy(
        "{actor} accepted the statistics report {object}"
    ),
    "servicedesk.statistics_report.return": gettext_lazy(
        "{actor} returned the statistics report {object} for correction"
    ),
    "servicedesk.statistics.exported": gettext_lazy(
        "{actor} exported the statistics form {object} for the statistics bureau"
    ),
    "servicedesk.demo_statistics_loaded": gettext_lazy(
        "{actor} loaded the demo statistics reports"
    ),
}


def _by_pk(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def requests(ids: list[str]) -> Mapping[str, str]:
    rows = ServiceRequest.objects.filter(pk__in=_by_pk(ids)).values_list("pk", "number")
    return {str(pk): auditwords.label(_("request"), number) for pk, number in rows}


def grids(ids: list[str]) -> Mapping[str, str]:
    rows = Grid.objects.filter(pk__in=_by_pk(ids)).values_list("pk", "name")
    return {str(pk): auditwords.label(_("grid"), name) for pk, name in rows}


def categories(ids: list[str]) -> Mapping[str, str]:
    rows = Category.objects.filter(pk__in=_by_pk(ids)).values_list("pk", "name_zh")
    return {str(pk): auditwords.label(_("category"), name) for pk, name in rows}


def statistics_forms(ids: list[str]) -> Mapping[str, str]:
    rows = StatisticsForm.objects.filter(pk__in=_by_pk(ids)).values_list("pk", "name_zh")
    return {str(pk): auditwords.label(_("statistics form"), name) for pk, name in rows}


def statistics_reports(ids: list[str]) -> Mapping[str, str]:
    rows = StatisticsReport.objects.filter(pk__in=_by_pk(ids)).values_list(
        "pk", "form__name_zh", "period", "enterprise__name"
    )
    return {
        str(pk): auditwords.label(_("statistics report"), f"{form} {period} {name}")
        for pk, form, period, name in rows
    }


def register() -> None:
    auditwords.register_actions(ACTIONS)
    auditwords.register_objects("servicedesk.servicerequest", requests, gettext_lazy("request"))
    auditwords.register_objects("servicedesk.grid", grids, gettext_lazy("grid"))
    auditwords.register_objects("servicedesk.category", categories, gettext_lazy("category"))
    auditwords.register_objects(
        "servicedesk.statisticsform", statistics_forms, gettext_lazy("statistics form")
    )
    auditwords.register_objects(
        "servicedesk.statisticsreport", statistics_reports, gettext_lazy("statistics report")
    )
