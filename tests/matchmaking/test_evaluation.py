"""The labelled evaluation set, the ranking metrics and the engine's quality floors."""

import copy
import io
import json
import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from matchmaking import evaluation
from matchmaking.evaluation import loader
from matchmaking.evaluation.metrics import (
    build_report,
    dcg,
    max_precision_at_k,
    mean,
    ndcg_at_k,
    precision_at_k,
)


@pytest.fixture(scope="module")
def data():
    return loader.load_dataset()


# --- the data set ---------------------------------------------------------------------------


def test_the_data_set_validates(data):
    assert loader.validate(data) == []


def test_ids_are_unique_and_every_judged_offer_exists(data):
    for key in ("needs", "offers", "orgs"):
        ids = [row["id"] for row in data[key]]
        assert len(ids) == len(set(ids)), key
    offer_ids = {o["id"] for o in data["offers"]}
    org_ids = {g["id"] for g in data["orgs"]}
    assert {o["org_id"] for o in data["offers"]} <= org_ids
    for need in data["needs"]:
        judged = [j["offer"] for j in need["judgements"]]
        assert len(judged) == len(set(judged)), need["id"]
        assert set(judged) <= offer_ids, need["id"]


def test_region_codes_are_real_changsha_codes(data):
    districts, streets = loader.changsha_divisions()
    codes = [n["region"] for n in data["needs"]]
    codes += [code for o in data["offers"] for code in o["service_area"]]
    codes += [g["registered_region"] for g in data["orgs"]]
    for code in codes:
        assert len(code) == 12 and code.isdigit(), code
        assert code.startswith("4301"), code
    for need in data["needs"]:
        assert loader.level_of(need["region"]) == "community"
        assert need["region"][:9] in streets, need["id"]  # a real street or town of 长沙市
    for code in codes:
        if loader.level_of(code) != "city":
            assert code[:6] in districts, code


def test_categories_and_target_groups_come_from_the_taxonomy_migration(data):
    tax = loader.taxonomy()
    assert len(tax.roots) == 11
    for row in data["needs"] + data["offers"]:
        assert row["category"] in tax.root_of, row["id"]
        assert row["target_groups"], row["id"]
        assert set(row["target_groups"]) <= tax.target_groups, row["id"]


def test_size_and_coverage(data):
    stats = loader.stats(data)
    assert stats["needs"] >= 60
    assert stats["offers"] >= 100
    assert stats["orgs_with_offers"] >= 40
    assert stats["districts"] >= 7
    roots = set(loader.taxonomy().roots)
    assert set(stats["need_roots"]) == roots
    assert set(stats["offer_roots"]) == roots
    # A mix of root and child categories on the needs' side.
    tax = loader.taxonomy()
    assert any(tax.root_of[n["category"]] == n["category"] for n in data["needs"])
    assert any(tax.root_of[n["category"]] != n["category"] for n in data["needs"])


def test_every_need_has_relevant_offers_and_the_set_has_traps(data):
    traps = loader.traps(data)
    every_need_trapped = all(traps[n["id"]] for n in data["needs"])
    assert every_need_trapped or sum(map(len, traps.values())) >= 30
    assert {kind for t in traps.values() for kind in t.values()} == loader.TRAP_KINDS
    for need_id, judged in loader.judgements(data).items():
        assert any(rel > 0 for rel in judged.values()), need_id
        assert all(judged[offer] == 0 for offer in traps[need_id]), need_id


def _first(data, key, **match):
    return next(row for row in data[key] if all(row[k] == v for k, v in match.items()))


def _break_duplicate_need(data):
    data["needs"][1]["id"] = data["needs"][0]["id"]


def _break_unknown_offer(data):
    data["needs"][0]["judgements"][0]["offer"] = 999_999


def _break_short_code(data):
    data["needs"][0]["region"] = "43010300400"


def _break_fake_street(data):
    data["offers"][0]["service_area"] = ["430103999000"]


def _break_category(data):
    data["offers"][0]["category"] = "elderly_spa"


def _break_target_group(data):
    data["needs"][0]["target_groups"] = ["pensioners"]


def _break_out_of_area_trap(data):
    # Need 1 (新开铺社区, 天心区) — offer 101 covers 天心区, so it cannot be an out_of_area trap.
    need = _first(data, "needs", id=1)
    need["judgements"].append({"offer": 101, "relevance": 0, "trap": "out_of_area", "note": "x"})
    need["judgements"] = [j for j in need["judgements"] if j["offer"] != 101 or "trap" in j]


def _break_over_budget_trap(data):
    _first(data, "needs", id=1)["budget"] = 200_000  # offer 106 starts at 150,000


def _break_relevant_outside_area(data):
    need = _first(data, "needs", id=1)
    need["judgements"] = [j for j in need["judgements"] if j["offer"] != 103]
    need["judgements"].append({"offer": 103, "relevance": 2})  # 雨花区 only


@pytest.mark.parametrize(
    ("breaker", "message"),
    [
        (_break_duplicate_need, "duplicate id"),
        (_break_unknown_offer, "does not exist"),
        (_break_short_code, "12-digit"),
        (_break_fake_street, "not a street"),
        (_break_category, "unknown category"),
        (_break_target_group, "unknown target group"),
        (_break_out_of_area_trap, "out_of_area trap"),
        (_break_over_budget_trap, "over_budget trap"),
        (_break_relevant_outside_area, "outside the service area"),
    ],
)
def test_the_validator_finds_broken_data(data, breaker, message):
    broken = copy.deepcopy(data)
    breaker(broken)
    problems = loader.validate(broken)
    assert any(message in p for p in problems), problems


def test_check_command_validates_without_the_engine():
    out = io.StringIO()
    call_command("evaluate_matching", "--check", "--json", stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["valid"] is True
    assert stats["needs"] >= 60


def test_command_refuses_an_invalid_data_set(tmp_path, data):
    broken = copy.deepcopy(data)
    _break_unknown_offer(broken)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("evaluate_matching", "--check", "--dataset", str(path), stdout=io.StringIO())


# --- metrics on hand examples ---------------------------------------------------------------

REL = {1: 3, 2: 1, 3: 2}  # offer 1 ideal, offer 3 good, offer 2 acceptable; others 0


def test_precision_at_k():
    assert precision_at_k([1, 9, 2, 8, 7], REL, 5) == pytest.approx(2 / 5)
    assert precision_at_k([1, 2, 3, 8, 7], REL, 5) == pytest.approx(3 / 5)
    assert precision_at_k([9, 8, 7, 6, 5], REL, 5) == 0.0
    assert precision_at_k([1, 2, 3], REL, 2) == 1.0
    # Empty slots count as misses; relevance 0 does not count; repeats count once.
    assert precision_at_k([1], REL, 5) == pytest.approx(1 / 5)
    assert precision_at_k([1, 1, 1, 1, 1], REL, 5) == pytest.approx(1 / 5)
    assert precision_at_k([4, 5], {4: 0, 5: 1}, 2) == pytest.approx(1 / 2)
    assert max_precision_at_k(REL, 5) == pytest.approx(3 / 5)
    with pytest.raises(ValueError):
        precision_at_k([1], REL, 0)


def test_dcg_uses_exponential_gain_and_log2_discount():
    # (2^3 - 1)/log2(2) + (2^1 - 1)/log2(3) + 0
    assert dcg([3, 1, 0]) == pytest.approx(7 + 1 / math.log2(3))
    assert dcg([]) == 0.0


def test_ndcg_at_k():
    assert ndcg_at_k([1, 3, 2], REL, 10) == pytest.approx(1.0)
    assert ndcg_at_k([1, 3, 2, 9, 8], REL, 10) == pytest.approx(1.0)
    # Reversed: DCG = 1 + 3/log2 3 + 7/2 = 6.39279; ideal = 7 + 3/log2 3 + 1/2 = 9.39279.
    assert ndcg_at_k([2, 3, 1], REL, 10) == pytest.approx(0.68061, abs=1e-5)
    # Only offer 1 found: DCG = 7; the ideal still counts the offers not returned.
    assert ndcg_at_k([1], REL, 10) == pytest.approx(7 / 9.39279, abs=1e-5)
    # k cuts both the ranking and the ideal: nDCG@1 of [3, 1] = 3/7.
    assert ndcg_at_k([3, 1], REL, 1) == pytest.approx(3 / 7)
    assert ndcg_at_k([9, 8], REL, 10) == 0.0
    assert ndcg_at_k([1, 2], {}, 10) == 0.0  # nothing relevant: defined as 0
    assert ndcg_at_k([2, 2, 1], {1: 3, 2: 1}, 10) == ndcg_at_k([2, 1], {1: 3, 2: 1}, 10)
    with pytest.raises(ValueError):
        ndcg_at_k([1], REL, -1)


def test_build_report_by_category_with_traps_and_misses():
    report = build_report(
        rankings={10: [1, 5, 2], 20: [6, 7], 30: []},
        judged={10: {1: 3, 2: 1, 5: 0}, 20: {7: 2, 8: 3}, 30: {9: 1}},
        category_of={10: "elderly_care", 20: "elderly_care", 30: "youth"},
        traps={10: {5: "over_budget"}, 20: {6: "wrong_group"}},
        precision_k=2,
        ndcg_k=3,
    )
    overall = report["overall"]
    assert overall["needs"] == 3
    assert overall["precision@2"] == pytest.approx(mean([1 / 2, 1 / 2, 0]))
    assert overall["max_precision@2"] == pytest.approx(mean([1, 1, 1 / 2]))
    assert report["categories"]["youth"]["ndcg@3"] == 0.0
    assert report["categories"]["elderly_care"]["needs"] == 2
    # Trap 5 sits above the relevant offer 2; trap 6 above the relevant offer 7.
    hits = {(h["need"], h["offer"]): h for h in report["trap_hits"]}
    assert hits[10, 5]["rank"] == 2 and hits[10, 5]["above_relevant"] == 1
    assert hits[20, 6]["rank"] == 1 and hits[20, 6]["above_relevant"] == 1
    assert overall["traps_above_relevant"] == 2
    assert {(m["need"], m["offer"]) for m in report["missed"]} == {(20, 8), (30, 9)}


# --- the engine on the set ------------------------------------------------------------------


def test_engine_rows_mirror_the_json(data):
    needs, offers, orgs = loader.engine_rows(data)
    assert (len(needs), len(offers), len(orgs)) == (
        len(data["needs"]),
        len(data["offers"]),
        len(data["orgs"]),
    )
    need = next(n for n in needs if n.id == 1)
    assert need.category == "elderly_meals" and need.category_root == "elderly_care"
    assert need.target_groups == frozenset({"elderly"})
    assert need.text.startswith("独居老人助餐服务\n")
    assert (need.start.year, need.end.year) == (2026, 2026)
    offer = next(o for o in offers if o.id == 101)
    assert offer.service_area == ("430102000000", "430103000000")
    assert offer.capacity_left == 2 and offer.published


@pytest.mark.parametrize("mode", [[], ["--per-need"]], ids=["run_matching", "rank_for_need"])
def test_the_engine_meets_the_floors(mode):
    out = io.StringIO()
    call_command("evaluate_matching", "--json", *mode, stdout=out)
    report = json.loads(out.getvalue())
    overall = report["overall"]
    assert overall["needs"] == len(loader.load_dataset()["needs"])
    assert overall[f"precision@{evaluation.PRECISION_K}"] >= evaluation.FLOOR
    assert overall[f"ndcg@{evaluation.NDCG_K}"] >= evaluation.NDCG_FLOOR


def test_the_table_lists_every_root_category():
    out = io.StringIO()
    call_command("evaluate_matching", stdout=out)
    text = out.getvalue()
    for root in loader.taxonomy().roots:
        assert root in text
    assert "overall" in text
