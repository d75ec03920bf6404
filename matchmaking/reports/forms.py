"""The request form of the reports page."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.choices import RegionLevel
from communities.models import Region
from communities.selectors import official_region_codes, region_subtree

from ..models import ReportFormat, ReportKind
from .services import FIRST_YEAR, REPORT_LEVELS, last_year

_INDENT = {RegionLevel.DISTRICT: "　", RegionLevel.STREET: "　　"}


def region_options(user) -> list[tuple[str, str]]:
    """(code, name) of the regions the user may request reports for, each district followed
    by its streets (indented): their own regions and everything below, down to streets."""
    if user.is_superuser and not official_region_codes(user):
        roots = list(
            Region.objects.filter(level=RegionLevel.CITY)
            .order_by("code")
            .values_list("code", flat=True)
        )
    else:
        roots = official_region_codes(user)
    options: dict[str, str] = {}
    for root in sorted(roots):
        rows = (
            region_subtree(root)
            .filter(level__in=REPORT_LEVELS)
            .order_by("code")
            .values_list("code", "name", "level")
        )
        for code, name, level in rows:
            options.setdefault(code, f"{_INDENT.get(level, '')}{name}")
    return list(options.items())


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    within = forms.ChoiceField(label=_("Region"))
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].choices = region_options(user)
        # The last year moves with the calendar: the field is made per form.
        self.fields["year"] = forms.IntegerField(
            label=_("Year"), min_value=FIRST_YEAR, max_value=last_year()
        )
        self.initial.setdefault("year", timezone.localdate().year)
        self.initial.setdefault("format", ReportFormat.PDF)
        options = self.fields["within"].choices
        if options:
            self.initial.setdefault("within", options[0][0])
