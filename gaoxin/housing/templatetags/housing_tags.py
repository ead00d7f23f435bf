"""Template filters for housing pages: pool codes shown as their names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gaoxin.registry.identifiers import mask_name

from ..choices import Pool, TurnSource, TurnStatus, round_label

register = template.Library()

KEY_MODE_LABELS = {
    "per_round": _("a new key in every round"),
    "shared": _("one key for all rounds"),
}


@register.filter
def key_mode_label(code: str) -> str:
    return str(KEY_MODE_LABELS.get(code, code))


@register.filter
def check_labels(names: Iterable[str]) -> str:
    """The closing report's check keys (`reportchecks.family`'s "flagged") as words."""
    labels = []
    for name in names:
        if name.startswith("round:"):
            round_name = pool_label(name.removeprefix("round:"))
            labels.append(_("registration time in the %(round)s round") % {"round": round_name})
        elif name == "pool_shares":
            labels.append(str(_("winners per applicant group")))
        elif name == "registration_bins":
            labels.append(str(_("winners per block of registration order")))
        else:
            labels.append(name)
    return ("、" if get_language().startswith("zh") else ", ").join(str(x) for x in labels)


@register.filter
def pool_label(code: str) -> str:
    try:
        return str(Pool(code).label)
    except ValueError:
        return code


@register.filter
def pools_label(codes: Iterable[str]) -> str:
    return "、".join(pool_label(code) for code in codes) or "—"


@register.filter
def order_label(codes: Iterable[str]) -> str:
    return " → ".join(pool_label(code) for code in codes)


@register.filter
def turn_status(code: str) -> str:
    try:
        return str(TurnStatus(code).label)
    except ValueError:
        return code


@register.filter
def turn_source(code: str) -> str:
    try:
        return str(TurnSource(code).label)
    except ValueError:
        return code


@register.filter
def masked_applicant(turn: object) -> str:
    """The masked name of a turn's applicant (selectors prefetch them as `applicants`)."""
    members = getattr(getattr(turn, "application", None), "applicants", None) or []
    return mask_name(members[0].name) if members else "—"


@register.filter
def pvalue(value: float | None) -> str:
    """p-values as people read them: 3 significant digits, "< 0.001" below that; "—" where a
    report has none (not computed, or stored before adjusted p-values existed)."""
    if not isinstance(value, int | float):
        return "—"
    if value < 0.001:
        return "< 0.001"
    return f"{value:.3g}"


@register.filter
def yuan(value: Any) -> str:
    """Money as people read it: thousands separated, no trailing ".00" (1,495,200)."""
    from decimal import Decimal, InvalidOperation

    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"


@register.filter
def quota_label(text: str) -> str:
    """A round's quota in words: "30%" stays, a count gets its unit, "remainder" is said."""
    if text == "remainder":
        return str(_("all units not reserved by the other rounds"))
    if text.isdigit():
        return str(_("%(n)s units exactly") % {"n": text})
    return text


@register.filter
def method_label(method: str) -> str:
    """The simulator's method ("exact", "monte carlo (N trials)") in the reader's language."""
    if method == "exact":
        return str(_("computed exactly"))
    if method.startswith("monte carlo"):
        trials = "".join(c for c in method if c.isdigit())
        return str(_("simulated (%(n)s draws)") % {"n": trials})
    return method


@register.filter
def mask(name: str | None) -> str:
    """A person's name masked as the back office shows it (张*三)."""
    return mask_name(name) if name else "—"


@register.filter(name="round_label")
def round_label_filter(name: str) -> str:
    """A draw round's name in words (first_home → 刚需家庭摇号)."""
    return round_label(name)


@register.filter
def reason_group(pool: str) -> str:
    """The heading a failed condition stands under: its pool, or the conditions every household
    must meet (the "general" pool of a reason)."""
    if pool == "general":
        return str(_("Basic conditions"))
    return pool_label(pool)


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


@register.simple_tag
def colon() -> str:
    """The colon after a label in the reader's language: "：" in Chinese, ": " in English."""
    return "：" if _chinese() else ": "


@register.filter
def parens(value: Any) -> str:
    """A value in brackets in the reader's language: （3） in Chinese, (3) in English."""
    return f"（{value}）" if _chinese() else f" ({value})"


@register.filter
def wanyuan(value: Any) -> str:
    """A total as officials write it: 万元 with two decimals in Chinese (1,794.24 万元),
    millions of yuan in English (17.94 million yuan)."""
    from decimal import Decimal, InvalidOperation

    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if get_language().startswith("zh"):
        return f"{amount / 10_000:,.2f} 万元"
    return f"{amount / 1_000_000:,.2f} million yuan"


@register.inclusion_tag("housing/_fairdraw_tool.html")
def fairdraw_tool(batch: Any, number: str = "") -> dict[str, Any]:
    """Where the verifier comes from and the exact commands for this batch's files: the one-file
    `fairdraw.pyz` (Python 3.9+, no packages), its SHA-256, the specification; `prove` and
    `check-proof` once the roster is frozen, `verify` once drawn. `number` fills in the
    applicant's own registration number."""
    from .. import publication, selectors

    _path, digest = publication.fairdraw_pyz()
    facts = selectors.verifier_facts(batch)
    code = batch.code
    run = "python3 fairdraw.pyz"
    commands = [f"sha256sum fairdraw.pyz    # {digest}"]
    if facts.root is not None:
        commands += [
            f"{run} prove {code}-roster.csv {number or 'YOUR-NUMBER'} --out proof.json",
            f"{run} check-proof proof.json --root {facts.root} --size {facts.size}",
        ]
    if facts.drawn:
        commands.append(
            f"{run} verify {code}-protocol.json {code}-roster.csv --results {code}-results.csv"
        )
    return {"batch": batch, "facts": facts, "digest": digest, "commands": commands}


@register.inclusion_tag("housing/_browser_check.html")
def browser_check(batch: Any, number: str = "", salt: str = "") -> dict[str, Any]:
    """The browser checks (fairdraw-check.js) once the roster is frozen: one's own entry, and
    the whole draw once drawn; `number` and `salt` fill in the applicant's own."""
    from .. import selectors

    facts = selectors.verifier_facts(batch)
    return {"batch": batch, "facts": facts, "number": number or "", "salt": salt or ""}
