"""Regions (the official division table) and the generated communities below the streets."""

import random

from communities.choices import RegionLevel
from communities.models import Community, Region
from communities.services import regions_load_city

from .context import BATCH_SIZE, CITY_CODE, SeedContext, draw_unique, existing
from .vocabulary import COMMUNITY_WORDS, street_short_name

# The article's communities are in 天心区; which street each belongs to is not stated there,
# so the placement below is illustrative.
NAMED_COMMUNITIES = {
    "430103004": "木莲社区",  # 城南路街道
    "430103005": "宝塔山社区",  # 裕南街街道
}


def seed_regions(ctx: SeedContext) -> None:
    created = regions_load_city(city_code=CITY_CODE)
    ctx.log(f"regions: loaded the division table of 长沙市 (+{created} rows)")
    prefix = CITY_CODE[:4]
    ctx.districts = list(
        Region.objects.filter(level=RegionLevel.DISTRICT, code__startswith=prefix).order_by("code")
    )
    ctx.region_names = {CITY_CODE: Region.objects.get(code=CITY_CODE).name}
    ctx.region_names.update((d.code, d.name) for d in ctx.districts)
    streets = Region.objects.filter(level=RegionLevel.STREET, code__startswith=prefix)
    for street in streets.order_by("code"):
        ctx.streets.setdefault(street.parent_id, []).append(street)


def _chosen_streets(ctx: SeedContext, rng: random.Random) -> list[Region]:
    """Streets that get communities: all of them, or a few per district at small scale."""
    scale = ctx.scale
    chosen: list[Region] = []
    for district in ctx.districts:
        if scale.district_prefixes and district.code[:6] not in scale.district_prefixes:
            continue
        streets = ctx.streets.get(district.code, [])
        if scale.streets_per_district is None:
            chosen.extend(streets)
            continue
        required = [s for s in streets if s.code[:9] in NAMED_COMMUNITIES]
        others = [s for s in streets if s not in required]
        extra = rng.sample(others, max(0, scale.streets_per_district - len(required)))
        chosen.extend(sorted(required + extra, key=lambda s: s.code))
    return chosen


def _profile(rng: random.Random) -> dict[str, int]:
    households = rng.randint(800, 6000)
    residents = round(households * rng.uniform(2.4, 2.8))
    staff = rng.randint(6, 20)
    return {
        "households": households,
        "residents": residents,
        "elderly": round(residents * rng.uniform(0.15, 0.25)),
        "disabled": round(residents * rng.uniform(0.01, 0.03)),
        "staff_total": staff,
        # DOMAIN: about 40% of community staff hold a social-work certificate.
        "staff_certified": min(staff, round(staff * rng.uniform(0.3, 0.5))),
        "representatives_total": rng.randint(20, 60),
    }


def seed_communities(ctx: SeedContext) -> None:
    """Plan every community (code, name, profile), then insert the ones not stored yet."""
    rng = ctx.stream("communities")
    district_names = {d.code: d.name for d in ctx.districts}
    stored = dict(
        Community.objects.filter(region__code__startswith=CITY_CODE[:4]).values_list(
            "region_id", "name"
        )
    )
    stored_codes = existing(Region.objects.filter(level=RegionLevel.COMMUNITY), "code")

    for street in _chosen_streets(ctx, rng):
        count = rng.randint(*ctx.scale.communities_per_street)
        # Names are unique within a street; a new community's also against the names stored
        # there (from a run at another scale, or added by hand).
        stored_names = {name for code, name in stored.items() if code[:9] == street.code[:9]}
        planned: set[str] = set()
        named = NAMED_COMMUNITIES.get(street.code[:9])
        for index in range(1, count + 1):
            code = f"{street.code[:9]}{index:03d}"
            if index == 1 and named:
                name = named
                planned.add(name)
            else:
                name = draw_unique(
                    rng,
                    lambda r, _attempt: (f"{r.choice(COMMUNITY_WORDS)}社区",),
                    code,
                    planned,
                    stored_names,
                    new=code not in stored_codes,
                )[0]
            address = (
                f"长沙市{district_names[street.parent_id]}{street_short_name(street.name)}"
                f"{ctx.fake.street_name()}{rng.randint(1, 399)}号"
            )
            ctx.communities.append(
                Community(region_id=code, name=name, address=address, **_profile(rng))
            )

    new_regions = [
        Region(
            code=c.region_id,
            name=c.name,
            level=RegionLevel.COMMUNITY,
            parent_id=c.region_id[:9] + "000",
        )
        for c in ctx.communities
        if c.region_id not in stored_codes
    ]
    Region.objects.bulk_create(new_regions, batch_size=BATCH_SIZE)
    new_communities = [c for c in ctx.communities if c.region_id not in stored]
    Community.objects.bulk_create(new_communities, batch_size=BATCH_SIZE)
    ctx.log(
        f"communities: {len(ctx.communities)} planned in "
        f"{len({c.region_id[:9] for c in ctx.communities})} streets "
        f"(+{len(new_regions)} regions, +{len(new_communities)} profiles)"
    )
