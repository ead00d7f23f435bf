"""The officials' rules for a batch and the fairdraw configuration they become."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from gaoxin import fairdraw

from . import errors
from .fairdrawwords import as_gaoxin_error

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rules:
    """The officials' choices; become a fairdraw configuration when the batch is published."""

    first_home_percent: str = "30"
    key_industry_percent: str = "30"
    waitlist_length: int | None = None
    insurance_months: int = 12  # key-industry: continuous in-zone months up to closing
    makeup_policy: str = "exclude"  # make-up payments (补缴): "exclude" breaks the run, "count"
    min_degree: int = 2  # registry DegreeLevel: 2 = bachelor (本科)
    key_mode: Literal["per_round", "shared"] = "per_round"
    key_industry_first: bool = False  # precedence: 刚需 first (the pilot's) unless set


def rules_config(rules: Rules, *, units: int) -> dict[str, Any]:
    """The fairdraw configuration for `units` (raises GaoxinError if fairdraw refuses it)."""
    try:
        config = fairdraw.default_config(
            units,
            waitlist_length=rules.waitlist_length,
            key_mode=rules.key_mode,
            first_home_percent=rules.first_home_percent,
            key_industry_percent=rules.key_industry_percent,
        )
        if rules.key_industry_first:
            first, second, *rest = config.rounds
            config = fairdraw.DrawConfig(
                units=config.units,
                rounds=(second, first, *rest),
                key_mode=config.key_mode,
                waitlist_length=config.waitlist_length,
            )
    except fairdraw.FairdrawError as error:
        raise as_gaoxin_error(error, errors.CONFIG_INVALID) from error
    return config.to_dict()
