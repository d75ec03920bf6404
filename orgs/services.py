"""Every write of the orgs app. Services check permission, validate, lock and record history."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Region, ServiceCategory, TargetGroup
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.services import change_status, clean_and_save

from .choices import OfferingStatus
from .models import OrgMember, ServiceOffering, SocialOrg, SocialWorker
from .permissions import can_edit_offering, can_edit_org, can_verify_org

ORG_FIELDS = (
    "name",
    "uscc",
    "org_type",
    "region",
    "grade",
    "founded_on",
    "description",
    "address",
    "contact_name",
    "contact_phone",
)
OFFERING_FIELDS = ("title", "category", "capacity", "price_min", "price_max", "description")
WORKER_FIELDS = ("name", "certificate_level", "certificate_no", "phone")


def _apply(instance, data: dict, allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    for name, value in data.items():
        setattr(instance, name, value)


@transaction.atomic
def org_register(*, actor, **data) -> SocialOrg:
    """Register an organization; the registering user becomes its first administrator.

    It stays unverified (not public) until an official of its region verifies it.
    """
    if not actor.is_authenticated:
        raise NotAllowed(_("Sign in to register an organization."))
    org = SocialOrg()
    _apply(org, data, ORG_FIELDS)
    if org.uscc:
        org.uscc = org.uscc.strip().upper()
    clean_and_save(org, actor=actor)
    OrgMember.objects.create(user=actor, org=org, is_admin=True)
    return org


@transaction.atomic
def org_update(*, actor, org: SocialOrg, **data) -> SocialOrg:
    if not can_edit_org(actor, org):
        raise NotAllowed(_("Only members of this organization may edit it."))
    org = SocialOrg.objects.select_for_update().get(pk=org.pk)
    if "uscc" in data and data["uscc"] != org.uscc and org.verified:
        raise ValidationFailed(
            _("The credit code of a verified organization cannot be changed."),
            fields={
                "uscc": [
                    _("The credit code of a verified organization cannot be changed.")
                    + " "
                    + _("Ask the civil-affairs bureau to correct it.")
                ]
            },
        )
    _apply(org, data, ORG_FIELDS)
    return clean_and_save(org, actor=actor)


@transaction.atomic
def org_verify(*, actor, org: SocialOrg) -> SocialOrg:
    if not can_verify_org(actor, org):
        raise NotAllowed(_("Only an official of the organization's region may verify it."))
    org = SocialOrg.objects.select_for_update().get(pk=org.pk)
    if org.verified:
        return org
    org.verified = True
    org.verified_at = timezone.now()
    org.verified_by = actor
    return clean_and_save(org, actor=actor)


@transaction.atomic
def worker_create(*, actor, org: SocialOrg, **data) -> SocialWorker:
    if not can_edit_org(actor, org):
        raise NotAllowed(_("Only members of this organization may add social workers."))
    worker = SocialWorker(org=org)
    _apply(worker, data, WORKER_FIELDS)
    return clean_and_save(worker, actor=actor)


@transaction.atomic
def worker_update(*, actor, worker: SocialWorker, **data) -> SocialWorker:
    if not can_edit_org(actor, worker.org):
        raise NotAllowed(_("Only members of this organization may edit its social workers."))
    worker = SocialWorker.objects.select_for_update().get(pk=worker.pk)
    _apply(worker, data, WORKER_FIELDS)
    return clean_and_save(worker, actor=actor)


def _check_offering_relations(
    org: SocialOrg,
    service_area: Iterable[Region] | None,
    workers: Iterable[SocialWorker] | None,
) -> None:
    if service_area is not None and not list(service_area):
        raise ValidationFailed(
            _("Choose at least one region the service covers."),
            fields={"service_area": [_("Choose at least one region.")]},
        )
    if workers is not None and any(w.org_id != org.id for w in workers):
        raise ValidationFailed(
            _("Only this organization's own social workers can be named on its offering."),
            fields={"workers": [_("A worker belongs to another organization.")]},
        )


@transaction.atomic
def offering_create(
    *,
    actor,
    org: SocialOrg,
    title: str,
    category: ServiceCategory,
    price_min: Decimal,
    price_max: Decimal,
    service_area: Iterable[Region],
    capacity: int = 1,
    description: str = "",
    target_groups: Iterable[TargetGroup] = (),
    workers: Iterable[SocialWorker] = (),
) -> ServiceOffering:
    if not can_edit_org(actor, org):
        raise NotAllowed(_("Only members of this organization may publish its offerings."))
    service_area, workers = list(service_area), list(workers)
    _check_offering_relations(org, service_area, workers)
    offering = ServiceOffering(
        org=org,
        title=title,
        category=category,
        price_min=price_min,
        price_max=price_max,
        capacity=capacity,
        description=description,
    )
    clean_and_save(offering, actor=actor)
    offering.service_area.set(service_area)
    offering.target_groups.set(target_groups)
    offering.workers.set(workers)
    return offering


@transaction.atomic
def offering_update(
    *,
    actor,
    offering: ServiceOffering,
    service_area: Iterable[Region] | None = None,
    target_groups: Iterable[TargetGroup] | None = None,
    workers: Iterable[SocialWorker] | None = None,
    **data,
) -> ServiceOffering:
    if not can_edit_offering(actor, offering):
        raise NotAllowed(_("Only members of this organization may edit its offerings."))
    offering = ServiceOffering.objects.select_for_update().get(pk=offering.pk)
    if offering.status == OfferingStatus.CLOSED:
        raise InvalidTransition(_("A closed offering cannot be edited."))
    service_area = list(service_area) if service_area is not None else None
    workers = list(workers) if workers is not None else None
    _check_offering_relations(offering.org, service_area, workers)
    _apply(offering, data, OFFERING_FIELDS)
    clean_and_save(offering, actor=actor)
    if service_area is not None:
        offering.service_area.set(service_area)
    if target_groups is not None:
        offering.target_groups.set(target_groups)
    if workers is not None:
        offering.workers.set(workers)
    return offering


def _offering_transition(actor, offering, **move) -> ServiceOffering:
    if not can_edit_offering(actor, offering):
        raise NotAllowed(_("Only members of this organization may change its offerings."))
    return change_status(offering, actor=actor, **move)


@transaction.atomic
def offering_publish(*, actor, offering: ServiceOffering) -> ServiceOffering:
    return _offering_transition(
        actor,
        offering,
        allowed_from={OfferingStatus.DRAFT},
        to=OfferingStatus.PUBLISHED,
        message=_("Only a draft can be published; this offering is %(status)s."),
    )


@transaction.atomic
def offering_close(*, actor, offering: ServiceOffering) -> ServiceOffering:
    return _offering_transition(
        actor,
        offering,
        allowed_from={OfferingStatus.DRAFT, OfferingStatus.PUBLISHED},
        to=OfferingStatus.CLOSED,
        message=_("This offering is already %(status)s."),
    )
