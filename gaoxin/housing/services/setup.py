"""Set-up of a sale: sales offices, projects, batches, their rules, the entropy
declaration and units, publication."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from gaoxin import fairdraw
from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.accounts.services import role_grant
from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system
from gaoxin.common.errors import NOT_ALLOWED, ensure
from gaoxin.common.exports import printable
from gaoxin.common.storagefaults import reports_storage_faults

from .. import access, errors
from ..choices import (
    BatchStatus,
)
from ..fairdrawwords import as_gaoxin_error
from ..locks import lock_batch, transition
from ..models import (
    HousingProject,
    SaleBatch,
    SalesOffice,
    Unit,
)
from ..rules import Rules, rules_config
from ..states import ensure_transition
from ..unitsheet import parse_units

logger = logging.getLogger(__name__)


@transaction.atomic
def sales_office_create(*, actor: Actor, name: str, members: Sequence[Any] = ()) -> SalesOffice:
    ensure(is_system(actor) or access.can_set_up_sales(actor), NOT_ALLOWED)
    office = SalesOffice.objects.create(name=name.strip())
    for member in members:  # its staff: the developer role within this office (audited)
        role_grant(
            actor=actor,
            user=member,
            role=roles.DEVELOPER,
            scope_kind=ScopeKind.SALES_OFFICE,
            scope_key=str(office.pk),
        )
    audit.record(
        actor=actor,
        action="housing.sales_office.created",
        obj=office,
        after={"name": office.name, "members": [m.get_username() for m in members]},
    )
    return office


@transaction.atomic
def project_create(
    *, actor: Actor, name: str, address: str, sales_office: SalesOffice, presale_permit: str = ""
) -> HousingProject:
    ensure(is_system(actor) or access.can_set_up_sales(actor), NOT_ALLOWED)
    project = HousingProject.objects.create(
        name=name.strip(),
        address=address.strip(),
        sales_office=sales_office,
        presale_permit=presale_permit.strip(),
    )
    audit.record(
        actor=actor,
        action="housing.project.created",
        obj=project,
        after={"name": project.name, "sales_office": sales_office.name},
    )
    return project


@transaction.atomic
def batch_create(
    *,
    actor: Actor,
    project: HousingProject,
    name: str,
    code: str,
    registration_opens_at: datetime,
    registration_closes_at: datetime,
    rules: Rules | None = None,
) -> SaleBatch:
    ensure(is_system(actor) or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure(registration_closes_at > registration_opens_at, errors.WINDOW_INVALID)
    code = code.strip().upper()
    # The code prefixes registration numbers, which the published roster and results CSVs
    # carry verbatim: letters and digits only, so no cell there can start like a formula.
    ensure(
        re.fullmatch(r"[A-Z0-9]{2,12}", code) is not None,
        errors.BATCH_CODE_INVALID,
        code=printable(code)[:20],
    )
    ensure(not SaleBatch.objects.filter(code=code).exists(), errors.BATCH_CODE_TAKEN, code=code)
    batch = SaleBatch.objects.create(
        project=project,
        name=name.strip(),
        code=code,
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
        config={"rules": (rules or Rules()).__dict__},
    )
    audit.record(
        actor=actor,
        action="housing.batch.created",
        obj=batch,
        after={
            "name": batch.name,
            "code": code,
            "project": project.name,
            "opens": registration_opens_at,
            "closes": registration_closes_at,
        },
    )
    return batch


@transaction.atomic
def batch_set_rules(*, actor: Actor, batch: SaleBatch, rules: Rules) -> SaleBatch:
    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure(batch.status == BatchStatus.DRAFT, errors.BATCH_NOT_EDITABLE)
    rules_config(rules, units=max(batch.units.count(), 10))  # refuse impossible rules now
    before = batch.config.get("rules")
    batch.config = {"rules": rules.__dict__}
    batch.save(update_fields=["config", "updated_at"])
    audit.record(
        actor=actor,
        action="housing.batch.rules_set",
        obj=batch,
        before={"rules": before},
        after={"rules": rules.__dict__},
    )
    return batch


@transaction.atomic
def batch_declare_entropy(
    *,
    actor: Actor,
    batch: SaleBatch,
    sources: Sequence[tuple[str, str]],
    notary_commitment: str | None = None,
) -> SaleBatch:
    """Declare the public future values (name, when/where published) before registration
    opens; the notary's commitment (SHA-256 of a secret) may be added by the notary."""
    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure(batch.status == BatchStatus.DRAFT, errors.BATCH_NOT_EDITABLE)
    try:
        declaration = fairdraw.EntropyDeclaration(
            tuple(
                fairdraw.EntropySource(name.strip(), declared.strip()) for name, declared in sources
            ),
            notary_commitment=notary_commitment or batch.entropy.get("notary_commitment"),
        )
    except fairdraw.FairdrawError as error:
        raise as_gaoxin_error(
            error, errors.CONFIG_INVALID, sources=[name.strip() for name, _declared in sources]
        ) from error
    before = batch.entropy
    batch.entropy = declaration.to_dict()
    batch.save(update_fields=["entropy", "updated_at"])
    audit.record(
        actor=actor,
        action="housing.batch.entropy_declared",
        obj=batch,
        before=before,
        after=batch.entropy,
    )
    return batch


@transaction.atomic
def batch_publish(*, actor: Actor, batch: SaleBatch) -> SaleBatch:
    """Announce the batch: rules become a fixed fairdraw configuration for the actual units,
    the entropy declaration is fixed, registration opens at its time."""
    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.REGISTRATION)
    units = batch.units.count()
    ensure(units > 0, errors.NO_UNITS)
    ensure(bool(batch.entropy.get("sources")), errors.NO_ENTROPY)
    rules = Rules(**batch.config.get("rules", {}))
    batch.config = {"rules": rules.__dict__, "draw": rules_config(rules, units=units)}
    batch.published_at = timezone.now()
    return transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.REGISTRATION,
        config=batch.config,
        entropy=batch.entropy,
        _fields=["config", "published_at"],
    )


@reports_storage_faults
@transaction.atomic
def units_import(*, actor: Actor, batch: SaleBatch, data: bytes, filename: str) -> int:
    """Replace the draft batch's units with the spreadsheet's; all or nothing. `filename` is
    only recorded (truncated) in the audit event."""
    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_manage_project(actor, batch.project), NOT_ALLOWED)
    ensure(batch.status == BatchStatus.DRAFT, errors.BATCH_NOT_EDITABLE)
    rows = parse_units(data)
    previous = batch.units.count()
    batch.units.all().delete()
    Unit.objects.bulk_create(
        Unit(
            batch=batch,
            building=r.building,
            entrance=r.entrance,
            room=r.room,
            floor_area=r.floor_area,
            price=r.price,
        )
        for r in rows
    )
    audit.record(
        actor=actor,
        action="housing.units.imported",
        obj=batch,
        before={"units": previous},
        after={"units": len(rows), "file": printable(filename)[:100]},
    )
    return len(rows)
