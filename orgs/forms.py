from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from communities.choices import RegionLevel
from communities.forms import CategoryField
from communities.models import TargetGroup
from communities.selectors import category_tree, region_subtree

from .models import ServiceOffering, SocialOrg, SocialWorker


class RegionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"　{obj.name}" if obj.level == RegionLevel.STREET else obj.name


class RegionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"　{obj.name}" if obj.level == RegionLevel.STREET else obj.name


def platform_regions():
    """The city, its districts and streets: where an org may register or serve."""
    return region_subtree(settings.PLATFORM_CITY_CODE).filter(
        level__in=(RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET)
    )


class OrgForm(forms.ModelForm):
    region = RegionField(queryset=platform_regions(), label=_("Registered region"))

    class Meta:
        model = SocialOrg
        fields = [
            "name",
            "uscc",
            "org_type",
            "region",
            "grade",
            "founded_on",
            "address",
            "contact_name",
            "contact_phone",
            "description",
        ]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "uscc": forms.TextInput(
                attrs={"autocapitalize": "characters", "spellcheck": "false", "maxlength": 18}
            ),
        }
        help_texts = {
            "uscc": _("18 characters, as printed on the registration certificate."),
            "grade": _("Leave empty if the organization has not been evaluated."),
            "contact_phone": _("Shown only to the civil-affairs bureau and your members."),
        }

    def clean_uscc(self):
        return (self.cleaned_data.get("uscc") or "").strip().upper()


class WorkerForm(forms.ModelForm):
    class Meta:
        model = SocialWorker
        fields = ["name", "certificate_level", "certificate_no", "phone"]

    def clean_certificate_no(self):
        return (self.cleaned_data.get("certificate_no") or "").strip()


class OfferingForm(forms.ModelForm):
    category = CategoryField(queryset=category_tree(), label=_("Service category"))
    target_groups = forms.ModelMultipleChoiceField(
        queryset=TargetGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Target groups"),
    )
    service_area = RegionsField(
        queryset=platform_regions(),
        label=_("Service area"),
        help_text=_(
            "Choose the city, districts or streets you can serve; several may be chosen "
            "(on a computer, hold Ctrl while clicking)."
        ),
        error_messages={"required": _("Choose at least one region.")},
    )
    workers = forms.ModelMultipleChoiceField(
        queryset=SocialWorker.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Certified social workers on this service"),
    )

    class Meta:
        model = ServiceOffering
        fields = [
            "title",
            "category",
            "target_groups",
            "service_area",
            "capacity",
            "price_min",
            "price_max",
            "workers",
            "description",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "capacity": forms.NumberInput(attrs={"min": "1"}),
            "price_min": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "price_max": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        }
        error_messages = {
            "capacity": {"min_value": _("An organization can take at least one project.")},
        }

    def __init__(self, *args, org: SocialOrg, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = SocialWorker.objects.filter(org=org)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The maximum price must not be below the minimum price."))
        return cleaned
