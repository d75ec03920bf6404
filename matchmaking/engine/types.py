"""Plain data the engine works on. No Django: the app's adapter builds these from the database.

Region codes are 12-digit national division codes; a need's `region` is its community's code,
an offer's `service_area` the codes it covers (community, street, district or city level).
Money is in yuan as float here: scores are approximate by nature, and the ledger never sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class NeedRow:
    id: int
    region: str
    category: str
    category_root: str
    target_groups: frozenset[str]
    budget: float
    start: date
    end: date
    text: str  # title + description


@dataclass(frozen=True, slots=True)
class OfferRow:
    id: int
    org_id: int
    category: str
    category_root: str
    target_groups: frozenset[str]
    service_area: tuple[str, ...]
    price_min: float
    price_max: float
    capacity_left: int  # projects it can still take on (capacity − running projects)
    text: str
    published: bool = True
    available_from: date | None = None
    available_until: date | None = None


@dataclass(frozen=True, slots=True)
class OrgRow:
    id: int
    grade: int  # 0 = not evaluated, 1..5 = 1A..5A
    certified_workers: int
    acceptance_scores: tuple[float, ...] = ()  # past project acceptance scores, 0..100


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative weight of each score component; normalised so the total stays in [0, 1]."""

    category: float = 0.20
    geography: float = 0.20
    target_groups: float = 0.15
    budget: float = 0.15
    text: float = 0.15
    strength: float = 0.15


COMPONENTS = ("category", "geography", "target_groups", "budget", "text", "strength")


@dataclass(frozen=True, slots=True)
class Suggestion:
    need_id: int
    offer_id: int
    org_id: int
    score: float  # 0..1
    breakdown: dict[str, float]  # component -> its weighted contribution (sums to score)
    reasons: tuple[str, ...]  # short Chinese reasons, most decisive first
    rank: int  # 1 = best for this need (or offer, in rank_for_offer)


@dataclass(slots=True)
class Proposal:
    """The capacity-aware assignment: at most one offer per need."""

    assigned: dict[int, int] = field(default_factory=dict)  # need id -> offer id
    unassigned: dict[int, str] = field(default_factory=dict)  # need id -> reason (Chinese)
    total_score: float = 0.0
    method: str = "flow"  # "flow" or "greedy"


@dataclass(slots=True)
class MatchResult:
    suggestions: list[Suggestion]  # top-k per need, ranked
    proposal: Proposal
    stats: dict[str, float]  # needs, offers, pairs_scored, suggestions, seconds per stage…
