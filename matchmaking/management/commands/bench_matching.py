"""`manage.py bench_matching`: time the matching engine on synthetic data held in memory.

Nothing here touches the database: it is a management command only for convenience. Data comes
from `matchmaking.engine.synthetic`; volumes beyond one city are split into cities of
Changsha's size and processed city by city, so memory stays bounded by the largest city.

Printed JSON: seconds per stage (summed over cities), pairs scored, suggestions, peak resident
memory, recall@10 of the blocked pipeline against exhaustive scoring of a random sample of
needs (every live offer scored with the same components, an offer of another root category
getting category 0 and one outside the area geography 0), the proposal's total score against
the greedy baselines (same objective; and plain score-sorted greedy), and the median time of
`rank_for_need` over 50 needs of the first city.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time

import numpy as np
from django.core.management.base import BaseCommand

from matchmaking.engine import assignment, pipeline, rank_for_need, reference, synthetic
from matchmaking.engine.candidates import covers

STAGES = (
    "seconds_candidates",
    "seconds_text",
    "seconds_scoring",
    "seconds_suggestions",
    "seconds_assignment",
    "seconds",
)


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _miss_kind(need, offer) -> str:
    """Why an exhaustive top-k offer is missing from the blocked top-k."""
    if offer.category_root != need.category_root:
        return "other_category"
    if not any(covers(area, need.region) for area in offer.service_area):
        return "out_of_area"
    return "in_block"  # a candidate that blocking should have ranked: would be a bug


class Command(BaseCommand):
    help = "Benchmark the matching engine on synthetic needs and offers (no database)."

    def add_arguments(self, parser):
        parser.add_argument("--needs", type=int, default=6000)
        parser.add_argument("--offers", type=int, default=15000)
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument("--exhaustive-sample", type=int, default=300)
        parser.add_argument("--rank-samples", type=int, default=50)
        parser.add_argument("--top-k", type=int, default=10)

    def handle(self, *args, needs, offers, seed, exhaustive_sample, rank_samples, top_k, **_):
        rng = np.random.default_rng(seed)
        n_cities = synthetic.city_count(needs, offers)
        totals = dict.fromkeys(STAGES, 0.0)
        counts = {"pairs_scored": 0, "suggestions": 0, "assigned": 0, "unassigned": 0}
        proposal = dict.fromkeys(
            ("flow_total", "flow_objective", "greedy_total", "greedy_objective",
             "plain_greedy_total", "plain_greedy_assigned"),
            0.0,
        )  # fmt: skip
        methods: set[str] = set()
        hits = relevant = 0
        misses = {"other_category": 0, "out_of_area": 0, "in_block": 0}
        seconds_generate = seconds_exhaustive = 0.0
        rank_ms: list[float] = []
        generator = synthetic.cities(seed, needs, offers)

        for index in range(n_cities):
            t_gen = time.perf_counter()
            city = next(generator)
            seconds_generate += time.perf_counter() - t_gen
            result, state = pipeline.match_detailed(city.needs, city.offers, city.orgs, top_k=top_k)
            for key in STAGES:
                totals[key] += result.stats[key]
            for key in counts:
                counts[key] += int(result.stats[key])
            methods.add(result.proposal.method)

            problem = state.problem
            proposal["flow_total"] += result.proposal.total_score
            proposal["flow_objective"] += state.assignment.objective / assignment.SCALE
            chosen = assignment.greedy(problem)
            proposal["greedy_total"] += float(problem.score[chosen].sum())
            proposal["greedy_objective"] += problem.objective(chosen) / assignment.SCALE
            problem.spread_penalty = 0.0
            plain = assignment.greedy(problem)
            proposal["plain_greedy_total"] += float(problem.score[plain].sum())
            proposal["plain_greedy_assigned"] += len(plain)

            # Recall@k against exhaustive scoring, the sample spread over the cities.
            share = exhaustive_sample // n_cities + (index < exhaustive_sample % n_cities)
            if share:
                t_ex = time.perf_counter()
                sample = sorted(rng.choice(len(city.needs), share, replace=False).tolist())
                blocked = reference.blocked_top(state)
                for i, best in zip(
                    sample, reference.exhaustive_top(state, sample, top_k), strict=True
                ):
                    found = set(blocked.get(i, []))
                    hits += len(set(best) & found)
                    relevant += len(best)
                    for j in set(best) - found:
                        misses[_miss_kind(city.needs[i], city.offers[j])] += 1
                seconds_exhaustive += time.perf_counter() - t_ex

            if index == 0 and rank_samples:
                for i in rng.choice(len(city.needs), rank_samples, replace=False).tolist():
                    t_rank = time.perf_counter()
                    rank_for_need(city.needs[i], city.offers, city.orgs, k=top_k)
                    rank_ms.append((time.perf_counter() - t_rank) * 1000)
            del result, state, problem, city

        report = {
            "needs": needs,
            "offers": offers,
            "cities": n_cities,
            "seconds": {
                ("matching_total" if key == "seconds" else key.removeprefix("seconds_")): round(
                    value, 3
                )
                for key, value in totals.items()
            },
            **counts,
            "peak_rss_mb": peak_rss_mb(),
            f"recall_at_{top_k}": round(hits / relevant, 4) if relevant else None,
            "exhaustive_sample": exhaustive_sample,
            "recall_misses": misses,
            "proposal": {key: round(v, 3) for key, v in proposal.items()}
            | {"method": ",".join(sorted(methods))},
            "rank_for_need_median_ms": round(statistics.median(rank_ms), 2) if rank_ms else None,
            "seconds_generate": round(seconds_generate, 3),
            "seconds_exhaustive": round(seconds_exhaustive, 3),
        }
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
