"""Acceptance: the 2018 Changsha fair, imported from one workbook and read back from the API.

China Society News (2018-12-11): 96 streets, 614 communities and 161 organizations took part,
more than 26 million yuan of resources were published and 782 intention projects signed. The
test generates a workbook of that shape — regions, communities, organizations, resources (with
the fair column), participants and intention projects, one sheet each — and imports the same
bytes kind by kind through the import pages as a city official (upload, preview, confirm), as
a clerk would. Each kind's sheet is recognised by its columns. Then `GET fairs/{id}/stats/`.
"""

import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from . import files

pytestmark = pytest.mark.django_db

FAIR = "2018年长沙市社区服务供需对接会"
# 芙蓉区, 开福区 and 雨花区 come with the workbook; 天心区 and 岳麓区 are in the `tree`.
NEW_DISTRICTS = {"430102000000": "芙蓉区", "430105000000": "开福区", "430111000000": "雨花区"}
DISTRICTS = ["430102", "430103", "430104", "430105", "430111"]
STREETS, COMMUNITIES, ORGS, INTENTIONS = 96, 614, 161, 782
WITH_COMMUNITIES = 80  # streets 0–79 take part through their communities
REGISTERED_STREETS = range(60, STREETS)  # streets 60–95 register themselves (60–79: both ways)


def street_code(i: int) -> str:
    return f"{DISTRICTS[i % len(DISTRICTS)]}{200 + i:03d}000"


def community_code(j: int) -> str:
    return f"{street_code(j % WITH_COMMUNITIES)[:9]}{j // WITH_COMMUNITIES + 1:03d}"


def org_code(k: int) -> str:
    return files.credit_code(k, district=DISTRICTS[k % len(DISTRICTS)])


def intention_amount(n: int) -> Decimal:
    return Decimal(f"{20000 + (n * 7919) % 80000}.{n % 100:02d}")


RESOURCES = [
    # name, provider type, provider, amount, region
    (
        "2018年长沙市政府购买社区服务资金",
        "政府购买服务",
        "长沙市民政局",
        "10000000",
        "430100000000",
    ),
    *(
        (f"2018年{name}政府购买服务资金", "政府购买服务", f"{name}民政局", "2000000", f"{code}")
        for code, name in {
            "430102000000": "芙蓉区",
            "430103000000": "天心区",
            "430104000000": "岳麓区",
            "430105000000": "开福区",
            "430111000000": "雨花区",
        }.items()
    ),
    ("2018年长沙市慈善会公益创投资金", "慈善会", "长沙市慈善总会", "3180000", "430100000000"),
    *(
        (
            f"2018年爱心企业助力社区服务资金{n}",
            "爱心企业",
            f"长沙爱心企业{n}",
            "500000",
            "430100000000",
        )
        for n in range(6)
    ),
]
RESOURCES_TOTAL = sum(Decimal(amount) for _n, _t, _p, amount, _r in RESOURCES)


def workbook() -> bytes:
    """The fair's workbook: one sheet per kind, in the order the kinds are imported."""
    sheets = {
        # Headers as the regions kind also accepts them (统计用区划代码, 区划名称): with the
        # template's 区划代码 and 名称 this sheet would fit the communities kind as well, and the
        # sheet matcher gives a kind the first sheet that fits.
        "区划": [
            ["统计用区划代码", "区划名称", "上级区划代码", "层级"],
            *([code, name, "430100000000", "区县"] for code, name in NEW_DISTRICTS.items()),
            *(
                [street_code(i), f"对接示例街道{i:02d}", f"{street_code(i)[:6]}000000", "街道"]
                for i in range(STREETS)
            ),
        ],
        "社区": [
            list(files.COMMUNITY_HEADER),
            *(
                [community_code(j), f"对接示例社区{j:03d}", 3000, 9000, 2000, 12, 5]
                for j in range(COMMUNITIES)
            ),
        ],
        "社会组织": [
            list(files.ORG_HEADER),
            *(
                [
                    org_code(k),
                    f"长沙市对接示例社会工作服务中心{k:03d}",
                    "社会服务机构",
                    f"{DISTRICTS[k % len(DISTRICTS)]}000000",
                    "4A",
                    "是",
                ]
                for k in range(ORGS)
            ),
        ],
        "项目资源": [
            [*files.RESOURCE_HEADER, "对接会"],
            *(
                [name, kind, provider, 2018, amount, region, "", "", "是", FAIR]
                for name, kind, provider, amount, region in RESOURCES
            ),
        ],
        "参会单位": [
            ["对接会", "类型", "代码", "名称"],
            *([FAIR, "街道", street_code(i), f"对接示例街道{i:02d}"] for i in REGISTERED_STREETS),
            *([FAIR, "社区", community_code(j), ""] for j in range(COMMUNITIES)),
            *([FAIR, "社会组织", org_code(k), ""] for k in range(ORGS)),
        ],
        "意向项目": [
            [
                "对接会",
                "社区区划代码",
                "社会组织统一社会信用代码",
                "项目名称",
                "意向金额（元）",
                "签约日期",
            ],
            *(
                [
                    FAIR,
                    community_code(n % COMMUNITIES),
                    org_code(n % ORGS),
                    f"对接会意向项目{n:03d}",
                    str(intention_amount(n)),
                    "2018-11-28" if n % 2 else "",
                ]
                for n in range(INTENTIONS)
            ),
        ],
    }
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for index, row in enumerate(rows):
            sheet.write_row(index, 0, row)
    book.close()
    return out.getvalue()


def api_client(user) -> APIClient:
    client = APIClient()
    _instance, token = AuthToken.objects.create(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def import_through_the_pages(client, kind: str, data: bytes):
    """Upload, read the preview, confirm: the report of the real import."""
    uploaded = client.post(
        "/en/imports/", {"kind": kind, "file": SimpleUploadedFile("2018对接会.xlsx", data)}
    )
    assert uploaded.status_code == 302, uploaded.content[:500]
    preview = client.get(uploaded["Location"])
    assert preview.status_code == 200
    assert preview.context["report"].ok, preview.context["report"].lines()[:10]
    confirmed = client.post(uploaded["Location"])
    assert confirmed.status_code == 302
    report = client.get(confirmed["Location"]).context["report"]
    assert report.stored, report.lines()[:10]
    return report


def test_the_2018_fair_imports_and_reads_back(tree, city_official, login):
    api = api_client(city_official)
    created = api.post(
        "/api/v1/fairs/",
        {
            "name": FAIR,
            "year": 2018,
            "held_on": "2018-11-28",
            "venue": "长沙市民之家",
            "region": "430100000000",
        },
        format="json",
    )
    assert created.status_code == 201, created.content[:300]
    fair_id = created.json()["id"]
    data = workbook()
    pages = login(city_official)

    reports = {
        kind: import_through_the_pages(pages, kind, data)
        for kind in ("regions", "communities", "orgs", "resources", "fair")
    }

    # Each kind found its own sheet of the one workbook, and created every row of it.
    found = {
        kind: {sheet.key: (sheet.rows, sheet.counts.created) for sheet in report.sheets}
        for kind, report in reports.items()
    }
    assert found == {
        "regions": {"regions": (3 + STREETS, 3 + STREETS)},
        "communities": {"communities": (COMMUNITIES, COMMUNITIES)},
        "orgs": {"orgs": (ORGS, ORGS)},
        "resources": {"resources": (len(RESOURCES), len(RESOURCES))},
        "fair": {
            "registrations": (len(REGISTERED_STREETS) + COMMUNITIES + ORGS,) * 2,
            "intentions": (INTENTIONS, INTENTIONS),
        },
    }

    stats = api.get(reverse("api:fair-stats", kwargs={"pk": fair_id}))

    assert stats.status_code == 200, stats.content[:300]
    body = stats.json()
    assert body["streets"] == STREETS
    assert body["communities"] == COMMUNITIES
    assert body["orgs"] == ORGS
    assert Decimal(body["resources_amount"]) >= Decimal("26000000.00")
    assert body["resources_amount"] == f"{RESOURCES_TOTAL:.2f}" == "26180000.00"
    assert body["intentions"] == INTENTIONS
    expected = sum(intention_amount(n) for n in range(INTENTIONS))
    assert body["intentions_amount"] == f"{expected:.2f}"

    # Importing the fair's sheets again changes nothing.
    again = import_through_the_pages(pages, "fair", data)
    assert [(s.counts.created, s.counts.updated) for s in again.sheets] == [(0, 0), (0, 0)]
    assert api.get(reverse("api:fair-stats", kwargs={"pk": fair_id})).json() == body
