"""A file with one bad row stores nothing and names that row, its column and the problem."""

import pytest
from django.utils import translation

from communities.models import Community, Region, ServiceNeed
from orgs.models import ServiceOffering, SocialOrg, SocialWorker
from projects.models import FundingResource

from . import files

pytestmark = pytest.mark.django_db

COMMUNITIES = ["430103002001", "430103004001"]


def _table_sizes():
    return {
        model.__name__: model.objects.count()
        for model in (
            Region,
            Community,
            SocialOrg,
            SocialWorker,
            ServiceNeed,
            ServiceOffering,
            FundingResource,
        )
    }


def _break(rows, index, header, value):
    """Set the cell of data row `index` (0-based) under `header`; return its file row number."""
    column = rows[0].index(header)
    rows[index + 1][column] = value
    return index + 2  # the header is row 1


def _bad_credit_code(rows):
    code = rows[1][0]
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def _needs(org):
    return files.needs(COMMUNITIES, 8)


def _orgs(org):
    return files.orgs(8)


def _resources(org):
    return files.resources(8)


def _offerings(org):
    return files.offerings(org.uscc, 8)


def _communities(org):
    return files.communities(["430103002000"], 8)


def _regions(org):
    return files.streets_and_communities(8)


# kind, rows, header of the broken column, the bad value (or a function of the rows),
# and a fragment the problem must contain.
CASES = [
    ("needs", _needs, "服务类别", "星际旅行", "星际旅行"),
    ("needs", _needs, "预算（元）", "-500", "negative"),
    ("needs", _needs, "需求标题", None, "required"),
    ("needs", _needs, "社区区划代码", "430103002999", "430103002999"),
    ("needs", _needs, "开始日期", "2026-02-30", "not a date"),
    ("needs", _needs, "服务对象", "外星人", "外星人"),
    ("orgs", _orgs, "统一社会信用代码", _bad_credit_code, "52430103MK"),
    ("orgs", _orgs, "登记区划代码", "430199000000", "430199000000"),
    ("orgs", _orgs, "机构类型", "合作社", "合作社"),
    ("orgs", _orgs, "评估等级", "6A", "6A"),
    ("resources", _resources, "金额（元）", "-100", "negative"),
    ("resources", _resources, "金额（元）", "0", "more than zero"),
    ("resources", _resources, "金额（元）", "100.005", "two decimal"),
    ("resources", _resources, "适用区划代码", "4301030", "12 digits"),
    ("resources", _resources, "年度", "26", "2000"),
    ("offerings", _offerings, "服务区域代码", "430188000000", "430188000000"),
    ("offerings", _offerings, "可同时承接项目数", "0", "at least 1"),
    ("offerings", _offerings, "最高价格（元）", "100", "below"),
    ("communities", _communities, "持证社工人数", 50, "certified"),
    ("communities", _communities, "社区区划代码", "430103002000", "not a community"),
    ("regions", _regions, "上级区划代码", "430103599000", "430103500000"),
    ("regions", _regions, "层级", "街道", "430103500004"),
]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(("kind", "make", "header", "bad", "fragment"), CASES)
def test_one_bad_row_stores_nothing(tree, org, fmt, kind, make, header, bad, fragment):
    rows = make(org)
    value = bad(rows) if callable(bad) else bad
    before = _table_sizes()

    line = _break(rows, 4, header, value)
    report = files.run(kind, rows, fmt=fmt)

    assert not report.stored
    assert _table_sizes() == before
    assert [(e.row, e.column) for e in report.errors] == [(line, header)], report.lines()
    text = str(report.errors[0])
    assert str(line) in text and header in text
    assert fragment.lower() in text.lower()


@pytest.mark.parametrize(
    ("kind", "make", "header"),
    [
        ("needs", _needs, "需求标题"),
        ("orgs", _orgs, "统一社会信用代码"),
        ("workers", lambda org: files.workers(8), "证书编号"),
        ("offerings", _offerings, "服务名称"),
        ("resources", _resources, "资源名称"),
        ("communities", _communities, "社区区划代码"),
    ],
)
def test_a_duplicate_within_the_file_names_both_rows(tree, org, kind, make, header):
    if kind == "workers":
        assert files.run("orgs", files.orgs(8)).stored
    rows = make(org)
    rows[7] = list(rows[3])  # data row 7 (file row 8) repeats data row 3 (file row 4)
    before = _table_sizes()

    report = files.run(kind, rows)

    assert not report.stored and _table_sizes() == before
    assert [(e.row, e.column) for e in report.errors] == [(8, header)]
    assert "row 4" in report.errors[0].problem


def test_one_bad_row_among_a_thousand(tree):
    rows = files.needs(COMMUNITIES, 1000)
    _break(rows, 998, "预算（元）", "-1")

    report = files.run("needs", rows)

    assert not report.stored
    assert ServiceNeed.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(1000, "预算（元）")]


def test_every_problem_is_reported_not_just_the_first(tree):
    rows = files.needs(COMMUNITIES, 6)
    _break(rows, 0, "预算（元）", "-1")
    _break(rows, 0, "结束日期", "someday")
    _break(rows, 3, "服务类别", "")
    _break(rows, 5, "社区区划代码", "430104001999")  # a community not on the platform

    report = files.run("needs", rows)

    assert [(e.row, e.column) for e in report.errors] == [
        (2, "预算（元）"),
        (2, "结束日期"),
        (5, "服务类别"),
        (7, "社区区划代码"),
    ]


def test_orgs_and_workers_in_one_workbook_fail_together(tree):
    workers = files.workers(5)
    workers[3][0] = files.credit_code(99)  # an organization neither on the platform nor here

    report = files.run("orgs", sheets=[("社会组织", files.orgs(5)), ("持证社工", workers)])

    assert not report.stored
    assert SocialOrg.objects.filter(uscc=files.credit_code(0)).count() == 0
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [
        ("持证社工", 4, "机构统一社会信用代码")
    ]
    assert "持证社工" in str(report.errors[0])


def test_rows_that_only_break_the_rules_of_a_service(tree, org, district_official):
    """Rules the services enforce beyond the fields: the period, the community fund's
    community and its one fund a year, the organization's own workers on an offering."""
    needs = files.needs(COMMUNITIES, 3)
    _break(needs, 1, "结束日期", "2026-01-01")  # before the start
    resources = files.resources(4)
    resources[2][1] = "社区惠民项目资金"  # a community fund without its community
    resources[3][1], resources[3][6] = "社区惠民项目资金", "430104001001"  # outside the region
    offerings = files.offerings(org.uscc, 2)
    offerings[0].append("服务社工证书编号")
    offerings[1].append("SG-NOBODY")
    offerings[2].append("")

    assert [(e.row, e.column) for e in files.run("needs", needs).errors] == [(3, "结束日期")]
    assert [(e.row, e.column) for e in files.run("resources", resources).errors] == [
        (3, "社区区划代码"),
        (4, "社区区划代码"),
    ]
    assert [(e.row, e.column) for e in files.run("offerings", offerings).errors] == [
        (2, "服务社工证书编号")
    ]


def test_one_community_fund_a_year(tree):
    rows = files.resources(0)
    rows.append(
        [
            "坡子街社区2026年惠民项目资金",
            "社区惠民项目资金",
            "坡子街社区",
            2026,
            "200000",
            "430103002001",
            "430103002001",
            "",
            "是",
        ]
    )
    assert files.run("resources", rows).stored

    again = files.resources(0)
    again.append(
        [
            "坡子街社区惠民资金（补录）",
            "社区惠民项目资金",
            "坡子街社区",
            2026,
            "200000",
            "430103002001",
            "430103002001",
            "",
            "是",
        ]
    )
    report = files.run("resources", again)

    assert [(e.row, e.column) for e in report.errors] == [(2, "社区区划代码")]
    assert "2026" in report.errors[0].problem


def test_a_region_needs_the_region_above_it(tree):
    rows = files.streets_and_communities(3)
    rows.append(["430103599001", "无街道的社区", "", "社区"])

    report = files.run("regions", rows)

    assert [(e.row, e.column) for e in report.errors] == [(6, "上级区划代码")]
    assert "430103599000" in report.errors[0].problem
    assert not Region.objects.filter(code__startswith="430103500").exists()


def test_a_conflict_at_write_time_rolls_everything_back(tree, monkeypatch):
    """Someone registers one of the organizations between the checks and the writes: the
    database's unique index refuses it, and the whole file is rolled back."""
    from matchmaking.imports.kinds.orgs import OrgsKind
    from tests import factories as f

    checked = OrgsKind.plan

    def plan_then_race(self, sheets, ctx, report):
        plans = checked(self, sheets, ctx, report)
        f.SocialOrgFactory(uscc=files.credit_code(3), name="抢先登记")
        return plans

    monkeypatch.setattr(OrgsKind, "plan", plan_then_race)

    report = files.run("orgs", files.orgs(5))

    assert not report.stored
    assert [e.row for e in report.errors] == [None]
    assert "nothing was stored" in report.errors[0].problem
    assert list(SocialOrg.objects.filter(name__startswith="导入").values_list("pk")) == []


def test_the_report_speaks_the_active_language(tree):
    rows = files.orgs(3)
    rows[2][0] = _bad_credit_code(rows)

    with translation.override("zh-hans"):
        report = files.run("orgs", rows)
        text = str(report.errors[0])

    assert "统一社会信用代码无效" in text  # the validator's message, as translated
    assert "3" in text and "“统一社会信用代码”" in text
