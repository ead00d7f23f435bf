"""Every write of the approvals desk (docs/approvals.md)."""

from .deadlines import sweep
from .process import (
    Upload,
    correction_answer,
    document_receive,
    land_contract_enter,
    package_dispatch,
    package_return,
    package_submit,
    project_start,
)
from .review import (
    compliance_check_record,
    decision_push,
    delivery_record,
    item_decide,
    item_prereview,
)
from .template import (
    document_def_add,
    item_def_add,
    item_def_edit,
    item_def_remove,
    stage_def_edit,
    template_default,
    version_new_draft,
    version_publish,
)

__all__ = [
    "Upload",
    "compliance_check_record",
    "correction_answer",
    "decision_push",
    "delivery_record",
    "document_def_add",
    "document_receive",
    "item_decide",
    "item_def_add",
    "item_def_edit",
    "item_def_remove",
    "item_prereview",
    "land_contract_enter",
    "package_dispatch",
    "package_return",
    "package_submit",
    "project_start",
    "stage_def_edit",
    "sweep",
    "template_default",
    "version_new_draft",
    "version_publish",
]
