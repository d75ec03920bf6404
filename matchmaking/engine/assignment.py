"""Stage 3, assignment: at most one offer per need, respecting capacity, spread across orgs.

Min-cost flow (OR-Tools `SimpleMinCostFlow`):

    source ─1→ need ─1, −score→ offer ─capacity_left→ org ─unit arcs, rising cost→ sink
    need ─1, 0→ sink                      (leaving a need unassigned is allowed)

Capacity: each offer takes at most its own `capacity_left` projects, and its organization at
most the sum of its offers' `capacity_left` in the run, unless an explicit per-organization
capacity is given (`org_capacity`, e.g. the org's capacity minus its running projects when
several offers draw on the same team). The org → sink capacity is split into unit arcs whose
cost rises by `spread_penalty` per extra assignment (capped at `max_spread_penalty`), so among
close scores the work spreads across organizations. Costs are integers: score × SCALE.

The objective is therefore Σ score − Σ spread penalties; an assignment is made only when its
value after penalties is positive (with min_score 0.35 > max penalty 0.15 that always holds).
Only arcs with score ≥ min_score enter (and at most the best `assign_k` per need, chosen by
the caller). The greedy fallback (used when the instance is trivial or the solver does not
report OPTIMAL) maximises the same objective myopically: repeatedly take the arc with the
highest score − penalty-of-the-org's-next-slot. With spread_penalty = 0 it is plain
"sort by score, respect capacity".
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

SCALE = 1_000_000


@dataclass(slots=True)
class Assignment:
    arcs: np.ndarray  # positions (into the arc arrays given) of the chosen arcs
    objective: int  # Σ round(score × SCALE) − Σ penalties, in SCALE units
    method: str


@dataclass(slots=True)
class Problem:
    """Arcs (need, offer, score) plus capacities; need/offer/org are positions, ids break ties."""

    need: np.ndarray
    offer: np.ndarray
    score: np.ndarray
    need_id: np.ndarray  # per arc
    offer_id: np.ndarray  # per arc
    offer_capacity: np.ndarray  # per offer position
    offer_org: np.ndarray  # per offer position
    org_capacity: np.ndarray  # per org position
    spread_penalty: float = 0.03
    max_spread_penalty: float = 0.15

    def gains(self) -> np.ndarray:
        return np.rint(self.score * SCALE).astype(np.int64)

    def penalty(self, j: np.ndarray | int):
        step = round(self.spread_penalty * SCALE)
        return np.minimum(
            np.asarray(j, dtype=np.int64) * step, round(self.max_spread_penalty * SCALE)
        )

    def objective(self, arcs: np.ndarray) -> int:
        gain = int(self.gains()[arcs].sum())
        orgs = self.offer_org[self.offer[arcs]]
        counts = np.bincount(orgs, minlength=len(self.org_capacity)) if len(arcs) else np.zeros(0)
        penalty = sum(int(self.penalty(np.arange(c)).sum()) for c in counts if c > 1)
        return gain - penalty


def solve(problem: Problem, method: str = "flow") -> Assignment:
    if method == "flow" and len(np.unique(problem.need)) > 1:
        result = _flow(problem)
        if result is not None:
            return result
    arcs = greedy(problem)
    return Assignment(arcs=arcs, objective=problem.objective(arcs), method="greedy")


def greedy(problem: Problem) -> np.ndarray:
    """Best marginal value first (score − the org's next penalty); ties by need id, offer id."""
    gains = problem.gains().tolist()
    need, offer = problem.need.tolist(), problem.offer.tolist()
    org_of = problem.offer_org.tolist()
    offer_left = problem.offer_capacity.astype(np.int64).tolist()
    org_left = problem.org_capacity.astype(np.int64).tolist()
    org_used = [0] * len(org_left)
    pen = problem.penalty(np.arange(max(max(org_left, default=0), 1) + 1)).tolist()
    need_ids, offer_ids = problem.need_id.tolist(), problem.offer_id.tolist()
    heap = [(-gains[a], need_ids[a], offer_ids[a], a, 0) for a in range(len(gains))]
    heapq.heapify(heap)
    done: set[int] = set()
    chosen = []
    while heap:
        value, nid, oid, a, seen = heapq.heappop(heap)
        n, o = need[a], offer[a]
        g = org_of[o]
        if n in done or offer_left[o] <= 0 or org_left[g] <= 0:
            continue
        if org_used[g] != seen:
            heapq.heappush(heap, (-(gains[a] - pen[org_used[g]]), nid, oid, a, org_used[g]))
            continue
        if -value <= 0:
            continue
        done.add(n)
        offer_left[o] -= 1
        org_left[g] -= 1
        org_used[g] += 1
        chosen.append(a)
    return np.asarray(sorted(chosen), dtype=np.int64)


def _flow(problem: Problem) -> Assignment | None:
    from ortools.graph.python import min_cost_flow

    need_u, need_node = np.unique(problem.need, return_inverse=True)
    offer_u, offer_node = np.unique(problem.offer, return_inverse=True)
    org_of_offer = problem.offer_org[offer_u]
    org_u, org_node = np.unique(org_of_offer, return_inverse=True)
    n_need, n_offer = len(need_u), len(offer_u)
    base_need, base_offer = 2, 2 + n_need
    base_org = base_offer + n_offer

    # Unit arcs per org: no more than its capacity, nor than the needs that could reach it.
    reach = np.bincount(org_node[offer_node], minlength=len(org_u))
    units = np.minimum(problem.org_capacity[org_u].astype(np.int64), reach)
    unit_org = np.repeat(np.arange(len(org_u)), units)
    unit_j = np.arange(len(unit_org)) - np.repeat(np.cumsum(units) - units, units)

    need_nodes = base_need + np.arange(n_need)
    tails = [
        np.zeros(n_need, dtype=np.int64),  # source → need
        need_nodes,  # need → sink (unassigned)
        base_need + need_node,  # need → offer
        base_offer + np.arange(n_offer),  # offer → org
        base_org + unit_org,  # org → sink
    ]
    heads = [
        need_nodes,
        np.ones(n_need, dtype=np.int64),
        base_offer + offer_node,
        base_org + org_node,
        np.ones(len(unit_org), dtype=np.int64),
    ]
    caps = [
        np.ones(n_need, dtype=np.int64),
        np.ones(n_need, dtype=np.int64),
        np.ones(len(problem.need), dtype=np.int64),
        np.maximum(problem.offer_capacity[offer_u].astype(np.int64), 0),
        np.ones(len(unit_org), dtype=np.int64),
    ]
    costs = [
        np.zeros(n_need, dtype=np.int64),
        np.zeros(n_need, dtype=np.int64),
        -problem.gains(),
        np.zeros(n_offer, dtype=np.int64),
        problem.penalty(unit_j).astype(np.int64),
    ]
    flow = min_cost_flow.SimpleMinCostFlow()
    first_pair_arc = 2 * n_need
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(costs)
    )
    supplies = np.zeros(base_org + len(org_u), dtype=np.int64)
    supplies[0], supplies[1] = n_need, -n_need
    flow.set_nodes_supplies(np.arange(len(supplies)), supplies)
    try:
        status = flow.solve()
    except Exception:  # a solver failure must not lose the run: fall back to greedy
        return None
    if status != flow.OPTIMAL:
        return None
    pair_arcs = np.arange(first_pair_arc, first_pair_arc + len(problem.need))
    arcs = np.flatnonzero(flow.flows(pair_arcs) > 0)
    return Assignment(arcs=arcs, objective=-int(flow.optimal_cost()), method="flow")
