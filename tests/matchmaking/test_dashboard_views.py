"""The dashboard's page, API and XLSX export: who sees which area, bad input, and that every
surface shows the analytics' own figures (matchmaking.dashboard; its figures are tested by hand
in test_dashboard.py).

Regions (tests/conftest.py `tree`): 长沙市 → 天心区 (坡子街街道, 城南路街道, 先锋街道, one
community each) and 岳麓区 (望月湖街道). `street_official` is an official of 坡子街街道, whose
neighbour is 城南路街道.
"""

import io
import json
import re
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from matchmaking.api.dashboard import DashboardSerializer
from matchmaking.dashboard import dashboard
from tests import factories as f
from tests.api.conftest import assert_error, token_client

pytestmark = pytest.mark.django_db

CITY, TIANXIN, YUELU = "430100000000", "430103000000", "430104000000"
POZIJIE, CHENGNANLU = "430103002000", "430103004000"
POZIJIE_COMMUNITY = "430103002001"
PAGE, API, EXPORT, API_EXPORT = (
    "/dashboard/",
    "/api/v1/dashboard/",
    "/dashboard/export/",
    "/api/v1/dashboard/export/",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime(year, month, day, hour))


@pytest.fixture
def street_official(tree):
    """Civil-affairs official of 坡子街街道 (天心区)."""
    return f.OfficialFactory(region=tree.pozijie, user__display_name="坡子街街道钱干事").user


@pytest.fixture
def data(tree, org):
    """A little of everything in 2026: needs, offerings, resources, projects (two overdue)."""
    pozijie, chengnanlu = tree.pozijie_community, tree.chengnanlu_community
    for community, category, month in (
        (pozijie, "elderly_meals", 1),
        (pozijie, "elderly_meals", 3),
        (pozijie, "after_school", 3),
        (chengnanlu, "family_mediation", 5),
        (tree.wangyuehu_community, "elderly_meals", 6),
    ):
        f.ServiceNeedFactory(
            community=community, category=f.category(category), published_at=at(2026, month, 2)
        )
    f.ServiceOfferingFactory(org=org, category=f.category("elderly_meals"), service_area=[POZIJIE])
    f.ServiceOfferingFactory(org=org, category=f.category("after_school"), service_area=[CITY])
    f.FundingResourceFactory(region=tree.tianxin, amount=Decimal("500000.00"))
    failed = f.ProjectFactory(
        community=pozijie, status="failed", title="无人投标的项目", closed_at=at(2026, 3, 1)
    )
    f.ProjectFactory(
        community=chengnanlu,
        status="completed",
        published_at=at(2026, 2, 1),
        awarded_at=at(2026, 2, 11),
        closed_at=at(2026, 9, 1),
    )
    f.ProjectFactory(community=pozijie, status="published", published_at=at(2026, 4, 1))
    return {"failed": failed}


def page(client, **params):
    return client.get(PAGE, params)


@pytest.fixture
def api():
    """`api(user)` → a REST client with a knox token; `api()` anonymous."""
    return token_client


def _anonymous():
    return Client()


def same_json(value):
    """What a dict looks like after a JSON round trip (tuples → lists, keys → str)."""
    return json.loads(json.dumps(value))


# --- who sees which area ------------------------------------------------------------------


def test_district_official_opens_their_district_this_year(data, district_official, login):
    response = login(district_official).get(PAGE)
    assert response.status_code == 200
    assert response.context["scope"]["code"] == TIANXIN
    assert response.context["year"] == timezone.localdate().year
    html = response.content.decode()
    # 长沙市 is above the district: named in the breadcrumb, but no link.
    start = html.index('class="crumbs dash-crumbs"')
    crumbs = html[start : html.index("</nav>", start)]
    assert "长沙市" in crumbs and f"within={CITY}" not in crumbs
    # Each street of the district is one click away.
    year = timezone.localdate().year
    for code in (POZIJIE, CHENGNANLU, "430103010000"):
        assert f'href="/dashboard/?within={code}&amp;year={year}"' in html


def test_district_official_drills_into_a_street_and_a_community(data, district_official, login):
    client = login(district_official)
    street = page(client, within=POZIJIE, year=2026)
    assert street.status_code == 200
    assert [c["code"] for c in street.context["crumbs"]] == [CITY, TIANXIN, POZIJIE]
    assert [c["url"] is not None for c in street.context["crumbs"]] == [False, True, True]
    assert [c["code"] for c in street.context["children"]] == [POZIJIE_COMMUNITY]
    assert street.context["data"]["totals"]["needs_published"] == 3
    community = page(client, within=POZIJIE_COMMUNITY, year=2026)
    assert community.status_code == 200
    assert community.context["children"] == []


def test_city_official_and_superuser_open_the_city(data, city_official, admin_user, login):
    for user in (city_official, admin_user):
        response = login(user).get(PAGE)
        assert response.status_code == 200
        assert response.context["scope"]["code"] == CITY
    assert page(login(admin_user), within=YUELU, year=2026).status_code == 200


def test_an_official_of_two_regions_opens_the_higher_one(tree, login):
    user = f.OfficialFactory(region=tree.pozijie).user
    f.OfficialFactory(region=tree.yuelu, user=user)
    assert login(user).get(PAGE).context["scope"]["code"] == YUELU


def test_street_official_cannot_see_the_neighbouring_street(data, street_official, login, api):
    client, token = login(street_official), api(street_official)
    assert page(client, year=2026).context["scope"]["code"] == POZIJIE
    assert page(client, within=POZIJIE_COMMUNITY, year=2026).status_code == 200
    for outside in (CHENGNANLU, TIANXIN, CITY, YUELU, "430103004001"):
        assert page(client, within=outside, year=2026).status_code == 404, outside
        assert_error(token.get(API, {"within": outside, "year": 2026}), 404, "not_found")
        assert client.get(EXPORT, {"within": outside, "year": 2026}).status_code == 404
        assert_error(token.get(API_EXPORT, {"within": outside, "year": 2026}), 404)
    assert token.get(API, {"within": POZIJIE, "year": 2026}).status_code == 200


def test_people_who_are_no_officials_are_refused(data, staff_user, org_member, login, api):
    for user in (staff_user, org_member):
        assert page(login(user)).status_code == 403
        assert page(login(user), within=POZIJIE).status_code == 403
        assert login(user).get(EXPORT).status_code == 403
        assert_error(api(user).get(API, {"within": POZIJIE}), 403, "permission_denied")
        assert_error(api(user).get(API_EXPORT), 403, "permission_denied")
    anonymous = page(_anonymous())
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert _anonymous().get(EXPORT).status_code == 302
    assert api().get(API).status_code in (401, 403)
    assert api().get(API_EXPORT).status_code in (401, 403)


def test_nav_link_only_for_officials(data, district_official, staff_user, login):
    assert 'href="/dashboard/"' in login(district_official).get("/").content.decode()
    assert 'href="/dashboard/"' not in login(staff_user).get("/").content.decode()
    assert 'href="/dashboard/"' not in _anonymous().get("/").content.decode()


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"within": "abc"}, "within"),
        ({"within": "43010300000"}, "within"),  # eleven digits
        ({"within": "４３０１０３０００００"}, "within"),  # full-width digits
        ({"within": "430103099000"}, "within"),  # well-formed, in the district, no such region
        ({"year": "abc"}, "year"),
        ({"year": "1999"}, "year"),
        ({"year": "2101"}, "year"),
        ({"year": "２０２６"}, "year"),
        ({"year": "-2026"}, "year"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(
    data, district_official, login, api, params, field
):
    assert_error(api(district_official).get(API, params), 400, "invalid", field)
    assert_error(api(district_official).get(API_EXPORT, params), 400, "invalid", field)
    response = login(district_official).get(PAGE, params)
    assert response.status_code == 400
    assert f'<p data-field="{field}">' in response.content.decode()
    assert login(district_official).get(EXPORT, params).status_code == 400


# --- the same figures everywhere ----------------------------------------------------------


def test_api_returns_the_dashboard_figures(data, district_official, api):
    response = api(district_official).get(API, {"within": TIANXIN, "year": 2026})
    assert response.status_code == 200
    body = response.json()
    assert body == same_json(dashboard(within=TIANXIN, year=2026))
    assert body["totals"]["needs_published"] == 4
    assert body["totals"]["resources_amount"] == "500000.00"
    assert body["overdue"]["bidding_without_bids"]["items"][0]["id"] == data["failed"].id


def test_api_speaks_the_requested_language(data, district_official, api):
    english = api(district_official).get(
        API, {"within": TIANXIN, "year": 2026}, HTTP_ACCEPT_LANGUAGE="en"
    )
    with translation.override("en"):
        assert english.json() == same_json(dashboard(within=TIANXIN, year=2026))
    assert english.json()["gap"]["categories"][0]["name"] == "Home-based elderly care"


def test_api_defaults_match_the_page(data, street_official, api):
    body = api(street_official).get(API).json()
    assert body["scope"]["code"] == POZIJIE
    assert body["year"] == timezone.localdate().year


def _documented(serializer) -> object:
    """The keys a serializer documents, nested like the data (a list for many=True)."""
    from rest_framework import serializers

    if isinstance(serializer, serializers.ListSerializer):
        return [_documented(serializer.child)]
    if isinstance(serializer, serializers.ListField) and isinstance(
        serializer.child, serializers.ListSerializer | serializers.Serializer
    ):
        return [_documented(serializer.child)]
    if isinstance(serializer, serializers.Serializer):
        return {name: _documented(field) for name, field in serializer.fields.items()}
    return None


def _shape(value, documented) -> object:
    """The keys of `value`, followed as deep as `documented` goes."""
    if isinstance(documented, dict):
        return {key: _shape(value[key], documented.get(key)) for key in value}
    if isinstance(documented, list):
        return [_shape(value[0], documented[0])] if value else documented
    return None


def test_the_schema_documents_every_key_of_the_response(data):
    documented = _documented(DashboardSerializer())
    assert _shape(dashboard(within=TIANXIN, year=2026), documented) == documented


def test_schema_lists_the_endpoints_and_their_parameters(api):
    schema = json.loads(api().get("/api/schema/", {"format": "json"}).content)
    get = schema["paths"]["/api/v1/dashboard/"]["get"]
    assert {p["name"] for p in get["parameters"]} >= {"within", "year"}
    export = schema["paths"]["/api/v1/dashboard/export/"]["get"]
    assert XLSX in export["responses"]["200"]["content"]
    assert {p["name"] for p in export["parameters"]} >= {"within", "year", "sheet"}


# --- the page -------------------------------------------------------------------------------


def test_page_shows_figures_tables_and_overdue_links(data, district_official, login):
    response = page(login(district_official), within=TIANXIN, year=2026)
    html = response.content.decode()
    figures = dashboard(within=TIANXIN, year=2026)
    # Cards: money with thousands separators, shares as percentages.
    assert "¥500,000.00" in html
    assert figures["totals"]["match_rate"] == 0.0 and "0.00%" in html
    # The heatmap's table: one row per root category, one column per street.
    gap = response.context["gap_rows"]
    assert len(gap) == len(figures["gap"]["categories"])
    assert all(len(row["cells"]) == len(figures["gap"]["regions"]) for row in gap)
    assert html.count('<details class="dash-table">') == 6
    assert html.count("&amp;sheet=") == 8
    # Overdue: the project that failed without bids, linked.
    assert f'href="/projects/{data["failed"].id}/"' in html
    assert "无人投标的项目" in html
    # The charts' data, as JSON for static/js/dashboard.js.
    charts = json.loads(re.search(r'id="dashboard-charts"[^>]*>(.*?)</script>', html, re.S)[1])
    assert charts["locale"] == "ZH"
    assert [r["code"] for r in charts["gap"]["regions"]] == [
        r["code"] for r in figures["gap"]["regions"]
    ]
    assert charts["trends"]["series"][0]["data"] == figures["trends"]["needs_published"]
    assert charts["drill"] == {"path": PAGE, "year": 2026, "enabled": True}


def test_page_keeps_to_the_content_security_policy(data, district_official, login):
    """script-src 'self' and style-src 'self': no inline code, no style attributes."""
    html = page(login(district_official), within=TIANXIN, year=2026).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "<style" not in html
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "/static/js/dashboard.js" in html


def test_english_page(data, district_official, login):
    response = login(district_official).get("/en/dashboard/", {"within": TIANXIN, "year": 2026})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Home-based elderly care" in html
    assert 'href="/en/dashboard/?within=430103002000&amp;year=2026"' in html
    assert '"locale": "EN"' in html


def test_page_query_count_does_not_grow_with_the_data(tree, org, district_official, login):
    client = login(district_official)
    client.get(PAGE, {"within": TIANXIN, "year": 2026})  # warm up: session, first queries

    def measured() -> int:
        cache.clear()  # every figure computed afresh
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE, {"within": TIANXIN, "year": 2026}).status_code == 200
        return len(queries.captured_queries)

    few = measured()
    for i in range(3):
        # more streets (columns), communities, needs, offerings and projects of every kind
        community = f.community_at(f"4301030{20 + i}001")
        for status in ("published", "failed", "in_progress", "acceptance", "completed"):
            f.ProjectFactory(community=community, status=status, published_at=at(2026, 3, 1))
        for category in ("elderly_meals", "after_school", "charity"):
            f.ServiceNeedFactory(
                community=community, category=f.category(category), published_at=at(2026, 5, 1)
            )
            f.ServiceOfferingFactory(
                org=org, category=f.category(category), service_area=[community.region_id]
            )
    many = measured()
    assert many == few
    assert few > 10  # the analytics ran (not a cached dict)


# --- the workbook ---------------------------------------------------------------------------


def _workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.getvalue()))


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_workbook_has_a_sheet_per_section_with_numbers(data, district_official, login):
    response = login(district_official).get(EXPORT, {"within": TIANXIN, "year": 2026})
    assert (
        response["Content-Disposition"] == 'attachment; filename="dashboard-430103000000-2026.xlsx"'
    )
    book = _workbook(response)
    figures = dashboard(within=TIANXIN, year=2026)
    assert len(book.sheetnames) == 9

    totals = _rows(book.worksheets[0])
    assert totals[0] == [gettext("Figure"), gettext("Value")]  # zh-hans, the default
    by_label = {row[0]: row[1] for row in totals[1:]}
    assert len(by_label) == len(totals) - 1
    assert TIANXIN in by_label.values() and 2026 in by_label.values()
    values = [row[1] for row in totals[4:]]
    t = figures["totals"]
    assert values == [
        t["communities"],
        t["orgs"],
        t["orgs_verified"],
        t["certified_workers"],
        t["staff_total"],
        t["staff_certified"],
        t["staff_certified_share"],
        t["needs_published"],
        t["offers_published"],
        t["resources_published"],
        500000.0,
        float(t["funds_committed"]),
        float(t["funds_disbursed"]),
        t["match_rate"],
        t["median_days_to_award"],
    ]
    money = book.worksheets[0].cell(row=15, column=2)
    assert money.value == 500000.0 and money.number_format == "#,##0.00"
    assert book.worksheets[0].cell(row=11, column=2).number_format == "0.00%"

    status = _rows(book.worksheets[1])[1:]
    assert [row[1] for row in status] == list(t["projects_by_status"].values())

    gap = _rows(book.worksheets[2])
    cells = gap[1:]
    regions, categories = figures["gap"]["regions"], figures["gap"]["categories"]
    assert len(cells) == len(regions) * len(categories)
    first = figures["gap"]["cells"][0][0]  # 居家养老 × 坡子街街道
    assert cells[0] == [
        POZIJIE,
        "坡子街街道",
        categories[0]["code"],
        categories[0]["name"],
        first["demand"],
        first["supply"],
        first["gap"],
    ]
    assert first == {"demand": 2, "supply": 1, "gap": 1}

    by_category = _rows(book.worksheets[3])[1:]
    assert by_category == [
        [r["code"], r["name"], r["demand"], r["supply"], r["gap"]]
        for r in figures["gap"]["by_category"]
    ]
    by_region = _rows(book.worksheets[4])[1:]
    assert [row[0] for row in by_region] == [r["code"] for r in regions]
    biggest = _rows(book.worksheets[5])[1:]
    assert [row[5] for row in biggest] == [b["text"] for b in figures["gap"]["biggest"]]

    trends = _rows(book.worksheets[6])[1:]
    assert [row[0] for row in trends] == list(range(1, 13))
    assert [row[1] for row in trends] == figures["trends"]["needs_published"]
    assert [row[4] for row in trends] == figures["trends"]["projects_completed"]

    pipeline = _rows(book.worksheets[7])[1:]
    assert [row[1] for row in pipeline] == list(figures["pipeline"].values())

    overdue = _rows(book.worksheets[8])[1:]
    failed = data["failed"]
    assert [failed.code, failed.title, "坡子街社区"] in [row[2:5] for row in overdue]
    assert len(overdue) == 3  # one item, two empty lists (a row each with their count 0)


def test_workbook_opens_on_the_chosen_sheet_and_speaks_english(data, district_official, login):
    client = login(district_official)
    book = _workbook(client.get(EXPORT, {"within": TIANXIN, "year": 2026, "sheet": "trends"}))
    assert book.active.title == book.sheetnames[6]
    english = _workbook(
        client.get("/en/dashboard/export/", {"within": TIANXIN, "year": 2026, "sheet": "nope"})
    )
    assert english.active.title == "Totals"
    assert english.sheetnames[2] == "Supply and demand"
    assert _rows(english["Supply and demand"])[0][:4] == [
        "Area code",
        "Area",
        "Category code",
        "Category",
    ]


def test_api_export_is_the_same_workbook(data, district_official, api, login):
    params = {"within": POZIJIE, "year": 2026}
    from_api = _workbook(api(district_official).get(API_EXPORT, params, HTTP_ACCEPT=XLSX))
    from_page = _workbook(login(district_official).get(EXPORT, params))
    assert from_api.sheetnames == from_page.sheetnames
    for name in from_api.sheetnames:
        assert _rows(from_api[name]) == _rows(from_page[name]), name
