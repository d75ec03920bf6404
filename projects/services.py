"""Every write of the projects app."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community, Region, ServiceCategory
from core import regions
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.services import clean_and_save

from .choices import ProviderType, ResourceStatus
from .models import FundingResource
from .permissions import can_create_resource, can_edit_resource


@transaction.atomic
def resource_create(
    *,
    actor,
    name: str,
    provider_type: str,
    provider_name: str,
    year: int,
    amount: Decimal,
    region: Region,
    community: Community | None = None,
    categories: Iterable[ServiceCategory] = (),
    description: str = "",
    publish: bool = False,
) -> FundingResource:
    """An official records money that can buy services in their jurisdiction."""
    if not can_create_resource(actor, region.code):
        raise NotAllowed(_("You can only publish resources for your own jurisdiction."))
    if community is not None and not regions.is_within(community.region_id, region.code):
        raise ValidationFailed(
            _("The community lies outside the resource's region."),
            fields={"community": [_("Choose a community inside the region scope.")]},
        )
    if provider_type == ProviderType.COMMUNITY_FUND and community is None:
        raise ValidationFailed(
            _("A community benefit fund belongs to one community."),
            fields={"community": [_("This field is required for a community fund.")]},
        )
    resource = FundingResource(
        name=name,
        provider_type=provider_type,
        provider_name=provider_name,
        year=year,
        amount=amount,
        region=region,
        community=community,
        description=description,
        created_by=actor,
    )
    if publish:
        resource.status = ResourceStatus.PUBLISHED
        resource.published_at = timezone.now()
    clean_and_save(resource, actor=actor)
    resource.categories.set(categories)
    return resource


@transaction.atomic
def resource_publish(*, actor, resource: FundingResource) -> FundingResource:
    if not can_edit_resource(actor, resource):
        raise NotAllowed(_("Only officials over the resource's region may publish it."))
    resource = FundingResource.objects.select_for_update().get(pk=resource.pk)
    if resource.status != ResourceStatus.DRAFT:
        raise InvalidTransition(_("Only a draft resource can be published."))
    resource.status = ResourceStatus.PUBLISHED
    resource.published_at = timezone.now()
    return clean_and_save(resource, actor=actor)
