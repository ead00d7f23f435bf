"""factory_boy factories for registry records (valid identifiers by construction)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import factory

from gaoxin.registry import identifiers
from gaoxin.registry.imports.loaders import new_person
from gaoxin.registry.models import (
    Enterprise,
    EnterpriseClassification,
    KeyIndustry,
    Person,
)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    id_number = factory.Sequence(
        lambda n: identifiers.make_id_number(
            "340104", date(1980 + n % 20, 1 + n % 12, 1 + n % 28), (n * 7) % 1000
        )
    )
    name = factory.Sequence(lambda n: f"张{'明亮伟芳'[n % 4]}{n}")
    sex = factory.LazyAttribute(lambda o: identifiers.id_sex(o.id_number))
    birth_date = factory.LazyAttribute(lambda o: identifiers.id_birth_date(o.id_number))


def person_born(born: date, sequence: int = 1) -> Person:
    number = identifiers.make_id_number("340104", born, sequence)
    person = new_person(number, f"张{sequence}明")
    person.save()
    return person


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(
        lambda n: identifiers.make_credit_code("91", "340171", f"MA{n:06d}")
    )
    name = factory.Sequence(lambda n: f"合肥测试企业{n}有限公司")
    business_in_zone_from = date(2015, 1, 1)
    tax_in_zone_from = date(2015, 1, 1)


class ClassificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseClassification

    enterprise = factory.SubFactory(EnterpriseFactory)
    industry = factory.LazyFunction(lambda: KeyIndustry.objects.get(code="IC"))
    effective_from = date(2021, 1, 1)
    basis = "合高管〔2021〕1号"


# Typed entry points (factory_boy's own annotations return the factory type).
def a_person(**fields: Any) -> Person:
    return cast(Person, PersonFactory(**fields))


def an_enterprise(**fields: Any) -> Enterprise:
    return cast(Enterprise, EnterpriseFactory(**fields))


def a_classification(**fields: Any) -> EnterpriseClassification:
    return cast(EnterpriseClassification, ClassificationFactory(**fields))
