"""Writes to the registry, one module per concern. Keyword-only arguments, one transaction, an
audit event for every change. Bulk data arrives through imports (../imports/runner.py), which
audit each run (and each classification they change).

    catalogue   the key-industry catalogue and enterprises' classifications
    people      audited unmasked views of personal data
    imports     starting an import, the audited error-report download
    retention   purging the uploaded files of finished imports
    identity    accounts bound to the registry person they act as (counter, identity service)

Callers use `services.<name>`; reads live in ../selectors.py."""

from .catalogue import classification_add, classification_end, industry_create, industry_update
from .identity import (
    identity_bind_at_counter,
    identity_sign_in_verified,
    identity_unbind,
)
from .imports import import_errors_downloaded, import_start, import_start_from_path
from .people import person_reveal, person_viewed
from .retention import FILE_AREA, Purged, import_files_purge

__all__ = [
    "FILE_AREA",
    "Purged",
    "classification_add",
    "classification_end",
    "identity_bind_at_counter",
    "identity_sign_in_verified",
    "identity_unbind",
    "import_errors_downloaded",
    "import_files_purge",
    "import_start",
    "import_start_from_path",
    "industry_create",
    "industry_update",
    "person_reveal",
    "person_viewed",
]
