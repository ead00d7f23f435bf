from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from gaoxin.registry import identifiers

from .choices import Pool
from .models import HousingProject

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BatchForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Housing project"), queryset=HousingProject.objects.all()
    )
    name = forms.CharField(label=_("Batch name"), max_length=200)
    code = forms.RegexField(
        label=_("Batch code"),
        regex=r"^[A-Za-z0-9]{2,12}$",
        max_length=12,
        help_text=_("Letters and digits; prefixes the registration numbers."),
        error_messages={
            "invalid": _("A batch code is 2 to 12 letters or digits, e.g. GX26A."),
            "max_length": _("A batch code is 2 to 12 letters or digits, e.g. GX26A."),
        },
    )
    registration_opens_at = forms.DateTimeField(label=_("Registration opens"), widget=DATETIME)
    registration_closes_at = forms.DateTimeField(label=_("Registration closes"), widget=DATETIME)


PERCENT_ERRORS = {
    "required": _("Give a share from 0 to 100 percent (0: no reserved units)."),
    "invalid": _("A share is a number of percent from 0 to 100, e.g. 30 or 12.5."),
    "min_value": _("A share is a number of percent from 0 to 100, e.g. 30 or 12.5."),
    "max_value": _("A share is a number of percent from 0 to 100, e.g. 30 or 12.5."),
    "max_decimal_places": _("A share has at most two decimals, e.g. 12.25."),
}


class RulesForm(forms.Form):
    first_home_percent = forms.DecimalField(
        label=_("First-home buyers (刚需): minimum share of units, percent"),
        min_value=0,
        max_value=100,
        initial=30,
        decimal_places=2,
        error_messages=PERCENT_ERRORS,
    )
    key_industry_percent = forms.DecimalField(
        label=_("Key-industry employees: minimum share of units, percent"),
        min_value=0,
        max_value=100,
        initial=30,
        decimal_places=2,
        error_messages=PERCENT_ERRORS,
    )
    key_industry_first = forms.BooleanField(
        label=_("Draw the key-industry pool before the first-home pool"), required=False
    )
    waitlist_length = forms.IntegerField(
        label=_("Waitlist length (blank: as many as units)"),
        min_value=0,
        max_value=100_000,
        required=False,
        error_messages={
            "invalid": _("The waitlist length is a whole number of places, e.g. 20."),
            "min_value": _("The waitlist length is a whole number from 0 to 100000."),
            "max_value": _("The waitlist length is a whole number from 0 to 100000."),
        },
    )
    key_mode = forms.ChoiceField(
        label=_("Keys"),
        choices=[
            ("per_round", _("A new key in every round (Chinese practice)")),
            ("shared", _("One key for all rounds (like NYC Housing Connect)")),
        ],
    )


class EntropyForm(forms.Form):
    sources = forms.CharField(
        label=_("Public future random values, one per line: name | where and when it is published"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("e.g. 上证综指收盘点位×100 | 上海证券交易所 2026-12-01 收盘"),
    )
    notary_commitment = forms.RegexField(
        label=_("Notary's commitment (SHA-256 of the secret, 64 hex digits)"),
        regex=r"^[0-9a-fA-F]{64}$",
        required=False,
        error_messages={
            "invalid": _(
                "The notary's commitment is the SHA-256 of the secret: 64 characters 0-9 and a-f."
            )
        },
    )

    def clean_sources(self) -> list[tuple[str, str]]:
        pairs = []
        for number, line in enumerate(self.cleaned_data["sources"].splitlines(), start=1):
            if not line.strip():
                continue
            name, bar, declared = line.partition("|")
            if not bar or not name.strip() or not declared.strip():
                raise forms.ValidationError(
                    _("Line %(n)s: write “name | where and when”."), params={"n": number}
                )
            pairs.append((name.strip(), declared.strip()))
        if not pairs:
            raise forms.ValidationError(_("Declare at least one source."))
        return pairs


class UnitsUploadForm(forms.Form):
    file = forms.FileField(label=_("Units spreadsheet (.xlsx or UTF-8 .csv)"))


def _lazy_format(message: Any, **params: Any) -> Any:
    """`message % params` in the language of the request that shows it (not at import)."""
    return lazy(lambda: str(message) % {k: str(v) for k, v in params.items()}, str)()


ID_PROBLEMS = {
    "length": _("An ID number has 18 characters; this one has %(n)s."),
    "characters": _("An ID number is 17 digits followed by a digit or X."),
    "check": _("The last character of this ID number does not match the others; check it."),
    "birth_date": _("The birth date inside this ID number (characters 7 to 14) is not a date."),
}


class IdNumberField(forms.CharField):
    """A resident ID number, checked as the registry checks it (GB 11643), with a message
    that says what is wrong in words, not Django's "at least 18 characters (it has 5)"."""

    def __init__(self, *, who: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {"required": _lazy_format(_("Give the ID number of %(who)s."), who=who)},
        )
        super().__init__(max_length=None, **kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return text
        try:
            return identifiers.validate_id_number(text)
        except identifiers.IdentifierError as error:
            message = ID_PROBLEMS.get(error.reason, ID_PROBLEMS["characters"])
            raise forms.ValidationError(
                message, code=error.reason, params={"n": len(identifiers.normalize_code(text))}
            ) from error


def _name_field(label: Any, who: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=50,
        required=required,
        error_messages={
            "required": _lazy_format(_("Give the name of %(who)s."), who=who),
            "max_length": _("A name has at most 50 characters."),
        },
    )


class RegistrationForm(forms.Form):
    applicant_name = _name_field(_("Applicant's name"), _("the applicant"))
    applicant_id = IdNumberField(label=_("Applicant's ID number"), who=_("the applicant"))
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1[3-9]\d{9}$",
        max_length=11,
        error_messages={
            "required": _("Give a mobile number we can reach you at."),
            "invalid": _(
                "A mobile number has 11 digits and starts with 13 to 19, e.g. 13800138000."
            ),
            "max_length": _("A mobile number has 11 digits, e.g. 13800138000."),
        },
    )
    spouse_name = _name_field(_("Spouse's name"), _("the spouse"), required=False)
    spouse_id = IdNumberField(label=_("Spouse's ID number"), who=_("the spouse"), required=False)
    child1_name = _name_field(_("Minor child's name"), _("the child"), required=False)
    child1_id = IdNumberField(
        label=_("Minor child's ID number"), who=_("the child"), required=False
    )
    child2_name = _name_field(_("Second minor child's name"), _("the second child"), required=False)
    child2_id = IdNumberField(
        label=_("Second minor child's ID number"), who=_("the second child"), required=False
    )
    pools = forms.MultipleChoiceField(
        label=_("I apply as"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (Pool.FIRST_HOME, Pool.FIRST_HOME.label),
            (Pool.KEY_INDUSTRY, Pool.KEY_INDUSTRY.label),
        ],
        help_text=_("Everyone eligible also takes part in the general round."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the registry's records of my household are checked for eligibility."),
        error_messages={
            "required": _("Eligibility is checked against the registry's records: tick to agree.")
        },
    )

    def __init__(self, *args: Any, principal: Any = None, **kwargs: Any) -> None:
        """`principal`: the registry person the account is bound to, who is the applicant: the
        name and ID number are theirs, shown and not typed (issue #13)."""
        super().__init__(*args, **kwargs)
        if principal is not None:
            for name, value in (
                ("applicant_name", principal.name),
                ("applicant_id", principal.id_number),
            ):
                self.fields[name].initial = value
                self.fields[name].disabled = True
                self.fields[name].help_text = _("From your verified identity.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for prefix in ("spouse", "child1", "child2"):
            if bool(data.get(f"{prefix}_name")) != bool(data.get(f"{prefix}_id")):
                self.add_error(f"{prefix}_id", _("Give both the name and the ID number."))
        return data
