"""Stage 1, blocking: which (need, offer) pairs are worth scoring at all.

A pair is a candidate when the offer is published, has capacity left, serves the need's root
category, covers the need's region and, if it has dates, is available during the need's period.

Cost grows with the candidate pairs, not with needs × offers: offers are indexed by
(category root, area code) and each need looks up its region and its ancestors — community,
street, district, city, province: at most five dict lookups per need. All needs that hit one
index bucket pair with all offers in it, so the pairs come out as dense blocks (which the text
stage exploits). A pair found through several of the offer's areas keeps the finest level.

Region logic is a small local copy of `core.regions` so the engine stays free of project
imports: an area code A covers region R iff R starts with A's significant prefix (province 2
digits, city 4, district 6, street 9, community 12), the level being read from trailing zeros.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .types import NeedRow, OfferRow

# Finest first: a pair's `level` is an index into this tuple; NO_LEVEL means "not covered".
LEVELS = ("community", "street", "district", "city", "province")
PREFIX_LENGTH = (12, 9, 6, 4, 2)
NO_LEVEL = len(LEVELS)

OPEN_START = np.iinfo(np.int32).min
OPEN_END = np.iinfo(np.int32).max


def level_index(code: str) -> int:
    """Index into LEVELS of a valid 12-digit code, read from where its trailing zeros start."""
    if code.endswith("0000000000"):
        return 4
    if code.endswith("00000000"):
        return 3
    if code.endswith("000000"):
        return 2
    if code.endswith("000"):
        return 1
    return 0


def is_code(code: object) -> bool:
    return isinstance(code, str) and len(code) == 12 and code.isascii() and code.isdigit()


def covering_codes(region: str) -> list[tuple[int, str]]:
    """(level, code) of every area code that covers `region`, finest first (itself included)."""
    if not is_code(region):
        return []
    result = []
    for level, length in enumerate(PREFIX_LENGTH):
        code = region[:length].ljust(12, "0")
        if level_index(code) == level:
            result.append((level, code))
    return result


def covers(area: str, region: str) -> bool:
    """True when the area code `area` covers the region code `region`."""
    if not (is_code(area) and is_code(region)):
        return False
    return region.startswith(area[: PREFIX_LENGTH[level_index(area)]])


def day(value: date | None, default: int) -> int:
    return default if value is None else value.toordinal()


class OfferIndex:
    """Offers bucketed by (category root, area code).

    `buckets` holds the offers that can take work (published, capacity left); `full` the keys
    where only published offers without capacity exist, so an unmatched need can be told
    "候选机构承接能力已满" rather than "no supply". With `by_category=False` the root is
    ignored (every key has root ""): the geography-only index used for exhaustive scoring.
    """

    def __init__(self, offers: Sequence[OfferRow], *, by_category: bool = True):
        self.by_category = by_category
        buckets: dict[tuple[str, str], list[int]] = {}
        full: set[tuple[str, str]] = set()
        for j, offer in enumerate(offers):
            if not offer.published:
                continue
            root = offer.category_root if by_category else ""
            areas = {area for area in offer.service_area if is_code(area)}
            for area in sorted(areas):
                key = (root, area)
                if offer.capacity_left > 0:
                    buckets.setdefault(key, []).append(j)
                else:
                    full.add(key)
        self.buckets = {key: np.asarray(rows, dtype=np.int32) for key, rows in buckets.items()}
        self.full = full

    def keys_for(self, need: NeedRow) -> list[tuple[int, tuple[str, str]]]:
        root = need.category_root if self.by_category else ""
        return [(level, (root, code)) for level, code in covering_codes(need.region)]


@dataclass(slots=True)
class Candidates:
    """Candidate pairs, sorted by (need, offer), one row per pair.

    `bucket` is the index bucket the pair's level came from; `bucket_needs[b]` and
    `bucket_offers[b]` (both ascending) are all needs and offers that met in bucket b.
    """

    need: np.ndarray  # int32 positions into the needs sequence
    offer: np.ndarray  # int32 positions into the offers sequence
    level: np.ndarray  # int8 index into LEVELS
    bucket: np.ndarray  # int32
    bucket_needs: list[np.ndarray]
    bucket_offers: list[np.ndarray]
    had_full: np.ndarray  # bool per need: a covering offer exists but has no capacity left

    def __len__(self) -> int:
        return len(self.need)


def offer_days(offers: Sequence[OfferRow]) -> tuple[np.ndarray, np.ndarray]:
    start = np.fromiter((day(o.available_from, OPEN_START) for o in offers), np.int64, len(offers))
    end = np.fromiter((day(o.available_until, OPEN_END) for o in offers), np.int64, len(offers))
    return start, end


def need_days(needs: Sequence[NeedRow]) -> tuple[np.ndarray, np.ndarray]:
    start = np.fromiter((n.start.toordinal() for n in needs), np.int64, len(needs))
    end = np.fromiter((n.end.toordinal() for n in needs), np.int64, len(needs))
    return start, end


def find_candidates(
    needs: Sequence[NeedRow], offers: Sequence[OfferRow], index: OfferIndex | None = None
) -> Candidates:
    index = index or OfferIndex(offers)
    hits: dict[tuple[str, str], tuple[int, list[int]]] = {}
    had_full = np.zeros(len(needs), dtype=bool)
    buckets, full = index.buckets, index.full
    for i, need in enumerate(needs):
        for level, key in index.keys_for(need):
            if key in buckets:
                entry = hits.get(key)
                if entry is None:
                    hits[key] = (level, [i])
                else:
                    entry[1].append(i)
            elif key in full:
                had_full[i] = True

    bucket_needs: list[np.ndarray] = []
    bucket_offers: list[np.ndarray] = []
    parts_n, parts_o, parts_l, parts_b = [], [], [], []
    for b, (key, (level, rows)) in enumerate(hits.items()):
        n_rows = np.asarray(rows, dtype=np.int32)
        o_rows = buckets[key]
        bucket_needs.append(n_rows)
        bucket_offers.append(o_rows)
        size = len(n_rows) * len(o_rows)
        parts_n.append(np.repeat(n_rows, len(o_rows)))
        parts_o.append(np.tile(o_rows, len(n_rows)))
        parts_l.append(np.full(size, level, dtype=np.int8))
        parts_b.append(np.full(size, b, dtype=np.int32))
    if not parts_n:
        empty = np.zeros(0, dtype=np.int32)
        return Candidates(empty, empty, empty.astype(np.int8), empty, [], [], had_full)

    need = np.concatenate(parts_n)
    offer = np.concatenate(parts_o)
    level = np.concatenate(parts_l)
    bucket = np.concatenate(parts_b)
    del parts_n, parts_o, parts_l, parts_b

    # Availability: an offer with dates must overlap the need's period.
    n_start, n_end = need_days(needs)
    o_start, o_end = offer_days(offers)
    if (o_start != OPEN_START).any() or (o_end != OPEN_END).any():
        ok = (o_start[offer] <= n_end[need]) & (o_end[offer] >= n_start[need])
        if not ok.all():
            need, offer, level, bucket = need[ok], offer[ok], level[ok], bucket[ok]

    # One row per (need, offer), keeping the finest level; the result is sorted by the key.
    key = need.astype(np.int64) * max(len(offers), 1) + offer
    order = np.lexsort((level, key))
    key = key[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    keep = order[first]
    return Candidates(
        need=need[keep],
        offer=offer[keep],
        level=level[keep],
        bucket=bucket[keep],
        bucket_needs=bucket_needs,
        bucket_offers=bucket_offers,
        had_full=had_full,
    )


def offers_for_need(need: NeedRow, offers: Sequence[OfferRow]) -> tuple[list[int], list[int], bool]:
    """Blocking for one need without building an index: (offer positions, levels, had_full)."""
    chain = {code: level for level, code in covering_codes(need.region)}
    start, end = need.start.toordinal(), need.end.toordinal()
    rows, levels, had_full = [], [], False
    root = need.category_root
    for j, offer in enumerate(offers):
        if offer.category_root != root or not offer.published:
            continue
        best = NO_LEVEL
        for area in offer.service_area:
            level = chain.get(area, NO_LEVEL)
            if level < best:
                best = level
        if best == NO_LEVEL:
            continue
        if offer.capacity_left <= 0:
            had_full = True
            continue
        if (
            day(offer.available_from, OPEN_START) > end
            or day(offer.available_until, OPEN_END) < start
        ):
            continue
        rows.append(j)
        levels.append(best)
    return rows, levels, had_full


def needs_for_offer(offer: OfferRow, needs: Sequence[NeedRow]) -> tuple[list[int], list[int]]:
    """Blocking for one offer: (need positions, levels). Empty if the offer cannot take work."""
    if not offer.published or offer.capacity_left <= 0:
        return [], []
    areas = {area for area in offer.service_area if is_code(area)}
    a_start = day(offer.available_from, OPEN_START)
    a_end = day(offer.available_until, OPEN_END)
    rows, levels = [], []
    root = offer.category_root
    for i, need in enumerate(needs):
        if need.category_root != root:
            continue
        if a_start > need.end.toordinal() or a_end < need.start.toordinal():
            continue
        for level, code in covering_codes(need.region):
            if code in areas:
                rows.append(i)
                levels.append(level)
                break
    return rows, levels
