"""The ledger's identities, checked by the database: `manage.py check_ledger`.

The services keep them one move at a time (projects/services/money.py and lifecycle.py); data
written in bulk — `seed_demo --scale large`, an import — must keep them too, and this is how to
know. Every check is one query over the whole table (no row reaches Python but the first few
offenders), so it runs on millions of rows:

- resource_totals: a resource's running totals are its ledger's sums —
  committed = Σ commit − Σ release, disbursed = Σ disburse;
- resource_bounds: 0 ≤ disbursed ≤ committed ≤ amount;
- line_totals: a funding line's committed / released / disbursed are the sums of the ledger
  entries of its project on its resource, by kind;
- unlined_entries: no project's ledger entry is on a resource the project has no line for;
- budget_funded: a project that was published is funded to its budget, every line committed in
  full;
- draft_untouched: a draft (or a project cancelled as a draft) has committed nothing;
- closed_released: a failed or cancelled project holds nothing back (committed = released +
  disbursed on every line);
- completed_paid: a completed project paid out its contract amount, and released the rest;
- live_reserved: a project open for bids or under review holds its budget; one awarded and not
  yet closed holds its contract amount.
"""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from .choices import LedgerKind, ProjectStatus
from .models import FundingResource, LedgerEntry, Project, ProjectFunding

S = ProjectStatus
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
EXAMPLES = 5


def _ledger_sum(kind: str, **outer) -> Coalesce:
    """Σ amount of the ledger entries of one kind matching the outer row (a scalar subquery)."""
    entries = (
        LedgerEntry.objects.filter(kind=kind, **{k: OuterRef(v) for k, v in outer.items()})
        .order_by()
        .values(*outer)
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(entries), ZERO)


def _projects_with_lines() -> QuerySet:
    """Projects with the sums of their funding lines."""
    return Project.objects.order_by().annotate(
        lines_amount=Coalesce(Sum("funding__amount"), ZERO),
        lines_committed=Coalesce(Sum("funding__committed"), ZERO),
        lines_released=Coalesce(Sum("funding__released"), ZERO),
        lines_disbursed=Coalesce(Sum("funding__disbursed"), ZERO),
        lines_short=Count("funding", filter=Q(funding__committed__lt=F("funding__amount"))),
    )


def _outstanding():
    return F("lines_committed") - F("lines_released") - F("lines_disbursed")


def checks() -> dict[str, QuerySet]:
    """Each identity as the queryset of the rows breaking it (empty when it holds)."""
    resources = FundingResource.objects.order_by().annotate(
        ledger_commit=_ledger_sum(LedgerKind.COMMIT, resource_id="pk"),
        ledger_release=_ledger_sum(LedgerKind.RELEASE, resource_id="pk"),
        ledger_disburse=_ledger_sum(LedgerKind.DISBURSE, resource_id="pk"),
    )
    of_line = {"project_id": "project_id", "resource_id": "resource_id"}
    lines = ProjectFunding.objects.order_by().annotate(
        ledger_commit=_ledger_sum(LedgerKind.COMMIT, **of_line),
        ledger_release=_ledger_sum(LedgerKind.RELEASE, **of_line),
        ledger_disburse=_ledger_sum(LedgerKind.DISBURSE, **of_line),
    )
    projects = _projects_with_lines()
    live = (S.AWARDED, S.IN_PROGRESS, S.ACCEPTANCE, S.RECTIFICATION)
    never_published = Q(status=S.DRAFT) | Q(status=S.CANCELLED, published_at__isnull=True)
    return {
        "resource_totals": resources.exclude(
            committed=F("ledger_commit") - F("ledger_release"), disbursed=F("ledger_disburse")
        ),
        "resource_bounds": FundingResource.objects.order_by().filter(
            Q(disbursed__lt=0) | Q(committed__lt=F("disbursed")) | Q(amount__lt=F("committed"))
        ),
        "line_totals": lines.exclude(
            committed=F("ledger_commit"),
            released=F("ledger_release"),
            disbursed=F("ledger_disburse"),
        ),
        "unlined_entries": LedgerEntry.objects.order_by()
        .filter(project__isnull=False)
        .exclude(
            Exists(
                ProjectFunding.objects.filter(
                    project_id=OuterRef("project_id"), resource_id=OuterRef("resource_id")
                )
            )
        ),
        "budget_funded": projects.exclude(never_published).filter(
            ~Q(lines_amount=F("budget")) | Q(lines_short__gt=0)
        ),
        "draft_untouched": projects.filter(never_published).exclude(lines_committed=0),
        "closed_released": projects.filter(status__in=(S.FAILED, S.CANCELLED)).exclude(
            lines_committed=F("lines_released") + F("lines_disbursed")
        ),
        "completed_paid": projects.filter(status=S.COMPLETED).exclude(
            lines_disbursed=F("contract_amount"),
            lines_released=F("budget") - F("contract_amount"),
        ),
        "live_reserved": projects.annotate(outstanding=_outstanding()).filter(
            Q(status__in=(S.PUBLISHED, S.REVIEWING)) & ~Q(outstanding=F("budget"))
            | Q(status__in=live) & ~Q(outstanding=F("contract_amount"))
        ),
    }


def ledger_problems() -> dict[str, dict]:
    """{check: {"count": n, "examples": [pk, …]}} for every identity; all counts 0 when the
    ledger is consistent."""
    result = {}
    for name, queryset in checks().items():
        pks = list(queryset.values_list("pk", flat=True)[:EXAMPLES])
        count = queryset.count() if len(pks) == EXAMPLES else len(pks)
        result[name] = {"count": count, "examples": pks}
    return result
