from django import forms
from django.utils.translation import gettext_lazy as _

from communities.choices import RegionLevel
from communities.models import Region
from communities.selectors import region_subtree


class MatchRunForm(forms.Form):
    scope = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("Region"))
    top_k = forms.IntegerField(
        label=_("Suggestions per need"), min_value=1, max_value=50, initial=10
    )

    def __init__(self, *args, jurisdiction: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        codes = set()
        for code in jurisdiction:
            codes |= set(
                region_subtree(code)
                .exclude(level=RegionLevel.COMMUNITY)
                .values_list("code", flat=True)
            )
        self.fields["scope"].queryset = Region.objects.filter(code__in=codes).order_by("code")
