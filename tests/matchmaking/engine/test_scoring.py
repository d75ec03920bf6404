"""Stage 2, scoring and reasons: components, their ranking effects, breakdowns, TF-IDF."""

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaking.engine import COMPONENTS, Weights, rank_for_need, run_matching
from matchmaking.engine import text as engine_text
from matchmaking.engine.candidates import find_candidates
from matchmaking.engine.scoring import (
    Codebook,
    NeedTable,
    OfferTable,
    OrgTable,
    budget_component,
    category_component,
    target_component,
)

from . import CITY, COMMUNITY, DISTRICT, STREET, need, offer, org, orgs


def ranked(n, offers, org_rows=None, **kwargs):
    org_rows = org_rows or orgs(*sorted({o.org_id for o in offers}))
    return rank_for_need(n, offers, org_rows, **kwargs)


def component(name, needs, offers):
    book = Codebook()
    org_table = OrgTable.build([])
    nt, ot = NeedTable.build(needs, book), OfferTable.build(offers, book, org_table)
    ni = np.zeros(len(offers), dtype=np.int64)
    oj = np.arange(len(offers))
    if name == "category":
        return category_component(nt, ot, ni, oj).tolist()
    return target_component(nt, ot, book.all_bit, ni, oj).tolist()


def test_category_component():
    offers = [
        offer(category="elderly_meals"),
        offer(category="elderly_care"),  # the root itself
        offer(category="elderly_health"),  # a sibling
    ]
    assert component("category", [need()], offers) == [1.0, 0.7, 0.6]
    at_root = need(category="elderly_care")
    assert component("category", [at_root], offers) == [0.8, 1.0, 0.8]


def test_target_group_component():
    offers = [
        offer(groups=("elderly",)),
        offer(groups=("children",)),
        offer(groups=("all_residents",)),
        offer(groups=("elderly", "disabled")),
        offer(groups=()),
    ]
    elderly = component("target", [need(groups=("elderly",))], offers)
    assert elderly[:3] == [1.0, 0.0, 0.5]
    assert 0.8 < elderly[3] < 1.0  # serves the need, a little less focused
    assert elderly[4] == 0.5  # the offer names nobody: unknown
    assert component("target", [need(groups=())], offers) == [0.5] * 5
    everyone = component("target", [need(groups=("all_residents",))], offers)
    assert everyone[:3] == [0.5, 0.5, 1.0]


def test_budget_component_is_continuous_and_decays_above_budget():
    budget = np.full(6, 100.0)
    price_min = np.array([50.0, 80.0, 100.0, 100.0001, 150.0, 250.0])
    price_max = np.array([90.0, 120.0, 140.0, 140.0, 200.0, 300.0])
    value = budget_component(budget, price_min, price_max).tolist()
    assert value[0] == 1.0
    assert value[1] == pytest.approx(0.85 + 0.15 * 0.5)
    assert value[2] == pytest.approx(0.85)
    assert value[3] == pytest.approx(0.85, abs=1e-5)  # no jump at price_min = budget
    assert value[4] == pytest.approx(0.425)
    assert value[5] == 0.0
    assert budget_component(np.array([0.0]), np.array([10.0]), np.array([20.0])).tolist() == [0.5]


def test_new_organizations_are_not_buried():
    table = OrgTable.build(
        [org(1, grade=0, workers=0, scores=()), org(2, grade=0, workers=0, scores=(60.0,))]
        + [org(k, grade=0, workers=0, scores=(90.0, 90.0)) for k in range(3, 10)]
    )
    new, one_bad, proven = table.strength[:3].tolist()
    mean = table.prior_mean
    assert new == pytest.approx(0.4 * mean / 100)
    assert one_bad > 0.4 * 0.60  # one poor score is shrunk toward the mean
    assert proven > new > one_bad


def test_community_level_area_outranks_city_wide():
    offers = [offer(id=1, org_id=1, area=(CITY,)), offer(id=2, org_id=2, area=(COMMUNITY,))]
    result = ranked(need(), offers)
    assert [s.offer_id for s in result] == [2, 1]
    assert result[0].score > result[1].score
    assert "服务范围覆盖本社区" in result[0].reasons
    assert "服务范围覆盖本社区" not in result[1].reasons
    geography_only = Weights(0, 1, 0, 0, 0, 0)
    assert ranked(need(), offers[:1], weights=geography_only)[0].reasons == ("服务范围覆盖全市",)


def test_geography_levels_order_the_ranking():
    areas = [CITY, DISTRICT, STREET, COMMUNITY]
    offers = [offer(id=k + 1, org_id=k + 1, area=(a,)) for k, a in enumerate(areas)]
    assert [s.offer_id for s in ranked(need(), offers)] == [4, 3, 2, 1]


def test_price_above_budget_lowers_the_score_and_says_so():
    fair = offer(id=1, org_id=1, price=(30000.0, 45000.0), area=(CITY,))
    # 50% above the 50,000 budget:
    dear = offer(id=2, org_id=2, price=(75000.0, 90000.0), area=(CITY,))
    first, second = ranked(need(budget=50000.0), [fair, dear])
    assert (first.offer_id, second.offer_id) == (1, 2)
    assert first.score - second.score > 0.05
    assert "报价高于预算 50%" in second.reasons
    assert "价格区间在预算内" in first.reasons


def test_target_group_trap_ranks_below_the_right_group():
    right = offer(id=1, org_id=1, groups=("elderly",), text="儿童四点半课堂：作业辅导与安全教育")
    trap = offer(id=2, org_id=2, groups=("children",), text=OFFER_TEXT_COPY)
    first, second = ranked(need(groups=("elderly",)), [trap, right])
    assert (first.offer_id, second.offer_id) == (1, 2)
    assert second.breakdown["target_groups"] == 0.0
    assert "服务对象不一致" in second.reasons


OFFER_TEXT_COPY = "社区独居老人助餐服务：长者助餐点、送餐上门"


def test_reasons_name_the_deciding_components():
    best = ranked(need(), [offer()], [org(1, grade=4, workers=6, scores=())])[0]
    assert best.reasons[0] in {"服务类别完全一致", "服务范围覆盖本社区"}
    assert set(best.reasons) <= {
        "服务类别完全一致",
        "服务范围覆盖本社区",
        "服务对象一致：老年人",
        "价格区间在预算内",
    }
    assert len(best.reasons) == 3
    labelled = ranked(
        need(), [offer()], labels={"elderly": "长者"}, weights=Weights(1, 0, 1, 0, 0, 0)
    )
    assert labelled[0].reasons == ("服务类别完全一致", "服务对象一致：长者")
    strength_only = ranked(
        need(),
        [offer()],
        [org(1, grade=4, workers=6, scores=())],
        weights=Weights(0, 0, 0, 0, 0, 1),
    )
    assert strength_only[0].reasons == ("4A 级社会组织",)
    accepted = ranked(
        need(), [offer()], [org(1, scores=(92.0,))], weights=Weights(0, 0, 0, 0, 0, 1)
    )
    assert accepted[0].reasons == ("项目验收平均 92 分",)
    workers = ranked(
        need(),
        [offer()],
        [org(1, grade=0, workers=6, scores=())],
        weights=Weights(0, 0, 0, 0, 0, 1),
    )
    assert workers[0].reasons == ("持证社工 6 人",)


def test_reasons_are_ordered_by_contribution():
    heavy_budget = Weights(
        category=0.1, geography=0.1, target_groups=0.1, budget=5, text=0, strength=0
    )
    result = ranked(need(), [offer(area=(CITY,))], weights=heavy_budget)[0]
    assert result.reasons[0] == "价格区间在预算内"


def test_breakdown_sums_to_the_score_and_weights_normalise():
    result = ranked(need(), [offer(id=1, org_id=1), offer(id=2, org_id=2, area=(CITY,))])
    for s in result:
        assert set(s.breakdown) == set(COMPONENTS)
        assert math.isclose(sum(s.breakdown.values()), s.score, abs_tol=1e-9)
    doubled = ranked(
        need(), [offer(id=1, org_id=1), offer(id=2, org_id=2, area=(CITY,))],
        weights=Weights(0.4, 0.4, 0.3, 0.3, 0.3, 0.3),
    )  # fmt: skip
    assert [s.score for s in doubled] == pytest.approx([s.score for s in result])
    with pytest.raises(ValueError, match="weights"):
        ranked(need(), [offer()], weights=Weights(0, 0, 0, 0, 0, 0))


def _grams(text: str) -> list[str]:
    out = []
    for clause in engine_text.normalise(text).split():
        for n in (2, 3):
            out += [clause[i : i + n] for i in range(len(clause) - n + 1)]
    return out


def test_tfidf_matches_scikit_learn_weighting():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [NEED_TEXTS[i % len(NEED_TEXTS)] + str(i % 3) for i in range(12)] + ["", "老"]
    ours = engine_text.tfidf(texts).toarray()
    reference = TfidfVectorizer(analyzer=_grams, sublinear_tf=True).fit_transform(texts)
    np.testing.assert_allclose(ours @ ours.T, (reference @ reference.T).toarray(), atol=1e-6)


NEED_TEXTS = [
    "社区独居老人助餐服务：高龄独居老人就餐不便，希望开设长者助餐点",
    "四点半课堂：双职工家庭孩子放学后无人看护，需要课后托管和作业辅导",
    "邻里纠纷调解，漏水、噪音引发的纠纷增多，亟需化解机制",
    "垃圾分类督导  厨余垃圾分类准确率不高",
]


def test_candidate_cosine_equals_the_full_matrix_on_every_path(monkeypatch):
    rnd = random.Random(3)
    areas = [COMMUNITY, STREET, DISTRICT, CITY]
    needs = [need(id=i, text=rnd.choice(NEED_TEXTS)) for i in range(1, 30)]
    offers = [
        offer(id=j, area=(rnd.choice(areas),), text=rnd.choice(NEED_TEXTS) + "服务")
        for j in range(1, 80)
    ]
    cand = find_candidates(needs, offers)
    matrix = engine_text.tfidf([n.text for n in needs] + [o.text for o in offers])
    a, b = matrix[: len(needs)], matrix[len(needs) :]
    full = (a @ b.T).toarray()
    expected = full[cand.need, cand.offer]
    for block_min in (1, 10**9):  # all block products, then all row-wise
        monkeypatch.setattr(engine_text, "BLOCK_MIN_CELLS", block_min)
        got = engine_text.pair_cosine(
            a, b, cand.need, cand.offer, cand.bucket, cand.bucket_needs, cand.bucket_offers
        )
        np.testing.assert_allclose(got, np.clip(expected, 0, 1), atol=1e-6)


# Property: every score in [0, 1] and every breakdown sums to it, whatever the rows.
REGIONS = ["430103002001", "430103002002", "430103003001", "430104001001"]
AREAS = [*REGIONS, "430103002000", "430103000000", "430100000000", "430000000000", "bad"]
TREE = [
    ("elderly_care", "elderly_meals"),
    ("elderly_care", "elderly_care"),
    ("youth", "after_school"),
]
GROUPS = ["elderly", "children", "disabled", "all_residents"]
money = st.floats(min_value=0, max_value=300000, allow_nan=False)


@st.composite
def instances(draw):
    n_needs = draw(st.integers(1, 6))
    n_offers = draw(st.integers(0, 10))
    needs, offers = [], []
    for i in range(n_needs):
        root, child = draw(st.sampled_from(TREE))
        needs.append(
            need(
                id=i + 1,
                region=draw(st.sampled_from(REGIONS)),
                root=root,
                category=child,
                groups=draw(st.sets(st.sampled_from(GROUPS), max_size=3)),
                budget=draw(money),
                text=draw(st.sampled_from([*NEED_TEXTS, "", "老人"])),
            )
        )
    for j in range(n_offers):
        root, child = draw(st.sampled_from(TREE))
        low = draw(money)
        offers.append(
            offer(
                id=j + 1,
                org_id=draw(st.integers(1, 3)),
                root=root,
                category=child,
                groups=draw(st.sets(st.sampled_from(GROUPS), max_size=3)),
                area=draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=3)),
                price=(low, low + draw(money)),
                capacity=draw(st.integers(0, 2)),
                text=draw(st.sampled_from(NEED_TEXTS)),
            )
        )
    org_rows = [
        org(k, grade=draw(st.integers(0, 5)), workers=draw(st.integers(0, 50)),
            scores=draw(st.lists(st.floats(0, 100), max_size=4)))
        for k in (1, 2, 3)
    ]  # fmt: skip
    weights = Weights(*draw(st.lists(st.floats(0, 1), min_size=6, max_size=6)))
    return needs, offers, org_rows, weights


@settings(max_examples=60, deadline=None)
@given(instances())
def test_scores_are_in_unit_interval_and_breakdowns_sum(instance):
    needs, offers, org_rows, weights = instance
    if sum(getattr(weights, c) for c in COMPONENTS) <= 0:
        weights = Weights()
    result = run_matching(needs, offers, org_rows, weights=weights, top_k=5)
    for s in result.suggestions:
        assert 0.0 <= s.score <= 1.0
        assert math.isclose(sum(s.breakdown.values()), s.score, abs_tol=1e-9)
        assert all(v >= 0 for v in s.breakdown.values())
        assert 1 <= s.rank <= 5
        assert len(s.reasons) <= 3
    assert set(result.proposal.assigned) | set(result.proposal.unassigned) == {n.id for n in needs}
