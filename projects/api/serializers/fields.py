"""Fields the serializers of the projects API share."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from projects.models import Bid

ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}


class ChoiceField(serializers.ChoiceField):
    """Names the valid values instead of echoing the input: DRF's message repeats it, and a
    lone surrogate in the echo cannot be encoded as UTF-8 (the response would be a 500)."""

    default_error_messages = {"invalid_choice": _("Choose one of: {choices}.")}

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        try:
            return self.choice_strings_to_values[str(data)]
        except KeyError:
            self.fail("invalid_choice", choices=", ".join(self.choice_strings_to_values))


class LineTotalField(serializers.DecimalField):
    """The sum of one money column over the project's (prefetched) funding lines: the same
    totals as `selectors.project_money`, without a query per row of a list."""

    def __init__(self, column: str, **kwargs):
        self.column = column
        super().__init__(source="*", read_only=True, **MONEY, **kwargs)

    def to_representation(self, project):
        lines = project.funding.all()
        if self.column == "outstanding":
            total = sum((li.outstanding for li in lines), ZERO)
        else:
            total = sum((getattr(li, self.column) for li in lines), ZERO)
        return super().to_representation(total)


class ProjectBidField(serializers.PrimaryKeyRelatedField):
    """A bid of the project in the serializer's context (another project's bid is a 400)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Bid.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        project = self.context.get("project")
        queryset = super().get_queryset()
        return queryset.filter(project=project) if project is not None else queryset
