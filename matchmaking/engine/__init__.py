"""The matching engine: candidates → scores with reasons → capacity-aware assignment.

Pure Python + NumPy/SciPy/scikit-learn/OR-Tools; it imports nothing from Django so it can be
benchmarked and tested on plain data. Public entry points:

- `run_matching(needs, offers, orgs, *, weights=Weights(), top_k=10) -> MatchResult`
  (batch: one region's needs against the offers that could serve them);
- `rank_for_need(need, offers, orgs, *, weights, k) -> list[Suggestion]`;
- `rank_for_offer(offer, needs, orgs, *, weights, k) -> list[Suggestion]`.
"""

from .pipeline import rank_for_need, rank_for_offer, run_matching
from .types import (
    COMPONENTS,
    MatchResult,
    NeedRow,
    OfferRow,
    OrgRow,
    Proposal,
    Suggestion,
    Weights,
)

__all__ = [
    "COMPONENTS",
    "MatchResult",
    "NeedRow",
    "OfferRow",
    "OrgRow",
    "Proposal",
    "Suggestion",
    "Weights",
    "rank_for_need",
    "rank_for_offer",
    "run_matching",
]
