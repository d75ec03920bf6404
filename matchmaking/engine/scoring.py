"""Stage 2, scoring: six components in [0, 1] per pair, vectorised over the candidate arrays.

score = Σ_c w_c · component_c / Σ_c w_c, and each pair keeps its breakdown (the weighted
contributions, which sum to the score).

- category: 1.0 same code; 0.8 need filed under the root and offer under one of its children;
  0.7 need under a child and offer under the root (a general offer covers the specific need,
  less precisely); 0.6 siblings under the same root; 0 different roots (exhaustive scoring only).
- geography: by the level at which the offer's area covers the need: community 1.0, street
  0.85, district 0.65, city 0.4, province 0.2; not covered 0.
- target groups: need names none → 0.5. Otherwise, on the specific groups (all_residents
  aside), 0.7 · |N∩O|/|N| + 0.3 · |N∩O|/|N∪O| (mostly "is the need served", a little Jaccard so a
  focused offer edges out a catch-all one); all_residents on either side lifts it to at least
  0.5, on both sides to 1.0. Elderly need vs children-only offer → 0. An offer naming no group
  counts as 0.5 (unknown).
- budget: price range inside the budget 1.0; budget between min and max price 0.85 → 1.0
  linearly; price_min above budget 0.85 · (1 − (price_min − budget) / budget), clipped at 0
  (continuous at price_min = budget). No budget given → 0.5.
- text: cosine of character n-gram TF-IDF rows (see text.py).
- strength (per organization): 0.3 · grade/5 + 0.3 · log1p(workers)/log1p(20) (capped at 1)
  + 0.4 · Bayesian average of past acceptance scores/100, shrunk toward the pooled mean μ of
  all organizations in the run with prior weight m = 3: (Σ s + m·μ) / (n + m).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .types import COMPONENTS, NeedRow, OfferRow, OrgRow, Weights

ALL_RESIDENTS = "all_residents"
GEO_SCORE = np.array([1.0, 0.85, 0.65, 0.4, 0.2, 0.0])  # by level index; last = not covered
PRIOR_WEIGHT = 3.0
DEFAULT_PRIOR_MEAN = 80.0
WORKERS_SATURATION = 20


def weight_vector(weights: Weights) -> np.ndarray:
    w = np.array([getattr(weights, name) for name in COMPONENTS], dtype=np.float64)
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return w / w.sum()


@dataclass(slots=True)
class Codebook:
    """Integer ids for category codes and bits for target groups, shared by both sides."""

    categories: dict[str, int] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)

    def category(self, code: str) -> int:
        return self.categories.setdefault(code, len(self.categories))

    def mask(self, target_groups: Iterable[str]) -> int:
        mask = 0
        for group in target_groups:
            bit = self.groups.get(group)
            if bit is None:
                if len(self.groups) >= 62:
                    raise ValueError("more than 62 distinct target groups")
                bit = self.groups[group] = len(self.groups)
            mask |= 1 << bit
        return mask

    @property
    def all_bit(self) -> int:
        return 1 << self.groups[ALL_RESIDENTS] if ALL_RESIDENTS in self.groups else 0


@dataclass(slots=True)
class NeedTable:
    category: np.ndarray
    root: np.ndarray
    at_root: np.ndarray  # filed under the root category itself
    groups: np.ndarray  # int64 bit mask
    budget: np.ndarray

    @classmethod
    def build(cls, needs: Sequence[NeedRow], book: Codebook) -> NeedTable:
        n = len(needs)
        return cls(
            category=np.fromiter((book.category(x.category) for x in needs), np.int32, n),
            root=np.fromiter((book.category(x.category_root) for x in needs), np.int32, n),
            at_root=np.fromiter((x.category == x.category_root for x in needs), bool, n),
            groups=np.fromiter((book.mask(x.target_groups) for x in needs), np.int64, n),
            budget=np.fromiter((x.budget for x in needs), np.float64, n),
        )


@dataclass(slots=True)
class OfferTable:
    category: np.ndarray
    root: np.ndarray
    at_root: np.ndarray
    groups: np.ndarray
    price_min: np.ndarray
    price_max: np.ndarray
    capacity: np.ndarray
    org: np.ndarray  # position in the OrgTable

    @classmethod
    def build(cls, offers: Sequence[OfferRow], book: Codebook, orgs: OrgTable) -> OfferTable:
        n = len(offers)
        price_min = np.fromiter((x.price_min for x in offers), np.float64, n)
        price_max = np.fromiter((x.price_max for x in offers), np.float64, n)
        return cls(
            category=np.fromiter((book.category(x.category) for x in offers), np.int32, n),
            root=np.fromiter((book.category(x.category_root) for x in offers), np.int32, n),
            at_root=np.fromiter((x.category == x.category_root for x in offers), bool, n),
            groups=np.fromiter((book.mask(x.target_groups) for x in offers), np.int64, n),
            price_min=price_min,
            price_max=np.maximum(price_max, price_min),
            capacity=np.fromiter((max(x.capacity_left, 0) for x in offers), np.int64, n),
            org=np.fromiter((orgs.position(x.org_id) for x in offers), np.int32, n),
        )


@dataclass(slots=True)
class OrgTable:
    """Per-organization strength plus the raw facts the reasons quote.

    Offers whose organization is missing get an extra "unknown" row: grade 0, no workers, the
    prior mean as acceptance.
    """

    ids: list[int]
    index: dict[int, int]
    grade: np.ndarray
    workers: np.ndarray
    accept_mean: np.ndarray  # raw mean of past scores (NaN when none)
    strength: np.ndarray
    prior_mean: float

    @classmethod
    def build(
        cls, orgs: Iterable[OrgRow] | Mapping[int, OrgRow], prior_mean: float | None = None
    ) -> OrgTable:
        rows = list(orgs.values()) if isinstance(orgs, Mapping) else list(orgs)
        if prior_mean is None:
            total = sum(sum(o.acceptance_scores) for o in rows)
            count = sum(len(o.acceptance_scores) for o in rows)
            prior_mean = total / count if count else DEFAULT_PRIOR_MEAN
        rows.append(OrgRow(id=-1, grade=0, certified_workers=0))  # the "unknown" row
        n = len(rows)
        grade = np.fromiter((min(max(o.grade, 0), 5) for o in rows), np.int64, n)
        workers = np.fromiter((max(o.certified_workers, 0) for o in rows), np.int64, n)
        sums = np.fromiter((sum(o.acceptance_scores) for o in rows), np.float64, n)
        counts = np.fromiter((len(o.acceptance_scores) for o in rows), np.float64, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            accept_mean = np.where(counts > 0, sums / counts, np.nan)
        shrunk = (sums + PRIOR_WEIGHT * prior_mean) / (counts + PRIOR_WEIGHT) / 100.0
        strength = (
            0.3 * grade / 5.0
            + 0.3 * np.minimum(np.log1p(workers) / math.log1p(WORKERS_SATURATION), 1.0)
            + 0.4 * np.clip(shrunk, 0.0, 1.0)
        )
        index: dict[int, int] = {}
        for pos, org in enumerate(rows[:-1]):
            index.setdefault(org.id, pos)
        return cls(
            ids=[o.id for o in rows],
            index=index,
            grade=grade,
            workers=workers,
            accept_mean=accept_mean,
            strength=np.clip(strength, 0.0, 1.0),
            prior_mean=float(prior_mean),
        )

    def position(self, org_id: int) -> int:
        return self.index.get(org_id, len(self.ids) - 1)


def _popcount(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(x).astype(np.float64)


def category_component(needs: NeedTable, offers: OfferTable, ni, oj) -> np.ndarray:
    same_root = needs.root[ni] == offers.root[oj]
    exact = needs.category[ni] == offers.category[oj]
    need_root, offer_root = needs.at_root[ni], offers.at_root[oj]
    partial = np.where(need_root & ~offer_root, 0.8, np.where(offer_root & ~need_root, 0.7, 0.6))
    return np.where(exact, 1.0, np.where(same_root, partial, 0.0))


def target_component(needs: NeedTable, offers: OfferTable, all_bit: int, ni, oj) -> np.ndarray:
    n_mask, o_mask = needs.groups[ni], offers.groups[oj]
    n_all = (n_mask & all_bit) != 0
    o_all = (o_mask & all_bit) != 0
    n_spec, o_spec = n_mask & ~all_bit, o_mask & ~all_bit
    inter = _popcount(n_spec & o_spec)
    n_size = _popcount(n_spec)
    union = _popcount(n_spec | o_spec)
    with np.errstate(invalid="ignore", divide="ignore"):
        specific = np.where(n_size > 0, 0.7 * inter / n_size + 0.3 * inter / union, 0.0)
    value = np.maximum(np.nan_to_num(specific), np.where(n_all | o_all, 0.5, 0.0))
    value = np.where(n_all & o_all, 1.0, value)
    value = np.where(o_mask == 0, 0.5, value)
    return np.where(n_mask == 0, 0.5, value)


def budget_component(budget: np.ndarray, price_min: np.ndarray, price_max: np.ndarray):
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        spread = price_max - price_min
        inside = np.where(
            budget >= price_max,
            1.0,
            0.85 + 0.15 * np.where(spread > 0, (budget - price_min) / spread, 1.0),
        )
        over = 0.85 * (1.0 - (price_min - budget) / budget)
    value = np.where(price_min <= budget, inside, over)
    value = np.where(budget > 0, value, 0.5)
    return np.clip(np.nan_to_num(value), 0.0, 1.0)


def components(
    needs: NeedTable,
    offers: OfferTable,
    orgs: OrgTable,
    all_bit: int,
    ni: np.ndarray,
    oj: np.ndarray,
    level: np.ndarray,
    text: np.ndarray,
) -> np.ndarray:
    """(pairs × 6) float64 matrix of components, columns in COMPONENTS order."""
    out = np.empty((len(ni), len(COMPONENTS)), dtype=np.float64)
    out[:, 0] = category_component(needs, offers, ni, oj)
    out[:, 1] = GEO_SCORE[level]
    out[:, 2] = target_component(needs, offers, all_bit, ni, oj)
    out[:, 3] = budget_component(needs.budget[ni], offers.price_min[oj], offers.price_max[oj])
    out[:, 4] = text
    out[:, 5] = orgs.strength[offers.org[oj]]
    np.clip(out, 0.0, 1.0, out=out)
    return out


def combine(comp: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(contributions, score): contributions[p, c] = w_c · comp[p, c]; score = their row sum."""
    contrib = comp * w
    score = contrib.sum(axis=1)
    return contrib, score


def rank_within(group: np.ndarray, score: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Order of pairs: by group, best score first, ties by `tiebreak` (an id) ascending."""
    return np.lexsort((tiebreak, -score, group))


def ranks(group: np.ndarray, score: np.ndarray, tiebreak: np.ndarray):
    """(order, rank): pairs grouped, best first within a group, and the 1-based rank of each
    position of `order` within its group."""
    order = rank_within(group, score, tiebreak)
    g = group[order]
    starts = np.ones(len(g), dtype=bool)
    starts[1:] = g[1:] != g[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(g)), 0))
    return order, np.arange(len(g)) - first + 1


def top_k(group: np.ndarray, score: np.ndarray, tiebreak: np.ndarray, k: int):
    """(positions, ranks) of the best k pairs per group, grouped and best first."""
    order, rank = ranks(group, score, tiebreak)
    keep = rank <= k
    return order[keep], rank[keep]
