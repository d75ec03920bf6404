"""The forms of the public pages (the ranking and the demonstration projects) and of
designating a demonstration project or withdrawing the designation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.filters import ANY, CategoryChoiceField
from communities.selectors import category_tree
from core import regions

from ..rankings import RankingLevel
from .widgets import _textarea


def _year_choices(years, current) -> list[tuple[str, str]]:
    """The years on offer, newest first, with the one asked for even when it has no rows (so
    the select shows what the page shows)."""
    offered = set(years)
    if isinstance(current, int):
        offered.add(current)
    return [(str(year), str(year)) for year in sorted(offered, reverse=True)]


class RankingForm(forms.Form):
    """`?year=&level=&within=` of the rankings page; the level is chosen with tabs."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(
        label=_("Rank"), choices=RankingLevel.choices, widget=forms.HiddenInput
    )
    within = forms.CharField(label=_("Region"), required=False)

    field_order = ["within", "year", "level"]  # the wide first column of `.filters` for names

    def __init__(self, *args, years=(), region_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        asked = self.data.get("year", "")
        current = int(asked) if str(asked).isdigit() and len(str(asked)) <= 4 else None
        self.fields["year"].widget = forms.Select(choices=_year_choices(years, current))
        # The region picker of the other lists (core.views.region_select): districts, each
        # followed by its streets.
        self.fields["within"].widget = forms.Select(
            choices=[("", _("All regions")), *region_choices]
        )

    def clean_within(self):
        within = self.cleaned_data["within"].strip()
        if within and not regions.is_valid_code(within):
            raise forms.ValidationError(_("A region code has exactly 12 digits."))
        return within or None


class DemonstrationFilterForm(forms.Form):
    """`?year=&category=` of the public list of demonstration projects."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=category_tree(),
        to_field_name="code",
        required=False,
        empty_label=ANY,
    )

    field_order = ["category", "year"]

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        asked = self.data.get("year", "")
        current = int(asked) if str(asked).isdigit() and len(str(asked)) <= 4 else None
        self.fields["year"].widget = forms.Select(
            choices=[("", ANY), *_year_choices(years, current)]
        )


class DesignateDemonstrationForm(forms.Form):
    citation = forms.CharField(
        label=_("Citation"),
        max_length=2000,
        widget=_textarea(4),
        help_text=_("Why this project is an example for others: shown publicly with the project."),
    )


class WithdrawDemonstrationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=_textarea(3),
        help_text=_("Shown in the project's history; the citation is removed from the project."),
    )
