from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import DegreeLevel, EnterpriseStatus, ImportKind, ImportMode
from .models import KeyIndustry

DATE = forms.DateInput(attrs={"type": "date"})


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    industry = forms.ChoiceField(label=_("Key industry"), required=False)
    in_zone = forms.ChoiceField(
        label=_("In the zone"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *EnterpriseStatus.choices]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["industry"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *KeyIndustry.objects.order_by("sort_order").values_list("code", "name_zh"),
        ]


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Full ID number or name"), required=False, max_length=50)
    employer = forms.CharField(label=_("Employer credit code"), required=False, max_length=18)
    degree = forms.TypedChoiceField(
        label=_("Verified degree at least"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), *DegreeLevel.choices],
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    valid_rows_only = forms.BooleanField(
        label=_("Import the valid rows only and skip rows with errors"),
        required=False,
        help_text=_(
            "Unticked (the default), a file with any error changes nothing. Ticking this is "
            "recorded with the import."
        ),
    )

    @property
    def mode(self) -> str:
        if self.cleaned_data.get("valid_rows_only"):
            return ImportMode.VALID_ROWS_ONLY
        return ImportMode.ALL_OR_NOTHING


class IndustryForm(forms.ModelForm):
    class Meta:
        model = KeyIndustry
        fields = ["code", "name_zh", "name_en", "effective_from", "effective_to", "sort_order"]
        widgets = {"effective_from": DATE, "effective_to": DATE}


class ClassificationForm(forms.Form):
    industry = forms.ModelChoiceField(label=_("Key industry"), queryset=KeyIndustry.objects.all())
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)
    effective_to = forms.DateField(label=_("Effective to"), widget=DATE, required=False)
    basis = forms.CharField(label=_("Basis (document and reference)"), max_length=300)


class EndClassificationForm(forms.Form):
    effective_to = forms.DateField(
        label=_("Last day in force"),
        widget=forms.DateInput(attrs={"type": "date", "aria-label": _("Last day in force")}),
    )
    basis = forms.CharField(
        label=_("Basis"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"aria-label": _("Basis"), "placeholder": _("Basis")}),
    )


class RevealForm(forms.Form):
    purpose = forms.CharField(label=_("Why you need the unmasked data"), max_length=200)


class CounterBindForm(forms.Form):
    """The service counter: the applicant's account and what the officer read off the ID card."""

    username = forms.CharField(label=_("Applicant's user name"), max_length=150)
    id_number = forms.CharField(label=_("ID number on the card"), max_length=24)
    name = forms.CharField(label=_("Name on the card"), max_length=50)
    card_checked = forms.BooleanField(
        label=_("ID card checked in person (original, photo matches the applicant)"),
        required=False,
    )
    note = forms.CharField(
        label=_("Note (optional, e.g. the counter number)"), max_length=200, required=False
    )


class CounterUnbindForm(forms.Form):
    username = forms.CharField(label=_("Applicant's user name"), max_length=150)
    reason = forms.CharField(label=_("Reason"), max_length=200)
