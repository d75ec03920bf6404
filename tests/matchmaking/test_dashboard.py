"""The officials' dashboard against a small data set whose every figure is computed by hand.

The data (`data` fixture) lives in the `tree` regions: 长沙市 → 天心区 (坡子街街道, 城南路街道,
先锋街道, one community each) and 岳麓区 (望月湖街道, one community). Times are local
(Asia/Shanghai); the comments next to each expected literal say which rows make it up.

Root categories in their order: 1 elderly_care 居家养老, 2 mediation, 3 charity, 4 culture,
5 disability, 6 youth, 7 party_building, 8 environment, 9 community_building,
10 mental_health, 11 volunteering.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from communities.models import Community
from communities.services import need_publish
from core.errors import ValidationFailed
from matchmaking.dashboard import dashboard, dashboard_cached
from matchmaking.dashboard.figures import query_count
from tests import factories as f
from tests.projects import story

pytestmark = pytest.mark.django_db

CITY, TIANXIN, YUELU = "430100000000", "430103000000", "430104000000"
POZIJIE, CHENGNANLU, XIANFENG = "430103002000", "430103004000", "430103010000"
POZIJIE_COMMUNITY = "430103002001"


def at(year, month, day, hour=10, minute=0):
    """An aware datetime in Asia/Shanghai."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


@pytest.fixture
def data(tree):
    now = timezone.now()
    ago = lambda days: now - timedelta(days=days)  # noqa: E731
    pozijie, chengnanlu = tree.pozijie_community, tree.chengnanlu_community
    xianfeng, wangyuehu = tree.xianfeng_community, tree.wangyuehu_community
    # Staff (total / certified): 坡子街 12/5 (factory default), 城南路 10/4, 先锋 8/2, 望月湖 20/10.
    Community.objects.filter(pk=chengnanlu.pk).update(staff_total=10, staff_certified=4)
    Community.objects.filter(pk=xianfeng.pk).update(staff_total=8, staff_certified=2)
    Community.objects.filter(pk=wangyuehu.pk).update(staff_total=20, staff_certified=10)

    # Organizations: O1 verified in 天心区 (2 workers), O2 unverified in 坡子街街道 (1 worker),
    # O3 verified in 岳麓区 (3 workers).
    o1 = f.SocialOrgFactory(region=tree.tianxin)
    o2 = f.SocialOrgFactory(region=tree.pozijie, verified=False)
    o3 = f.SocialOrgFactory(region=tree.yuelu)
    for org, workers in ((o1, 2), (o2, 1), (o3, 3)):
        f.SocialWorkerFactory.create_batch(workers, org=org)

    def need(community, category, when, **kw):
        return f.ServiceNeedFactory(
            community=community, category=f.category(category), published_at=when, **kw
        )

    n = SimpleNamespace(
        n1=need(pozijie, "elderly_meals", at(2026, 1, 15)),
        # 00:30 on 1 March in Shanghai is still February in UTC: counted in March.
        n2=need(pozijie, "elderly_care", at(2026, 3, 1, 0, 30)),
        n3=need(pozijie, "after_school", at(2026, 3, 20)),
        n4=need(chengnanlu, "elderly_home_visits", at(2026, 3, 5)),
        n5=need(chengnanlu, "family_mediation", at(2026, 7, 1)),
        n6=need(xianfeng, "elderly_meals", at(2026, 12, 31, 23, 30)),
        n7=need(wangyuehu, "elderly_meals", at(2026, 5, 5)),
        n10=need(pozijie, "culture_sports", at(2026, 2, 2), status="closed"),
        n12=need(chengnanlu, "community_rehab", at(2026, 4, 1)),
        n13=need(chengnanlu, "community_rehab", at(2026, 4, 2)),
        n14=need(chengnanlu, "emotional_support", at(2026, 4, 3)),
        n15=need(pozijie, "hardship_assistance", at(2026, 5, 1)),
        n16=need(pozijie, "charity", at(2026, 5, 2)),
        n17=need(xianfeng, "neighbour_mutual_aid", at(2026, 5, 3)),
        n18=need(xianfeng, "charity_fundraising", at(2026, 5, 4)),
        n19=need(xianfeng, "waste_sorting", at(2026, 6, 1)),
    )
    need(wangyuehu, "elderly_meals", at(2025, 11, 11))  # another year
    need(xianfeng, "elderly_meals", at(2027, 1, 1, 0, 30))  # 2027 in Shanghai (2026 in UTC)
    f.ServiceNeedFactory(community=pozijie, draft=True)  # never published

    def offering(org, category, area, **kw):
        return f.ServiceOfferingFactory(
            org=org, category=f.category(category), service_area=area, **kw
        )

    offering(o1, "elderly_meals", [TIANXIN])  # F1
    offering(o1, "elderly_home_visits", [POZIJIE])  # F2
    offering(o3, "elderly_care", [CITY])  # F3: city-wide, serves every street
    offering(o3, "after_school", [POZIJIE_COMMUNITY, "430104001000"])  # F4: 坡子街社区 + 望月湖街道
    offering(o1, "family_mediation", [CHENGNANLU], status="draft")  # F5: not published
    offering(o3, "culture_sports", [YUELU], status="closed")  # F6: not published
    offering(o3, "elderly_meals", [CITY, POZIJIE])  # F7: city-wide and a street: counted once
    offering(o3, "elderly_meals", ["430104001001"])  # F9: 望月湖社区
    offering(o1, "community_rehab", ["430103004001"])  # F10: 城南路社区

    # Resources: R1 天心区 500,000 published; R2 岳麓区 300,000 closed; R3 draft; R4 of 2025;
    # R5 坡子街社区's fund 200,000; R6 长沙市 1,000,000.
    r1 = f.FundingResourceFactory(region=tree.tianxin, amount=Decimal("500000.00"))
    r2 = f.FundingResourceFactory(region=tree.yuelu, amount=Decimal("300000.00"), status="closed")
    f.FundingResourceFactory(region=tree.tianxin, amount=Decimal("100000.00"), status="draft")
    r4 = f.FundingResourceFactory(region=tree.tianxin, year=2025, amount=Decimal("200000.00"))
    r5 = f.FundingResourceFactory(community_fund=True, community=pozijie)
    f.FundingResourceFactory(region=tree.city, amount=Decimal("1000000.00"))

    def project(community, status, *, year=2026, **kw):
        return f.ProjectFactory(community=community, status=status, year=year, **kw)

    p = SimpleNamespace(
        # days to award: P1 12.0, P2 5.5, P3 10.0, P7 10.0, P8 9.0, P9 2.0, P10 7.0, P11 3.0,
        # P12 20.0, P17 14.0
        p1=project(pozijie, "completed", need=n.n1, published_at=at(2026, 1, 20),
                   awarded_at=at(2026, 2, 1), closed_at=at(2026, 6, 30)),
        p2=project(pozijie, "in_progress", need=n.n2, published_at=at(2026, 3, 15),
                   awarded_at=at(2026, 3, 20, 22), started_at=ago(200)),
        p3=project(chengnanlu, "awarded", need=n.n4, published_at=at(2026, 3, 6),
                   awarded_at=at(2026, 3, 16)),
        p4=project(chengnanlu, "published", need=n.n5, published_at=at(2026, 7, 5)),
        p5=project(xianfeng, "failed", published_at=at(2026, 4, 1), closed_at=ago(3)),
        p6=project(xianfeng, "failed", published_at=at(2026, 4, 2), closed_at=ago(5)),
        p7=project(pozijie, "failed", need=n.n10, published_at=at(2026, 2, 10),
                   awarded_at=at(2026, 2, 20), closed_at=at(2026, 9, 1)),
        p8=project(wangyuehu, "acceptance", published_at=at(2026, 4, 1),
                   awarded_at=at(2026, 4, 10), final_report_at=ago(20)),
        p9=project(pozijie, "acceptance", need=n.n15, published_at=at(2026, 5, 1),
                   awarded_at=at(2026, 5, 3), final_report_at=ago(2)),
        p10=project(chengnanlu, "rectification", need=n.n12, published_at=at(2026, 2, 1),
                    awarded_at=at(2026, 2, 8), started_at=ago(100)),
        p11=project(xianfeng, "in_progress", published_at=at(2026, 6, 10),
                    awarded_at=at(2026, 6, 13), started_at=ago(10)),
        # A second project on N1: the need is still counted once.
        p12=project(pozijie, "in_progress", need=n.n1, published_at=at(2026, 1, 5),
                    awarded_at=at(2026, 1, 25), started_at=ago(90)),
        p13=project(pozijie, "draft"),
        p14=project(pozijie, "cancelled", published_at=at(2026, 8, 1),
                    closed_at=at(2026, 8, 15)),
        p15=project(chengnanlu, "reviewing", need=n.n13, published_at=at(2026, 6, 1)),
        p16=project(wangyuehu, "completed", year=2025, published_at=at(2025, 3, 1),
                    awarded_at=at(2025, 3, 11), closed_at=at(2025, 10, 1)),
        p17=project(wangyuehu, "completed", need=n.n7, published_at=at(2026, 5, 6),
                    awarded_at=at(2026, 5, 20), closed_at=at(2026, 12, 31, 23, 30)),
        # Of programme year 2027 but published on New Year's Eve 2026.
        p18=project(wangyuehu, "published", year=2027, published_at=at(2026, 12, 31, 20)),
    )  # fmt: skip

    # Bids: P6's only bid was withdrawn (bidding closed without a bid); P7 was awarded.
    f.BidFactory(project=p.p6, org=o1, status="withdrawn")
    f.BidFactory(project=p.p7, org=o3, status="awarded")
    f.BidFactory(project=p.p4, org=o1)

    # Progress reports: P2's latest is 40 days old (an older one 100 days), P12's is 5 days old.
    for proj, days in ((p.p2, 100), (p.p2, 40), (p.p12, 5)):
        report = f.ProgressReportFactory(project=proj, org=o1)
        type(report).objects.filter(pk=report.pk).update(created_at=ago(days))

    def line(proj, resource, amount, committed, released="0", disbursed="0"):
        f.ProjectFundingFactory(
            project=proj,
            resource=resource,
            amount=Decimal(amount),
            committed=Decimal(committed),
            released=Decimal(released),
            disbursed=Decimal(disbursed),
        )

    line(p.p1, r1, "80000", "80000", disbursed="80000")
    line(p.p2, r1, "60000", "60000")
    line(p.p2, r5, "20000", "20000")
    line(p.p5, r1, "50000", "50000", released="50000")
    line(p.p17, r2, "90000", "90000", disbursed="90000")
    line(p.p16, r4, "70000", "70000", disbursed="70000")  # 2025
    line(p.p3, r1, "50000", "50000", released="5000.50")
    return SimpleNamespace(n=n, p=p, orgs=(o1, o2, o3))


def cells(result):
    """{(category, region): (demand, supply, gap)} of the gap table's non-empty cells."""
    gap = result["gap"]
    return {
        (category["code"], region["code"]): tuple(cell.values())
        for category, row in zip(gap["categories"], gap["cells"], strict=True)
        for region, cell in zip(gap["regions"], row, strict=True)
        if cell["demand"] or cell["supply"]
    }


def statuses(**counts):
    base = dict.fromkeys(
        [
            "draft",
            "published",
            "reviewing",
            "awarded",
            "in_progress",
            "acceptance",
            "rectification",
            "completed",
            "failed",
            "cancelled",
        ],
        0,
    )
    return {**base, **counts}


# --- city ---------------------------------------------------------------------------------
def test_city_totals(data):
    result = dashboard(within=CITY, year=2026)
    assert result["scope"] == {"code": CITY, "name": "长沙市", "level": "city"}
    assert result["totals"] == {
        "communities": 4,
        "staff_total": 50,  # 12 + 10 + 8 + 20
        "staff_certified": 21,  # 5 + 4 + 2 + 10
        "staff_certified_share": 0.42,  # 21 / 50
        "orgs": 3,
        "orgs_verified": 2,  # O1, O3
        "certified_workers": 6,  # 2 + 1 + 3
        # N1–N7, N10, N12–N19; not the 2025 one, the 2027 one (00:30 local) or the draft
        "needs_published": 16,
        # F1, F2, F3, F7, F9 (elderly care), F4 (youth), F10 (disability); not F5, F6
        "offers_published": 7,
        "resources_published": 4,  # R1, R2 (closed counts), R5, R6
        "resources_amount": "2000000.00",  # 500,000 + 300,000 + 200,000 + 1,000,000
        # Σ(committed − released): P1 80,000 + P2 60,000 + 20,000 + P5 0 + P17 90,000
        # + P3 (50,000 − 5,000.50); not P16 (2025)
        "funds_committed": "294999.50",
        "funds_disbursed": "170000.00",  # P1 80,000 + P17 90,000
        "projects_by_status": statuses(
            draft=1,  # P13
            published=1,  # P4 (P18 is of 2027)
            reviewing=1,  # P15
            awarded=1,  # P3
            in_progress=3,  # P2, P11, P12
            acceptance=2,  # P8, P9
            rectification=1,  # P10
            completed=2,  # P1, P17 (P16 is of 2025)
            failed=3,  # P5, P6, P7
            cancelled=1,  # P14
        ),
        # N1 (P1, P12), N2 (P2), N4 (P3), N7 (P17), N12 (P10), N15 (P9): 6 of 16;
        # N5 (P4 published), N13 (P15 reviewing) and N10 (P7 failed) did not get there
        "match_rate": 0.375,
        # 2, 3, 5.5, 7, 9, 10, 10, 12, 14, 20 days: the mean of the middle two (even count)
        "median_days_to_award": 9.5,
    }


def test_city_gap(data):
    result = dashboard(within=CITY, year=2026)
    gap = result["gap"]
    assert [r["code"] for r in gap["regions"]] == [TIANXIN, YUELU]
    assert [c["code"] for c in gap["categories"]][:3] == ["elderly_care", "mediation", "charity"]
    assert len(gap["categories"]) == 11 and gap["categories"][0]["name"] == "居家养老"
    assert cells(result) == {
        # 天心区: N1, N2, N4, N6 against F1, F2 (in 天心区) + F3, F7 (city-wide)
        ("elderly_care", TIANXIN): (4, 4, 0),
        ("mediation", TIANXIN): (1, 0, 1),  # N5; F5 is a draft
        ("charity", TIANXIN): (4, 0, 4),  # N15–N18
        ("culture", TIANXIN): (1, 0, 1),  # N10 (closed needs count)
        ("disability", TIANXIN): (3, 1, 2),  # N12–N14 against F10
        ("youth", TIANXIN): (1, 1, 0),  # N3 against F4
        ("environment", TIANXIN): (1, 0, 1),  # N19
        # 岳麓区: N7 against F9 + F3, F7; F4 reaches 望月湖街道; F6 is closed
        ("elderly_care", YUELU): (1, 3, -2),
        ("youth", YUELU): (0, 1, -1),
    }
    by_category = {
        row["code"]: (row["demand"], row["supply"], row["gap"]) for row in gap["by_category"]
    }
    assert by_category["elderly_care"] == (5, 5, 0)  # F1, F2, F3, F7, F9 distinct
    assert by_category["youth"] == (1, 1, 0)  # F4 serves both districts but is one offering
    assert by_category["charity"] == (4, 0, 4)
    assert by_category["disability"] == (3, 1, 2)
    assert by_category["volunteering"] == (0, 0, 0)
    assert [
        (r["code"], r["name"], r["demand"], r["supply"], r["gap"]) for r in gap["by_region"]
    ] == [
        (TIANXIN, "天心区", 15, 6, 9),  # supply 4 + 1 + 1
        (YUELU, "岳麓区", 1, 4, -3),  # supply 3 + 1
    ]
    assert [(b["category"], b["region"], b["gap"]) for b in gap["biggest"]] == [
        ("charity", TIANXIN, 4),
        ("disability", TIANXIN, 2),
        ("mediation", TIANXIN, 1),  # gap 1 ties: category order 2 < 4 < 8
        ("culture", TIANXIN, 1),
        ("environment", TIANXIN, 1),
    ]


def test_city_trends_pipeline_and_overdue(data):
    result = dashboard(within=CITY, year=2026)
    assert result["trends"] == {
        "months": list(range(1, 13)),
        # Jan N1; Feb N10; Mar N2 (00:30 on 1 March), N3, N4; Apr N12–N14;
        # May N7, N15–N18; Jun N19; Jul N5; Dec N6 (23:30 on 31 December)
        "needs_published": [1, 1, 3, 3, 5, 1, 1, 0, 0, 0, 0, 1],
        # by published_at: Jan P1, P12; Feb P7, P10; Mar P2, P3; Apr P5, P6, P8; May P9, P17;
        # Jun P11, P15; Jul P4; Aug P14; Dec P18 (a 2027 project published in 2026)
        "projects_published": [2, 2, 2, 3, 2, 2, 1, 1, 0, 0, 0, 1],
        # Jan P12; Feb P1, P7, P10; Mar P2, P3; Apr P8; May P9, P17; Jun P11
        "projects_awarded": [1, 3, 2, 1, 2, 1, 0, 0, 0, 0, 0, 0],
        # Jun P1; Dec P17 (23:30 on 31 December); not the failed P7 or the cancelled P14
        "projects_completed": [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1],
    }
    assert result["pipeline"] == {
        "bidding": 1,  # P4
        "review": 2,  # P15 reviewing, P3 awarded
        "delivery": 3,  # P2, P11, P12
        "acceptance": 3,  # P8, P9 acceptance, P10 rectification
        "completed": 2,  # P1, P17
    }
    overdue = result["overdue"]
    p = data.p

    def listing(key):
        return overdue[key]["count"], [(i["id"], i["days"]) for i in overdue[key]["items"]]

    # P6 (its only bid withdrawn, closed 5 days ago), P5 (no bid, 3 days); P7 failed at
    # acceptance with an awarded bid.
    assert listing("bidding_without_bids") == (2, [(p.p6.pk, 5), (p.p5.pk, 3)])
    # P10 started 100 days ago with no report; P2's latest report is 40 days old. P11 started
    # 10 days ago, P12 reported 5 days ago.
    assert listing("reports_late") == (2, [(p.p10.pk, 100), (p.p2.pk, 40)])
    # P8's final report is 20 days old (≥ 14); P9's only 2.
    assert listing("acceptance_pending") == (1, [(p.p8.pk, 20)])
    item = overdue["acceptance_pending"]["items"][0]
    assert item == {
        "id": p.p8.pk,
        "code": p.p8.code,
        "title": p.p8.title,
        "community": "望月湖社区",
        "days": 20,
    }


def test_city_breadcrumb_and_children(data):
    result = dashboard(within=CITY, year=2026)
    assert result["breadcrumb"] == [{"code": CITY, "name": "长沙市", "level": "city"}]
    assert result["children"] == [
        {"code": TIANXIN, "name": "天心区"},
        {"code": YUELU, "name": "岳麓区"},
    ]


# --- district -----------------------------------------------------------------------------
def test_district(data):
    result = dashboard(within=TIANXIN, year=2026)
    totals = result["totals"]
    assert totals == {
        "communities": 3,
        "staff_total": 30,  # 12 + 10 + 8
        "staff_certified": 11,  # 5 + 4 + 2
        "staff_certified_share": 0.3667,  # 11 / 30 = 0.36666…
        "orgs": 2,  # O1 (天心区), O2 (坡子街街道)
        "orgs_verified": 1,
        "certified_workers": 3,
        "needs_published": 15,  # the city's 16 without N7 (望月湖)
        # F1, F2, F3, F7 (elderly care), F4 (via 坡子街社区), F10; not F9 (望月湖社区)
        "offers_published": 6,
        "resources_published": 2,  # R1, R5; R6 is the city's, above the district
        "resources_amount": "700000.00",
        "funds_committed": "204999.50",  # P1 80,000 + P2 80,000 + P5 0 + P3 44,999.50
        "funds_disbursed": "80000.00",  # P1
        "projects_by_status": statuses(
            draft=1,
            published=1,
            reviewing=1,
            awarded=1,
            in_progress=3,
            acceptance=1,  # P9 (P8 is in 岳麓区)
            rectification=1,
            completed=1,  # P1
            failed=3,
            cancelled=1,
        ),
        "match_rate": 0.3333,  # N1, N2, N4, N12, N15: 5 of 15
        "median_days_to_award": 8.5,  # 2, 3, 5.5, 7, 10, 10, 12, 20: (7 + 10) / 2
    }
    assert [r["code"] for r in result["gap"]["regions"]] == [POZIJIE, CHENGNANLU, XIANFENG]
    assert cells(result) == {
        # F1 (天心区) and F3, F7 (city) cover the district: every street gets 3; F2 adds one in
        # 坡子街 (F7's own 坡子街 area does not count it twice).
        ("elderly_care", POZIJIE): (2, 4, -2),  # N1, N2
        ("elderly_care", CHENGNANLU): (1, 3, -2),  # N4
        ("elderly_care", XIANFENG): (1, 3, -2),  # N6
        ("mediation", CHENGNANLU): (1, 0, 1),  # N5
        ("charity", POZIJIE): (2, 0, 2),  # N15, N16
        ("charity", XIANFENG): (2, 0, 2),  # N17, N18
        ("culture", POZIJIE): (1, 0, 1),  # N10
        ("disability", CHENGNANLU): (3, 1, 2),  # N12–N14 against F10 (城南路社区)
        ("youth", POZIJIE): (1, 1, 0),  # N3 against F4 (坡子街社区)
        ("environment", XIANFENG): (1, 0, 1),  # N19
    }
    gap = result["gap"]
    assert [(r["code"], r["demand"], r["supply"], r["gap"]) for r in gap["by_region"]] == [
        (POZIJIE, 6, 5, 1),
        (CHENGNANLU, 5, 4, 1),
        (XIANFENG, 4, 3, 1),
    ]
    # Six positive cells, five listed: gap 2 first (charity before disability; the two
    # charity cells by region code), then gap 1 by category order; environment is cut.
    assert [
        (b["category"], b["region"], b["demand"], b["supply"], b["gap"]) for b in gap["biggest"]
    ] == [
        ("charity", POZIJIE, 2, 0, 2),
        ("charity", XIANFENG, 2, 0, 2),
        ("disability", CHENGNANLU, 3, 1, 2),
        ("mediation", CHENGNANLU, 1, 0, 1),
        ("culture", POZIJIE, 1, 0, 1),
    ]
    # In the active language (zh-hans): the street's and the category's Chinese names and the
    # two numbers (the sentence's wording comes from the translation catalogue).
    first, third = gap["biggest"][0]["text"], gap["biggest"][2]["text"]
    assert first.startswith("坡子街街道") and "慈善互助" in first
    assert first.index("2") < first.index("0")  # demand 2, then supply 0
    assert third.startswith("城南路街道") and "助残服务" in third
    assert result["overdue"]["acceptance_pending"]["count"] == 0  # P8 is in 岳麓区
    assert result["overdue"]["reports_late"]["count"] == 2
    assert result["breadcrumb"] == [
        {"code": CITY, "name": "长沙市", "level": "city"},
        {"code": TIANXIN, "name": "天心区", "level": "district"},
    ]
    assert [c["code"] for c in result["children"]] == [POZIJIE, CHENGNANLU, XIANFENG]


def test_biggest_gap_sentences_follow_the_language(data):
    with translation.override("en"):
        result = dashboard(within=TIANXIN, year=2026)
    assert (
        result["gap"]["biggest"][0]["text"]
        == "坡子街街道 · Charity and mutual aid: demand 2, supply 0"
    )
    assert result["gap"]["categories"][0]["name"] == "Home-based elderly care"


def test_other_district(data):
    result = dashboard(within=YUELU, year=2026)
    totals = result["totals"]
    assert (totals["needs_published"], totals["offers_published"]) == (1, 4)  # N7; F3, F7, F9, F4
    assert totals["match_rate"] == 1.0  # N7 reached P17
    assert totals["median_days_to_award"] == 11.5  # P8 9, P17 14
    assert (totals["funds_committed"], totals["funds_disbursed"]) == ("90000.00", "90000.00")
    assert (totals["resources_published"], totals["resources_amount"]) == (1, "300000.00")
    assert cells(result) == {
        ("elderly_care", "430104001000"): (1, 3, -2),
        ("youth", "430104001000"): (0, 1, -1),
    }
    assert result["gap"]["biggest"] == []


# --- street and community -----------------------------------------------------------------
def test_street(data):
    result = dashboard(within=POZIJIE, year=2026)
    totals = result["totals"]
    assert {k: totals[k] for k in ("communities", "staff_total", "staff_certified")} == {
        "communities": 1,
        "staff_total": 12,
        "staff_certified": 5,
    }
    assert totals["staff_certified_share"] == 0.4167  # 5 / 12
    assert (totals["orgs"], totals["orgs_verified"], totals["certified_workers"]) == (1, 0, 1)
    assert totals["needs_published"] == 6  # N1, N2, N3, N10, N15, N16
    assert totals["offers_published"] == 5  # F1, F2, F3, F7 cover the street; F4 its community
    assert totals["match_rate"] == 0.5  # N1, N2, N15
    assert totals["median_days_to_award"] == 10.0  # 2, 5.5, 10, 12, 20: the middle one
    assert totals["resources_published"] == 1  # R5
    assert result["gap"]["regions"] == [{"code": POZIJIE_COMMUNITY, "name": "测试社区001"}]
    assert cells(result) == {
        ("elderly_care", POZIJIE_COMMUNITY): (2, 4, -2),
        ("charity", POZIJIE_COMMUNITY): (2, 0, 2),
        ("culture", POZIJIE_COMMUNITY): (1, 0, 1),
        ("youth", POZIJIE_COMMUNITY): (1, 1, 0),
    }
    assert [b["category"] for b in result["gap"]["biggest"]] == ["charity", "culture"]
    assert [c["code"] for c in result["breadcrumb"]] == [CITY, TIANXIN, POZIJIE]
    assert result["children"] == [{"code": POZIJIE_COMMUNITY, "name": "测试社区001"}]


def test_community(data):
    result = dashboard(within=POZIJIE_COMMUNITY, year=2026)
    assert result["scope"]["level"] == "community"
    assert result["totals"]["needs_published"] == 6
    assert result["totals"]["offers_published"] == 5  # F4's area is the community itself
    assert result["totals"]["orgs"] == 0  # O2 is registered at the street
    assert result["gap"]["regions"] == [{"code": POZIJIE_COMMUNITY, "name": "测试社区001"}]
    assert cells(result)[("elderly_care", POZIJIE_COMMUNITY)] == (2, 4, -2)
    assert result["children"] == []
    assert [c["level"] for c in result["breadcrumb"]] == ["city", "district", "street", "community"]


def test_another_year(data):
    result = dashboard(within=CITY, year=2027)
    totals = result["totals"]
    assert totals["needs_published"] == 1  # 00:30 on 1 January 2027 in Shanghai
    assert totals["match_rate"] == 0.0
    assert totals["projects_by_status"] == statuses(published=1)  # P18
    assert totals["median_days_to_award"] is None
    assert (totals["funds_committed"], totals["resources_published"]) == ("0.00", 0)
    assert result["trends"]["projects_published"] == [0] * 12  # P18 was published in 2026
    assert result["overdue"]["reports_late"] == {"count": 0, "items": []}


def test_empty_scope_has_no_shares(tree):
    result = dashboard(within=CITY, year=2026)
    totals = result["totals"]
    assert totals["match_rate"] is None and totals["median_days_to_award"] is None
    assert totals["needs_published"] == totals["offers_published"] == 0
    assert totals["funds_committed"] == "0.00"


@pytest.mark.parametrize(
    ("within", "year", "field"),
    [
        ("4301", 2026, "within"),
        ("43010300000０", 2026, "within"),  # a full-width digit
        ("430199000000", 2026, "within"),  # no such region
        (None, 2026, "within"),
        (CITY, 1999, "year"),
        (CITY, "2026", "year"),
        (CITY, True, "year"),
    ],
)
def test_bad_input_names_the_field(tree, within, year, field):
    with pytest.raises(ValidationFailed) as caught:
        dashboard(within=within, year=year)
    assert list(caught.value.fields) == [field]


# --- query count --------------------------------------------------------------------------
def _grow(tree, streets: int):
    """`streets` more streets in 天心区, each with a community, a need, an offering, a late
    project with a report and a funding line, a failed one without bids, one awaiting
    acceptance."""
    now = timezone.now()
    resource = f.FundingResourceFactory(region=tree.tianxin)
    for i in range(streets):
        community = f.community_at(f"430103{200 + i:03d}001", name=f"新社区{i}")
        f.ServiceNeedFactory(community=community, published_at=at(2026, 1 + i % 12, 3))
        f.ServiceOfferingFactory(service_area=[community.region.parent_id])
        late = f.ProjectFactory(
            community=community, status="in_progress", published_at=at(2026, 2, 1),
            awarded_at=at(2026, 2, 9 + i % 10), started_at=now - timedelta(days=60),
        )  # fmt: skip
        f.ProgressReportFactory(project=late)
        f.ProjectFundingFactory(project=late, resource=resource, amount=Decimal("1000"))
        f.ProjectFactory(community=community, status="failed", closed_at=now)
        f.ProjectFactory(
            community=community, status="acceptance", final_report_at=now - timedelta(days=30)
        )


@pytest.mark.parametrize("streets", [1, 14])
def test_query_count_is_constant(tree, streets, django_assert_num_queries):
    _grow(tree, streets)
    for within in (CITY, TIANXIN, POZIJIE):
        with django_assert_num_queries(query_count()):
            result = dashboard(within=within, year=2026)
    result = dashboard(within=TIANXIN, year=2026)
    assert len(result["gap"]["regions"]) == 3 + streets
    assert result["overdue"]["acceptance_pending"]["count"] == streets
    assert len(result["overdue"]["acceptance_pending"]["items"]) == min(streets, 10)


# --- cache --------------------------------------------------------------------------------
def test_cache_returns_the_same_dict_and_costs_one_query(data, django_assert_num_queries):
    fresh = dashboard(within=TIANXIN, year=2026)
    assert dashboard_cached(TIANXIN, 2026) == fresh
    with django_assert_num_queries(1):  # the data version; the dict comes from the cache
        assert dashboard_cached(TIANXIN, 2026) == fresh
    with translation.override("en"):  # names and sentences are per language
        assert (
            dashboard_cached(TIANXIN, 2026)["gap"]["categories"][0]["name"]
            == "Home-based elderly care"
        )


def test_cache_is_invalidated_by_a_published_need(tree, staff_user):
    year = timezone.localdate().year
    need = f.ServiceNeedFactory(community=tree.pozijie_community, draft=True)
    assert dashboard_cached(TIANXIN, year)["totals"]["needs_published"] == 0
    need_publish(actor=staff_user, need=need)
    assert dashboard_cached(TIANXIN, year)["totals"]["needs_published"] == 1


def test_cache_is_invalidated_when_a_project_moves(
    tree, staff_user, district_official, org, org_member
):
    cast = story.make_cast(tree, staff_user=staff_user, district_official=district_official,
                           org=org, org_member=org_member)  # fmt: skip
    project = story.draft(cast)
    assert dashboard_cached(TIANXIN, 2026)["totals"]["projects_by_status"]["draft"] == 1
    story.publish(cast, project)
    moved = dashboard_cached(TIANXIN, 2026)
    assert moved["totals"]["projects_by_status"]["draft"] == 0
    assert moved["pipeline"]["bidding"] == 1


def test_cache_is_invalidated_by_a_bulk_write(data):
    before = dashboard_cached(CITY, 2026)
    assert before["totals"]["needs_published"] == 16
    # bulk_create: no save(), no signal, no history row; a new highest id.
    need = f.ServiceNeedFactory.build(
        community=data.n.n1.community,
        category=f.category("counselling"),
        published_at=at(2026, 9, 9),
    )
    type(need).objects.bulk_create([need])
    after = dashboard_cached(CITY, 2026)
    assert after["totals"]["needs_published"] == 17
    assert after == dashboard(within=CITY, year=2026)


def test_cache_refuses_bad_input_like_the_dashboard(tree):
    with pytest.raises(ValidationFailed):
        dashboard_cached(CITY, "2026")
    with pytest.raises(ValidationFailed):
        dashboard_cached("430199000000", 2026)
