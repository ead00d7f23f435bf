"""Audit events told as sentences (issue #14, item 7): "资格审核员 reviewer 批准了登记
GX26D-000012 的改判", not `housing.override.approved` on `housing.override:12`.

Each app registers, in its `AppConfig.ready()`, what it knows (lower apps never import higher
ones, so common only collects):

- `register_actions({"housing.batch.publish": _("{actor} published {object}"), ...})`: a
  sentence per action code, `str.format` placeholders `{actor}` and `{object}`;
- `register_objects("housing.salebatch", describe)`: `describe(ids) -> {id: label}` names many
  objects of one type at once (one query per type on a page of events), each label a short
  phrase in the reader's language ("批次 GX26A");
- `register_actors(describe)`: `describe(user_ids) -> {id: label}` (the accounts app: the
  user's role and username).

An action nobody registered is still told in words ("{actor} recorded an event of type ... on
...") and the raw record is always one click away (the page folds it into `<details>`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Describer = Callable[[list[str]], Mapping[str, str]]

_actions: dict[str, Promise | str] = {}
_objects: dict[str, Describer] = {}
_object_nouns: dict[str, Promise | str] = {}
_actor_describers: list[Callable[[list[int]], Mapping[int, str]]] = []

SYSTEM_ACTORS = {
    "system:worker": gettext_lazy("the background worker"),
    "system:scheduler": gettext_lazy("the scheduler"),
    "system:demo": gettext_lazy("the demo data loader"),
    "system:operator": gettext_lazy("an operator's command"),
}


def register_actions(sentences: Mapping[str, Promise | str]) -> None:
    _actions.update(sentences)


def register_objects(object_type: str, describe: Describer, noun: Promise | str = "") -> None:
    _objects[object_type] = describe
    if noun:
        _object_nouns[object_type] = noun


def register_actors(describe: Callable[[list[int]], Mapping[int, str]]) -> None:
    if describe not in _actor_describers:
        _actor_describers.append(describe)


def known_actions() -> set[str]:
    return set(_actions)


@dataclass(frozen=True)
class Told:
    """An event and its sentence (HTML-safe; names and codes marked translate="no")."""

    event: Any
    sentence: SafeString


def _name(text: str) -> SafeString:
    return format_html('<span translate="no">{}</span>', text)


def tell(events: Iterable[Any]) -> list[Told]:
    """Each event with its sentence, naming the objects and actors of all of them at once."""
    events = list(events)
    ids_by_type: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_type and event.object_id:
            ids_by_type[event.object_type].add(str(event.object_id))
    labels: dict[tuple[str, str], str] = {}
    for object_type, ids in ids_by_type.items():
        describe = _objects.get(object_type)
        if describe is None:
            continue
        for key, label in describe(sorted(ids)).items():
            labels[(object_type, str(key))] = label
    actor_ids = sorted({event.actor_id for event in events if event.actor_id})
    actor_labels: dict[int, str] = {}
    for describe_actors in _actor_describers:
        actor_labels.update(describe_actors(actor_ids))

    told = []
    for event in events:
        actor = _actor(event, actor_labels)
        obj = _object(event, labels)
        template = _actions.get(event.action)
        if template is None:
            sentence = format_html(
                str(_("{actor} recorded {action} on {object}")),
                actor=actor,
                action=format_html("<code>{}</code>", event.action),
                object=obj,
            )
        else:
            sentence = format_html(str(template), actor=actor, object=obj)
        told.append(Told(event=event, sentence=sentence))
    return told


def _actor(event: Any, labels: Mapping[int, str]) -> SafeString:
    if event.actor_id and event.actor_id in labels:
        return SafeString(labels[event.actor_id])
    if event.actor_name in SYSTEM_ACTORS:
        return format_html("{}", SYSTEM_ACTORS[event.actor_name])
    if event.actor_name.startswith("system:"):
        return format_html(
            "{} {}", _("the system"), _name(event.actor_name.removeprefix("system:"))
        )
    if event.actor_name:
        return _name(event.actor_name)
    return format_html("{}", _("someone not signed in"))


def _object(event: Any, labels: Mapping[tuple[str, str], str]) -> SafeString:
    if not event.object_type:
        return format_html("{}", _("the system"))
    label = labels.get((event.object_type, str(event.object_id)))
    if label is not None:
        return SafeString(label)
    noun = _object_nouns.get(event.object_type)
    if noun is not None:
        return format_html("{} #{}", noun, event.object_id)
    return format_html("<code>{}:{}</code>", event.object_type, event.object_id)


def label(noun: Promise | str, name: str) -> str:
    """An object's label for a describer: its noun in the reader's language and its name or
    code marked as not to be translated ("销售批次 GX26A"); a noun with `%(name)s` places the
    name itself ("登记 %(name)s 的改判")."""
    text = str(noun)
    if "%(name)s" in text:
        return str(escape(text) % {"name": _name(name)})
    return str(format_html("{} {}", text, _name(name)))


COMMON_ACTIONS = {
    "audit.checkpoint": gettext_lazy("{actor} signed {object}"),
    "audit.checkpoint_countersigned": gettext_lazy("{actor} countersigned {object}"),
    "calendar.year_entered": gettext_lazy("{actor} entered {object} in the working-day calendar"),
    "tasks.requeued": gettext_lazy("{actor} ran {object} again after its worker was lost"),
}


def register_common() -> None:
    """common's own events (called from CommonConfig.ready())."""
    register_actions(COMMON_ACTIONS)
    register_objects("common.auditcheckpoint", _checkpoints, gettext_lazy("audit checkpoint"))
    register_objects("common.calendaryear", _years, gettext_lazy("year"))
    register_objects(
        "django_tasks_db.dbtaskresult", lambda ids: {}, gettext_lazy("background task")
    )


def _checkpoints(ids: list[str]) -> Mapping[str, str]:
    from .models import AuditCheckpoint

    pks = [int(i) for i in ids if i.isdigit()]
    rows = AuditCheckpoint.objects.filter(pk__in=pks).values_list("pk", "seq")
    return {
        str(pk): str(_("the audit checkpoint at event %(seq)s") % {"seq": seq}) for pk, seq in rows
    }


def _years(ids: list[str]) -> Mapping[str, str]:
    return {i: str(_("the year %(year)s") % {"year": i}) for i in ids}
