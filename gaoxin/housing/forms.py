from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
    )
    registration_opens_at = forms.DateTimeField(label=_("Registration opens"), widget=DATETIME)
    registration_closes_at = forms.DateTimeField(label=_("Registration closes"), widget=DATETIME)


class RulesForm(forms.Form):
    first_home_percent = forms.DecimalField(
        label=_("First-home buyers (刚需): minimum share of units, percent"),
        min_value=0,
        max_value=100,
        initial=30,
        decimal_places=2,
    )
    key_industry_percent = forms.DecimalField(
        label=_("Key-industry employees: minimum share of units, percent"),
        min_value=0,
        max_value=100,
        initial=30,
        decimal_places=2,
    )
    key_industry_first = forms.BooleanField(
        label=_("Draw the key-industry pool before the first-home pool"), required=False
    )
    waitlist_length = forms.IntegerField(
        label=_("Waitlist length (blank: as many as units)"),
        min_value=0,
        max_value=100_000,
        required=False,
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


class RegistrationForm(forms.Form):
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=50)
    applicant_id = forms.CharField(label=_("Applicant's ID number"), max_length=18, min_length=18)
    phone = forms.RegexField(label=_("Mobile phone"), regex=r"^1[3-9]\d{9}$", max_length=11)
    spouse_name = forms.CharField(label=_("Spouse's name"), max_length=50, required=False)
    spouse_id = forms.CharField(label=_("Spouse's ID number"), max_length=18, required=False)
    child1_name = forms.CharField(label=_("Minor child's name"), max_length=50, required=False)
    child1_id = forms.CharField(label=_("Minor child's ID number"), max_length=18, required=False)
    child2_name = forms.CharField(
        label=_("Second minor child's name"), max_length=50, required=False
    )
    child2_id = forms.CharField(
        label=_("Second minor child's ID number"), max_length=18, required=False
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
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for prefix in ("spouse", "child1", "child2"):
            if bool(data.get(f"{prefix}_name")) != bool(data.get(f"{prefix}_id")):
                self.add_error(f"{prefix}_id", _("Give both the name and the ID number."))
        return data
