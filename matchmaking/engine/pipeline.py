"""The engine's entry points: candidates → scores with reasons → capacity-aware assignment.

Determinism: pairs are kept sorted by (need, offer) position, rankings break score ties by the
other side's id, and the flow is built from arrays in that order — the same input gives the same
output.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import assignment, reasons, scoring, text
from .candidates import (
    Candidates,
    find_candidates,
    needs_for_offer,
    offers_for_need,
)
from .types import COMPONENTS, MatchResult, NeedRow, OfferRow, OrgRow, Proposal, Suggestion, Weights

Orgs = Iterable[OrgRow] | Mapping[int, OrgRow]
DEFAULT_WEIGHTS = Weights()


@dataclass(slots=True)
class MatchState:
    """Everything `run_matching` computed, for the benchmark and for debugging."""

    needs: Sequence[NeedRow]
    offers: Sequence[OfferRow]
    book: scoring.Codebook
    need_table: scoring.NeedTable
    offer_table: scoring.OfferTable
    org_table: scoring.OrgTable
    weights: np.ndarray
    need_text: sp.csr_matrix
    offer_text: sp.csr_matrix
    candidates: Candidates
    score: np.ndarray
    top: np.ndarray  # positions into the pair arrays of the top-k per need, grouped by need
    problem: assignment.Problem
    assignment: assignment.Assignment


def run_matching(
    needs: Sequence[NeedRow],
    offers: Sequence[OfferRow],
    orgs: Orgs,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    top_k: int = 10,
    min_score: float = 0.35,
    max_price_ratio: float = 1.5,
    spread_penalty: float = 0.03,
    max_spread_penalty: float = 0.15,
    assign_k: int = 20,
    org_capacity: Mapping[int, int] | None = None,
    labels: Mapping[str, str] | None = None,
    method: str = "flow",
) -> MatchResult:
    """Batch matching: top_k suggestions per need plus a capacity-aware proposal.

    `orgs` may be a sequence of OrgRow or a mapping id → OrgRow. `assign_k` bounds the arcs per
    need given to the assignment; `org_capacity` (org id → projects) overrides the default
    organization capacity (the sum of its offers' capacity_left); `method="greedy"` skips the
    flow. See assignment.py for the objective.
    """
    return match_detailed(
        needs,
        offers,
        orgs,
        weights=weights,
        top_k=top_k,
        min_score=min_score,
        max_price_ratio=max_price_ratio,
        spread_penalty=spread_penalty,
        max_spread_penalty=max_spread_penalty,
        assign_k=assign_k,
        org_capacity=org_capacity,
        labels=labels,
        method=method,
    )[0]


def match_detailed(
    needs: Sequence[NeedRow],
    offers: Sequence[OfferRow],
    orgs: Orgs,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    top_k: int = 10,
    min_score: float = 0.35,
    max_price_ratio: float = 1.5,
    spread_penalty: float = 0.03,
    max_spread_penalty: float = 0.15,
    assign_k: int = 20,
    org_capacity: Mapping[int, int] | None = None,
    labels: Mapping[str, str] | None = None,
    method: str = "flow",
) -> tuple[MatchResult, MatchState]:
    t0 = time.perf_counter()
    needs, offers = list(needs), list(offers)
    w = scoring.weight_vector(weights)
    cand = find_candidates(needs, offers)
    t1 = time.perf_counter()

    book = scoring.Codebook()
    org_table = scoring.OrgTable.build(orgs)
    need_table = scoring.NeedTable.build(needs, book)
    offer_table = scoring.OfferTable.build(offers, book, org_table)
    matrix = text.tfidf([n.text for n in needs] + [o.text for o in offers])
    need_text, offer_text = matrix[: len(needs)], matrix[len(needs) :]
    sims = text.pair_cosine(
        need_text, offer_text, cand.need, cand.offer, cand.bucket, cand.bucket_needs,
        cand.bucket_offers,
    )  # fmt: skip
    t_text = time.perf_counter()
    comp = scoring.components(
        need_table, offer_table, org_table, book.all_bit, cand.need, cand.offer, cand.level, sims
    )
    contrib, score = scoring.combine(comp, w)
    offer_ids = np.fromiter((o.id for o in offers), np.int64, len(offers))
    need_ids = np.fromiter((n.id for n in needs), np.int64, len(needs))
    order, ranks = scoring.ranks(cand.need, score, offer_ids[cand.offer])
    top, rank = order[ranks <= top_k], ranks[ranks <= top_k]
    t2 = time.perf_counter()

    suggestions = _suggestions(
        top, rank, cand.need, cand.offer, cand.level, comp, contrib, score, w,
        needs, offers, org_table, offer_table, labels,
    )  # fmt: skip
    t3 = time.perf_counter()

    # Assignment: arcs with score ≥ min_score, the best assign_k per need. A proposal is a
    # commitment to talk, so two rules are hard here though soft in the ranking: no offer
    # starting above max_price_ratio × the budget, and none for an entirely different group.
    pool = order[ranks <= assign_k]
    affordable = (
        offer_table.price_min[cand.offer[pool]]
        <= max_price_ratio * need_table.budget[cand.need[pool]]
    )
    same_people = comp[pool, COMPONENTS.index("target_groups")] > 0.0
    pool = np.sort(pool[(score[pool] >= min_score) & affordable & same_people])
    org_cap = np.zeros(len(org_table.ids), dtype=np.int64)
    np.add.at(org_cap, offer_table.org, offer_table.capacity)
    if org_capacity:
        for org_id, cap in org_capacity.items():
            if org_id in org_table.index:
                org_cap[org_table.index[org_id]] = max(int(cap), 0)
    problem = assignment.Problem(
        need=cand.need[pool],
        offer=cand.offer[pool],
        score=score[pool],
        need_id=need_ids[cand.need[pool]],
        offer_id=offer_ids[cand.offer[pool]],
        offer_capacity=offer_table.capacity,
        offer_org=offer_table.org,
        org_capacity=org_cap,
        spread_penalty=spread_penalty,
        max_spread_penalty=max_spread_penalty,
    )
    solved = assignment.solve(problem, method)
    proposal = _proposal(needs, offers, cand, score, problem, solved, min_score)
    t4 = time.perf_counter()

    stats = {
        "needs": len(needs),
        "offers": len(offers),
        "pairs_scored": len(cand),
        "suggestions": len(suggestions),
        "assigned": len(proposal.assigned),
        "unassigned": len(proposal.unassigned),
        "proposal_objective": solved.objective / assignment.SCALE,
        "seconds_candidates": t1 - t0,
        "seconds_text": t_text - t1,
        "seconds_scoring": t2 - t1,
        "seconds_suggestions": t3 - t2,
        "seconds_assignment": t4 - t3,
        "seconds": t4 - t0,
    }
    state = MatchState(
        needs, offers, book, need_table, offer_table, org_table, w, need_text, offer_text, cand,
        score, top, problem, solved,
    )  # fmt: skip
    return MatchResult(suggestions=suggestions, proposal=proposal, stats=stats), state


def _org_facts(org_table: scoring.OrgTable) -> list[tuple[int, int, float]]:
    return list(
        zip(
            org_table.grade.tolist(),
            org_table.workers.tolist(),
            org_table.accept_mean.tolist(),
            strict=True,
        )
    )


def _suggestions(
    top, rank, need_pos, offer_pos, level, comp, contrib, score, w, needs, offers,
    org_table, offer_table, labels,
) -> list[Suggestion]:  # fmt: skip
    reasoner = reasons.Reasoner(w.tolist(), labels, _org_facts(org_table))
    org_of = offer_table.org.tolist()
    out = []
    for r, i, j, lv, c, b, s in zip(
        rank.tolist(),
        need_pos[top].tolist(),
        offer_pos[top].tolist(),
        level[top].tolist(),
        comp[top].tolist(),
        contrib[top].tolist(),
        score[top].tolist(),
        strict=True,
    ):
        need, offer = needs[i], offers[j]
        out.append(
            Suggestion(
                need_id=need.id,
                offer_id=offer.id,
                org_id=offer.org_id,
                score=min(max(s, 0.0), 1.0),
                breakdown=dict(zip(COMPONENTS, b, strict=True)),
                reasons=reasoner(c, need, offer, lv, org_of[j]),
                rank=r,
            )
        )
    return out


def _proposal(needs, offers, cand, score, problem, solved, min_score) -> Proposal:
    proposal = Proposal(method=solved.method)
    chosen = {int(problem.need[a]): int(problem.offer[a]) for a in solved.arcs.tolist()}
    eligible_needs = set(problem.need.tolist())
    n_pairs = np.bincount(cand.need, minlength=len(needs))
    best = np.full(len(needs), -1.0)
    if len(cand):
        np.maximum.at(best, cand.need, score)
    total = 0.0
    for i, need in enumerate(needs):
        j = chosen.get(i)
        if j is not None:
            proposal.assigned[need.id] = offers[j].id
            continue
        if n_pairs[i] == 0:
            why = reasons.CAPACITY_FULL if cand.had_full[i] else reasons.NO_CANDIDATES
        elif best[i] < min_score:
            why = reasons.below_min_score(min_score)
        elif i not in eligible_needs:
            why = reasons.NOT_ELIGIBLE
        else:
            why = reasons.CAPACITY_FULL
        proposal.unassigned[need.id] = why
    if len(solved.arcs):
        total = float(problem.score[solved.arcs].sum())
    proposal.total_score = total
    return proposal


def _org_subset(orgs: Orgs, wanted: set[int], prior_mean: float | None) -> scoring.OrgTable:
    """OrgTable for the wanted ids only, the prior mean still taken over every organization."""
    rows = list(orgs.values()) if isinstance(orgs, Mapping) else list(orgs)
    if prior_mean is None:
        count = sum(len(o.acceptance_scores) for o in rows)
        total = sum(sum(o.acceptance_scores) for o in rows)
        prior_mean = total / count if count else scoring.DEFAULT_PRIOR_MEAN
    if isinstance(orgs, Mapping):
        subset = [orgs[i] for i in sorted(wanted) if i in orgs]
    else:
        subset = [o for o in rows if o.id in wanted]
    return scoring.OrgTable.build(subset, prior_mean=prior_mean)


def _rank_one(
    needs: Sequence[NeedRow],
    offers: Sequence[OfferRow],
    levels: Sequence[int],
    orgs: Orgs,
    weights: Weights,
    k: int,
    labels: Mapping[str, str] | None,
    prior_mean: float | None,
    by_offer: bool,
) -> list[Suggestion]:
    """Score len(levels) pairs where one side has a single row (broadcast) and rank them."""
    w = scoring.weight_vector(weights)
    book = scoring.Codebook()
    org_table = _org_subset(orgs, {o.org_id for o in offers}, prior_mean)
    need_table = scoring.NeedTable.build(needs, book)
    offer_table = scoring.OfferTable.build(offers, book, org_table)
    n = len(levels)
    matrix = text.tfidf([x.text for x in needs] + [o.text for o in offers])
    a, b = matrix[: len(needs)], matrix[len(needs) :]
    if by_offer:
        ni, oj = np.arange(n), np.zeros(n, dtype=np.int64)
        sims = np.asarray((a @ b[0].T).toarray()).ravel()
        tiebreak = np.fromiter((x.id for x in needs), np.int64, n)
    else:
        ni, oj = np.zeros(n, dtype=np.int64), np.arange(n)
        sims = np.asarray((b @ a[0].T).toarray()).ravel()
        tiebreak = np.fromiter((o.id for o in offers), np.int64, n)
    level = np.asarray(levels, dtype=np.int64)
    comp = scoring.components(
        need_table, offer_table, org_table, book.all_bit, ni, oj, level, np.clip(sims, 0, 1)
    )
    contrib, score = scoring.combine(comp, w)
    top, rank = scoring.top_k(np.zeros(n, dtype=np.int64), score, tiebreak, k)
    return _suggestions(
        top, rank, ni, oj, level, comp, contrib, score, w, needs, offers, org_table,
        offer_table, labels,
    )  # fmt: skip


def rank_for_need(
    need: NeedRow,
    offers: Sequence[OfferRow],
    orgs: Orgs,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    k: int = 10,
    labels: Mapping[str, str] | None = None,
    prior_mean: float | None = None,
) -> list[Suggestion]:
    """The best k offers for one need (rank 1 = best): block, then score only the candidates.

    TF-IDF is fitted on the candidates' texts plus the need's. `prior_mean` (the pooled mean
    acceptance score) can be passed to skip computing it from `orgs`.
    """
    offers = offers if isinstance(offers, Sequence) else list(offers)
    rows, levels, _ = offers_for_need(need, offers)
    if not rows or k <= 0:
        return []
    chosen = [offers[j] for j in rows]
    return _rank_one([need], chosen, levels, orgs, weights, k, labels, prior_mean, False)


def rank_for_offer(
    offer: OfferRow,
    needs: Sequence[NeedRow],
    orgs: Orgs,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    k: int = 10,
    labels: Mapping[str, str] | None = None,
    prior_mean: float | None = None,
) -> list[Suggestion]:
    """The best k needs for one offer (rank 1 = best). An unpublished offer or one without
    capacity left is no candidate for anything, so it gets an empty list."""
    needs = needs if isinstance(needs, Sequence) else list(needs)
    rows, levels = needs_for_offer(offer, needs)
    if not rows or k <= 0:
        return []
    chosen = [needs[i] for i in rows]
    return _rank_one(chosen, [offer], levels, orgs, weights, k, labels, prior_mean, True)
