"""Officials import only inside their jurisdiction; rows outside it are errors naming the row."""

import pytest

from communities.models import Community, ServiceNeed
from core.errors import NotAllowed
from orgs.models import SocialOrg
from projects.models import FundingResource

from . import files

pytestmark = pytest.mark.django_db


def test_a_row_outside_the_district_is_an_error(tree, district_official):
    rows = files.needs(["430103002001", "430103004001"], 4)
    rows[3][0] = "430104001001"  # 望月湖社区, 岳麓区

    report = files.run("needs", rows, actor=district_official)

    assert not report.stored
    assert ServiceNeed.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(4, "社区区划代码")]
    assert "430104001001" in str(report.errors[0]) and "4" in str(report.errors[0])


def test_the_same_file_inside_the_jurisdiction_imports(tree, district_official):
    report = files.run(
        "needs", files.needs(["430103002001", "430103004001"], 4), actor=district_official
    )

    assert report.stored
    assert set(ServiceNeed.objects.values_list("created_by", flat=True)) == {district_official.pk}
    assert ServiceNeed.history.filter(history_user=district_official).count() == 4


def test_the_city_covers_every_district(tree, city_official):
    rows = files.needs(["430103002001", "430104001001"], 4)

    assert files.run("needs", rows, actor=city_official).stored


@pytest.mark.parametrize(
    ("kind", "make", "header"),
    [
        (
            "orgs",
            lambda: [
                files.ORG_HEADER,
                [files.credit_code(1, "430104"), "岳麓机构", "社会团体", "430104000000", "", ""],
            ],
            "登记区划代码",
        ),
        (
            "resources",
            lambda: [
                files.RESOURCE_HEADER,
                [
                    "岳麓资金",
                    "政府购买服务",
                    "岳麓区民政局",
                    2026,
                    "1000",
                    "430104000000",
                    "",
                    "",
                    "是",
                ],
            ],
            "适用区划代码",
        ),
        ("communities", lambda: files.communities(["430104001000"], 1), "社区区划代码"),
        ("regions", lambda: [files.REGION_HEADER, ["430104001500", "新社区", "", ""]], "区划代码"),
    ],
)
def test_every_kind_checks_the_jurisdiction(tree, district_official, kind, make, header):
    report = files.run(kind, make(), actor=district_official)

    assert [(e.row, e.column) for e in report.errors] == [(2, header)]
    assert not report.stored


def test_changing_an_org_registered_elsewhere_is_refused(tree, district_official):
    assert files.run("orgs", files.orgs(1)).stored  # by the command line, anywhere
    SocialOrg.objects.update(region_id="430104000000")
    rows = files.orgs(1)
    rows[1][1] = "改名"

    report = files.run("orgs", rows, actor=district_official)

    assert [(e.row, e.column) for e in report.errors] == [(2, "统一社会信用代码")]
    assert SocialOrg.objects.get().name != "改名"


def test_workers_of_an_org_outside(tree, district_official):
    files.run(
        "orgs",
        [
            files.ORG_HEADER,
            [files.credit_code(7, "430104"), "岳麓机构", "社会团体", "430104000000", "", ""],
        ],
    )

    report = files.run(
        "workers",
        [files.WORKER_HEADER, [files.credit_code(7, "430104"), "王芳", "社会工作师", "SG-1"]],
        actor=district_official,
    )

    assert [(e.row, e.column) for e in report.errors] == [(2, "机构统一社会信用代码")]


def test_only_officials_and_superusers_import(tree, staff_user, org_member, admin_user):
    for user in (staff_user, org_member):
        with pytest.raises(NotAllowed):
            files.run("needs", files.needs(["430103002001"], 1), actor=user)
    rows = files.resources(1)
    rows[1][5] = "430104000000"

    assert files.run("resources", rows, actor=admin_user).stored
    assert FundingResource.objects.get().created_by == admin_user
    assert Community.objects.count() == 4
