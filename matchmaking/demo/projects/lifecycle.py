"""A plan's steps up to its target state, placed in time: the lifecycle's chain, the reviewers'
scores, the delivery's progress reports and supervision visits."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from projects.choices import ProjectStatus

from ..context import SHANGHAI
from ..walk import BidPlan, Plan, Step, place, spread
from .data import (
    CANCEL_REASONS,
    DIRECTED_REASON,
    FAIL_COMMENTS,
    FAIL_FINAL_COMMENTS,
    FINAL_REPORT,
    FINDINGS,
    PASS_COMMENTS,
    RECTIFIED_REPORT,
    REPORTS,
    REVIEW_COMMENTS,
)
from .planner import Planner

S = ProjectStatus


def _lifecycle(
    planner: Planner,
    plan: Plan,
    r: random.Random,
    d: random.Random,
    *,
    winner: int = 0,
    cancel_from: str | None = None,
    fail_final: bool = False,
    pending_for: str | None = None,
    start_on: tuple[int, int] | None = None,
) -> None:
    """Lay out the project's steps up to its target state and place them in time.

    The steps up to the one that entered the current state form a chain with gaps in days;
    that last step (the anchor) lands recently for a state that does not last (open for bids,
    under review, awaiting acceptance…) and anywhere in the year for one that does; what keeps
    happening in the current state (bids coming in, reviews, reports and visits) follows it up
    to the horizon. Content comes from `r`, time from `d`.
    """
    window = planner.windows[plan.year]
    order = [S.DRAFT, S.PUBLISHED, S.REVIEWING, S.AWARDED, S.IN_PROGRESS, S.ACCEPTANCE]
    target = plan.target
    reach = cancel_from or {S.COMPLETED: S.ACCEPTANCE, S.RECTIFICATION: S.ACCEPTANCE}.get(
        target, target
    )
    if target == S.FAILED:
        reach = S.ACCEPTANCE if fail_final else S.PUBLISHED

    def upto(state: str) -> bool:
        return order.index(reach) >= order.index(state)

    chain = [Step("create")]
    tail: list[Step] = []
    scores = _scores(r, plan.bids, winner)
    bid_steps = [Step("bid", data={"bid": i}) for i in range(len(plan.bids))]
    if upto(S.PUBLISHED):
        chain.append(Step("publish", d.uniform(3, 12)))
        if target == S.PUBLISHED:
            tail += bid_steps
        else:
            window_days = d.uniform(14, 25)
            offsets = sorted(d.uniform(0.5, window_days - 1) for _ in bid_steps)
            previous = 0.0
            for step, offset in zip(bid_steps, offsets, strict=True):
                step.gap, previous = offset - previous, offset
                chain.append(step)
            if cancel_from != S.PUBLISHED:  # cancelled while open: no closing
                early = plan.directed_org_id is not None
                gap = d.uniform(0.2, 2) if early else window_days - previous
                chain.append(Step("close", gap, {"early": early}))
    reviews = [
        Step("review", d.uniform(0.3, 3), {"reviewer": u, "bid": i, **scores[u][i]})
        for u in plan.reviewers
        for i in range(len(plan.bids))
    ]
    if plan.bids and upto(S.REVIEWING):
        if target == S.REVIEWING:
            # Some scores are still to come: `pending_for` has scored only the first bid.
            def done(step: Step) -> bool:
                if pending_for:
                    return step.data["reviewer"] != pending_for or step.data["bid"] == 0
                return r.random() < 0.6

            tail += [s for s in reviews if done(s)]
        elif upto(S.AWARDED) or cancel_from:
            chain += reviews if upto(S.AWARDED) else reviews[: len(reviews) // 2]
    delivery_days = d.uniform(60, 150)
    if plan.bids and upto(S.AWARDED):
        reason = DIRECTED_REASON if plan.directed_org_id and not plan.reviewers else ""
        chain.append(Step("award", d.uniform(1, 5), {"bid": winner, "reason": reason}))
    if plan.bids and upto(S.IN_PROGRESS):
        chain.append(Step("start", d.uniform(2, 10), {"bid": winner}))
        if cancel_from == S.IN_PROGRESS:
            chain += _chained(_delivery(r, d, plan, winner, d.uniform(20, 60), visit=False))
        elif target != S.IN_PROGRESS:  # a running service's delivery follows the anchor
            chain += _chained(_delivery(r, d, plan, winner, delivery_days, visit=True))
    member = plan.bids[winner].member if plan.bids else ""
    served = plan.beneficiaries * r.randint(3, 8)
    report = {
        "events": r.randint(20, 60),
        "served": served,
        "files": r.randint(30, 150),
        "volunteers": r.randint(8, 40),
        "sat": r.randint(91, 99),
    }
    if plan.bids and upto(S.ACCEPTANCE):
        chain.append(
            Step(
                "final",
                d.uniform(0.5, 7),
                {"member": member, "report": FINAL_REPORT.format(**report)},
            )
        )
        if target == S.COMPLETED:
            score = r.randint(78, 97)
            chain.append(Step("accept", d.uniform(5, 20), _pass(r, score)))
        elif target in (S.RECTIFICATION, S.FAILED):
            chain.append(Step("accept", d.uniform(5, 20), _fail(r)))
            if target == S.FAILED:
                chain += _chained(_delivery(r, d, plan, winner, d.uniform(10, 25), visit=False))
                text = RECTIFIED_REPORT.format(events=r.randint(4, 10), served=served)
                chain.append(Step("final", d.uniform(1, 5), {"member": member, "report": text}))
                chain.append(
                    Step(
                        "accept",
                        d.uniform(5, 15),
                        {
                            "result": "fail",
                            "score": r.randint(40, 58),
                            "comments": FAIL_FINAL_COMMENTS,
                        },
                    )
                )
    if cancel_from:
        chain.append(Step("cancel", d.uniform(1, 15), {"reason": r.choice(CANCEL_REASONS)}))

    # Place the chain: the anchor's moment, then everything before it.
    horizon = window.horizon
    total = sum(s.gap for s in chain[1:])
    recent = {
        S.DRAFT: (1, 20),
        S.PUBLISHED: (2, 8),
        S.REVIEWING: (2, 10),
        S.AWARDED: (1, 10),
        S.ACCEPTANCE: (1, 12),
        S.RECTIFICATION: (2, 15),
    }
    if target in recent:
        anchor = horizon - timedelta(days=d.uniform(*recent[target]))
    else:
        latest = horizon - timedelta(days=45 if target == S.IN_PROGRESS else 1)
        first = window.earliest + timedelta(days=total)
        if start_on and datetime(plan.year, *start_on, 9, tzinfo=SHANGHAI) < latest:
            anchor = datetime(plan.year, *start_on, 9, tzinfo=SHANGHAI)
        elif first < latest:
            anchor = first + (latest - first) * d.random()
        else:
            anchor = latest
    place(chain, anchor, window.earliest, d)
    anchor = chain[-1].at
    if target == S.IN_PROGRESS:
        span = (horizon - anchor).total_seconds() / 86400
        for offset, step in _delivery(r, d, plan, winner, span, visit=True):
            step.gap = offset / span
            tail.append(step)
    else:
        for step in tail:
            step.gap = d.uniform(0.05, 0.95)
        tail.sort(key=lambda s: s.gap)
    spread(tail, anchor, horizon, d)
    plan.steps = chain + tail

    # The bid deadline and the planned service period.
    moments = {s.kind: s.at for s in plan.steps}
    if target == S.PUBLISHED:
        day = timezone.localdate(timezone.now(), SHANGHAI) + timedelta(days=d.randint(5, 20))
        plan.deadline = datetime.combine(day, time(17), SHANGHAI)
    elif "close" in moments:
        close = moments["close"]
        early = any(s.kind == "close" and s.data["early"] for s in plan.steps)
        plan.deadline = (
            close + timedelta(days=d.randint(5, 15)) if early else close - timedelta(minutes=2)
        )
    elif "publish" in moments:  # cancelled while open for bids
        plan.deadline = moments["cancel"] + timedelta(days=d.randint(2, 10))
    year_end = date(plan.year, 12, 31)
    if "start" in moments:
        start = timezone.localdate(moments["start"], SHANGHAI)
        if "final" in moments:
            end = timezone.localdate(moments["final"], SHANGHAI)
        else:
            end = max(start + timedelta(days=delivery_days), horizon.date() + timedelta(days=20))
            if year_end > horizon.date():
                end = min(end, year_end)
    else:
        base = plan.deadline or (chain[0].at + timedelta(days=30))
        start = timezone.localdate(base, SHANGHAI) + timedelta(days=d.randint(10, 25))
        end = start + timedelta(days=d.randint(90, 240))
        if year_end >= start + timedelta(days=60):
            end = min(end, year_end)
    plan.period = (start, max(start, end))


def _scores(r: random.Random, bids: list[BidPlan], winner: int) -> "ScoreTable":
    """The reviewers' scores scatter around each bid's quality; the winner's is clearly best,
    so the award needs no written reason."""
    if bids:
        top = r.randint(84, 93)
        for i, bid in enumerate(bids):
            bid.quality = top if i == winner else min(bid.quality, top - r.randint(8, 22))
    return ScoreTable(r, bids)


class ScoreTable(dict):
    """reviewer → bid index → scores and comment, drawn on first use in a fixed order."""

    def __init__(self, r: random.Random, bids: list[BidPlan]):
        super().__init__()
        self.r, self.bids = r, bids

    def __missing__(self, reviewer: str) -> dict[int, dict]:
        row = {}
        for i, bid in enumerate(self.bids):
            scores = tuple(max(0, min(100, bid.quality + self.r.randint(-3, 3))) for _ in range(4))
            row[i] = {"scores": scores, "comments": self.r.choice(REVIEW_COMMENTS)}
        self[reviewer] = row
        return row


def _delivery(r, d, plan: Plan, winner: int, days: float, *, visit: bool):
    """Monthly progress reports and supervision visits over `days` of service, as (offset in
    days, step) in order; with `visit`, at least one visit (acceptance needs one)."""
    member = plan.bids[winner].member
    events: list[tuple[float, Step]] = []
    day = d.uniform(26, 34)
    served = 0
    while day < days:
        served += max(5, plan.beneficiaries * r.randint(40, 120) // 100)
        values = {
            "events": r.randint(3, 10),
            "homes": r.randint(10, 60),
            "served": served,
            "files": r.randint(5, 40),
            "big": r.randint(1, 3),
            "volunteers": r.randint(5, 20),
            "cases": r.randint(3, 12),
            "sat": r.randint(90, 99),
        }
        data = {"member": member, "summary": r.choice(REPORTS).format(**values), "served": served}
        events.append((day, Step("report", data=data)))
        day += d.uniform(27, 33)
    if plan.supervisors:
        day = d.uniform(15, 30)
        while day < days or (visit and not any(s.kind == "visit" for _, s in events)):
            rating = r.choices([5, 4, 3], weights=[35, 50, 15])[0]
            data = {
                "supervisor": plan.supervisors[0],
                "findings": r.choice(FINDINGS[rating]),
                "rating": rating,
            }
            events.append((min(day, days * 0.8), Step("visit", data=data)))
            day += d.uniform(40, 65)
    events.sort(key=lambda e: e[0])
    return events


def _chained(events: list[tuple[float, Step]]) -> list[Step]:
    """Steps at offsets → steps with gaps between them, to extend a chain."""
    previous = 0.0
    for offset, step in events:
        step.gap, previous = offset - previous, offset
    return [step for _, step in events]


def _pass(r: random.Random, score: int) -> dict:
    return {"result": "pass", "score": score, "comments": r.choice(PASS_COMMENTS)}


def _fail(r: random.Random) -> dict:
    return {"result": "fail", "score": r.randint(52, 68), "comments": FAIL_COMMENTS}
