"""Stage 1, blocking: category root, area coverage, published, capacity, availability."""

import random
from datetime import date

from matchmaking.engine.candidates import (
    LEVELS,
    OfferIndex,
    covering_codes,
    covers,
    find_candidates,
    needs_for_offer,
    offers_for_need,
)

from . import (
    CITY,
    COMMUNITY,
    DISTRICT,
    FAR_COMMUNITY,
    NEIGHBOUR,
    OTHER_DISTRICT,
    OTHER_STREET,
    PROVINCE,
    STREET,
    need,
    offer,
)


def pairs(needs, offers):
    cand = find_candidates(needs, offers)
    return {
        (needs[i].id, offers[j].id): LEVELS[lv]
        for i, j, lv in zip(
            cand.need.tolist(), cand.offer.tolist(), cand.level.tolist(), strict=True
        )
    }


def test_region_chain_finest_first():
    assert covering_codes(COMMUNITY) == [
        (0, COMMUNITY),
        (1, STREET),
        (2, DISTRICT),
        (3, CITY),
        (4, PROVINCE),
    ]
    # A street-level region is covered by its street and above, not by a "community" code.
    assert [level for level, _ in covering_codes(STREET)] == [1, 2, 3, 4]
    assert covering_codes("4301") == []


def test_covers_is_a_prefix_test_on_the_significant_digits():
    assert covers(STREET, COMMUNITY)
    assert covers(DISTRICT, COMMUNITY)
    assert covers(CITY, COMMUNITY)
    assert covers(PROVINCE, COMMUNITY)
    assert covers(COMMUNITY, COMMUNITY)
    assert not covers(NEIGHBOUR, COMMUNITY)
    assert not covers(OTHER_STREET, COMMUNITY)
    assert not covers(OTHER_DISTRICT, COMMUNITY)
    assert not covers("not a code", COMMUNITY)


def test_includes_every_level_and_records_it():
    offers = [
        offer(id=1, area=(COMMUNITY,)),
        offer(id=2, area=(STREET,)),
        offer(id=3, area=(DISTRICT,)),
        offer(id=4, area=(CITY,)),
        offer(id=5, area=(PROVINCE,)),
    ]
    assert pairs([need()], offers) == {
        (1, 1): "community",
        (1, 2): "street",
        (1, 3): "district",
        (1, 4): "city",
        (1, 5): "province",
    }


def test_excludes_other_roots_areas_unpublished_full_and_unavailable():
    offers = [
        offer(id=1, root="youth", category="after_school"),
        offer(id=2, area=(NEIGHBOUR, OTHER_STREET, OTHER_DISTRICT)),
        offer(id=3, published=False),
        offer(id=4, capacity=0),
        offer(id=5, available=(date(2024, 1, 1), date(2025, 2, 28))),  # ends before the need
        offer(id=6, available=(date(2026, 1, 1), None)),  # starts after it
        offer(id=7, available=(date(2025, 6, 1), date(2025, 7, 1))),  # overlaps
        offer(id=8, available=(None, date(2025, 3, 1))),  # overlaps on the first day
        offer(id=9, category="elderly_health"),  # same root, another child: a candidate
    ]
    assert set(pairs([need()], offers)) == {(1, 7), (1, 8), (1, 9)}


def test_a_pair_found_through_several_areas_keeps_the_finest_level():
    offers = [offer(id=1, area=(CITY, STREET, DISTRICT))]
    assert pairs([need()], offers) == {(1, 1): "street"}


def test_each_need_looks_up_at_most_five_keys():
    index = OfferIndex([offer(area=(CITY,))])
    assert len(index.keys_for(need())) == 5
    assert all(key[0] == "elderly_care" for _, key in index.keys_for(need()))


def test_needs_elsewhere_get_no_pairs():
    needs = [need(id=1), need(id=2, region=FAR_COMMUNITY)]
    offers = [offer(id=k, area=(STREET,)) for k in range(1, 50)]
    found = pairs(needs, offers)
    assert len(found) == 49
    assert all(need_id == 1 for need_id, _ in found)


def test_full_capacity_is_flagged_for_the_unmatched_reason():
    cand = find_candidates([need(id=1), need(id=2, region=FAR_COMMUNITY)], [offer(capacity=0)])
    assert len(cand) == 0
    assert cand.had_full.tolist() == [True, False]


def test_single_need_and_single_offer_blocking_agree_with_the_batch():
    rnd = random.Random(7)
    areas = [COMMUNITY, NEIGHBOUR, STREET, OTHER_STREET, DISTRICT, OTHER_DISTRICT, CITY]
    regions = [COMMUNITY, NEIGHBOUR, FAR_COMMUNITY, "430103003004"]
    roots = [("elderly_care", "elderly_meals"), ("youth", "after_school")]
    needs = []
    for i in range(40):
        root, child = rnd.choice(roots)
        needs.append(need(id=i + 1, region=rnd.choice(regions), root=root, category=child))
    offers = []
    for j in range(60):
        root, child = rnd.choice(roots)
        offers.append(
            offer(
                id=j + 1,
                root=root,
                category=child,
                area=rnd.sample(areas, rnd.randint(1, 3)),
                capacity=rnd.choice([0, 1, 2]),
                published=rnd.random() > 0.1,
                available=rnd.choice([(None, None), (date(2025, 1, 1), date(2025, 2, 1))]),
            )
        )
    batch = pairs(needs, offers)
    single = {}
    for n in needs:
        rows, levels, _ = offers_for_need(n, offers)
        single.update(
            {(n.id, offers[j].id): LEVELS[lv] for j, lv in zip(rows, levels, strict=True)}
        )
    assert single == batch
    by_offer = {}
    for o in offers:
        rows, levels = needs_for_offer(o, needs)
        by_offer.update(
            {(needs[i].id, o.id): LEVELS[lv] for i, lv in zip(rows, levels, strict=True)}
        )
    assert by_offer == batch
    assert batch  # the instance is not trivially empty
