"""Run the seed's stages in one transaction and report what each model holds."""

import time
from collections.abc import Callable
from dataclasses import replace

from django.apps import apps
from django.db import transaction

from communities.models import ServiceCategory, TargetGroup

from .context import SCALES, SeedContext
from .fair import seed_fair
from .funding import seed_funding
from .geography import seed_communities, seed_regions
from .logins import seed_logins
from .needs import seed_needs
from .offerings import seed_offerings
from .organizations import seed_orgs
from .projects import seed_projects

# Every model the seed writes to, with M2M tables and field history: the report counts these
# and the tests check that a second run leaves every count unchanged.
SEEDED_MODELS = (
    "communities.Region",
    "communities.Community",
    "communities.ServiceNeed",
    "communities.HistoricalServiceNeed",
    "communities.CommunityStaff",
    "communities.Official",
    "orgs.SocialOrg",
    "orgs.HistoricalSocialOrg",
    "orgs.SocialWorker",
    "orgs.OrgMember",
    "orgs.ServiceOffering",
    "orgs.HistoricalServiceOffering",
    "projects.FundingResource",
    "projects.HistoricalFundingResource",
    "projects.Expert",
    "projects.ResidentDecision",
    "projects.Project",
    "projects.HistoricalProject",
    "projects.ProjectFunding",
    "projects.ProjectTransition",
    "projects.LedgerEntry",
    "projects.Assignment",
    "projects.Bid",
    "projects.Review",
    "projects.SupervisionVisit",
    "projects.ProgressReport",
    "projects.Acceptance",
    "projects.Notification",
    "projects.Fair",
    "projects.FairRegistration",
    "projects.Intention",
    "accounts.User",
)


def seeded_models() -> list:
    """The models above plus the auto-created M2M tables of those that have any."""
    result = []
    for label in SEEDED_MODELS:
        model = apps.get_model(label)
        result.append(model)
        result += [f.remote_field.through for f in model._meta.local_many_to_many]
    return result


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in seeded_models()}


def seed_demo(
    *, scale: str, year: int, projects: int | None = None, log: Callable[[str], None] = print
):
    """Seed Changsha's demo data for `year`; return the demo logins table rows.

    `projects` overrides the scale's number of city-wide projects of the year (an eighth as
    many completed ones of the year before come with them).

    Deterministic (seeded streams per stage) and idempotent (natural keys), see the package
    docstring. Everything happens in one transaction: a failure leaves the database as it was.
    """
    started = time.perf_counter()
    chosen = SCALES[scale]
    if projects is not None:
        chosen = replace(chosen, projects=projects, track_record_projects=projects // 8)
    ctx = SeedContext(scale=chosen, year=year, log=log)
    before = row_counts()
    with transaction.atomic():
        categories = list(ServiceCategory.objects.all())
        ctx.categories = {c.code: c for c in categories}
        ctx.category_codes = {c.pk: c.code for c in categories}
        ctx.target_groups = {g.code: g for g in TargetGroup.objects.all()}
        seed_regions(ctx)
        seed_communities(ctx)
        seed_orgs(ctx)
        seed_offerings(ctx)
        seed_needs(ctx)
        seed_funding(ctx)
        logins = seed_logins(ctx)
        seed_projects(ctx)
        seed_fair(ctx)
    after = row_counts()
    log("rows per model (total, +added by this run):")
    for label, count in after.items():
        log(f"  {label:<40} {count:>7,} (+{count - before[label]:,})")
    log(f"seed_demo --scale {scale} --year {year}: {time.perf_counter() - started:.1f} s")
    return logins
