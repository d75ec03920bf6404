"""Social organizations and their certified social workers."""

import random
from datetime import date, timedelta
from itertools import accumulate

from simple_history.utils import bulk_create_with_history

from orgs import uscc
from orgs.choices import USCC_TYPE_CHAR, CertificateLevel, Grade, OrgType
from orgs.models import SocialOrg, SocialWorker

from .context import BATCH_SIZE, CITY_CODE, OrgPlan, SeedContext, draw_unique, existing
from .vocabulary import (
    ORG_SUFFIXES,
    ORG_TYPE_WEIGHTS,
    ORG_WORDS,
    district_short_name,
    street_short_name,
)

CHANGSHA_COUNTY = "430121000000"
TIANXIN = "430103000000"

# The article's organizations: (name, type, registered region, focus, grade, workers).
# Grades, founding years and staff sizes are illustrative, not taken from any register.
XINGCHEN = "长沙县星辰社会工作发展中心"
DATONG = "长沙县大同社会工作服务中心"
LITTLE_BEES = "天心区暮云小蜜蜂志愿者协会"
NAMED_ORGS = (
    (XINGCHEN, OrgType.SOCIAL_SERVICE, CHANGSHA_COUNTY, "community_building", Grade.A4, 6),
    (DATONG, OrgType.SOCIAL_SERVICE, CHANGSHA_COUNTY, "party_building", Grade.A5, 5),
    (LITTLE_BEES, OrgType.SOCIAL_GROUP, TIANXIN, "party_building", "", 1),
)
NAMED_ORG_NAMES = {row[0] for row in NAMED_ORGS}

# Chinese on purpose: the text is data, independent of the language the command runs in.
ORG_TYPE_NAMES = {
    OrgType.SOCIAL_GROUP: "社会团体",
    OrgType.SOCIAL_SERVICE: "社会服务机构",
    OrgType.FOUNDATION: "基金会",
}
FOCUS_NAMES = {
    "elderly_care": "居家养老",
    "mediation": "矛盾纠纷调解",
    "charity": "慈善互助",
    "culture": "社区文化",
    "disability": "助残",
    "youth": "青少年",
    "party_building": "党建",
    "environment": "环保",
    "community_building": "社区营造",
    "mental_health": "心理健康",
    "volunteering": "志愿服务",
}


def _uscc(org_type: str, region_code: str, serial: int) -> str:
    """A valid GB 32100 code: authority 5 (civil affairs), type, region, "MJ" + serial."""
    return uscc.make(f"5{USCC_TYPE_CHAR[org_type]}", region_code[:6], f"MJ{serial:06d}")


def _founded(rng: random.Random) -> date:
    return date(rng.randint(2008, 2023), rng.randint(1, 12), rng.randint(1, 28))


def _grade(rng: random.Random) -> str:
    return rng.choices(["", Grade.A3, Grade.A4, Grade.A5], weights=[75, 13, 8, 4])[0]


def _fill(ctx: SeedContext, rng: random.Random, org: SocialOrg, focus: str | None) -> None:
    """Fields every organization gets, named or generated; about 5% are not verified yet."""
    fake = ctx.fake
    org.founded_on = _founded(rng)
    org.verified = rng.random() >= 0.05 or org.name in NAMED_ORG_NAMES
    if org.verified:
        checked = org.founded_on + timedelta(days=rng.randint(30, 180))
        org.verified_at = ctx.moment(checked, rng)
    region_name = ctx.region_names[org.region_id]
    streets = ctx.streets.get(org.region_id) or []
    street = street_short_name(rng.choice(streets).name) if streets else ""
    district = "" if org.region_id == CITY_CODE else region_name
    org.address = f"长沙市{district}{street}{fake.street_name()}{rng.randint(1, 399)}号"
    field_name = FOCUS_NAMES.get(focus or "", "社会工作")
    org.description = (
        f"在{region_name}民政局登记的{ORG_TYPE_NAMES[org.org_type]}，"
        f"主要开展{field_name}等专业服务，承接政府购买服务和“三社联动”项目。"
    )
    org.contact_name = fake.name()
    org.contact_phone = fake.phone_number()


def _plan_orgs(ctx: SeedContext, rng: random.Random, stored: set[str]) -> None:
    stored_names = existing(SocialOrg.objects.all(), "name")
    planned: set[str] = set()
    serial = 0
    for name, org_type, region, focus, grade, _workers in NAMED_ORGS:
        serial += 1
        org = SocialOrg(name=name, org_type=org_type, region_id=region, grade=grade)
        org.uscc = _uscc(org_type, region, serial)
        _fill(ctx, rng, org, focus)
        ctx.orgs.append(OrgPlan(org, region, focus, special=True))
        planned.add(name)

    # Register organizations where the communities are; one in twelve with the city.
    weights: dict[str, int] = {}
    for community in ctx.communities:
        district = community.region_id[:6] + "000000"
        weights[district] = weights.get(district, 0) + 1
    regions = [CITY_CODE, *weights]
    region_weights = list(accumulate([sum(weights.values()) / 11, *weights.values()]))
    types = list(ORG_TYPE_WEIGHTS)
    type_weights = list(accumulate(ORG_TYPE_WEIGHTS.values()))

    while len(ctx.orgs) < ctx.scale.orgs:
        serial += 1
        region = rng.choices(regions, cum_weights=region_weights)[0]
        org_type = rng.choices(types, cum_weights=type_weights)[0]
        code = _uscc(org_type, region, serial)
        prefix = "长沙市" if region == CITY_CODE else district_short_name(ctx.region_names[region])

        def draw(r: random.Random, attempt: int, prefix=prefix, org_type=org_type):
            # Two words once the one-word names of a district and ending run short.
            words = r.choice(ORG_WORDS) + (r.choice(ORG_WORDS) if attempt >= 20 else "")
            suffix, focus = r.choice(ORG_SUFFIXES[org_type])
            return f"{prefix}{words}{suffix}", focus

        name, focus = draw_unique(rng, draw, code, planned, stored_names, new=code not in stored)
        org = SocialOrg(name=name, org_type=org_type, region_id=region, uscc=code)
        org.grade = _grade(rng)
        _fill(ctx, rng, org, focus)
        ctx.orgs.append(OrgPlan(org, None if region == CITY_CODE else region, focus))


def _plan_workers(ctx: SeedContext, rng: random.Random) -> None:
    named = {name: count for name, *_rest, count in NAMED_ORGS}
    fixed = sum(named.values())
    # Social-work agencies employ most certified workers; associations and foundations few.
    type_weight = {OrgType.SOCIAL_SERVICE: 6.0, OrgType.SOCIAL_GROUP: 1.0, OrgType.FOUNDATION: 0.3}
    generated = [plan for plan in ctx.orgs if not plan.special]
    cum = list(accumulate(type_weight[plan.org.org_type] for plan in generated))
    counts = dict.fromkeys(range(len(generated)), 0)
    for index in rng.choices(range(len(generated)), cum_weights=cum, k=ctx.scale.workers - fixed):
        counts[index] += 1

    levels = [CertificateLevel.ASSISTANT, CertificateLevel.INTERMEDIATE, CertificateLevel.SENIOR]
    serial = 0
    for position, plan in enumerate(ctx.orgs):
        count = named[plan.org.name] if plan.special else counts[position - len(named)]
        # The national certificate exam started in 2008; the range ignores --year so that the
        # certificate numbers (the natural key) do not change with it.
        first_year = max(2008, plan.org.founded_on.year)
        for _ in range(count):
            serial += 1
            certified_in = rng.randint(first_year, 2024)
            plan.workers.append(
                SocialWorker(
                    name=ctx.fake.name(),
                    certificate_level=rng.choices(levels, weights=[60, 35, 5])[0],
                    certificate_no=f"SW{certified_in}{plan.org.region_id[:6]}{serial:06d}",
                    phone=ctx.fake.phone_number(),
                )
            )


def seed_orgs(ctx: SeedContext) -> None:
    """Plan organizations and workers; insert those whose USCC / certificate is not stored."""
    rng = ctx.stream("orgs")
    stored = existing(SocialOrg.objects.all(), "uscc")
    _plan_orgs(ctx, rng, stored)
    _plan_workers(ctx, rng)

    new_orgs = [plan.org for plan in ctx.orgs if plan.org.uscc not in stored]
    bulk_create_with_history(
        new_orgs, SocialOrg, batch_size=BATCH_SIZE, default_change_reason="seed_demo"
    )
    ids = dict(
        SocialOrg.objects.filter(uscc__in=[p.org.uscc for p in ctx.orgs]).values_list("uscc", "id")
    )
    for plan in ctx.orgs:
        plan.org.pk = ids[plan.org.uscc]
        for worker in plan.workers:
            worker.org_id = plan.org.pk

    stored_certs = existing(SocialWorker.objects.all(), "certificate_no")
    new_workers = [
        worker
        for plan in ctx.orgs
        for worker in plan.workers
        if worker.certificate_no not in stored_certs
    ]
    SocialWorker.objects.bulk_create(new_workers, batch_size=BATCH_SIZE)
    planned_workers = sum(len(plan.workers) for plan in ctx.orgs)
    ctx.log(
        f"organizations: {len(ctx.orgs)} planned (+{len(new_orgs)}); "
        f"certified social workers: {planned_workers} planned (+{len(new_workers)})"
    )
