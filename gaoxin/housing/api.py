"""Housing API: public batch information, and registration from a developer's sales system.

(No `from __future__ import annotations`: django-ninja reads the annotations.)"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from gaoxin.common.errors import NOT_FOUND, GaoxinError
from gaoxin.common.faults import pause_point

from . import selectors, services
from .choices import Channel, Relation
from .registration import MemberIn

router = Router(tags=["housing"])


class RoundOut(Schema):
    name: str
    pool: str
    quota: str
    seats: int


class BatchOut(Schema):
    code: str
    name: str
    project: str
    status: str
    registration_opens_at: datetime
    registration_closes_at: datetime
    units: int
    rounds: list[RoundOut]
    entropy: dict[str, Any]


class MemberInSchema(Schema):
    relation: Relation
    name: str
    id_number: str


class RegistrationIn(Schema):
    members: list[MemberInSchema]
    pools: list[str] = []
    phone: str = ""


class RegistrationOut(Schema):
    number: str
    created: bool
    salt: str
    identity_commitment: str
    pools: list[str]


def _batch_out(batch: Any) -> dict[str, Any]:
    return {
        "code": batch.code,
        "name": batch.name,
        "project": batch.project.name,
        "status": batch.status,
        "registration_opens_at": batch.registration_opens_at,
        "registration_closes_at": batch.registration_closes_at,
        "units": batch.unit_count,
        "rounds": [r.__dict__ for r in selectors.batch_rounds(batch)],
        "entropy": batch.entropy,
    }


@router.get("/batches", response=list[BatchOut], auth=None, summary="Announced sale batches")
def list_batches(request: HttpRequest) -> Any:
    return [_batch_out(batch) for batch in selectors.batch_public_list()]


@router.get("/batches/{code}", response=BatchOut, auth=None, summary="One announced batch")
def get_batch(request: HttpRequest, code: str) -> Any:
    batch = selectors.batch_public_get(code=code)
    if batch is None:
        raise GaoxinError(NOT_FOUND)
    return _batch_out(batch)


@router.post(
    "/batches/{code}/registrations",
    response={200: RegistrationOut, 201: RegistrationOut},
    summary="Register a household (developer's sales system, with its API token)",
)
def register(request: HttpRequest, code: str, payload: RegistrationIn) -> Any:
    batch = selectors.batch_public_get(code=code)
    if batch is None:
        raise GaoxinError(NOT_FOUND)
    result = services.application_register(
        actor=request.user,
        batch=batch,
        pools=payload.pools,
        phone=payload.phone,
        channel=Channel.API,
        members=[MemberIn(m.relation, m.name, m.id_number) for m in payload.members],
    )
    pause_point("housing.registration.committed")  # fault tests: between commit and answer
    app = result.application
    body = {
        "number": app.number,
        "created": result.created,
        "salt": result.salt,
        "identity_commitment": app.identity_commitment,
        "pools": app.pools,
    }
    return Status(201 if result.created else 200, body)
