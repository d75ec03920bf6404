"""Writes of the matchmaking fair: create it, register participants, sign intention projects
and convert them into `directed` project drafts."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community, Region, ServiceCategory, ServiceNeed
from core import regions
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.services import clean_and_save
from orgs.models import ServiceOffering, SocialOrg

from ..choices import Procurement
from ..models import Fair, FairRegistration, Intention
from ..permissions import (
    can_convert_intention,
    can_create_fair,
    can_register_community,
    can_register_org,
    can_register_street,
    can_sign_intention,
)
from .lifecycle import project_create
from .steps import actor_user


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


@transaction.atomic
def fair_create(
    *, actor, name: str, year: int, held_on: date, region: Region, venue: str = ""
) -> Fair:
    """Officials of the region (or above) hold a fair for it."""
    if not can_create_fair(actor, region.code):
        raise NotAllowed(_("Only officials of this region or above may hold a fair for it."))
    fair = Fair(
        name=name,
        year=year,
        held_on=held_on,
        venue=venue,
        region=region,
        created_by=actor_user(actor),
    )
    return clean_and_save(fair, actor=actor)


def _within_fair(fair: Fair, code: str, field: str) -> None:
    if not regions.is_within(code, fair.region_id):
        raise _invalid(field, _("This participant lies outside the fair's region."))


@transaction.atomic
def registration_add(
    *,
    actor,
    fair: Fair,
    street: Region | None = None,
    community: Community | None = None,
    org: SocialOrg | None = None,
) -> FairRegistration:
    """Register one street, community or organization; registering it again returns the
    existing row (a no-op), so a double tap on a phone does no harm."""
    given = [name for name, v in (("street", street), ("community", community), ("org", org)) if v]
    if len(given) != 1:
        message = _("Register exactly one of a street, a community or an organization.")
        raise ValidationFailed(message, fields={name: [message] for name in given or ["street"]})
    if street is not None:
        if street.level != regions.STREET:
            raise _invalid("street", _("Choose a street (街道)."))
        _within_fair(fair, street.code, "street")
        if not can_register_street(actor, street.code):
            raise NotAllowed(_("Only officials over this street may register it."))
        lookup = {"street": street}
    elif community is not None:
        _within_fair(fair, community.region_id, "community")
        if not can_register_community(actor, community):
            raise NotAllowed(
                _("Only staff of this community or officials over it may register it.")
            )
        lookup = {"community": community}
    else:
        if not can_register_org(actor, org):
            raise NotAllowed(
                _("Only members of this organization or officials over it may register it.")
            )
        lookup = {"org": org}
    existing = FairRegistration.objects.filter(fair=fair, **lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return FairRegistration.objects.create(
                fair=fair, registered_by=actor_user(actor), **lookup
            )
    except IntegrityError:  # a concurrent registration of the same participant won the race
        return FairRegistration.objects.get(fair=fair, **lookup)


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise _invalid("amount", _("Enter an amount in yuan.")) from None
    if not amount.is_finite() or amount <= 0:
        raise _invalid("amount", _("The amount must be greater than zero."))
    return amount


@transaction.atomic
def intention_sign(
    *,
    actor,
    fair: Fair,
    community: Community,
    org: SocialOrg,
    amount,
    title: str = "",
    need: ServiceNeed | None = None,
    offer: ServiceOffering | None = None,
    category: ServiceCategory | None = None,
) -> Intention:
    """A community and an organization, both registered at the fair, sign an intention
    project; the title and the service category default to the need's (or the offering's) so
    signing stays quick. The category is needed because the intention becomes a project."""
    if not can_sign_intention(actor, community, org):
        raise NotAllowed(
            _(
                "Only the community's staff, the organization's members or officials over the "
                "community may sign."
            )
        )
    errors: dict[str, list[str]] = {}
    if not fair.registrations.filter(community=community).exists():
        errors["community"] = [_("This community has not registered for the fair.")]
    if not fair.registrations.filter(org=org).exists():
        errors["org"] = [_("This organization has not registered for the fair.")]
    if need is not None and need.community_id != community.id:
        errors["need"] = [_("The need belongs to another community.")]
    if offer is not None and offer.org_id != org.id:
        errors["offer"] = [_("The offering belongs to another organization.")]
    try:
        value = _amount(amount)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        value = None
    title = (title or "").strip() or (need.title if need else offer.title if offer else "")
    if not title:
        errors["title"] = [_("Give the intention a title, or choose a need or an offering.")]
    category = category or (need.category if need else offer.category if offer else None)
    if category is None:
        errors["category"] = [_("Choose a service category, or a need or an offering.")]
    if errors:
        message = "; ".join(m for msgs in errors.values() for m in msgs)
        raise ValidationFailed(message, fields=errors)
    intention = Intention(
        fair=fair,
        community=community,
        org=org,
        title=title[:120],
        amount=value,
        need=need,
        offer=offer,
        category=category,
        signed_at=timezone.now(),
        signed_by=actor_user(actor),
    )
    return clean_and_save(intention, actor=actor)


@transaction.atomic
def intention_convert(*, actor, intention: Intention, category: ServiceCategory | None = None):
    """Turn a signed intention into a `directed` project draft of the community, naming the
    organization; the intention keeps the link (and through it the fair). `category` is for
    intentions that have none (imported from a fair's paper records)."""
    if not can_convert_intention(actor, intention):
        raise NotAllowed(_("Only staff of this community may convert its intentions."))
    # Lock the intention row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer joins to the need and the offering.
    locked = (
        Intention.objects.select_for_update(of=("self",))
        .select_related("need", "offer")
        .get(pk=intention.pk)
    )
    if locked.project_id is not None:
        raise InvalidTransition(
            _("This intention has already become a project."), code="already_converted"
        )
    category = locked.category or category
    if category is None and locked.need_id:
        category = locked.need.category
    elif category is None and locked.offer_id:
        category = locked.offer.category
    project = project_create(
        actor=actor,
        community=locked.community,
        title=locked.title,
        budget=locked.amount,
        category=category,
        need=locked.need,
        procurement=Procurement.DIRECTED,
        directed_org=locked.org,
    )
    locked.project = project
    locked.save(update_fields=["project", "updated_at"])
    intention.project = project
    return project
