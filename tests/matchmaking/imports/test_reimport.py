"""Importing the same file again changes nothing; a changed cell updates just that row."""

from decimal import Decimal

import pytest

from communities.models import Community, Region, ServiceNeed
from orgs.models import ServiceOffering, SocialOrg, SocialWorker
from projects.models import FundingResource

from . import files

pytestmark = pytest.mark.django_db

COMMUNITIES = ["430103002001", "430103004001"]


def _snapshot(model):
    """Every row's values and its history length: nothing may move on a re-import."""
    rows = {
        obj.pk: {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
        for obj in model.objects.all()
    }
    history = model.history.count() if hasattr(model, "history") else None
    return rows, history


# kind, rows, the model whose rows it writes, (header, new value) for one changed cell and
# how to read that value back.
CASES = [
    (
        "regions",
        lambda org: files.streets_and_communities(6),
        Region,
        ("名称", "改名社区"),
        lambda: Region.objects.get(code="430103500003").name,
        "改名社区",
    ),
    (
        "communities",
        lambda org: files.communities(["430103002000"], 6),
        Community,
        ("户数", 4321),
        lambda: Community.objects.get(region_id="430103002103").households,
        4321,
    ),
    (
        "orgs",
        lambda org: files.orgs(6),
        SocialOrg,
        ("评估等级", "5A"),
        lambda: SocialOrg.objects.get(uscc=files.credit_code(3)).grade,
        "5A",
    ),
    (
        "needs",
        lambda org: files.needs(COMMUNITIES, 6),
        ServiceNeed,
        ("预算（元）", "65000.5"),
        lambda: ServiceNeed.objects.get(title="导入需求3").budget,
        Decimal("65000.50"),
    ),
    (
        "offerings",
        lambda org: files.offerings(org.uscc, 6),
        ServiceOffering,
        ("可同时承接项目数", 5),
        lambda: ServiceOffering.objects.get(title="导入服务3").capacity,
        5,
    ),
    (
        "resources",
        lambda org: files.resources(6),
        FundingResource,
        ("金额（元）", "80万"),
        lambda: FundingResource.objects.get(name="导入资金3").amount,
        Decimal("800000.00"),
    ),
]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(("kind", "make", "model", "change", "read", "expected"), CASES)
def test_reimport_changes_nothing(tree, org, fmt, kind, make, model, change, read, expected):
    rows = make(org)
    first = files.run(kind, rows, fmt=fmt)
    assert first.stored, first.lines()
    created = first.sheets[0].counts.created
    assert created == len(rows) - 1
    before = _snapshot(model)

    again = files.run(kind, rows, fmt=fmt)

    assert again.stored
    counts = again.sheets[0].counts
    assert (counts.created, counts.unchanged, counts.updated) == (0, created, 0)
    assert f"0 created, {created} unchanged, 0 updated" in again.lines()[0]
    assert _snapshot(model) == before

    header, value = change
    rows[4][rows[0].index(header)] = value
    changed = files.run(kind, rows, fmt=fmt)

    counts = changed.sheets[0].counts
    assert (counts.created, counts.unchanged, counts.updated) == (0, created - 1, 1)
    assert read() == expected
    if before[1] is not None:
        assert model.history.count() == before[1] + 1


def test_workers_by_certificate_number(tree):
    assert files.run("orgs", files.orgs(3)).stored
    rows = files.workers(3)
    assert files.run("workers", rows).sheets[0].counts.created == 3
    rows[2][2] = "高级社会工作师"
    rows[3][0] = files.credit_code(0)  # the worker moved to another organization

    report = files.run("workers", rows)

    counts = report.sheets[0].counts
    assert (counts.created, counts.unchanged, counts.updated) == (0, 1, 2)
    moved = SocialWorker.objects.get(certificate_no="SGIMP0000002")
    assert moved.org.uscc == files.credit_code(0)
    assert SocialWorker.objects.get(certificate_no="SGIMP0000001").certificate_level == "senior"


def test_orgs_with_workers_in_one_workbook(tree):
    sheets = [("社会组织", files.orgs(4)), ("持证社工", files.workers(4))]

    first = files.run("orgs", sheets=sheets)
    again = files.run("orgs", sheets=sheets)

    assert [str(s.counts) for s in first.sheets] == ["4 created, 0 unchanged, 0 updated"] * 2
    assert [str(s.counts) for s in again.sheets] == ["0 created, 4 unchanged, 0 updated"] * 2
    org = SocialOrg.objects.get(uscc=files.credit_code(2))
    assert list(org.workers.values_list("certificate_no", flat=True)) == ["SGIMP0000002"]
    assert org.verified and org.verified_at is not None
    assert org.history.count() == 1


def test_many_to_many_sets_count_as_changes(tree, org):
    rows = files.needs(COMMUNITIES, 3)
    files.run("needs", rows)
    rows[2][3] = "儿童、青少年"

    report = files.run("needs", rows)

    assert str(report.sheets[0].counts) == "0 created, 2 unchanged, 1 updated"
    need = ServiceNeed.objects.get(title="导入需求1")
    assert set(need.target_groups.values_list("code", flat=True)) == {"children", "youth"}
    other = ServiceNeed.objects.get(title="导入需求0")
    assert set(other.target_groups.values_list("code", flat=True)) == {"elderly", "disabled"}


def test_a_blank_cell_keeps_the_value(tree):
    rows = files.communities(["430103002000"], 2)
    files.run("communities", rows)
    rows[1][rows[0].index("户数")] = None

    report = files.run("communities", rows)

    assert str(report.sheets[0].counts) == "0 created, 2 unchanged, 0 updated"
    assert Community.objects.get(region_id="430103002100").households == 3000


def test_published_rows_stay_published_and_drafts_can_be_published(tree, org):
    rows = files.needs(COMMUNITIES, 2)
    for row in rows[1:]:
        row[-1] = "否"
    files.run("needs", rows)
    assert set(ServiceNeed.objects.values_list("status", flat=True)) == {"draft"}

    rows[1][-1] = "是"
    report = files.run("needs", rows)

    assert str(report.sheets[0].counts) == "0 created, 1 unchanged, 1 updated"
    published = ServiceNeed.objects.get(title="导入需求0")
    assert published.status == "published" and published.published_at is not None


def test_a_need_that_is_matched_can_no_longer_be_edited(tree):
    rows = files.needs(COMMUNITIES, 2)
    files.run("needs", rows)
    ServiceNeed.objects.filter(title="导入需求1").update(status="matched")

    assert files.run("needs", rows).stored  # unchanged rows are fine
    rows[2][5] = "1"
    report = files.run("needs", rows)

    assert [(e.row, e.column) for e in report.errors] == [(3, "需求标题")]


def test_committed_money_pins_the_amount(tree):
    rows = files.resources(1)
    files.run("resources", rows)
    FundingResource.objects.filter(name="导入资金0").update(committed=Decimal("300000"))
    rows[1][4] = "200000"

    report = files.run("resources", rows)

    assert [(e.row, e.column) for e in report.errors] == [(2, "金额（元）")]
    assert "300000" in report.errors[0].problem
    assert FundingResource.objects.get(name="导入资金0").amount == Decimal("500000")
