"""The pure matching engine, on hand-built rows. Builders shared by the test modules."""

from datetime import date

from matchmaking.engine import NeedRow, OfferRow, OrgRow

CITY = "430100000000"  # 长沙市
PROVINCE = "430000000000"  # 湖南省
DISTRICT = "430103000000"  # 天心区
OTHER_DISTRICT = "430104000000"  # 岳麓区
STREET = "430103002000"  # 坡子街街道
OTHER_STREET = "430103003000"
COMMUNITY = "430103002001"
NEIGHBOUR = "430103002002"  # same street, another community
FAR_COMMUNITY = "430104001001"  # 岳麓区

NEED_TEXT = "社区独居老人助餐服务：高龄独居老人就餐不便，希望开设长者助餐点并送餐上门"
OFFER_TEXT = "长者食堂助餐服务：为老年人提供营养配餐、集中就餐和送餐上门服务"


def need(
    id=1,
    region=COMMUNITY,
    category="elderly_meals",
    root="elderly_care",
    groups=("elderly",),
    budget=50000.0,
    start=date(2025, 3, 1),
    end=date(2025, 12, 31),
    text=NEED_TEXT,
) -> NeedRow:
    return NeedRow(
        id=id,
        region=region,
        category=category,
        category_root=root,
        target_groups=frozenset(groups),
        budget=budget,
        start=start,
        end=end,
        text=text,
    )


def offer(
    id=1,
    org_id=1,
    category="elderly_meals",
    root="elderly_care",
    groups=("elderly",),
    area=(COMMUNITY,),
    price=(30000.0, 45000.0),
    capacity=2,
    text=OFFER_TEXT,
    published=True,
    available=(None, None),
) -> OfferRow:
    return OfferRow(
        id=id,
        org_id=org_id,
        category=category,
        category_root=root,
        target_groups=frozenset(groups),
        service_area=tuple(area),
        price_min=price[0],
        price_max=price[1],
        capacity_left=capacity,
        text=text,
        published=published,
        available_from=available[0],
        available_until=available[1],
    )


def org(id=1, grade=3, workers=5, scores=(90.0,)) -> OrgRow:
    return OrgRow(id=id, grade=grade, certified_workers=workers, acceptance_scores=tuple(scores))


def orgs(*ids, **kwargs) -> list[OrgRow]:
    return [org(id=i, **kwargs) for i in ids]
