"""Writes of the money: funding resources, the ledger, community funds, residents' decisions."""

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator, MaxValueValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community, Region, ServiceCategory
from communities.permissions import is_community_staff
from core import regions
from core.errors import InsufficientFunds, InvalidTransition, NotAllowed, ValidationFailed
from core.services import clean_and_save, validation_failed

from ..choices import LedgerKind, ProviderType, ResourceStatus
from ..models import Fair, FundingResource, LedgerEntry, ResidentDecision
from ..permissions import can_create_resource, can_edit_resource


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
    fair: Fair | None = None,
) -> FundingResource:
    """An official records money that can buy services in their jurisdiction; `fair` when it
    is published at a matchmaking fair (counted in the fair's statistics)."""
    if not can_create_resource(actor, region.code):
        raise NotAllowed(_("You can only publish resources for your own jurisdiction."))
    if fair is not None and not regions.is_within(region.code, fair.region_id):
        raise ValidationFailed(
            _("The resource's region lies outside the fair's region."),
            fields={"fair": [_("Choose a fair held for this region or one above it.")]},
        )
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
        fair=fair,
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


# --- the ledger ---------------------------------------------------------------------------
#
# Every movement locks the resource row, checks the rule, updates the running totals and adds
# an entry, in one transaction; the check constraints on FundingResource refuse an overspend
# even if a caller forgot the lock. Callers (the project services) check who may move money.


def _ledger_move(resource, *, kind, amount, actor, reference, note, project=None) -> LedgerEntry:
    amount = Decimal(amount)
    try:
        # Whole fen only, as the columns keep them: 0.004 would be stored as 0.00.
        DecimalValidator(max_digits=None, decimal_places=2)(amount.normalize())
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"amount": exc.messages}) from exc
    if amount <= 0:
        raise ValidationFailed(
            _("The amount must be more than zero."), fields={"amount": [_("More than zero.")]}
        )
    locked = FundingResource.objects.select_for_update().get(pk=resource.pk)
    _RULES[kind](locked, amount)
    if kind == LedgerKind.COMMIT:
        locked.committed += amount
    elif kind == LedgerKind.RELEASE:
        locked.committed -= amount
    else:
        locked.disbursed += amount
    locked.save(update_fields=["committed", "disbursed", "updated_at"])
    entry = LedgerEntry.objects.create(
        resource=locked,
        kind=kind,
        amount=amount,
        project=project,
        reference=reference,
        note=note,
        by=actor if actor is not None and actor.is_authenticated else None,
    )
    resource.committed, resource.disbursed = locked.committed, locked.disbursed
    return entry


def _can_commit(resource, amount) -> None:
    if resource.status != ResourceStatus.PUBLISHED:
        raise InvalidTransition(_("Only a published resource can fund projects."))
    if amount > resource.available:
        raise InsufficientFunds(
            _("Only %(available)s yuan of %(name)s is still available.")
            % {"available": resource.available, "name": resource.name}
        )


def _can_release(resource, amount) -> None:
    if amount > resource.committed - resource.disbursed:
        raise InsufficientFunds(_("Cannot release more than is committed and not yet paid out."))


def _can_disburse(resource, amount) -> None:
    if amount > resource.committed - resource.disbursed:
        raise InsufficientFunds(_("Cannot pay out more than is committed and not yet paid out."))


_RULES = {
    LedgerKind.COMMIT: _can_commit,
    LedgerKind.RELEASE: _can_release,
    LedgerKind.DISBURSE: _can_disburse,
}


@transaction.atomic
def ledger_commit(*, actor, resource, amount, reference="", note="", project=None) -> LedgerEntry:
    """Reserve money for a project; refused with `insufficient_funds` beyond what is left."""
    return _ledger_move(resource, kind=LedgerKind.COMMIT, amount=amount, actor=actor,
                        reference=reference, note=note, project=project)  # fmt: skip


@transaction.atomic
def ledger_release(*, actor, resource, amount, reference="", note="", project=None) -> LedgerEntry:
    """Give back committed money (a cancelled or failed project)."""
    return _ledger_move(resource, kind=LedgerKind.RELEASE, amount=amount, actor=actor,
                        reference=reference, note=note, project=project)  # fmt: skip


@transaction.atomic
def ledger_disburse(*, actor, resource, amount, reference="", note="", project=None) -> LedgerEntry:
    """Pay out committed money (an accepted project)."""
    return _ledger_move(resource, kind=LedgerKind.DISBURSE, amount=amount, actor=actor,
                        reference=reference, note=note, project=project)  # fmt: skip


# --- community funds and residents' decisions ---------------------------------------------


@transaction.atomic
def community_funds_ensure(*, year: int, within: str) -> int:
    """Give every community under `within` its benefit fund for `year`; safe to run again."""
    have = set(
        FundingResource.objects.filter(
            provider_type=ProviderType.COMMUNITY_FUND, year=year
        ).values_list("community_id", flat=True)
    )
    amount = Decimal(settings.COMMUNITY_FUND_AMOUNT)
    now = timezone.now()
    missing = [
        FundingResource(
            name=_("%(community)s %(year)s community benefit fund")
            % {"community": community.name, "year": year},
            provider_type=ProviderType.COMMUNITY_FUND,
            provider_name=_("%(community)s residents' committee") % {"community": community.name},
            year=year,
            amount=amount,
            region_id=community.region_id,
            community=community,
            status=ResourceStatus.PUBLISHED,
            published_at=now,
        )
        for community in Community.objects.filter(
            region__code__startswith=regions.prefix_of(within)
        ).exclude(id__in=have)
    ]
    FundingResource.objects.bulk_create(missing, batch_size=1000)
    return len(missing)


DECISION_FIELDS = (
    "subject",
    "amount",
    "meeting_date",
    "representatives_total",
    "attendees",
    "votes_for",
    "votes_against",
    "abstentions",
    "minutes",
)
# PostgreSQL computes the rule in int4 (attendees × 2, the sum of the votes): counts near 2**31
# would overflow there (a DataError, so a 500). No meeting comes anywhere near this.
DECISION_MAX_COUNT = 1_000_000
DECISION_COUNTS = (
    "representatives_total",
    "attendees",
    "votes_for",
    "votes_against",
    "abstentions",
)


@transaction.atomic
def decision_record(*, actor, community: Community, **data) -> ResidentDecision:
    """Community staff record a residents' meeting; validity and result follow from the counts."""
    if not is_community_staff(actor, community.id):
        raise NotAllowed(_("Only staff of this community may record its residents' decisions."))
    unknown = set(data) - set(DECISION_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be set here: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    too_many = {}
    for name in DECISION_COUNTS:
        try:
            MaxValueValidator(DECISION_MAX_COUNT)(data.get(name, 0))
        except ValidationError as exc:
            too_many[name] = exc.messages
    if too_many:
        raise validation_failed(ValidationError(too_many))
    decision = ResidentDecision(community=community, recorded_by=actor, **data)
    clean_and_save(decision, actor=actor)
    decision.refresh_from_db(fields=["valid", "passed"])
    return decision
