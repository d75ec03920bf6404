"""Ranking metrics on graded judgements, pure Python.

A judgement maps offer id → relevance 0..3 (3 ideal, 2 good, 1 acceptable); an offer that is not
judged counts as 0. Precision counts relevance ≥ 1 as relevant. nDCG uses the exponential gain
2^rel − 1 with the log2(rank + 1) discount, and the ideal ranking is built from *all* judged
offers of the need, not only the ones the engine returned — an engine that misses the ideal
offer loses score even if everything it did return is relevant.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

RELEVANT = 1  # the lowest grade precision counts as a hit


def _unique(ranked: Iterable[int]) -> list[int]:
    """The ranking with repeats dropped (an offer counts once, at its best rank)."""
    seen: set[int] = set()
    out = []
    for offer_id in ranked:
        if offer_id not in seen:
            seen.add(offer_id)
            out.append(offer_id)
    return out


def _check_k(k: int) -> None:
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")


def precision_at_k(ranked: Sequence[int], relevance: Mapping[int, int], k: int) -> float:
    """Share of the first k positions holding an offer of relevance ≥ 1 (empty slots miss)."""
    _check_k(k)
    hits = sum(1 for offer_id in _unique(ranked)[:k] if relevance.get(offer_id, 0) >= RELEVANT)
    return hits / k


def max_precision_at_k(relevance: Mapping[int, int], k: int) -> float:
    """The best precision@k any ranking can reach: a need with 2 relevant offers caps at 2/k."""
    _check_k(k)
    return min(k, sum(1 for rel in relevance.values() if rel >= RELEVANT)) / k


def dcg(grades: Iterable[int]) -> float:
    """Discounted cumulative gain of grades listed in rank order (rank 1 first)."""
    return sum((2**grade - 1) / math.log2(rank + 1) for rank, grade in enumerate(grades, start=1))


def ndcg_at_k(ranked: Sequence[int], relevance: Mapping[int, int], k: int) -> float:
    """DCG of the first k ranked offers over the best possible DCG@k (0 if nothing is relevant)."""
    _check_k(k)
    ideal = dcg(sorted((rel for rel in relevance.values() if rel > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(relevance.get(offer_id, 0) for offer_id in _unique(ranked)[:k]) / ideal


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def build_report(
    rankings: Mapping[int, Sequence[int]],
    judged: Mapping[int, Mapping[int, int]],
    category_of: Mapping[int, str],
    traps: Mapping[int, Mapping[int, str]] | None = None,
    *,
    precision_k: int = 5,
    ndcg_k: int = 10,
) -> dict:
    """Per-need, per-category and overall precision@k and nDCG@k, plus what went wrong.

    `rankings`: need id → offer ids best first; `judged`: need id → {offer id: relevance};
    `category_of`: need id → the category the need is reported under (its root);
    `traps`: need id → {offer id: trap kind}. Every judged need is scored, ranked or not.

    `trap_hits` lists the traps in the top ndcg_k with `above_relevant`, the number of relevant
    offers ranked below the trap (a short candidate list puts every trap in the top 5, so being
    ranked above a relevant offer is the signal that matters); `missed` lists relevant offers
    not in the top ndcg_k.
    """
    traps = traps or {}
    p_key, n_key = f"precision@{precision_k}", f"ndcg@{ndcg_k}"
    per_need, trap_hits, missed = [], [], []
    for need_id in sorted(judged):
        ranked = _unique(rankings.get(need_id, ()))[:ndcg_k]
        relevance = judged[need_id]
        relevant_ranks = [
            rank for rank, offer in enumerate(ranked, 1) if relevance.get(offer, 0) >= RELEVANT
        ]
        for rank, offer_id in enumerate(ranked, start=1):
            kind = traps.get(need_id, {}).get(offer_id)
            if kind is not None:
                below = sum(1 for r in relevant_ranks if r > rank)
                trap_hits.append(
                    {
                        "need": need_id,
                        "offer": offer_id,
                        "kind": kind,
                        "rank": rank,
                        "above_relevant": below,
                    }
                )
        missed.extend(
            {"need": need_id, "offer": offer_id, "relevance": rel}
            for offer_id, rel in sorted(relevance.items())
            if rel >= RELEVANT and offer_id not in ranked
        )
        per_need.append(
            {
                "need": need_id,
                "category": category_of[need_id],
                "ranked": ranked,
                p_key: precision_at_k(ranked, relevance, precision_k),
                f"max_{p_key}": max_precision_at_k(relevance, precision_k),
                n_key: ndcg_at_k(ranked, relevance, ndcg_k),
            }
        )

    def summary(rows: list[dict]) -> dict:
        needs = {row["need"] for row in rows}
        hits = [h for h in trap_hits if h["need"] in needs]
        return {
            "needs": len(rows),
            p_key: mean(row[p_key] for row in rows),
            f"max_{p_key}": mean(row[f"max_{p_key}"] for row in rows),
            n_key: mean(row[n_key] for row in rows),
            f"traps_in_top{ndcg_k}": len(hits),
            "traps_above_relevant": sum(1 for h in hits if h["above_relevant"]),
            "missed_relevant": sum(1 for m in missed if m["need"] in needs),
        }

    by_category: dict[str, list[dict]] = {}
    for row in per_need:
        by_category.setdefault(row["category"], []).append(row)
    return {
        "overall": summary(per_need),
        "categories": {code: summary(rows) for code, rows in sorted(by_category.items())},
        "trap_hits": trap_hits,
        "missed": missed,
        "per_need": per_need,
    }
