"""Stage 3, assignment: capacity, spread across organizations, flow vs greedy, reasons."""

from collections import Counter

import numpy as np
import pytest

from matchmaking.engine import assignment, run_matching
from matchmaking.engine.reasons import CAPACITY_FULL, NO_CANDIDATES, NOT_ELIGIBLE

from . import CITY, COMMUNITY, NEIGHBOUR, STREET, need, offer, org, orgs


def test_an_organization_at_capacity_gets_no_proposal():
    result = run_matching([need(id=1)], [offer(id=1, capacity=0)], [org(1)])
    assert result.proposal.assigned == {}
    assert result.proposal.unassigned == {1: CAPACITY_FULL}


def test_capacity_is_respected_and_the_rest_is_told_why():
    needs = [need(id=1), need(id=2)]
    result = run_matching(needs, [offer(id=1, capacity=1)], [org(1)])
    assert len(result.proposal.assigned) == 1
    assert list(result.proposal.unassigned.values()) == [CAPACITY_FULL]


def test_org_capacity_override_caps_the_organization_across_its_offers():
    needs = [need(id=i) for i in (1, 2, 3)]
    offers = [offer(id=1, capacity=2), offer(id=2, capacity=2, category="elderly_care")]
    assert len(run_matching(needs, offers, [org(1)]).proposal.assigned) == 3
    capped = run_matching(needs, offers, [org(1)], org_capacity={1: 1})
    assert len(capped.proposal.assigned) == 1


def test_unassigned_reasons():
    needs = [
        need(id=1, region="430202001001"),  # 株洲: nobody covers it
        need(id=2, groups=("children",), budget=1.0),  # covered, but a poor fit
    ]
    weak = offer(id=1, area=(CITY,), category="elderly_health", groups=("elderly",))
    result = run_matching(needs, [weak], [org(1, grade=0, workers=0, scores=(10.0,))])
    assert result.proposal.unassigned[1] == NO_CANDIDATES
    assert result.proposal.unassigned[2] == "最高匹配分低于 0.35"
    assert result.suggestions  # the poor fit is still suggested, just not proposed


def test_close_scores_spread_across_organizations():
    needs = [need(id=i) for i in range(1, 5)]
    offers = [
        offer(id=1, org_id=1, area=(COMMUNITY,), capacity=3),  # slightly better everywhere
        offer(id=2, org_id=2, area=(COMMUNITY,), capacity=3),
    ]
    org_rows = [org(1, grade=4), org(2, grade=3)]
    spread = run_matching(needs, offers, org_rows)
    counts = Counter(spread.proposal.assigned.values())
    assert spread.proposal.method == "flow"
    assert len(spread.proposal.assigned) == 4
    assert counts == {1: 2, 2: 2}
    packed = run_matching(needs, offers, org_rows, spread_penalty=0.0)
    assert Counter(packed.proposal.assigned.values()) == {1: 3, 2: 1}


def test_spread_does_not_override_a_clearly_better_offer():
    needs = [need(id=i) for i in range(1, 3)]
    offers = [
        offer(id=1, org_id=1, area=(COMMUNITY,), capacity=3),
        offer(id=2, org_id=2, area=(CITY,), capacity=3, groups=("children",), price=(9e4, 1e5)),
    ]
    result = run_matching(needs, offers, [org(1), org(2)])
    assert result.proposal.assigned == {1: 1, 2: 1}


def random_problem(seed: int, spread: float) -> assignment.Problem:
    rng = np.random.default_rng(seed)
    n_needs, n_offers, n_orgs = 40, 25, 8
    arcs = {(int(rng.integers(n_needs)), int(rng.integers(n_offers))) for _ in range(220)}
    need_pos, offer_pos = map(np.array, zip(*sorted(arcs), strict=True))
    return assignment.Problem(
        need=need_pos,
        offer=offer_pos,
        score=rng.uniform(0.35, 0.95, len(need_pos)),
        need_id=need_pos + 1,
        offer_id=offer_pos + 1,
        offer_capacity=rng.integers(0, 4, n_offers),
        offer_org=rng.integers(0, n_orgs, n_offers),
        org_capacity=rng.integers(0, 6, n_orgs),
        spread_penalty=spread,
    )


def check_capacity(problem: assignment.Problem, arcs: np.ndarray) -> None:
    assert len(set(problem.need[arcs].tolist())) == len(arcs)
    per_offer = np.bincount(problem.offer[arcs], minlength=len(problem.offer_capacity))
    assert (per_offer <= problem.offer_capacity).all()
    per_org = np.bincount(
        problem.offer_org[problem.offer[arcs]], minlength=len(problem.org_capacity)
    )
    assert (per_org <= problem.org_capacity).all()


@pytest.mark.parametrize("seed", range(8))
def test_flow_is_at_least_as_good_as_greedy(seed):
    # Same objective (score − spread penalties): the flow is optimal, greedy is not.
    problem = random_problem(seed, spread=0.03)
    flow = assignment.solve(problem)
    greedy = assignment.greedy(problem)
    assert flow.method == "flow"
    check_capacity(problem, flow.arcs)
    check_capacity(problem, greedy)
    assert flow.objective == problem.objective(flow.arcs)
    assert flow.objective >= problem.objective(greedy)
    # Without the spread penalty the objective is the plain total score.
    plain = random_problem(seed, spread=0.0)
    flow_total = plain.score[assignment.solve(plain).arcs].sum()
    greedy_total = plain.score[assignment.greedy(plain)].sum()
    assert flow_total >= greedy_total - 1e-6 * len(plain.need)


def test_greedy_fallback_when_the_solver_fails(monkeypatch):
    monkeypatch.setattr(assignment, "_flow", lambda problem: None)
    needs = [need(id=1), need(id=2, region=NEIGHBOUR)]
    result = run_matching(needs, [offer(id=1, area=(STREET,), capacity=2)], [org(1)])
    assert result.proposal.method == "greedy"
    assert result.proposal.assigned == {1: 1, 2: 1}


def test_trivial_instances_use_greedy():
    result = run_matching([need()], [offer()], orgs(1))
    assert result.proposal.method == "greedy"
    assert result.proposal.assigned == {1: 1}
    assert result.proposal.total_score == pytest.approx(result.suggestions[0].score)
    empty = run_matching([], [], [])
    assert empty.suggestions == [] and empty.proposal.assigned == {}


def test_an_offer_far_above_budget_is_suggested_but_never_proposed():
    pricey = offer(id=1, price=(120000.0, 150000.0))  # starts at 2.4× the 50,000 budget
    result = run_matching([need(id=1)], [pricey], [org(1)])
    assert [s.offer_id for s in result.suggestions] == [1]  # still shown, ranked, explained
    assert result.proposal.assigned == {}
    assert result.proposal.unassigned == {1: NOT_ELIGIBLE}
    affordable = offer(id=2, org_id=2, price=(60000.0, 70000.0))  # 1.2×: may be proposed
    result = run_matching([need(id=1)], [pricey, affordable], orgs(1, 2))
    assert result.proposal.assigned == {1: 2}


def test_an_offer_for_entirely_different_people_is_never_proposed():
    children_only = offer(id=1, groups=("children",))
    result = run_matching([need(id=1, groups=("elderly",))], [children_only], [org(1)])
    assert result.proposal.assigned == {}
    assert result.proposal.unassigned == {1: NOT_ELIGIBLE}
