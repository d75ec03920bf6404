"""The yearly ranking against a hand-built data set whose every figure is worked out below.

Projects of 2026 (C = completed, F = failed; scores, visit ratings, reports' beneficiaries;
on time = the local closing date is on or before period_end, or there is no period_end):

  community (street)        project  org  state  score  visits   served   on time
  坡子街 P  (坡子街街道)       p1       A    C      90     4, 5     100, 50  yes (closed 12-20)
                            p2       A    C      80     3        30       no: closed 2027-01-01
                                                                         00:30 Shanghai (still
                                                                         2026-12-31 in UTC)
                            p3       B    F      40     2        20       (failed: counts only
                                                                         in `failed`)
                            p4       —    F      —      —        —        (failed in bidding)
  城南路 C  (城南路街道)       p5       B    C      85     5, 5, 4  200      yes (no period_end)
                            p6       Co   C      85     —        —        yes (closed 12-31 23:30)
  城南路 Z  (城南路街道)       z1       —    F      —      —        —
  先锋 X    (先锋街道)         p7       D    C      70     4        10       yes
  先锋 Y    (先锋街道)         p8       D    C      70     4        10       yes
  望月湖 W  (望月湖街道,岳麓)   p9       A    C      75     5        15       yes

Left out: P's 2025 completed project and its in-progress one; V (坡子街街道) has only a cancelled
2026 project and a completed 2025 one, so it does not appear at all.
"""

from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import ValidationFailed
from projects.choices import BidStatus, ProjectStatus
from projects.rankings import rankings, service_power
from tests import factories as f

S = ProjectStatus
SHANGHAI = ZoneInfo("Asia/Shanghai")
END = date(2026, 12, 31)

FIGURES = ("completed", "failed", "acceptance_mean", "rating_mean", "beneficiaries", "on_time_rate")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def make_project(
    community,
    org=None,
    *,
    status=S.COMPLETED,
    score=None,
    visits=(),
    served=(),
    closed=None,
    period_end=END,
    year=2026,
):
    """A project as the lifecycle would leave it, with its awarded bid, visits and reports
    (closed on 2026-12-01 unless `closed` says otherwise)."""
    closed = closed or local(2026, 12, 1, 10, 0)
    project = f.ProjectFactory(
        community=community,
        status=status,
        year=year,
        acceptance_score=score,
        period_end=period_end,
        closed_at=closed if status in (S.COMPLETED, S.FAILED, S.CANCELLED) else None,
        # The final report goes in at closing here, so "on time" reads the same date.
        final_report_at=closed if status in (S.COMPLETED, S.FAILED) else None,
    )
    if org is not None:
        project.awarded_bid = f.BidFactory(project=project, org=org, status=BidStatus.AWARDED)
        project.save(update_fields=["awarded_bid"])
    supervisor = f.UserFactory() if visits else None
    for rating in visits:
        f.SupervisionVisitFactory(project=project, supervisor=supervisor, rating=rating)
    for number in served:
        f.ProgressReportFactory(project=project, org=org, beneficiaries_served=number)
    return project


@pytest.fixture
def data(tree):
    org_a = f.SocialOrgFactory(name="A 阳光社工", region=tree.tianxin)
    org_b = f.SocialOrgFactory(name="B 同心社工", region=tree.tianxin)
    org_c = f.SocialOrgFactory(name="C 康乐社工", region=tree.yuelu)
    org_d = f.SocialOrgFactory(name="D 新航社工", region=tree.tianxin)
    p = tree.pozijie_community
    c = tree.chengnanlu_community
    x = tree.xianfeng_community
    w = tree.wangyuehu_community
    y = f.community_at("430103010002", name="先锋二社区")
    z = f.community_at("430103004002", name="城南路二社区")
    v = f.community_at("430103002002", name="坡子街二社区")

    make_project(p, org_a, score=90, visits=[4, 5], served=[100, 50], closed=local(2026, 12, 20))
    make_project(p, org_a, score=80, visits=[3], served=[30], closed=local(2027, 1, 1, 0, 30))
    make_project(p, org_b, status=S.FAILED, score=40, visits=[2], served=[20])
    make_project(p, status=S.FAILED)
    make_project(c, org_b, score=85, visits=[5, 5, 4], served=[200], period_end=None)
    make_project(c, org_c, score=85, closed=local(2026, 12, 31, 23, 30))
    make_project(z, status=S.FAILED)
    make_project(x, org_d, score=70, visits=[4], served=[10])
    make_project(y, org_d, score=70, visits=[4], served=[10])
    make_project(w, org_a, score=75, visits=[5], served=[15])
    # Outside the 2026 ranking: another year, a project still running, a cancelled one.
    make_project(p, org_a, score=100, visits=[5], served=[999], year=2025)
    make_project(p, org_a, status=S.IN_PROGRESS, visits=[1], served=[999])
    make_project(v, org_a, status=S.CANCELLED, served=[999])
    make_project(v, org_b, score=100, visits=[5], served=[999], year=2025)
    return {"tree": tree, "a": org_a, "b": org_b, "c": org_c, "d": org_d, "y": y, "z": z, "v": v}


def table(rows, key="name"):
    return [(row["rank"], row[key], *(row[name] for name in FIGURES)) for row in rows]


def test_communities_hand_computed_with_ties(data):
    rows = rankings(year=2026, level="community")
    assert table(rows) == [
        # C and P tie on completed (2) and acceptance (85.00): more beneficiaries first.
        (1, "城南路社区", 2, 0, "85.00", "4.67", 200, "1.0000"),  # rating 14/3
        (2, "坡子街社区", 2, 2, "85.00", "4.00", 180, "0.5000"),  # p2 closed late (local date)
        # W has a larger code than X and Y but a better acceptance mean.
        (3, "望月湖社区", 1, 0, "75.00", "5.00", 15, "1.0000"),
        # X and Y tie on every figure: the smaller region code first.
        (4, "先锋社区", 1, 0, "70.00", "4.00", 10, "1.0000"),
        (5, "先锋二社区", 1, 0, "70.00", "4.00", 10, "1.0000"),
        # Only a failed project: listed, with no means, last.
        (6, "城南路二社区", 0, 1, None, None, 0, None),
    ]
    assert [row["code"] for row in rows[3:5]] == ["430103010001", "430103010002"]
    assert rows[0]["unit"] == data["tree"].chengnanlu_community.id
    assert all("service_power" not in row for row in rows)
    assert data["v"].id not in {row["unit"] for row in rows}


def test_streets_group_by_the_code_prefix(data):
    rows = rankings(year=2026, level="street")
    assert table(rows, key="unit") == [
        (1, "430103004000", 2, 1, "85.00", "4.67", 200, "1.0000"),  # C + Z
        (2, "430103002000", 2, 2, "85.00", "4.00", 180, "0.5000"),  # P (V has nothing)
        (3, "430103010000", 2, 0, "70.00", "4.00", 20, "1.0000"),  # X + Y
        (4, "430104001000", 1, 0, "75.00", "5.00", 15, "1.0000"),  # W
    ]
    assert [row["name"] for row in rows] == ["城南路街道", "坡子街街道", "先锋街道", "望月湖街道"]
    assert [row["code"] for row in rows] == [row["unit"] for row in rows]


def test_districts(data):
    rows = rankings(year=2026, level="district")
    assert table(rows) == [
        # scores 90+80+85+85+70+70 = 480 over 6; ratings 4+5+3+5+5+4+4+4 = 34 over 8;
        # on time 5 of 6 (p2 late); served 150+30+200+10+10.
        (1, "天心区", 6, 3, "80.00", "4.25", 400, "0.8333"),
        (2, "岳麓区", 1, 0, "75.00", "5.00", 15, "1.0000"),
    ]
    assert [row["unit"] for row in rows] == ["430103000000", "430104000000"]


def test_orgs_by_service_power(data):
    rows = rankings(year=2026, level="org")
    assert table(rows) == [
        # B: p3 failed — its score 40, visit 2 and 20 served count nowhere but `failed`.
        (1, "B 同心社工", 1, 1, "85.00", "4.67", 200, "1.0000"),
        # A: scores 90, 80, 75; ratings 4, 5, 3, 5; p2 late.
        (2, "A 阳光社工", 3, 0, "81.67", "4.25", 195, "0.6667"),
        (3, "D 新航社工", 2, 0, "70.00", "4.00", 20, "1.0000"),
        # No visit: the rating term counts 0.
        (4, "C 康乐社工", 1, 0, "85.00", None, 0, "1.0000"),
    ]
    # B: 0.4·85 + 0.2·(14/3 − 1)/4·100 + 0.2·1·100 + 0.2·1/5·100 = 34 + 55/3 + 20 + 4
    # A: 0.4·245/3 + 0.2·(17/4 − 1)/4·100 + 0.2·(2/3)·100 + 0.2·3/5·100
    #    = 98/3 + 16.25 + 40/3 + 12 = 74.25 exactly (rounding each term first would not matter
    #    here, but the total is computed from the exact figures)
    # D: 28 + 15 + 20 + 8;  C: 34 + 0 + 20 + 4
    assert [row["service_power"] for row in rows] == ["76.33", "74.25", "71.00", "58.00"]
    assert [row["unit"] for row in rows] == [data[k].id for k in "badc"]
    assert all(row["code"] is None for row in rows)


def test_within_restricts_the_projects(data):
    tree = data["tree"]
    rows = rankings(year=2026, level="community", within=tree.tianxin.code)
    assert [row["name"] for row in rows] == [
        "城南路社区",
        "坡子街社区",
        "先锋社区",
        "先锋二社区",
        "城南路二社区",
    ]
    street = rankings(year=2026, level="community", within=tree.xianfeng.code)
    assert [row["name"] for row in street] == ["先锋社区", "先锋二社区"]
    assert [row["rank"] for row in street] == [1, 2]
    # A street's districts: only the one it lies in, computed over that street alone.
    assert table(rankings(year=2026, level="district", within=tree.xianfeng.code)) == [
        (1, "天心区", 2, 0, "70.00", "4.00", 20, "1.0000")
    ]
    # An organization's figures within a scope count only its projects there: A loses p9.
    orgs = rankings(year=2026, level="org", within=tree.tianxin.code)
    assert [(row["name"], row["completed"], row["service_power"]) for row in orgs] == [
        ("B 同心社工", 1, "76.33"),
        ("D 新航社工", 2, "71.00"),
        # 0.4·85 + 0.2·(12/3 − 1)/4·100 + 0.2·(1/2)·100 + 0.2·2/5·100 = 34 + 15 + 10 + 8
        ("A 阳光社工", 2, "67.00"),
        ("C 康乐社工", 1, "58.00"),
    ]
    assert rankings(year=2026, level="org", within=tree.wangyuehu.code)[0]["completed"] == 1


def test_other_years_are_separate(data):
    rows = rankings(year=2025, level="community")
    assert table(rows) == [
        (1, "坡子街社区", 1, 0, "100.00", "5.00", 999, "1.0000"),
        (2, "坡子街二社区", 1, 0, "100.00", "5.00", 999, "1.0000"),
    ]
    assert rankings(year=2024, level="district") == []


def test_org_ties_are_broken_by_acceptance_then_beneficiaries_then_id(tree):
    c = tree.pozijie_community
    orgs = [f.SocialOrgFactory(name=f"机构{n}", region=tree.tianxin) for n in range(4)]
    # 0: 0.4·80 + 0.2·(9/5 − 1)/4·100 + 20 + 4 = 32 + 4 + 24 = 60
    make_project(c, orgs[0], score=80, visits=[1, 2, 2, 2, 2], served=[5])
    # 1: 0.4·90 + 0 (no visit) + 20 + 4 = 60, better acceptance mean
    make_project(c, orgs[1], score=90, served=[5])
    # 2 and 3: the same as 0 but more served; 2 and 3 tie completely → smaller id first.
    make_project(c, orgs[3], score=80, visits=[1, 2, 2, 2, 2], served=[50])
    make_project(c, orgs[2], score=80, visits=[1, 2, 2, 2, 2], served=[50])
    rows = rankings(year=2026, level="org")
    assert [(row["rank"], row["unit"], row["service_power"]) for row in rows] == [
        (1, orgs[1].id, "60.00"),
        (2, orgs[2].id, "60.00"),
        (3, orgs[3].id, "60.00"),
        (4, orgs[0].id, "60.00"),
    ]


def test_rounding_is_half_up(tree):
    # Ratings 4, 4, 4, 5, 5, 5, 5, 5 → 37/8 = 4.625 → 4.63; scores 81, 82 → 81.5 → 81.50;
    # on time 1 of 8 completed = 0.125 → 0.1250 (shown to four places).
    c = tree.pozijie_community
    org = f.SocialOrgFactory(region=tree.tianxin)
    make_project(c, org, score=81, visits=[4, 4, 4, 5], closed=local(2027, 1, 2))
    make_project(c, org, score=82, visits=[5, 5, 5, 5])
    for _ in range(6):
        make_project(c, org, score=None, closed=local(2027, 1, 2))
    (row,) = rankings(year=2026, level="org")
    assert (row["completed"], row["acceptance_mean"], row["rating_mean"]) == (8, "81.50", "4.63")
    assert row["on_time_rate"] == "0.1250"
    # 0.4·81.5 + 0.2·(4.625 − 1)/4·100 + 0.2·0.125·100 + 0.2·5/5·100 = 32.6 + 18.125 + 2.5 + 20
    assert row["service_power"] == "73.23"  # 73.225 half up


def test_service_power_formula():
    assert service_power(
        acceptance_mean=Fraction(90), rating_mean=Fraction(5), on_time_rate=Fraction(1), completed=7
    ) == Fraction(36 + 20 + 20 + 20)
    assert service_power(
        acceptance_mean=None, rating_mean=None, on_time_rate=None, completed=0
    ) == Fraction(0)
    # A rating of 1 is the bottom of the scale: its term is 0, as when there is no visit.
    assert service_power(
        acceptance_mean=Fraction(50),
        rating_mean=Fraction(1),
        on_time_rate=Fraction(1, 2),
        completed=2,
    ) == Fraction(20 + 0 + 10 + 8)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"year": 2026, "level": "province"}, "level"),
        ({"year": 2026, "level": ""}, "level"),
        ({"year": "2026", "level": "community"}, "year"),
        ({"year": True, "level": "community"}, "year"),
        ({"year": 2026, "level": "street", "within": "4301"}, "within"),
        ({"year": 2026, "level": "street", "within": "43010300000０"}, "within"),
    ],
)
def test_bad_input_names_the_field(db, arguments, field):
    with pytest.raises(ValidationFailed) as error:
        rankings(**arguments)
    assert field in error.value.fields


def _add_more(tree, count):
    """More communities, organizations, projects, visits and reports, in both districts."""
    for n in range(count):
        community = f.community_at(f"43010{3 + n % 2}00{1 + n % 3}{200 + n:03d}")
        org = f.SocialOrgFactory(region=tree.tianxin)
        make_project(community, org, score=60 + n, visits=[3, 4], served=[n, 1])
        make_project(community, org, status=S.FAILED, score=30, visits=[1], served=[2])


@pytest.mark.parametrize("level", ["community", "street", "district", "org"])
def test_query_count_does_not_grow(data, level):
    # Projects, visits and reports grouped by unit; streets and districts also read names.
    expected = 4 if level in ("street", "district") else 3

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = rankings(year=2026, level=level, within=data["tree"].city.code)
        return len(queries), sum(row["completed"] + row["failed"] for row in rows)

    small, small_projects = count()
    _add_more(data["tree"], 12)
    large, large_projects = count()
    assert small == large == expected
    # 10 completed or failed projects of 2026, 8 of them with an organization (p4 and z1 failed
    # in bidding); then 24 more, all awarded.
    first = 8 if level == "org" else 10
    assert (small_projects, large_projects) == (first, first + 24)
