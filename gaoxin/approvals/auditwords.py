"""The approvals desk's audit events as sentences and its objects by name
(common/auditwords.py), registered in ApprovalsConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.common import auditwords

from .models import ItemDef, Project, ProjectItem, ProjectStage, StageDef, TemplateVersion
from .states import ITEM, PROJECT, STAGE

ACTIONS = {
    "approvals.project.started": gettext_lazy("{actor} started the approval project {object}"),
    "approvals.project.land_contract": gettext_lazy(
        "{actor} entered the land contract date of {object}"
    ),
    f"{PROJECT.name}.complete": gettext_lazy("{actor} completed {object}"),
    f"{STAGE.name}.open": gettext_lazy("{actor} opened the stage {object}"),
    f"{STAGE.name}.submit": gettext_lazy("{actor} submitted the package of {object}"),
    f"{STAGE.name}.return": gettext_lazy("{actor} returned the package of {object} as incomplete"),
    f"{STAGE.name}.dispatch": gettext_lazy(
        "{actor} accepted the package of {object} and dispatched its items"
    ),
    f"{STAGE.name}.close": gettext_lazy("{actor} closed the stage {object}"),
    f"{ITEM.name}.prereview": gettext_lazy("{actor} pre-reviewed {object} before land"),
    f"{ITEM.name}.dispatch": gettext_lazy("{actor} dispatched {object} to its department"),
    f"{ITEM.name}.convert": gettext_lazy(
        "{actor} turned the pre-review of {object} into an approval on the land contract date"
    ),
    f"{ITEM.name}.approve": gettext_lazy("{actor} approved {object}"),
    f"{ITEM.name}.approve_with_conditions": gettext_lazy(
        "{actor} approved {object} with conditions"
    ),
    f"{ITEM.name}.ask_correction": gettext_lazy("{actor} asked for a correction of {object}"),
    f"{ITEM.name}.answer_correction": gettext_lazy("{actor} answered the correction of {object}"),
    f"{ITEM.name}.refuse": gettext_lazy("{actor} refused {object}"),
    f"{ITEM.name}.suspend": gettext_lazy(
        "{actor} suspended {object}: a promised document did not arrive"
    ),
    f"{ITEM.name}.reinstate": gettext_lazy("{actor} reinstated {object}: the document arrived"),
    f"{ITEM.name}.revoke": gettext_lazy("{actor} revoked {object}: its compliance check failed"),
    "approvals.item.due_soon": gettext_lazy("{actor} alerted the department: {object} is due soon"),
    "approvals.item.overdue": gettext_lazy(
        "{actor} alerted the department and the leadership: {object} is overdue"
    ),
    "approvals.check.opened": gettext_lazy("{actor} opened the compliance check {object}"),
    "approvals.check.recorded": gettext_lazy("{actor} recorded the compliance check {object}"),
    "approvals.document.received": gettext_lazy("{actor} received the promised document {object}"),
    "approvals.certificate.shipped": gettext_lazy(
        "{actor} sent the certificate {object} by courier"
    ),
    "approvals.certificate.delivered": gettext_lazy(
        "{actor} marked the certificate {object} delivered"
    ),
    "approvals.template.published": gettext_lazy("{actor} published the process template {object}"),
    "approvals.template.drafted": gettext_lazy(
        "{actor} made a new draft version of the process template {object}"
    ),
    "approvals.template.item_edited": gettext_lazy(
        "{actor} changed the approval item {object} of a draft template"
    ),
    "approvals.template.item_added": gettext_lazy(
        "{actor} added the approval item {object} to a draft template"
    ),
    "approvals.template.item_removed": gettext_lazy(
        "{actor} removed an approval item from the draft template {object}"
    ),
    "approvals.template.stage_edited": gettext_lazy(
        "{actor} changed the stage {object} of a draft template"
    ),
    "approvals.template.document_added": gettext_lazy(
        "{actor} added a document to the draft template {object}"
    ),
}


def _by_pk(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def projects(ids: list[str]) -> Mapping[str, str]:
    rows = Project.objects.filter(pk__in=_by_pk(ids)).values_list("pk", "number")
    return {str(pk): auditwords.label(_("approval project"), n) for pk, n in rows}


def stages(ids: list[str]) -> Mapping[str, str]:
    rows = ProjectStage.objects.filter(pk__in=_by_pk(ids)).values_list(
        "pk", "project__number", "name"
    )
    return {str(pk): auditwords.label(_("stage"), f"{n} {s}") for pk, n, s in rows}


def items(ids: list[str]) -> Mapping[str, str]:
    rows = ProjectItem.objects.filter(pk__in=_by_pk(ids)).values_list(
        "pk", "project__number", "name"
    )
    return {str(pk): auditwords.label(_("approval item"), f"{n} {s}") for pk, n, s in rows}


def versions(ids: list[str]) -> Mapping[str, str]:
    rows = TemplateVersion.objects.filter(pk__in=_by_pk(ids)).values_list(
        "pk", "template__name", "number"
    )
    return {str(pk): auditwords.label(_("process template"), f"{n} v{v}") for pk, n, v in rows}


def stage_defs(ids: list[str]) -> Mapping[str, str]:
    rows = StageDef.objects.filter(pk__in=_by_pk(ids)).values_list(
        "pk", "version__number", "order", "name"
    )
    return {
        str(pk): auditwords.label(_("template stage"), f"v{v} {o}. {n}") for pk, v, o, n in rows
    }


def item_defs(ids: list[str]) -> Mapping[str, str]:
    rows = ItemDef.objects.filter(pk__in=_by_pk(ids)).values_list(
        "pk", "stage__version__number", "code", "name"
    )
    return {str(pk): auditwords.label(_("template item"), f"v{v} {c} {n}") for pk, v, c, n in rows}


def register() -> None:
    auditwords.register_actions(ACTIONS)
    auditwords.register_objects("approvals.project", projects, gettext_lazy("approval project"))
    auditwords.register_objects("approvals.projectstage", stages, gettext_lazy("stage"))
    auditwords.register_objects("approvals.projectitem", items, gettext_lazy("approval item"))
    auditwords.register_objects(
        "approvals.templateversion", versions, gettext_lazy("process template")
    )
    auditwords.register_objects("approvals.stagedef", stage_defs, gettext_lazy("template stage"))
    auditwords.register_objects("approvals.itemdef", item_defs, gettext_lazy("template item"))
