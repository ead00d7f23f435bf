"""The registry's audit events as sentences and its objects by name (common/auditwords.py),
registered in RegistryConfig.ready(). People are named masked, as in every list."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.common import auditwords

from .choices import ImportKind
from .identifiers import mask_name
from .models import EnterpriseClassification, ImportRun, KeyIndustry, Person

ACTIONS = {
    "registry.identity.bound": gettext_lazy(
        "{actor} bound an account to a verified person ({object})"
    ),
    "registry.identity.unbound": gettext_lazy(
        "{actor} unbound an account from its person ({object})"
    ),
    "registry.identity.signed_in": gettext_lazy(
        "{actor} signed in through the identity service ({object})"
    ),
    "registry.industry.created": gettext_lazy("{actor} added {object} to the catalogue"),
    "registry.industry.changed": gettext_lazy("{actor} changed {object} in the catalogue"),
    "registry.classification.created": gettext_lazy("{actor} recorded {object}"),
    "registry.classification.changed": gettext_lazy("{actor} changed {object}"),
    "registry.classification.ended": gettext_lazy("{actor} ended {object}"),
    "registry.import.started": gettext_lazy("{actor} started {object}"),
    "registry.import.restarted": gettext_lazy("{actor} ran {object} again"),
    "registry.import.succeeded": gettext_lazy("{object} finished ({actor})"),
    "registry.import.failed": gettext_lazy("{object} failed ({actor})"),
    "registry.import.rejected": gettext_lazy("{object} was rejected ({actor})"),
    "registry.import.errors_downloaded": gettext_lazy("{actor} downloaded the errors of {object}"),
    "registry.import.files_purged": gettext_lazy(
        "{actor} deleted the uploaded files of {object} (retention period over)"
    ),
    "registry.import.orphan_files_purged": gettext_lazy(
        "{actor} deleted uploaded files that no import refers to"
    ),
    "registry.person.unmasked": gettext_lazy("{actor} showed {object} unmasked"),
    "registry.person.viewed": gettext_lazy("{actor} viewed {object} with personal data"),
}


def _pks(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def imports(ids: list[str]) -> Mapping[str, str]:
    labels = {}
    for pk, kind in ImportRun.objects.filter(pk__in=_pks(ids)).values_list("pk", "kind"):
        try:
            kind_label = str(ImportKind(kind).label)
        except ValueError:
            kind_label = kind
        labels[str(pk)] = str(escape(_("import #%(n)s (%(kind)s)") % {"n": pk, "kind": kind_label}))
    return labels


def people(ids: list[str]) -> Mapping[str, str]:
    rows = Person.objects.filter(pk__in=_pks(ids)).values_list("pk", "name")
    return {str(pk): auditwords.label(_("the person"), mask_name(name)) for pk, name in rows}


def industries(ids: list[str]) -> Mapping[str, str]:
    rows = KeyIndustry.objects.filter(pk__in=_pks(ids)).values_list("pk", "name_zh")
    return {str(pk): auditwords.label(_("key industry"), name) for pk, name in rows}


def classifications(ids: list[str]) -> Mapping[str, str]:
    rows = EnterpriseClassification.objects.filter(pk__in=_pks(ids)).values_list(
        "pk", "enterprise__name"
    )
    return {
        str(pk): auditwords.label(_("the key-industry classification of %(name)s"), name)
        for pk, name in rows
    }


def register() -> None:
    auditwords.register_actions(ACTIONS)
    auditwords.register_objects("registry.importrun", imports, gettext_lazy("import"))
    auditwords.register_objects("registry.person", people, gettext_lazy("person"))
    auditwords.register_objects("registry.keyindustry", industries, gettext_lazy("key industry"))
    auditwords.register_objects(
        "registry.enterpriseclassification",
        classifications,
        gettext_lazy("key-industry classification"),
    )
