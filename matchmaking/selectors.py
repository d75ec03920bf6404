"""Reads of the matchmaking app, and the queries that feed the engine."""

from django.db.models import Count, F, Q, QuerySet

from communities.choices import NeedStatus, RegionLevel
from communities.models import Region, ServiceNeed
from communities.selectors import (
    official_region_codes,
    region_subtree,
    staff_community_ids,
    within_q,
)
from orgs.choices import OfferingStatus
from orgs.models import ServiceOffering
from orgs.selectors import member_org_ids, offerings_serving

from . import adapters
from .engine import rank_for_need, rank_for_offer
from .models import Conversation, MatchRun, MatchSuggestion


def needs_to_match(code: str) -> QuerySet[ServiceNeed]:
    """Published needs of communities in the region."""
    return ServiceNeed.objects.filter(status=NeedStatus.PUBLISHED).filter(
        within_q("community__region_id", [code])
    )


def offers_for_region(code: str) -> QuerySet[ServiceOffering]:
    """Published offers of verified orgs whose service area reaches into the region."""
    published = ServiceOffering.objects.filter(status=OfferingStatus.PUBLISHED, org__verified=True)
    return offerings_serving(published, code)


def match_chunks(code: str) -> list[str]:
    """Regions a batch runs one at a time: a city (or province) district by district."""
    scope = Region.objects.filter(code=code).values_list("level", flat=True).first()
    if scope in (RegionLevel.PROVINCE, RegionLevel.CITY):
        districts = list(
            region_subtree(code)
            .filter(level=RegionLevel.DISTRICT)
            .order_by("code")
            .values_list("code", flat=True)
        )
        return districts or [code]
    return [code]


def runs_visible_to(user) -> QuerySet[MatchRun]:
    runs = MatchRun.objects.select_related("scope", "created_by")
    if user.is_authenticated and user.is_superuser:
        return runs
    return runs.filter(within_q("scope_id", official_region_codes(user)))


def suggestion_list() -> QuerySet[MatchSuggestion]:
    return MatchSuggestion.objects.select_related(
        "need",
        "need__community",
        "need__category",
        "offering",
        "offering__category",
        "org",
    )


def suggestions_visible_to(user) -> QuerySet[MatchSuggestion]:
    """A community sees suggestions for its needs, an org those naming it, officials their area.

    An organization never sees suggestions made to other organizations.
    """
    if not user.is_authenticated:
        return suggestion_list().none()
    if user.is_superuser:
        return suggestion_list()
    query = Q(need__community_id__in=staff_community_ids(user))
    query |= Q(org_id__in=member_org_ids(user))
    query |= within_q("need__community__region_id", official_region_codes(user))
    return suggestion_list().filter(query)


def matches_for_need(need: ServiceNeed, k: int = 10):
    """Fresh ranked offers for one need: DB-side blocking, then the engine on the candidates."""
    [row] = adapters.need_rows(ServiceNeed.objects.filter(pk=need.pk))
    offers = adapters.offer_rows(
        offers_for_region(row.region).filter(
            Q(category__code=row.category_root) | Q(category__parent__code=row.category_root)
        )
    )
    orgs = adapters.org_rows({offer.org_id for offer in offers})
    return rank_for_need(row, offers, orgs, weights=adapters.engine_weights(), k=k)


def matches_for_offer(offering: ServiceOffering, k: int = 10):
    """Fresh ranked public needs for one offer, inside its service area and category."""
    [row] = adapters.offer_rows(ServiceOffering.objects.filter(pk=offering.pk))
    needs = ServiceNeed.objects.filter(status=NeedStatus.PUBLISHED).filter(
        within_q("community__region_id", row.service_area),
        Q(category__code=row.category_root) | Q(category__parent__code=row.category_root),
    )
    orgs = adapters.org_rows([row.org_id])
    return rank_for_offer(
        row, adapters.need_rows(needs), orgs, weights=adapters.engine_weights(), k=k
    )


def conversations_visible_to(user) -> QuerySet:
    """The user's conversations, each with unread counts for both sides (one query)."""
    if not user.is_authenticated:
        return Conversation.objects.none()
    unread_for_community = Count(
        "messages",
        filter=Q(messages__side="org")
        & (Q(community_read_at__isnull=True) | Q(messages__sent_at__gt=F("community_read_at"))),
    )
    unread_for_org = Count(
        "messages",
        filter=Q(messages__side="community")
        & (Q(org_read_at__isnull=True) | Q(messages__sent_at__gt=F("org_read_at"))),
    )
    return (
        Conversation.objects.filter(
            Q(need__community_id__in=staff_community_ids(user)) | Q(org_id__in=member_org_ids(user))
        )
        .select_related("need", "need__community", "org", "offering")
        .annotate(unread_community=unread_for_community, unread_org=unread_for_org)
        .order_by(F("last_message_at").desc(nulls_last=True), "-id")
    )


def fair_proposal(fair, user) -> QuerySet[MatchSuggestion]:
    """The matching proposal for a fair's participants: the engine's suggestions (from the
    latest batch run) pairing a registered community's open need with a registered
    organization's published offering, those in the capacity-aware proposal first. Each
    viewer sees the pairs they may see anyway (`suggestions_visible_to`)."""
    registered = fair.registrations
    return (
        suggestions_visible_to(user)
        .filter(
            need__community_id__in=registered.filter(community__isnull=False).values(
                "community_id"
            ),
            org_id__in=registered.filter(org__isnull=False).values("org_id"),
            need__status__in=(NeedStatus.PUBLISHED, NeedStatus.MATCHED),
            offering__status=OfferingStatus.PUBLISHED,
        )
        .order_by("-proposed", "-score", "need_id", "rank")
    )
