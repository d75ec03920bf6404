"""The officials' dashboard in Chromium: the ECharts charts render (a canvas each, no console
error, so nothing the CSP refused), and a district official drills down to a street — by
clicking the street's column in the heatmap — and back up through the breadcrumb.
"""

import re
from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

TIANXIN, POZIJIE = "430103000000", "430103002000"
CHARTS = ("heatmap", "by-category", "by-region", "trends", "pipeline", "status")


@pytest.fixture
def district(tree, org):
    """天心区's official, and needs, offerings and projects of 2026 to chart."""
    official = f.OfficialFactory(region=tree.tianxin, user__display_name="天心区王科长").user
    for community, category, month in (
        (tree.pozijie_community, "elderly_meals", 2),
        (tree.pozijie_community, "after_school", 4),
        (tree.chengnanlu_community, "family_mediation", 6),
    ):
        f.ServiceNeedFactory(
            community=community,
            category=f.category(category),
            published_at=timezone.make_aware(datetime(2026, month, 3, 10)),
        )
    f.ServiceOfferingFactory(org=org, category=f.category("elderly_meals"), service_area=[POZIJIE])
    f.ProjectFactory(community=tree.pozijie_community, status="in_progress")
    f.ProjectFactory(community=tree.chengnanlu_community, status="completed")
    return official


def charts_rendered(page):
    for name in CHARTS:
        expect(page.locator(f'[data-chart="{name}"] canvas').first).to_be_attached()


def test_district_official_sees_the_charts_and_drills_into_a_street(
    page, live_server, sign_in, console_errors, district
):
    page.set_default_timeout(20_000)
    sign_in(page, district)
    response = page.goto(f"{live_server.url}/dashboard/?year=2026")
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text("天心区")
    charts_rendered(page)
    # The table behind a chart is one click away.
    table = page.locator("#by-category details.dash-table")
    table.locator("summary").click()
    expect(table.locator("table")).to_be_visible()
    assert console_errors == []

    # Click 坡子街街道's column in the heatmap: the street's own dashboard opens.
    columns = page.evaluate(
        """() => JSON.parse(document.getElementById("dashboard-charts").textContent)
                 .gap.regions.map((region) => region.code)"""
    )
    column = columns.index(POZIJIE)
    heatmap = page.locator('[data-chart="heatmap"]')
    heatmap.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([column]) => {
             const element = document.querySelector('[data-chart="heatmap"]');
             const chart = echarts.getInstanceByDom(element);
             return chart.convertToPixel({ xAxisIndex: 0, yAxisIndex: 0 }, [column, 0]);
           }""",
        [column],
    )
    box = heatmap.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(rf"within={POZIJIE}"))
    expect(page.locator("h1")).to_contain_text("坡子街街道")
    crumbs = page.locator(".dash-crumbs")
    expect(crumbs.get_by_role("link", name="天心区")).to_be_visible()
    expect(crumbs.locator("[aria-current=page]")).to_have_text("坡子街街道")
    charts_rendered(page)
    # The street's figures: its two needs of 2026.
    expect(page.locator(".dash-card").nth(4)).to_contain_text("2")

    # Back up through the breadcrumb, then down again through the list of streets.
    crumbs.get_by_role("link", name="天心区").click()
    page.wait_for_url(re.compile(rf"within={TIANXIN}"))
    expect(page.locator("h1")).to_contain_text("天心区")
    page.locator(".dash-children").get_by_role("link", name="坡子街街道").click()
    page.wait_for_url(re.compile(rf"within={POZIJIE}"))
    expect(page.locator("h1")).to_contain_text("坡子街街道")
    charts_rendered(page)
    assert console_errors == []


def test_a_street_outside_the_jurisdiction_is_not_found(page, live_server, sign_in, district, tree):
    sign_in(page, district)
    response = page.goto(f"{live_server.url}/dashboard/?within=430104001000&year=2026")
    assert response.status == 404
