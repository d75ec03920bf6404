"""The fair kind (participants and intention projects) and the resources' fair column."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from matchmaking.imports import KINDS, import_file
from projects.fairs import fair_stats
from projects.models import FairRegistration, FundingResource, Intention
from projects.services import fair_create
from tests import factories as f

from . import files

pytestmark = pytest.mark.django_db

FAIR = "2018年长沙市社区服务供需对接会"
REGISTRATION_HEADER = ["对接会", "类型", "代码", "名称"]
INTENTION_HEADER = [
    "对接会",
    "社区区划代码",
    "社会组织统一社会信用代码",
    "项目名称",
    "意向金额（元）",
    "签约日期",
]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def fair(tree, city_official):
    return fair_create(
        actor=city_official,
        name=FAIR,
        year=2018,
        held_on=dt.date(2018, 11, 28),
        venue="长沙市民之家",
        region=tree.city,
    )


@pytest.fixture
def tianxin_fair(tree, city_official):
    return fair_create(
        actor=city_official,
        name="天心区对接会",
        year=2018,
        held_on=dt.date(2018, 10, 10),
        region=tree.tianxin,
    )


def registrations(*rows) -> list[list]:
    return [list(REGISTRATION_HEADER), *map(list, rows)]


def intentions(*rows) -> list[list]:
    return [list(INTENTION_HEADER), *map(list, rows)]


def good_registrations(tree, org) -> list[list]:
    return registrations(
        [FAIR, "街道", tree.pozijie.code, tree.pozijie.name],
        [FAIR, "社区", "430103002001", "坡子街社区"],
        [FAIR, "社区", "430103004001", ""],
        [FAIR, "社会组织", org.uscc, org.name],
    )


def good_intentions(org) -> list[list]:
    return intentions(
        [FAIR, "430103002001", org.uscc, "坡子街社区居家养老上门服务", "80000", ""],
        [FAIR, "430103004001", org.uscc, "城南路社区青少年四点半课堂", "6.5万", "2018-11-29"],
    )


def run(registration_rows=None, intention_rows=None, *, actor=None, dry_run=False):
    sheets = []
    if registration_rows is not None:
        sheets.append(("参会单位", registration_rows))
    if intention_rows is not None:
        sheets.append(("意向项目", intention_rows))
    return import_file(
        kind="fair", data=files.xlsx(*sheets), filename="fair.xlsx", actor=actor, dry_run=dry_run
    )


def counts(report, sheet) -> tuple[int, int, int]:
    c = report.sheet(sheet).counts
    return c.created, c.unchanged, c.updated


def where(report) -> list[tuple]:
    return [(e.sheet, e.row, e.column) for e in report.errors]


# --- the happy path -------------------------------------------------------------------------


def test_registers_participants_and_signs_intentions(tree, org, fair, city_official):
    report = run(good_registrations(tree, org), good_intentions(org), actor=city_official)

    assert report.stored, report.lines()
    assert counts(report, "registrations") == (4, 0, 0)
    assert counts(report, "intentions") == (2, 0, 0)
    assert FairRegistration.objects.filter(fair=fair, registered_by=city_official).count() == 4
    first, second = Intention.objects.filter(fair=fair).order_by("amount")
    assert (second.title, second.amount) == ("坡子街社区居家养老上门服务", Decimal("80000.00"))
    assert second.community == tree.pozijie_community and second.org == org
    # No date: the morning of the fair (Beijing time); a date: that day.
    assert second.signed_at == dt.datetime(2018, 11, 28, 10, tzinfo=SHANGHAI)
    assert first.amount == Decimal("65000.00")
    assert first.signed_at == dt.datetime(2018, 11, 29, 10, tzinfo=SHANGHAI)
    assert {first.signed_by, second.signed_by} == {city_official}
    stats = fair_stats(fair)
    assert (stats.streets, stats.communities, stats.orgs, stats.intentions) == (2, 2, 1, 2)
    assert stats.intentions_amount == Decimal("145000.00")


def test_reimport_changes_nothing(tree, org, fair, city_official):
    run(good_registrations(tree, org), good_intentions(org), actor=city_official)
    before = (FairRegistration.objects.count(), Intention.objects.count())
    stamps = list(Intention.objects.order_by("pk").values_list("updated_at", flat=True))

    again = run(good_registrations(tree, org), good_intentions(org), actor=city_official)

    assert again.stored, again.lines()
    assert counts(again, "registrations") == (0, 4, 0)
    assert counts(again, "intentions") == (0, 2, 0)
    assert (FairRegistration.objects.count(), Intention.objects.count()) == before
    assert list(Intention.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_a_changed_amount_updates_the_intention(tree, org, fair):
    run(good_registrations(tree, org), good_intentions(org))
    rows = good_intentions(org)
    rows[1][4] = "90000"
    rows[2][5] = "2018-11-30"

    report = run(None, rows)

    assert report.stored, report.lines()
    assert counts(report, "intentions") == (0, 0, 2)
    assert Intention.objects.get(title="坡子街社区居家养老上门服务").amount == Decimal("90000")
    changed = Intention.objects.get(title="城南路社区青少年四点半课堂")
    assert changed.signed_at == dt.datetime(2018, 11, 30, 10, tzinfo=SHANGHAI)


def test_a_converted_intention_cannot_change(tree, org, fair):
    run(good_registrations(tree, org), good_intentions(org))
    intention = Intention.objects.get(title="坡子街社区居家养老上门服务")
    intention.project = f.ProjectFactory(community=tree.pozijie_community)
    intention.save()
    rows = good_intentions(org)
    rows[1][4] = "90000"

    report = run(None, rows)

    assert not report.stored
    assert where(report) == [("", 2, "意向金额（元）")]
    assert "already become a project" in report.errors[0].problem
    assert Intention.objects.get(pk=intention.pk).amount == Decimal("80000")
    # Unchanged, it re-imports fine.
    assert run(None, good_intentions(org)).stored


def test_intentions_alone_use_registrations_already_on_the_platform(tree, org, fair):
    run(good_registrations(tree, org))
    assert FairRegistration.objects.count() == 4

    report = import_file(
        kind="fair",
        data=files.csv_bytes(good_intentions(org)),
        filename="intentions.csv",
    )

    assert report.stored, report.lines()
    assert [sheet.key for sheet in report.sheets] == ["intentions"]
    assert Intention.objects.count() == 2


def test_a_file_with_neither_sheet_is_refused(tree, fair):
    report = import_file(
        kind="fair", data=files.csv_bytes([["社区名称", "户数"], ["x", 1]]), filename="x.csv"
    )

    assert not report.ok
    assert report.errors[0].row is None
    assert "参会单位" in report.errors[0].problem and "意向项目" in report.errors[0].problem


# --- every problem names its row and column, and nothing is stored ---------------------------


def _org_outside(tree):
    return f.SocialOrgFactory(region=tree.yuelu, name="岳麓区某社工站")


REGISTRATION_ERRORS = {
    "unknown fair": (["某不存在的对接会", "社区", "430103002001", ""], "对接会", "no matchmaking"),
    "unknown type": ([FAIR, "居民", "430103002001", ""], "类型", "is not one of"),
    "unknown street": ([FAIR, "街道", "430103077000", ""], "代码", "unknown street"),
    "unknown community": ([FAIR, "社区", "430103002077", ""], "代码", "no community"),
    "unknown org": ([FAIR, "社会组织", files.credit_code(777), ""], "代码", "no organization"),
    "bad credit code": ([FAIR, "社会组织", "52430103MJ00000X", ""], "代码", "52430103MJ00000X"),
    "street code not a street": ([FAIR, "街道", "430103002001", ""], "代码", "not a street"),
    "community code not a community": (
        [FAIR, "社区", "430103002000", ""],
        "代码",
        "not a community code",
    ),
    "district as a street": ([FAIR, "街道", "430103000000", ""], "代码", "not a street"),
    "name mismatch": ([FAIR, "社区", "430103010001", "先峰社区"], "名称", "does not match"),
    "bad code": ([FAIR, "社区", "43010300200", ""], "代码", "12 digits"),
    "missing code": ([FAIR, "社区", "", ""], "代码", "required"),
}


@pytest.mark.parametrize("case", sorted(REGISTRATION_ERRORS))
def test_registration_errors_name_row_and_column(tree, org, fair, case):
    bad, column, words = REGISTRATION_ERRORS[case]
    rows = good_registrations(tree, org)
    rows.insert(3, bad)

    report = run(rows, good_intentions(org))

    assert where(report) == [("参会单位", 4, column)], report.lines()
    assert words in report.errors[0].problem
    assert FairRegistration.objects.count() == Intention.objects.count() == 0


def test_two_fairs_of_the_same_name_ask_for_a_unique_name(tree, org, fair, city_official):
    fair_create(
        actor=city_official, name=FAIR, year=2019, held_on=dt.date(2019, 11, 1), region=tree.city
    )

    report = run(registrations([FAIR, "社区", "430103002001", ""]))

    assert where(report) == [("", 2, "对接会")]
    assert "unique" in report.errors[0].problem
    assert FairRegistration.objects.count() == 0


def test_outside_the_fairs_region(tree, org, tianxin_fair):
    report = run(
        registrations(
            ["天心区对接会", "社区", "430103002001", ""],
            ["天心区对接会", "社区", "430104001001", "望月湖社区"],
            ["天心区对接会", "街道", "430104001000", ""],
            # An organization registered elsewhere may attend (as registration_add allows).
            ["天心区对接会", "社会组织", _org_outside(tree).uscc, ""],
        )
    )

    assert where(report) == [("", 3, "代码"), ("", 4, "代码")]
    assert "outside the region 430103000000" in report.errors[0].problem
    assert FairRegistration.objects.count() == 0


def test_outside_the_importers_jurisdiction(tree, org, fair, district_official):
    outsider = _org_outside(tree)
    rows = registrations(
        [FAIR, "社区", "430103002001", ""],
        [FAIR, "社区", "430104001001", ""],
        [FAIR, "街道", "430104001000", ""],
        [FAIR, "社会组织", outsider.uscc, ""],
        [FAIR, "社会组织", org.uscc, ""],
    )
    ints = intentions([FAIR, "430104001001", org.uscc, "望月湖社区项目", "1000", ""])

    report = run(rows, ints, actor=district_official)

    assert where(report) == [
        ("参会单位", 3, "代码"),
        ("参会单位", 4, "代码"),
        ("参会单位", 5, "代码"),
        ("意向项目", 2, "社区区划代码"),
    ]
    assert all("outside your jurisdiction" in e.problem for e in report.errors)
    assert FairRegistration.objects.count() == 0


def test_duplicate_rows(tree, org, fair):
    rows = good_registrations(tree, org)
    rows.append([FAIR, "社区", "４３０１０３００２００１", ""])  # the same code, full-width
    ints = good_intentions(org)
    ints.append([FAIR, "430103002001", org.uscc, "坡子街社区居家养老上门服务", "70000", ""])

    report = run(rows, ints)

    assert where(report) == [("参会单位", 6, "代码"), ("意向项目", 4, "项目名称")]
    assert all("row" in e.problem for e in report.errors)
    assert FairRegistration.objects.count() == Intention.objects.count() == 0


INTENTION_ERRORS = {
    "unknown fair": ({0: "不存在的对接会"}, "对接会", "no matchmaking"),
    "unknown community": ({1: "430103002077"}, "社区区划代码", "no community"),
    "unknown org": ({2: files.credit_code(778)}, "社会组织统一社会信用代码", "no organization"),
    "community not registered": ({1: "430103010001"}, "社区区划代码", "has not registered"),
    "zero amount": ({4: "0"}, "意向金额（元）", "more than zero"),
    "negative amount": ({4: "-100"}, "意向金额（元）", "negative"),
    "not an amount": ({4: "八万"}, "意向金额（元）", "not an amount"),
    "no amount": ({4: ""}, "意向金额（元）", "required"),
    "no title": ({3: ""}, "项目名称", "required"),
    "long title": ({3: "长" * 121}, "项目名称", "120"),
    "bad date": ({5: "2018-13-40"}, "签约日期", "not a date"),
}


@pytest.mark.parametrize("case", sorted(INTENTION_ERRORS))
def test_intention_errors_name_row_and_column(tree, org, fair, case):
    change, column, words = INTENTION_ERRORS[case]
    ints = good_intentions(org)
    bad = list(ints[1])
    bad[3] = "另一个项目"
    for index, value in change.items():
        bad[index] = value
    ints.insert(2, bad)

    report = run(good_registrations(tree, org), ints)

    assert where(report) == [("意向项目", 3, column)], report.lines()
    assert words in report.errors[0].problem
    assert FairRegistration.objects.count() == Intention.objects.count() == 0


def test_org_not_registered(tree, org, fair):
    other = f.SocialOrgFactory(region=tree.tianxin)
    ints = intentions([FAIR, "430103002001", other.uscc, "项目", "1000", ""])

    report = run(good_registrations(tree, org), ints)

    assert where(report) == [("意向项目", 2, "社会组织统一社会信用代码")]
    assert "has not registered" in report.errors[0].problem


def test_one_bad_row_among_many_stores_nothing(tree, org, fair):
    orgs = files.orgs(300)
    assert files.run("orgs", orgs).stored
    rows = registrations(*([FAIR, "社会组织", row[0], row[1]] for row in orgs[1:]))
    rows.append([FAIR, "社区", "430103002001", ""])
    ints = intentions(
        *(
            [FAIR, "430103002001", row[0], f"项目{i}", 1000 + i, ""]
            for i, row in enumerate(orgs[1:])
        )
    )
    ints[150][4] = "-1"

    report = run(rows, ints)

    assert where(report) == [("意向项目", 151, "意向金额（元）")]
    assert FairRegistration.objects.count() == Intention.objects.count() == 0
    ints[150][4] = "1"
    assert run(rows, ints).stored
    assert (FairRegistration.objects.count(), Intention.objects.count()) == (301, 300)


# --- the resources' fair column -------------------------------------------------------------


def resource_rows(fair_name: str, region: str = "430103000000", n: int = 2) -> list[list]:
    rows = files.resources(n)
    rows[0].append("对接会")
    for row in rows[1:]:
        row[5] = region
        row.append(fair_name)
    return rows


def test_resources_name_their_fair(tree, fair):
    report = files.run("resources", resource_rows(FAIR))

    assert report.stored, report.lines()
    assert set(FundingResource.objects.values_list("fair", flat=True)) == {fair.pk}
    assert fair_stats(fair).resources_amount == Decimal("1000000.00")
    # Re-import: unchanged; a blank fair keeps the fair; another fair changes it.
    assert files.run("resources", resource_rows(FAIR)).sheet("resources").counts.unchanged == 2
    blank = files.run("resources", resource_rows(""))
    assert blank.sheet("resources").counts.unchanged == 2
    assert set(FundingResource.objects.values_list("fair", flat=True)) == {fair.pk}


def test_resources_fair_errors(tree, fair, tianxin_fair, city_official):
    fair_create(
        actor=city_official, name="重名", year=2018, held_on=dt.date(2018, 1, 1), region=tree.city
    )
    fair_create(
        actor=city_official, name="重名", year=2019, held_on=dt.date(2019, 1, 1), region=tree.city
    )
    rows = resource_rows(FAIR, n=4)
    rows[1][-1] = "没有这个对接会"
    rows[2][-1] = "重名"
    rows[3][-1] = "天心区对接会"
    rows[3][5] = "430104000000"  # 岳麓区 money at the 天心区 fair

    report = files.run("resources", rows)

    assert [(e.row, e.column) for e in report.errors] == [
        (2, "对接会"),
        (3, "对接会"),
        (4, "对接会"),
    ]
    assert "no matchmaking fair" in report.errors[0].problem
    assert "unique" in report.errors[1].problem
    assert "outside the region 430103000000" in report.errors[2].problem
    assert FundingResource.objects.count() == 0


def test_resources_without_the_fair_column_still_import(tree):
    assert files.run("resources", files.resources(2)).stored
    assert not FundingResource.objects.filter(fair__isnull=False).exists()


# --- templates, the command, and the cost -----------------------------------------------------


def test_template_download(tree, district_official, login):
    client = login(district_official)
    page = client.get("/en/imports/")
    assert "/imports/templates/fair.xlsx" in page.text

    response = client.get("/en/imports/templates/fair.xlsx")

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["参会单位", "意向项目"]
    assert [c.value for c in book["参会单位"][1]] == REGISTRATION_HEADER
    assert [c.value for c in book["意向项目"][1]] == [*INTENTION_HEADER, "服务类别"]
    lists = [v.formula1 for v in book["参会单位"].data_validations.dataValidation]
    assert '"街道,社区,社会组织"' in lists
    csv = client.get("/en/imports/templates/fair.csv")
    assert csv.content.decode("utf-8-sig").splitlines()[0].split(",") == REGISTRATION_HEADER


def test_the_command_imports_a_fair_file(tree, org, fair, tmp_path):
    path = tmp_path / "fair.xlsx"
    path.write_bytes(
        files.xlsx(("参会单位", good_registrations(tree, org)), ("意向项目", good_intentions(org)))
    )
    out = io.StringIO()

    call_command("import_data", "fair", str(path), stdout=out)

    assert "4 created" in out.getvalue() and "2 created" in out.getvalue()
    assert Intention.objects.count() == 2


def test_the_kind_comes_after_resources():
    keys = list(KINDS)
    assert keys.index("fair") == keys.index("resources") + 1


def _queries(rows, ints) -> int:
    with CaptureQueriesContext(connection) as captured:
        report = run(rows, ints)
    assert report.stored, report.lines()[:5]
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_rows(tree, fair):
    orgs = files.orgs(1100)
    assert files.run("orgs", orgs, fmt="csv").stored

    def batch(start, n, amount=1000):
        chosen = orgs[1 + start : 1 + start + n]
        regs = registrations(*([FAIR, "社会组织", row[0], row[1]] for row in chosen))
        regs.append([FAIR, "社区", "430103002001", ""])
        ints = intentions(
            *(
                [FAIR, "430103002001", row[0], f"项目{i}", amount, ""]
                for i, row in enumerate(chosen)
            )
        )
        return regs, ints

    create = [_queries(*batch(0, 100)), _queries(*batch(100, 1000))]
    update = [_queries(*batch(0, 100, 2000)), _queries(*batch(100, 1000, 2000))]
    same = [_queries(*batch(0, 100, 2000)), _queries(*batch(100, 1000, 2000))]

    assert Intention.objects.count() == 1100
    for few, many in (create, update, same):
        if connection.vendor == "postgresql":
            assert many == few, (create, update, same)
        else:
            assert many - few <= 900 // 20, (create, update, same)


def test_a_category_column_gives_the_project_its_category(tree, org, fair, staff_user):
    """The 服务类别 column is optional; with it, converting needs no further choice."""
    from projects.services import intention_convert

    rows = [
        [*INTENTION_HEADER, "服务类别"],
        [FAIR, "430103002001", org.uscc, "坡子街社区居家养老上门服务", "80000", "", "居家养老"],
        [FAIR, "430103004001", org.uscc, "城南路社区青少年四点半课堂", "60000", "", "不存在的类别"],
    ]
    report = run(good_registrations(tree, org), rows)
    assert not report.stored
    assert where(report) == [("意向项目", 3, "服务类别")]

    del rows[2]
    report = run(good_registrations(tree, org), rows)
    assert report.stored, report.lines()
    intention = Intention.objects.get()
    assert intention.category.code == "elderly_care"
    project = intention_convert(actor=staff_user, intention=intention)
    assert project.category.code == "elderly_care" and project.intention == intention
