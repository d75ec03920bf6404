"""Serializer fields that reference reference data by code, as the API contract says."""

from rest_framework import serializers

from communities.models import Region, ServiceCategory, TargetGroup


class CodeLookupField(serializers.SlugRelatedField):
    """A reference by code: only a string without NUL is looked up.

    PostgreSQL refuses NUL in text parameters, so `"\x00"` would turn the lookup into a
    500; numbers, lists and objects are not codes either.
    """

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class RegionCodeField(CodeLookupField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(**kwargs)


class CategoryCodeField(CodeLookupField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", ServiceCategory.objects.all())
        super().__init__(**kwargs)


class TargetGroupCodeField(CodeLookupField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", TargetGroup.objects.all())
        super().__init__(**kwargs)
