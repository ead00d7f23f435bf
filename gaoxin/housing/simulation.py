"""What the chosen rules do at plausible demand: fairdraw's simulator for the batch's rules
under both precedence orders, shown before publishing (Dur, Kominers, Pathak and Sönmez 2018:
the processing order matters as much as the quota size)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gaoxin import fairdraw
from gaoxin.fairdraw.simulate import GROUPS, OrderResult, simulate

from .models import SaleBatch
from .rules import Rules, rules_config

# Shares of applicants per group at "plausible demand" (Hefei 2021 lotteries: 1.5–5× units).
DEFAULT_SHARES = {"first_home_only": 0.35, "key_industry_only": 0.15, "both": 0.10, "neither": 0.40}


GROUP_LABELS = {
    "first_home_only": _("First-home only"),
    "key_industry_only": _("Key-industry only"),
    "both": _("Both"),
    "neither": _("Neither"),
}


@dataclass(frozen=True)
class Simulation:
    sizes: dict[str, int]
    results: list[OrderResult]

    @property
    def groups(self) -> list[tuple[str, int]]:
        return [(str(GROUP_LABELS[g]), self.sizes[g]) for g in GROUPS]


def batch_simulation(batch: SaleBatch, *, demand: float = 3.0, trials: int = 2000) -> Simulation:
    units = max(batch.units.count(), 1)
    config = fairdraw.DrawConfig.from_dict(
        batch.config.get("draw")
        or rules_config(Rules(**batch.config.get("rules", {})), units=units)
    )
    applicants = max(int(units * demand), 1)
    sizes = {g: round(applicants * DEFAULT_SHARES[g]) for g in GROUPS}
    names = [r.name for r in config.rounds]
    reserves, rest = names[:-1], names[-1:]
    orders = [reserves + rest, list(reversed(reserves)) + rest] if len(reserves) == 2 else [names]
    return Simulation(sizes, simulate(config, sizes, orders=orders, trials=trials))
