"""Serializer fields that reference reference data by code, as the API contract says."""

from rest_framework import serializers

from communities.models import Region, ServiceCategory, TargetGroup


class RegionCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(**kwargs)


class CategoryCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", ServiceCategory.objects.all())
        super().__init__(**kwargs)


class TargetGroupCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", TargetGroup.objects.all())
        super().__init__(**kwargs)
