"""Registry API: the catalogue, enterprises (public business data), and import status.
Personal data is not served here; the housing app calls the selectors in-process.

No `from __future__ import annotations` here: django-ninja resolves the string annotations of a
@paginate-wrapped view in the wrong module and fails on `Query[...]`."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from gaoxin.common.errors import NOT_ALLOWED, NOT_FOUND, GaoxinError, ensure

from . import access, selectors
from .models import Enterprise

router = Router(tags=["registry"])


class IndustryOut(Schema):
    code: str
    name_zh: str
    name_en: str
    effective_from: date
    effective_to: date | None


class EnterpriseOut(Schema):
    credit_code: str
    name: str
    registered_address: str
    sector: str
    status: str
    business_in_zone_from: date | None
    business_in_zone_to: date | None
    tax_in_zone_from: date | None
    tax_in_zone_to: date | None


class ClassificationOut(Schema):
    industry: str
    effective_from: date
    effective_to: date | None
    basis: str

    @staticmethod
    def resolve_industry(obj: Any) -> str:
        return str(obj.industry.code)


class EnterpriseDetailOut(EnterpriseOut):
    classifications: list[ClassificationOut]
    key_industry_in_zone_today: bool


class EnterpriseFilterIn(Schema):
    # Bounded as the page's search form is: an unbounded LIKE pattern is refused by SQLite
    # (over 50,000 bytes) and costly everywhere.
    q: str = Field("", max_length=100)
    industry: str = Field("", max_length=32)
    in_zone: str = Field("", max_length=8)
    status: str = Field("", max_length=32)


class ImportRunOut(Schema):
    id: int
    kind: str
    mode: str
    status: str
    original_name: str
    file_sha256: str
    created_at: datetime
    finished_at: datetime | None
    total_rows: int
    processed_rows: int
    valid_rows: int
    error_rows: int
    inserted: int
    updated: int
    unchanged: int
    error_code: str
    error_message_zh: str
    error_message_en: str
    progress_percent: int

    @staticmethod
    def resolve_error_message_zh(obj: Any) -> str:
        return str(obj.error_message_in("zh")) if obj.error_code else ""

    @staticmethod
    def resolve_error_message_en(obj: Any) -> str:
        return str(obj.error_message_in("en")) if obj.error_code else ""


@router.get("/industries", response=list[IndustryOut], summary="The key-industry catalogue")
def list_industries(request: HttpRequest) -> Any:
    ensure(access.can_view_registry(request.user), NOT_ALLOWED)
    return selectors.industry_list()


@router.get("/enterprises", response=list[EnterpriseOut], summary="Search enterprises")
@paginate
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilterIn]) -> Any:
    ensure(access.can_view_registry(request.user), NOT_ALLOWED)
    return selectors.enterprise_list(filters=selectors.EnterpriseFilter(**filters.dict()))


@router.get("/enterprises/{credit_code}", response=EnterpriseDetailOut, summary="One enterprise")
def get_enterprise(request: HttpRequest, credit_code: str) -> Any:
    ensure(access.can_view_registry(request.user), NOT_ALLOWED)
    enterprise = Enterprise.objects.filter(credit_code=credit_code.upper()).first()
    if enterprise is None:
        raise GaoxinError(NOT_FOUND)
    today = timezone.localdate()  # the zone's calendar day (TIME_ZONE)
    key = selectors.key_industry_enterprises(enterprise_ids=[enterprise.pk], on=today)
    return {
        **{name: getattr(enterprise, name) for name in EnterpriseOut.model_fields},
        "classifications": list(selectors.enterprise_classifications(enterprise=enterprise)),
        "key_industry_in_zone_today": enterprise.pk in key,
    }


@router.get("/imports/{run_id}", response=ImportRunOut, summary="Status of an import")
def get_import(request: HttpRequest, run_id: int) -> Any:
    ensure(access.can_view_imports(request.user), NOT_ALLOWED)
    run = selectors.import_run_get(run_id=run_id)
    if run is None:
        raise GaoxinError(NOT_FOUND)
    return run
