from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Community, ServiceNeed, TargetGroup
from .selectors import category_tree


class CategoryField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("Choose a category"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"　· {obj.label}" if obj.parent_id else obj.label


class NeedForm(forms.ModelForm):
    """The fields a community worker fills in from a phone; rules are explained at the field."""

    category = CategoryField(queryset=category_tree(), label=_("Service category"))
    target_groups = forms.ModelMultipleChoiceField(
        queryset=TargetGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Target groups"),
    )

    class Meta:
        model = ServiceNeed
        fields = [
            "title",
            "category",
            "target_groups",
            "beneficiaries",
            "budget",
            "period_start",
            "period_end",
            "description",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 5}),
            "budget": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
            "beneficiaries": forms.NumberInput(attrs={"min": "0"}),
        }
        help_texts = {
            "title": _("A short name residents will recognise, e.g. 'Meal help for elderly'."),
            "beneficiaries": _("How many residents the service reaches."),
            "budget": _("Expected cost in yuan."),
        }
        error_messages = {
            "budget": {"min_value": _("The budget must be more than zero.")},
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its start."))
        return cleaned


class CommunityProfileForm(forms.ModelForm):
    class Meta:
        model = Community
        fields = [
            "address",
            "households",
            "residents",
            "elderly",
            "disabled",
            "staff_total",
            "staff_certified",
            "representatives_total",
        ]

    def clean(self):
        cleaned = super().clean()
        residents = cleaned.get("residents")
        for name in ("elderly", "disabled"):
            value = cleaned.get(name)
            if residents is not None and value is not None and value > residents:
                self.add_error(name, _("Cannot be more than the number of residents."))
        staff, certified = cleaned.get("staff_total"), cleaned.get("staff_certified")
        if staff is not None and certified is not None and certified > staff:
            self.add_error("staff_certified", _("Cannot be more than the number of staff."))
        return cleaned
