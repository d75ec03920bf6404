"""Reference rankings for the benchmark: exhaustive scoring without blocking.

Recall@k of the blocked pipeline is measured against `exhaustive_top`, which scores every
live offer for a need with the same components (and the same TF-IDF fit) as the run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from . import scoring
from .candidates import NO_LEVEL, OfferIndex, need_days, offer_days
from .pipeline import MatchState


def exhaustive_top(state: MatchState, need_positions: Iterable[int], k: int = 10) -> list[list]:
    """Reference for recall: score every offer for each given need, without blocking.

    Same components as the pipeline; an offer of another root category gets category 0, one
    whose area does not cover the need geography 0. The hard conditions that are no score —
    published, capacity left, availability overlap — still apply. Returns offer positions.
    """
    geo = OfferIndex(state.offers, by_category=False)
    o_start, o_end = offer_days(state.offers)
    n_start, n_end = need_days(state.needs)
    live = np.fromiter(
        (o.published and o.capacity_left > 0 for o in state.offers), bool, len(state.offers)
    )
    offer_ids = np.fromiter((o.id for o in state.offers), np.int64, len(state.offers))
    m = len(state.offers)
    result = []
    for i in need_positions:
        level = np.full(m, NO_LEVEL, dtype=np.int64)
        for lv, key in reversed(geo.keys_for(state.needs[i])):
            rows = geo.buckets.get(key)
            if rows is not None:
                level[rows] = lv
        sims = np.asarray((state.offer_text @ state.need_text[i].T).toarray()).ravel()
        comp = scoring.components(
            state.need_table, state.offer_table, state.org_table, state.book.all_bit,
            np.full(m, i), np.arange(m), level, np.clip(sims, 0, 1),
        )  # fmt: skip
        _, score = scoring.combine(comp, state.weights)
        ok = live & (o_start <= n_end[i]) & (o_end >= n_start[i])
        score = np.where(ok, score, -math.inf)
        top, _ = scoring.top_k(np.zeros(m, dtype=np.int64), score, offer_ids, k)
        result.append([j for j in top.tolist() if ok[j]])
    return result


def blocked_top(state: MatchState) -> dict[int, list[int]]:
    """need position → offer positions of its top-k suggestions."""
    out: dict[int, list[int]] = {}
    for i, j in zip(
        state.candidates.need[state.top].tolist(),
        state.candidates.offer[state.top].tolist(),
        strict=True,
    ):
        out.setdefault(i, []).append(j)
    return out
