"""Synthetic needs, offers and organizations for the benchmark — plain rows, no database.

Shape follows Changsha (DOMAIN.md): per city 9 districts, ~170 streets, ~1,000 communities;
11 root categories with children; Chinese texts assembled from small vocabularies; orgs with
evaluation grades, certified workers, past acceptance scores and a home district. Offers cover
the whole city (8%), one or two districts (32%), a few streets (35%) or a few communities (25%);
~5% are unpublished, ~8% have no capacity left, ~25% have availability dates.

`city(...)` builds one city; `cities(...)` yields city after city so a benchmark over many
cities keeps only one in memory. All randomness comes from `numpy.random.default_rng(seed)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .types import NeedRow, OfferRow, OrgRow

# root code, name, base price (yuan), natural target groups, children (code, name), phrases
ROOTS = [
    ("elderly_care", "居家养老", 80000, ("elderly",),
     [("elderly_meals", "老年助餐"), ("elderly_home_visits", "上门探访"),
      ("elderly_day_care", "日间照料"), ("elderly_health", "健康管理")],
     ("空巢独居老人", "生活照料", "精神慰藉", "助餐送餐", "慢病随访", "安全检查", "康复训练")),
    ("mediation", "矛盾纠纷调解", 40000, ("all_residents",),
     [("neighbour_mediation", "邻里纠纷调解"), ("family_mediation", "婚姻家庭调解"),
      ("legal_aid", "法律咨询援助")],
     ("物业停车噪音", "调解队伍", "法律明白人", "矛盾排查", "律师驻点", "关系修复")),
    ("charity", "慈善互助", 30000, ("hardship_families",),
     [("hardship_assistance", "困难帮扶"), ("neighbour_mutual_aid", "邻里互助"),
      ("charity_fundraising", "爱心募捐")],
     ("低保低收入家庭", "慈善超市", "微心愿", "入户评估", "社区微基金", "物资募集")),
    ("culture", "文化娱乐", 30000, ("all_residents",),
     [("culture_sports", "文体活动"), ("community_reading", "社区阅读"),
      ("traditional_festivals", "传统节庆")],
     ("广场舞合唱队", "文化活动室", "读书会", "才艺展演", "非遗传承", "节庆活动")),
    ("disability", "助残服务", 60000, ("disabled",),
     [("community_rehab", "社区康复"), ("emotional_support", "情绪辅导"),
      ("social_integration", "社区融合"), ("empowerment", "赋能赋权")],
     ("彩虹驿站", "康复训练", "辅具适配", "心理疏导", "融合活动", "就业赋能")),
    ("youth", "青少年服务", 50000, ("children", "youth"),
     [("after_school", "四点半课堂"), ("child_protection", "儿童保护"),
      ("youth_development", "青少年成长")],
     ("课后托管", "作业辅导", "留守儿童", "安全教育", "成长小组", "亲子活动")),
    ("party_building", "党建服务", 20000, ("all_residents",),
     [("party_units", "党建单元"), ("party_volunteering", "党员志愿服务")],
     ("红色物业", "党员先锋岗", "楼栋党小组", "主题党日", "在职党员报到")),
    ("environment", "环境保护", 20000, ("all_residents",),
     [("waste_sorting", "垃圾分类"), ("green_community", "绿色社区")],
     ("垃圾分类督导", "厨余垃圾", "绿色家庭", "环保宣传", "旧物改造")),
    ("community_building", "社区营造", 50000, ("all_residents",),
     [("resident_deliberation", "居民议事"), ("grassroots_orgs", "社区社会组织培育"),
      ("public_space", "公共空间营造")],
     ("议事协商", "居民骨干", "社区社会组织", "楼道微更新", "公共空间改造")),
    ("mental_health", "心理健康", 40000, ("all_residents",),
     [("counselling", "心理咨询"), ("crisis_intervention", "危机干预")],
     ("心理咨询室", "情绪疏导", "危机干预", "心理健康讲座", "个案辅导")),
    ("volunteering", "志愿服务", 20000, ("all_residents",),
     [("volunteer_management", "志愿者管理"), ("time_bank", "时间银行")],
     ("志愿者招募", "时间银行积分", "志愿服务队", "星级评定", "志愿培训")),
]  # fmt: skip
ROOT_WEIGHTS = np.array([20, 8, 9, 9, 8, 10, 5, 5, 9, 8, 9], dtype=float)
ROOT_WEIGHTS /= ROOT_WEIGHTS.sum()
GROUPS = ("elderly", "disabled", "children", "youth", "hardship_families", "women", "migrants")
SYLLABLES = list("东西南北新湘岳麓雨花芙蓉开福望城天心桂花金盆岭黑石枫林桃子湖白沙砂子塘圭塘")
BRANDS = (
    "阳光",
    "彩虹",
    "同心",
    "益心",
    "暖心",
    "乐龄",
    "康乐",
    "和美",
    "邻里",
    "善行",
    "星火",
    "春晖",
)
NEED_OPENINGS = ("社区现有", "辖区内", "经入户走访，社区", "居民议事会反映，社区")
NEED_ASKS = ("希望引入专业社会组织", "需要专业社工团队", "拟通过政府购买服务", "计划使用惠民资金")
OFFER_OPENINGS = (
    "本机构长期开展",
    "我们拥有专业社工团队，提供",
    "依托孵化基地，承接",
    "持证社工带领开展",
)
OFFER_TAILS = ("服务经验丰富", "已在多个社区落地", "可提供全年驻点服务", "配备督导和志愿者队伍")
DISTRICT_SUFFIXES = ("02", "03", "04", "05", "11", "12", "21", "81", "82")


@dataclass(slots=True)
class City:
    needs: list[NeedRow]
    offers: list[OfferRow]
    orgs: list[OrgRow]
    code: str


def city_code(index: int) -> str:
    """4-digit city prefix: 90 cities per province code starting at 11."""
    return f"{11 + index // 90:02d}{index % 90 + 1:02d}"


def _regions(rng, prefix: str, streets: int, communities: int):
    district_codes = [prefix + s for s in DISTRICT_SUFFIXES]
    street_district = np.sort(rng.integers(0, len(district_codes), streets))
    street_codes, per_district = [], {d: [] for d in range(len(district_codes))}
    counter: dict[int, int] = {}
    for d in street_district.tolist():
        counter[d] = counter.get(d, 0) + 1
        street_codes.append(f"{district_codes[d]}{counter[d]:03d}")
        per_district[d].append(len(street_codes) - 1)
    community_street = np.sort(
        np.concatenate(
            [np.arange(streets), rng.integers(0, streets, max(communities - streets, 0))]
        )
    )
    community_codes, per_street = [], {s: [] for s in range(streets)}
    counter = {}
    for s in community_street.tolist():
        counter[s] = counter.get(s, 0) + 1
        community_codes.append(f"{street_codes[s]}{counter[s]:03d}")
        per_street[s].append(len(community_codes) - 1)
    return district_codes, street_district, street_codes, per_district, community_codes, per_street


def _name(rng, n: int) -> str:
    return "".join(SYLLABLES[i] for i in rng.integers(0, len(SYLLABLES), n))


def city(
    seed: int,
    index: int = 0,
    n_needs: int = 6000,
    n_offers: int = 15000,
    *,
    streets: int = 170,
    communities: int = 1000,
    year: int = 2025,
    id_base: int = 0,
) -> City:
    """One synthetic city. Ids start at id_base + 1 so several cities never collide."""
    rng = np.random.default_rng([seed, index])
    prefix = city_code(index)
    city_full = prefix + "00000000"
    districts, _street_district, street_codes, per_district, community_codes, per_street = _regions(
        rng, prefix, streets, communities
    )
    community_names = [_name(rng, 2) + "社区" for _ in community_codes]
    jan1 = date(year, 1, 1)

    n_orgs = max(1, round(n_offers / 2.9))
    grades = rng.choice(6, n_orgs, p=[0.55, 0.05, 0.10, 0.15, 0.10, 0.05])
    orgs = []
    for k in range(n_orgs):
        history = rng.normal(85, 7, rng.poisson(2)).clip(50, 100).round(1)
        orgs.append(
            OrgRow(
                id=id_base + k + 1,
                grade=int(grades[k]),
                certified_workers=int(rng.poisson(1 + 2 * grades[k])),
                acceptance_scores=tuple(history.tolist()),
            )
        )
    org_home = rng.integers(0, len(districts), n_orgs)
    org_roots = rng.choice(len(ROOTS), (n_orgs, 2), p=ROOT_WEIGHTS)
    org_brand = rng.integers(0, len(BRANDS), n_orgs)

    offers = []
    offer_org = rng.integers(0, n_orgs, n_offers)
    for j in range(n_offers):
        k = int(offer_org[j])
        root_i = int(org_roots[k, 0 if rng.random() < 0.7 else 1])
        root, root_name, base, natural, children, phrases = ROOTS[root_i]
        if rng.random() < 0.15:
            category, cat_name = root, root_name
        else:
            category, cat_name = children[rng.integers(len(children))]
        home = int(org_home[k])
        kind = rng.random()
        if kind < 0.08:
            area = (city_full,)
        elif kind < 0.40:
            picks = {home} | ({int(rng.integers(len(districts)))} if rng.random() < 0.3 else set())
            area = tuple(districts[d] + "000000" for d in sorted(picks))
        elif kind < 0.75 and per_district[home]:
            pool = per_district[home]
            picks = rng.choice(pool, min(len(pool), int(rng.integers(1, 5))), replace=False)
            area = tuple(street_codes[s] + "000" for s in sorted(picks.tolist()))
        else:
            pool = per_district[home] or list(range(len(street_codes)))
            s = int(rng.choice(pool))
            picks = rng.choice(
                per_street[s], min(len(per_street[s]), int(rng.integers(1, 9))), replace=False
            )
            area = tuple(community_codes[c] for c in sorted(picks.tolist()))
        groups = set(natural)
        if rng.random() < 0.2:
            groups.add("all_residents")
        if rng.random() < 0.1:
            groups.add(GROUPS[rng.integers(len(GROUPS))])
        price_min = round(base * float(rng.lognormal(0, 0.35)), -2)
        price_max = round(price_min * float(rng.uniform(1.2, 2.0)), -2)
        capacity = 0 if rng.random() < 0.08 else int(min(6, 1 + rng.geometric(0.5)))
        if rng.random() < 0.25:
            start = jan1 + timedelta(days=int(rng.integers(0, 180)))
            until = start + timedelta(days=int(rng.integers(90, 365)))
        else:
            start = until = None
        brand = BRANDS[org_brand[k]]
        p = rng.choice(len(phrases), 2, replace=False)
        text = (
            f"“{brand}”{cat_name}服务。{OFFER_OPENINGS[rng.integers(len(OFFER_OPENINGS))]}"
            f"{phrases[p[0]]}、{phrases[p[1]]}等{root_name}服务，"
            f"{OFFER_TAILS[rng.integers(len(OFFER_TAILS))]}。"
        )
        offers.append(
            OfferRow(
                id=id_base + j + 1,
                org_id=orgs[k].id,
                category=category,
                category_root=root,
                target_groups=frozenset(groups),
                service_area=area,
                price_min=price_min,
                price_max=price_max,
                capacity_left=capacity,
                text=text,
                published=rng.random() >= 0.05,
                available_from=start,
                available_until=until,
            )
        )

    needs = []
    need_root = rng.choice(len(ROOTS), n_needs, p=ROOT_WEIGHTS)
    need_comm = rng.integers(0, len(community_codes), n_needs)
    for i in range(n_needs):
        root, root_name, base, natural, children, phrases = ROOTS[int(need_root[i])]
        if rng.random() < 0.2:
            category, cat_name = root, root_name
        else:
            category, cat_name = children[rng.integers(len(children))]
        roll = rng.random()
        if roll < 0.05:
            groups = frozenset()
        elif roll < 0.10:
            groups = frozenset({"all_residents"})
        else:
            groups = frozenset(natural[: 1 + int(rng.random() < 0.3)])
        c = int(need_comm[i])
        start = jan1 + timedelta(days=int(rng.integers(0, 240)))
        end = start + timedelta(days=int(rng.integers(60, 300)))
        p = rng.choice(len(phrases), 2, replace=False)
        text = (
            f"{community_names[c]}{cat_name}项目。{NEED_OPENINGS[rng.integers(len(NEED_OPENINGS))]}"
            f"{phrases[p[0]]}需求约{int(rng.integers(20, 400))}人，"
            f"{NEED_ASKS[rng.integers(len(NEED_ASKS))]}开展{phrases[p[1]]}等{root_name}服务。"
        )
        needs.append(
            NeedRow(
                id=id_base + i + 1,
                region=community_codes[c],
                category=category,
                category_root=root,
                target_groups=groups,
                budget=round(base * float(rng.lognormal(0, 0.4)), -3),
                start=start,
                end=end,
                text=text,
            )
        )
    return City(needs=needs, offers=offers, orgs=orgs, code=city_full)


def city_count(n_needs: int, n_offers: int) -> int:
    """How many cities of Changsha's size (6,000 needs, 15,000 offers) the volume spreads over."""
    return max(1, -(-n_needs // 6000), -(-n_offers // 15000))


def cities(seed: int, n_needs: int, n_offers: int) -> Iterator[City]:
    """The volume split over city_count cities, generated one at a time."""
    count = city_count(n_needs, n_offers)
    id_base = 0
    for index in range(count):
        needs_here = n_needs // count + (index < n_needs % count)
        offers_here = n_offers // count + (index < n_offers % count)
        yield city(seed, index, needs_here, offers_here, id_base=id_base)
        id_base += max(needs_here, offers_here, round(offers_here / 2.9) + 1)
