"""The entry points end to end on synthetic data, plus the benchmark command."""

import json
import subprocess
import sys
from io import StringIO
from itertools import groupby, pairwise

from django.conf import settings
from django.core.management import call_command

from matchmaking.engine import rank_for_need, rank_for_offer, run_matching, synthetic
from matchmaking.engine.candidates import covers

from . import CITY, COMMUNITY, DISTRICT, FAR_COMMUNITY, STREET, need, offer, orgs

STATS = (
    "needs",
    "offers",
    "pairs_scored",
    "suggestions",
    "seconds_candidates",
    "seconds_scoring",
    "seconds_assignment",
    "seconds",
)


def small_city(seed=5):
    return synthetic.city(seed, n_needs=300, n_offers=900, streets=30, communities=150)


def test_same_input_same_output():
    city = small_city()
    first = run_matching(city.needs, city.offers, city.orgs)
    second = run_matching(city.needs, city.offers, city.orgs)
    assert first.suggestions == second.suggestions
    assert first.proposal == second.proposal


def test_suggestions_are_ranked_candidates_and_stats_are_complete():
    city = small_city()
    result = run_matching(city.needs, city.offers, city.orgs, top_k=5)
    assert set(STATS) <= set(result.stats)
    assert result.stats["needs"] == 300 and result.stats["offers"] == 900
    assert result.stats["suggestions"] == len(result.suggestions)
    needs = {n.id: n for n in city.needs}
    offers = {o.id: o for o in city.offers}
    for _, group in groupby(result.suggestions, key=lambda s: s.need_id):
        group = list(group)
        assert [s.rank for s in group] == list(range(1, len(group) + 1))
        assert all(a.score >= b.score for a, b in pairwise(group))
        assert len(group) <= 5
    for s in result.suggestions:
        n, o = needs[s.need_id], offers[s.offer_id]
        assert o.category_root == n.category_root and o.published and o.capacity_left > 0
        assert any(covers(area, n.region) for area in o.service_area)
        assert s.org_id == o.org_id
    proposal = result.proposal
    assert proposal.method == "flow"
    assert set(proposal.assigned) | set(proposal.unassigned) == set(needs)
    assert not set(proposal.assigned) & set(proposal.unassigned)
    best = {s.need_id: s.score for s in result.suggestions if s.rank == 1}
    assert all(best[i] >= 0.35 for i in proposal.assigned)


def test_rank_for_need_and_for_offer():
    offers = [
        offer(id=1, org_id=1, area=(CITY,)),
        offer(id=2, org_id=2, area=(COMMUNITY,)),
        offer(id=3, org_id=3, area=(DISTRICT,), root="youth", category="after_school"),
        offer(id=4, org_id=4, area=(STREET,), capacity=0),
    ]
    result = rank_for_need(need(), offers, orgs(1, 2, 3, 4), k=10)
    assert [(s.offer_id, s.rank) for s in result] == [(2, 1), (1, 2)]
    assert rank_for_need(need(), offers, orgs(1, 2), k=1)[0].offer_id == 2
    needs = [need(id=1), need(id=2, region=FAR_COMMUNITY), need(id=3, groups=("children",))]
    by_offer = rank_for_offer(offers[1], needs, orgs(2))
    assert [(s.need_id, s.rank) for s in by_offer] == [(1, 1), (3, 2)]
    assert all(s.offer_id == 2 for s in by_offer)
    assert rank_for_offer(offers[3], needs, orgs(4)) == []  # no capacity left


def test_rank_for_need_agrees_with_the_batch_on_the_candidates():
    city = small_city(seed=9)
    batch = run_matching(city.needs, city.offers, city.orgs, top_k=1000)
    for n in city.needs[:20]:
        single = rank_for_need(n, city.offers, city.orgs, k=1000)
        assert {s.offer_id for s in single} == {
            s.offer_id for s in batch.suggestions if s.need_id == n.id
        }


def test_the_engine_imports_no_django():
    code = (
        "import sys, matchmaking.engine, matchmaking.engine.synthetic;"
        "bad = [m for m in sys.modules if m.startswith(('django', 'communities', 'orgs'))];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=settings.BASE_DIR)  # noqa: S603


def test_bench_command_prints_the_report():
    out = StringIO()
    call_command(
        "bench_matching", needs=400, offers=1200, exhaustive_sample=20, rank_samples=5, stdout=out
    )
    report = json.loads(out.getvalue())
    assert report["needs"] == 400 and report["cities"] == 1
    assert report["pairs_scored"] > 0 and report["suggestions"] > 0
    assert 0 <= report["recall_at_10"] <= 1
    assert report["recall_misses"]["in_block"] == 0
    assert report["proposal"]["flow_objective"] >= report["proposal"]["greedy_objective"]
    assert report["peak_rss_mb"] > 0 and report["rank_for_need_median_ms"] > 0
    for stage in ("candidates", "scoring", "assignment", "matching_total"):
        assert stage in report["seconds"]
