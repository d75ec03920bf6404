"""Short Chinese reasons for a scored pair: what decided it, and what speaks against it.

Each component yields at most one reason. Positive reasons come first, ordered by their weighted
contribution; warnings (a component that cost the pair a lot: wrong target group, price above
budget, area or category not matching in exhaustive scoring) follow, ordered by the score they
cost. At most three in all, keeping up to two warnings (at least one positive reason stays when
there is one).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .candidates import LEVELS
from .types import NeedRow, OfferRow

DEFAULT_GROUP_LABELS = {
    "elderly": "老年人",
    "disabled": "残疾人",
    "children": "儿童",
    "youth": "青少年",
    "hardship_families": "困难家庭",
    "women": "妇女",
    "migrants": "流动人口",
    "all_residents": "全体居民",
}
GEO_REASON = dict(
    zip(
        LEVELS,
        (
            "服务范围覆盖本社区",
            "服务范围覆盖本街道",
            "服务范围覆盖本区县",
            "服务范围覆盖全市",
            "服务范围覆盖全省",
        ),
        strict=True,
    )
)
MAX_REASONS = 3
_NOT_COVERED = (None, "服务范围未覆盖本社区")

NO_CANDIDATES = "没有覆盖本社区且同类别的服务供给"
CAPACITY_FULL = "候选机构承接能力已满"


NOT_ELIGIBLE = "候选服务报价远超预算或服务对象不符"


def below_min_score(min_score: float) -> str:
    return f"最高匹配分低于 {min_score:.2f}"


def _category(value: float) -> tuple[str | None, str | None]:
    if value >= 0.999:
        return "服务类别完全一致", None
    if value >= 0.79:
        return "服务属于所需类别的细分方向", None
    if value >= 0.69:
        return "综合服务涵盖所需类别", None
    if value > 0:
        return "同属一个服务大类", None
    return None, "服务类别不一致"


def _groups(value: float, need: NeedRow, offer: OfferRow, labels: Mapping[str, str]):
    if not need.target_groups or not offer.target_groups:
        return None, None
    common = sorted(need.target_groups & offer.target_groups)
    names = "、".join(labels.get(g, g) for g in common[:3])
    if value >= 0.999 and common:
        return f"服务对象一致：{names}", None
    if common and value >= 0.5:
        return f"服务对象部分一致：{names}", None
    if value >= 0.5 and "all_residents" in offer.target_groups:
        return "服务面向全体居民", None
    if value <= 0:
        return None, "服务对象不一致"
    return None, "服务对象不完全一致"


def _budget(need: NeedRow, offer: OfferRow) -> tuple[str | None, str | None]:
    budget = need.budget
    if budget <= 0:
        return None, None
    if max(offer.price_max, offer.price_min) <= budget:
        return "价格区间在预算内", None
    if offer.price_min <= budget:
        return "起步价在预算内", None
    ratio = (offer.price_min - budget) / budget
    if not ratio < 10:
        return None, "报价超出预算 10 倍以上"
    return None, f"报价高于预算 {max(1, math.ceil(ratio * 100 - 1e-9))}%"


def _text(value: float) -> str | None:
    if value >= 0.5:
        return "需求描述与服务内容高度相关"
    if value >= 0.3:
        return "需求描述与服务内容相关"
    return None


def _strength(value: float, grade: int, workers: int, accept_mean: float) -> str | None:
    has_history = not math.isnan(accept_mean)
    if has_history and accept_mean >= 80:
        return f"项目验收平均 {accept_mean:.0f} 分"
    if grade >= 3:
        return f"{grade}A 级社会组织"
    if workers >= 3:
        return f"持证社工 {workers} 人"
    if value >= 0.5 and has_history:
        return f"项目验收平均 {accept_mean:.0f} 分"
    return None


class Reasoner:
    """Builds reasons for many pairs of one run, caching what repeats (an org's strength
    reason, a target-group comparison). `org_facts[k]` = (grade, certified workers, mean past
    acceptance score or NaN) of the organization at position k; `weights` normalised."""

    def __init__(
        self,
        weights: list[float],
        labels: Mapping[str, str] | None = None,
        org_facts: list[tuple[int, int, float]] | None = None,
    ):
        self.weights = list(weights)
        self.labels = DEFAULT_GROUP_LABELS if labels is None else labels
        self.org_facts = org_facts or []
        self._groups: dict[tuple, tuple[str | None, str | None]] = {}
        self._strength: dict[tuple, str | None] = {}

    def __call__(
        self, comp: list[float], need: NeedRow, offer: OfferRow, level: int, org: int
    ) -> tuple[str, ...]:
        """`comp`: components in COMPONENTS order; `level`: index into LEVELS (len(LEVELS) when
        the area does not cover the need); `org`: position in org_facts."""
        w = self.weights
        pairs = [
            _category(comp[0]),
            (GEO_REASON[LEVELS[level]], None) if level < len(LEVELS) else _NOT_COVERED,
            self._groups_reason(comp[2], need, offer),
            _budget(need, offer),
            (_text(comp[4]), None),
            (self._strength_reason(comp[5], org), None),
        ]
        positive = []
        warnings = []
        for c, (good, bad) in enumerate(pairs):
            if w[c] <= 0:
                continue
            if good:
                positive.append((-w[c] * comp[c], c, good))
            if bad:
                warnings.append((-w[c] * (1.0 - comp[c]), c, bad))
        positive.sort()
        n_warn = min(len(warnings), 2 if positive else MAX_REASONS)
        if n_warn:
            warnings.sort()
            chosen = positive[: MAX_REASONS - n_warn] + warnings[:n_warn]
        else:
            chosen = positive[:MAX_REASONS]
        return tuple(text for _, _, text in chosen)

    def _groups_reason(self, value: float, need: NeedRow, offer: OfferRow):
        key = (value, need.target_groups, offer.target_groups)
        found = self._groups.get(key)
        if found is None:
            found = self._groups[key] = _groups(value, need, offer, self.labels)
        return found

    def _strength_reason(self, value: float, org: int) -> str | None:
        key = (value, org)
        if key not in self._strength:
            facts = self.org_facts[org] if org < len(self.org_facts) else (0, 0, math.nan)
            self._strength[key] = _strength(value, *facts)
        return self._strength[key]


def reasons_for(
    comp: list[float],
    weights: list[float],
    need: NeedRow,
    offer: OfferRow,
    level: int,
    org: tuple[int, int, float],
    labels: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """Reasons for one pair; `org` = (grade, certified workers, mean acceptance or NaN)."""
    return Reasoner(weights, labels, [org])(comp, need, offer, level, 0)
