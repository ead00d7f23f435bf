"""Loaders: the whole-file checks (references to known people and enterprises, duplicates in
the file, conflicts with the registry) and the write, one class per file kind.

A loader first `accept`s each parsed row (returning the row's problems, if any, and keeping the
row otherwise), then `write`s everything it kept inside the runner's transaction, comparing
with what the registry holds by natural key: new rows are inserted, changed rows updated, equal
rows left alone, so importing the same file twice changes nothing. The insurance file, which
runs to tens of millions of rows, has its own streaming loader in `insurance.py`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import timezone

from gaoxin.common import audit
from gaoxin.common.actors import OPERATOR, Actor
from gaoxin.common.errors import ErrorCode

from .. import errors, identifiers
from ..choices import ImportKind
from ..models import (
    Degree,
    Employment,
    Enterprise,
    EnterpriseClassification,
    KeyIndustry,
    Marriage,
    ParentChild,
    Person,
    Property,
    PropertyOwner,
    PurchaseQualification,
)
from . import parsers as p

Problems = list[tuple[int, ErrorCode, dict[str, Any]]]
BATCH = 5000


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


class References:
    """Natural key -> id of people and enterprises, loaded once per import."""

    def __init__(self) -> None:
        self._persons: dict[str, int] | None = None
        self._enterprises: dict[str, int] | None = None

    @property
    def persons(self) -> dict[str, int]:
        if self._persons is None:
            self._persons = dict(Person.objects.values_list("id_number", "id").iterator(20_000))
        return self._persons

    @property
    def enterprises(self) -> dict[str, int]:
        if self._enterprises is None:
            self._enterprises = dict(Enterprise.objects.values_list("credit_code", "id"))
        return self._enterprises

    def person(self, number: str, column: int, problems: Problems) -> int | None:
        found = self.persons.get(number)
        if found is None:
            problems.append((column, errors.ROW_UNKNOWN_PERSON, {}))
        return found

    def enterprise(self, code: str, column: int, problems: Problems) -> int | None:
        found = self.enterprises.get(code)
        if found is None:
            problems.append((column, errors.ROW_UNKNOWN_ENTERPRISE, {}))
        return found


class Loader:
    kind: str
    key_column = 0

    def __init__(self, refs: References, *, actor: Actor = OPERATOR) -> None:
        self.refs = refs
        self.actor = actor
        self.rows: dict[Any, tuple[int, Any]] = {}  # natural key -> (row number, values)

    def key_and_values(self, record: Any, problems: Problems) -> tuple[Any, Any]:
        raise NotImplementedError

    def accept(self, row: int, record: Any) -> Problems:
        problems: Problems = []
        key, values = self.key_and_values(record, problems)
        if problems:
            return problems
        seen = self.rows.get(key)
        if seen is not None:
            spec_key = SPEC_KEYS[self.kind]
            return [
                (
                    self.key_column,
                    errors.ROW_DUPLICATE,
                    {"other": seen[0], "key": spec_key[0], "key_en": spec_key[1]},
                )
            ]
        self.rows[key] = (row, values)
        return []

    def existing(self) -> dict[Any, tuple[int, Any]]:
        """Natural key -> (id, values) of what the registry holds now."""
        raise NotImplementedError

    def create(self, items: list[tuple[Any, Any]]) -> None:
        raise NotImplementedError

    def update(self, items: list[tuple[int, Any, Any]]) -> None:
        raise NotImplementedError

    def write(self) -> Counts:
        counts = Counts()
        current = self.existing()
        new: list[tuple[Any, Any]] = []
        changed: list[tuple[int, Any, Any]] = []
        for key, (_row, values) in self.rows.items():
            found = current.get(key)
            if found is None:
                new.append((key, values))
            elif found[1] != values:
                changed.append((found[0], key, values))
            else:
                counts.unchanged += 1
        for start in range(0, len(new), BATCH):
            self.create(new[start : start + BATCH])
        for start in range(0, len(changed), BATCH):
            self.update(changed[start : start + BATCH])
        counts.inserted, counts.updated = len(new), len(changed)
        return counts


def _bulk_update(model: type[Model], objects: list[Any], fields: list[str]) -> None:
    """bulk_update skips auto_now: stamp `updated_at` ourselves on models that have it."""
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        now = timezone.now()
        for obj in objects:
            obj.updated_at = now
        fields = [*fields, "updated_at"]
    model._default_manager.bulk_update(objects, fields, batch_size=500)


class EnterpriseLoader(Loader):
    kind = ImportKind.ENTERPRISE
    FIELDS = (
        "name",
        "registered_address",
        "sector",
        "status",
        "business_in_zone_from",
        "business_in_zone_to",
        "tax_in_zone_from",
        "tax_in_zone_to",
    )

    def key_and_values(self, record: p.EnterpriseRow, problems: Problems) -> tuple[Any, Any]:
        return record.credit_code, tuple(record[1:])

    def existing(self) -> dict[Any, tuple[int, Any]]:
        return {
            row[1]: (row[0], tuple(row[2:]))
            for row in Enterprise.objects.values_list("id", "credit_code", *self.FIELDS)
        }

    def create(self, items: list[tuple[Any, Any]]) -> None:
        Enterprise.objects.bulk_create(
            [Enterprise(credit_code=k, **dict(zip(self.FIELDS, v, strict=True))) for k, v in items]
        )

    def update(self, items: list[tuple[int, Any, Any]]) -> None:
        objects = [
            Enterprise(id=i, credit_code=k, **dict(zip(self.FIELDS, v, strict=True)))
            for i, k, v in items
        ]
        _bulk_update(Enterprise, objects, list(self.FIELDS))


class ClassificationLoader(Loader):
    """Each classification change is also audited one by one: the catalogue and the
    classifications are what eligibility rests on, and they are few."""

    kind = ImportKind.CLASSIFICATION

    def __init__(self, refs: References, *, actor: Actor = OPERATOR) -> None:
        super().__init__(refs, actor=actor)
        self.industries: dict[str, KeyIndustry] = {}
        for industry in KeyIndustry.objects.all():
            self.industries[industry.code.lower()] = industry
            self.industries[industry.name_zh] = industry

    def key_and_values(self, record: p.ClassificationRow, problems: Problems) -> tuple[Any, Any]:
        enterprise = self.refs.enterprise(record.credit_code, 0, problems)
        industry = self.industries.get(record.industry) or self.industries.get(
            record.industry.lower()
        )
        if industry is None:
            problems.append((1, errors.ROW_UNKNOWN_INDUSTRY, {}))
        elif not industry.in_force_on(record.effective_from):
            problems.append(
                (
                    2,
                    errors.ROW_CONFLICT,
                    {
                        "detail_zh": f"产业“{industry.name_zh}”在该日期不在目录有效期内",
                        "detail_en": f"“{industry.name_en}” is not in the catalogue on that day",
                    },
                )
            )
        if problems or industry is None:
            return None, None
        return (enterprise, industry.pk, record.effective_from), (
            record.effective_to,
            record.basis,
        )

    def existing(self) -> dict[Any, tuple[int, Any]]:
        return {
            (e, i, f): (pk, (t, b))
            for pk, e, i, f, t, b in EnterpriseClassification.objects.values_list(
                "id", "enterprise_id", "industry_id", "effective_from", "effective_to", "basis"
            )
        }

    def create(self, items: list[tuple[Any, Any]]) -> None:
        created = EnterpriseClassification.objects.bulk_create(
            [
                EnterpriseClassification(
                    enterprise_id=e, industry_id=i, effective_from=f, effective_to=t, basis=b
                )
                for (e, i, f), (t, b) in items
            ]
        )
        for obj in created:
            audit.record(
                actor=self.actor,
                action="registry.classification.created",
                object_type="registry.enterpriseclassification",
                object_id=f"{obj.enterprise_id}:{obj.industry_id}:{obj.effective_from}",
                after=_classification_json(obj),
            )

    def update(self, items: list[tuple[int, Any, Any]]) -> None:
        before = EnterpriseClassification.objects.in_bulk([i for i, _k, _v in items])
        objects = []
        for pk, (e, i, f), (t, b) in items:
            obj = EnterpriseClassification(
                id=pk, enterprise_id=e, industry_id=i, effective_from=f, effective_to=t, basis=b
            )
            objects.append(obj)
            audit.record(
                actor=self.actor,
                action="registry.classification.changed",
                obj=obj,
                before=_classification_json(before[pk]),
                after=_classification_json(obj),
            )
        _bulk_update(EnterpriseClassification, objects, ["effective_to", "basis"])


def _classification_json(obj: EnterpriseClassification) -> dict[str, Any]:
    return {
        "enterprise_id": obj.enterprise_id,
        "industry_id": obj.industry_id,
        "effective_from": obj.effective_from,
        "effective_to": obj.effective_to,
        "basis": obj.basis,
    }


class PersonLoader(Loader):
    kind = ImportKind.PERSON

    def key_and_values(self, record: p.PersonRow, problems: Problems) -> tuple[Any, Any]:
        return record.id_number, (record.name, record.phone)

    def existing(self) -> dict[Any, tuple[int, Any]]:
        return {
            n: (i, (name, phone))
            for i, n, name, phone in Person.objects.values_list(
                "id", "id_number", "name", "phone"
            ).iterator(20_000)
        }

    def create(self, items: list[tuple[Any, Any]]) -> None:
        Person.objects.bulk_create([new_person(k, *v) for k, v in items])

    def update(self, items: list[tuple[int, Any, Any]]) -> None:
        objects = [Person(id=i, name=v[0], phone=v[1]) for i, _k, v in items]
        _bulk_update(Person, objects, ["name", "phone"])


def new_person(number: str, name: str, phone: str = "") -> Person:
    return Person(
        id_number=number,
        name=name,
        phone=phone,
        sex=identifiers.id_sex(number),
        birth_date=identifiers.id_birth_date(number),
    )


class MarriageLoader(Loader):
    kind = ImportKind.MARRIAGE

    def key_and_values(self, record: p.MarriageRow, problems: Problems) -> tuple[Any, Any]:
        a = self.refs.person(record.id_number, 0, problems)
        b = self.refs.person(record.spouse_id_number, 1, problems)
        if a is None or b is None:
            return None, None
        low, high = sorted((a, b))
        return (low, high, record.married_on), record.ended_on

    def existing(self) -> dict[Any, tuple[int, Any]]:
        return {
            (a, b, m): (i, e)
            for i, a, b, m, e in Marriage.objects.values_list(
                "id", "person_a_id", "person_b_id", "married_on", "ended_on"
            ).iterator(20_000)
        }

    def create(self, items: list[tuple[Any, Any]]) -> None:
        Marriage.objects.bulk_create(
            [
                Marriage(person_a_id=a, person_b_id=b, married_on=m, ended_on=e)
                for (a, b, m), e in items
            ]
        )

    def update(self, items: list[tuple[int, Any, Any]]) -> None:
        _bulk_update(Marriage, [Marriage(id=i, ended_on=e) for i, _k, e in items], ["ended_on"])


class ChildLoader(Loader):
    kind = ImportKind.CHILD

    def key_and_values(self, record: p.ChildRow, problems: Problems) -> tuple[Any, Any]:
        parent = self.refs.person(record.parent_id_number, 0, problems)
        child = self.refs.person(record.child_id_number, 1, problems)
        born_parent = identifiers.id_birth_date(record.parent_id_number)
        born_child = identifiers.id_birth_date(record.child_id_number)
        if born_child <= born_parent:
            problems.append(
                (
                    1,
                    errors.ROW_CONFLICT,
                    {"detail_zh": "子女不能早于父母出生", "detail_en": "child born before parent"},
                )
            )
        return (parent, child), True

    def existing(self) -> dict[Any, tuple[int, Any]]:
        return {
            (a, b): (i, True)
            for i, a, b in ParentChild.objects.values_list("id", "parent_id", "child_id").iterator(
                20_000
            )
        }

    def create(self, items: list[tuple[Any, Any]]) -> None:
        ParentChild.objects.bulk_create(
            [ParentChild(parent_id=a, child_id=b) for (a, b), _v in items]
        )

    def update(self, items: list[tuple[int, Any, Any]]) -> None:  # nothing but the key
        return


class EmploymentLoader(Loader):
    kind = ImportKind.EMPLOYMENT

    def key_and_values(self, record: p.EmploymentRow, problems: Problems) -> tuple[Any, Any]:
        person = self.refs.person(record.id_number, 0, problems)
        enterprise = self.refs.enterprise(record.credit_code, 1, problems)
        return (person, enterprise, record.started_on), record.ended_on

    def existing(self) -> dict[Any, tuple[int, Any]]:
        return {
            (p_, e, s): (i, end)
            for i, p_, e, s, end in Employment.objects.values_list(
                "id", "person_id", "enterprise_id", "started_on", "ended_on"
            ).iterator(20_000)
        }

    def create(self, items: list[tuple[Any, Any]]) -> None:
        Employment.objects.bulk_create(
            [
                Employment(person_id=p_, enterprise_id=e, started_on=s, ended_on=end)
                for (p_, e, s), end in items
            ]
        )

    def update(self, items: list[tuple[int, Any, Any]]) -> None:
        _bulk_update(
            Employment, [Employment(id=i, ended_on=end) for i, _k, end in items], ["ended_on"]
        )


class DegreeLoader(Loader):
    kind = ImportKind.DEGREE
    key_column = 4
    FIELDS = ("person_id", "level", "institution", "graduated_on", "verification_status")

    def key_and_values(self, record: p.DegreeRow, problems: Problems) -> tuple[Any, Any]:
        person = self.refs.person(record.id_number, 0, problems)
        return record.verification_ref, (
            person,
            int(record.level),
            record.institution,
            record.graduated_on,
            str(record.verification_status),
        )

    def accept(self, row: int, record: Any) -> Problems:
        problems = super().accept(row, record)
        if not problems:
            owner = self._owners().get(record.verification_ref)
            person = self.rows[record.verification_ref][1][0]
            if owner is not None and owner != person:
                del self.rows[record.verification_ref]
                return [
                    (
                        4,
                        errors.ROW_CONFLICT,
                        {
                            "detail_zh": "该学历验证编号已登记在另一人名下",
                            "detail_en": "this verification reference belongs to another person",
                        },
                    )
                ]
        return problems

    def _owners(self) -> dict[str, int]:
        if not hasattr(self, "_owner_map"):
            self._owner_map = dict(Degree.objects.values_list("verification_ref", "person_id"))
        return self._owner_map

    def existing(self) -> dict[Any, tuple[int, Any]]:
        return {
            row[1]: (row[0], tuple(row[2:]))
            for row in Degree.objects.values_list("id", "verification_ref", *self.FIELDS).iterator(
                20_000
            )
        }

    def create(self, items: list[tuple[Any, Any]]) -> None:
        Degree.objects.bulk_create(
            [Degree(verification_ref=k, **dict(zip(self.FIELDS, v, strict=True))) for k, v in items]
        )

    def update(self, items: list[tuple[int, Any, Any]]) -> None:
        objects = [
            Degree(id=i, verification_ref=k, **dict(zip(self.FIELDS, v, strict=True)))
            for i, k, v in items
        ]
        _bulk_update(Degree, objects, list(self.FIELDS[1:]))


class PropertyLoader(Loader):
    kind = ImportKind.PROPERTY
    FIELDS = ("address", "district", "in_zone", "use", "registered_on", "disposed_on")

    def key_and_values(self, record: p.PropertyRow, problems: Problems) -> tuple[Any, Any]:
        owners = []
        for number in record.owners:
            owner = self.refs.persons.get(number)
            if owner is None:
                problems.append((1, errors.ROW_UNKNOWN_PERSON, {}))
                break
            owners.append(owner)
        values = (
            record.address,
            record.district,
            record.in_zone,
            str(record.use),
            record.registered_on,
            record.disposed_on,
            frozenset(owners),
        )
        return record.certificate_no, values

    def existing(self) -> dict[Any, tuple[int, Any]]:
        owners: dict[int, set[int]] = {}
        for prop, person in PropertyOwner.objects.values_list("property_id", "person_id").iterator(
            20_000
        ):
            owners.setdefault(prop, set()).add(person)
        return {
            row[1]: (row[0], (*row[2:], frozenset(owners.get(row[0], ()))))
            for row in Property.objects.values_list("id", "certificate_no", *self.FIELDS).iterator(
                20_000
            )
        }

    def create(self, items: list[tuple[Any, Any]]) -> None:
        created = Property.objects.bulk_create(
            [
                Property(certificate_no=k, **dict(zip(self.FIELDS, v[:-1], strict=True)))
                for k, v in items
            ]
        )
        if not all(obj.pk for obj in created):  # backends without RETURNING on bulk insert
            ids = dict(
                Property.objects.filter(certificate_no__in=[k for k, _v in items]).values_list(
                    "certificate_no", "id"
                )
            )
            for obj in created:
                obj.pk = ids[obj.certificate_no]
        PropertyOwner.objects.bulk_create(
            [
                PropertyOwner(property_id=obj.pk, person_id=person)
                for obj, (_k, v) in zip(created, items, strict=True)
                for person in v[-1]
            ]
        )

    def update(self, items: list[tuple[int, Any, Any]]) -> None:
        objects = [
            Property(id=i, certificate_no=k, **dict(zip(self.FIELDS, v[:-1], strict=True)))
            for i, k, v in items
        ]
        _bulk_update(Property, objects, list(self.FIELDS))
        ids = [i for i, _k, _v in items]
        PropertyOwner.objects.filter(property_id__in=ids).delete()
        PropertyOwner.objects.bulk_create(
            [
                PropertyOwner(property_id=i, person_id=person)
                for i, _k, v in items
                for person in v[-1]
            ]
        )


class QualificationLoader(Loader):
    kind = ImportKind.QUALIFICATION
    FIELDS = ("status", "decided_on", "valid_to", "decision_ref")

    def key_and_values(self, record: p.QualificationRow, problems: Problems) -> tuple[Any, Any]:
        person = self.refs.person(record.id_number, 0, problems)
        return (person, record.valid_from), (
            str(record.status),
            record.decided_on,
            record.valid_to,
            record.decision_ref,
        )

    def existing(self) -> dict[Any, tuple[int, Any]]:
        return {
            (row[1], row[2]): (row[0], tuple(row[3:]))
            for row in PurchaseQualification.objects.values_list(
                "id", "person_id", "valid_from", *self.FIELDS
            ).iterator(20_000)
        }

    def create(self, items: list[tuple[Any, Any]]) -> None:
        PurchaseQualification.objects.bulk_create(
            [
                PurchaseQualification(
                    person_id=pid, valid_from=start, **dict(zip(self.FIELDS, v, strict=True))
                )
                for (pid, start), v in items
            ]
        )

    def update(self, items: list[tuple[int, Any, Any]]) -> None:
        objects = [
            PurchaseQualification(id=i, **dict(zip(self.FIELDS, v, strict=True)))
            for i, _k, v in items
        ]
        _bulk_update(PurchaseQualification, objects, list(self.FIELDS))


LOADERS: dict[str, type[Loader]] = {
    ImportKind.ENTERPRISE: EnterpriseLoader,
    ImportKind.CLASSIFICATION: ClassificationLoader,
    ImportKind.PERSON: PersonLoader,
    ImportKind.MARRIAGE: MarriageLoader,
    ImportKind.CHILD: ChildLoader,
    ImportKind.EMPLOYMENT: EmploymentLoader,
    ImportKind.DEGREE: DegreeLoader,
    ImportKind.PROPERTY: PropertyLoader,
    ImportKind.QUALIFICATION: QualificationLoader,
}


def _spec_keys() -> dict[str, tuple[str, str]]:
    from .columns import SPECS

    return {kind: (spec.key_zh, spec.key_en) for kind, spec in SPECS.items()}


SPEC_KEYS = _spec_keys()
