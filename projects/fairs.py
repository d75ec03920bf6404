"""Reads of the matchmaking fair: the statistics table the yearly report quotes."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Substr

from .choices import ResourceStatus
from .models import Fair, FairRegistration, FundingResource, Intention

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FairStats:
    streets: int
    communities: int
    orgs: int
    resources_amount: Decimal
    intentions: int
    intentions_amount: Decimal


MONEY = DecimalField(max_digits=16, decimal_places=2)
CENT = Decimal("0.01")


def _money(value) -> Decimal:
    """Round a sum back to cents: SQLite sums decimals as floats (782 × 12,345.67 reads
    9,654,313.93999995 there), PostgreSQL's numeric is exact either way."""
    return (value or ZERO).quantize(CENT)


def _total(queryset, field: str, aggregate, output_field) -> Subquery:
    """A correlated one-row aggregate over the fair's rows."""
    return Subquery(
        queryset.filter(fair=OuterRef("pk"))
        .order_by()
        .values("fair")
        .annotate(total=aggregate(field))
        .values("total"),
        output_field=output_field,
    )


def fair_stats(fair: Fair) -> FairStats:
    """Participants, money and intentions of one fair, in two aggregate queries.

    A street takes part when it registered itself or when one of its communities did (the
    community's code with its last three digits zeroed is its street's code)."""
    street_of_community = Concat(Substr("community__region_id", 1, 9), Value("000"))
    people = FairRegistration.objects.filter(fair=fair).aggregate(
        streets=Count(
            Coalesce("street_id", street_of_community),
            distinct=True,
            filter=Q(org__isnull=True),
        ),
        communities=Count("community", distinct=True),
        orgs=Count("org", distinct=True),
    )
    published = FundingResource.objects.filter(
        status__in=[ResourceStatus.PUBLISHED, ResourceStatus.CLOSED]
    )
    totals = (
        Fair.objects.filter(pk=fair.pk)
        .annotate(
            resources_total=_total(published, "amount", Sum, MONEY),
            intentions_count=_total(Intention.objects.all(), "id", Count, IntegerField()),
            intentions_total=_total(Intention.objects.all(), "amount", Sum, MONEY),
        )
        .values("resources_total", "intentions_count", "intentions_total")
        .get()
    )
    return FairStats(
        streets=people["streets"],
        communities=people["communities"],
        orgs=people["orgs"],
        resources_amount=_money(totals["resources_total"]),
        intentions=totals["intentions_count"] or 0,
        intentions_amount=_money(totals["intentions_total"]),
    )
