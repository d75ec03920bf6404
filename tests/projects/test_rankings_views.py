"""The rankings page, the public list of demonstration projects, and designating or withdrawing
a demonstration through the project page — as the people who use them see them.

Data (2026 unless said; C = completed, F = failed):

    坡子街社区 (天心区)   C org A score 90, visits 4 and 5, 100 served    C org B score 70
    城南路社区 (天心区)   C org B score 80, visit 3, 40 served             F (no bid)
    望月湖社区 (岳麓区)   C org A score 60 (2025)
"""

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from projects.choices import BidStatus, ProjectStatus
from projects.models import Project
from projects.services import project_designate_demonstration, project_withdraw_demonstration
from tests import factories as f

S = ProjectStatus
SHANGHAI = ZoneInfo("Asia/Shanghai")
RANKINGS = reverse("projects:rankings")
DEMONSTRATION = reverse("projects:demonstration-list")


def finished(community, org=None, *, status=S.COMPLETED, score=None, visits=(), served=(), **kw):
    """A published project as the lifecycle leaves it: awarded to `org`, visited, reported."""
    project = f.ProjectFactory(
        community=community,
        status=status,
        acceptance_score=score,
        published_at=datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI),
        closed_at=datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI),
        final_report_at=datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI),
        **kw,
    )
    if org is not None:
        project.awarded_bid = f.BidFactory(project=project, org=org, status=BidStatus.AWARDED)
        project.contract_amount = project.awarded_bid.amount
        project.save(update_fields=["awarded_bid", "contract_amount"])
    supervisor = f.UserFactory() if visits else None
    for rating in visits:
        f.SupervisionVisitFactory(project=project, supervisor=supervisor, rating=rating)
    for number in served:
        f.ProgressReportFactory(project=project, org=org, beneficiaries_served=number)
    return project


@pytest.fixture
def data(tree, org):
    other = f.SocialOrgFactory(name="长沙市同心社会工作服务中心", region=tree.tianxin)
    p1 = finished(tree.pozijie_community, org, score=90, visits=[4, 5], served=[100])
    p2 = finished(tree.pozijie_community, other, score=70)
    p3 = finished(tree.chengnanlu_community, other, score=80, visits=[3], served=[40])
    finished(tree.chengnanlu_community, status=S.FAILED)
    old = finished(tree.wangyuehu_community, org, score=60, year=2025)
    return {"a": org, "b": other, "p1": p1, "p2": p2, "p3": p3, "old": old}


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def names(response) -> list[str]:
    return [row["name"] for row in response.context["rows"]]


def t(msgid: str, **values) -> str:
    """A UI string as the page shows it in the active language (whatever the catalogue says)."""
    text = gettext(msgid)
    return text % values if values else text


def errors(response, field) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# --- the rankings page ------------------------------------------------------------------------


def test_anonymous_visitors_see_the_latest_years_ranking(client, data):
    response = client.get(RANKINGS)
    page = text(response)
    assert response.context["form"].cleaned_data["year"] == 2026  # the latest finished year
    assert names(response) == ["坡子街社区", "城南路社区"]
    row = response.context["rows"][0]
    assert (row["rank"], row["completed"], row["acceptance_mean"]) == (1, 2, "80.00")
    assert row["on_time_percent"] == "100.0"
    for figure in ("80.00", "4.50 / 5", "100.0%"):
        assert figure in page
    # The rows link to the communities' pages; the tabs keep the year.
    assert reverse("communities:community-detail", args=[data["p1"].community_id]) in page
    assert "?year=2026&amp;level=org" in response.content.decode()
    # 望月湖社区 finished only in 2025.
    assert "望月湖社区" not in names(response)


def test_organizations_rank_by_service_power_with_the_formula_explained(client, data):
    response = client.get(RANKINGS, {"year": 2026, "level": "org"})
    page = text(response)
    rows = response.context["rows"]
    assert [(r["name"], r["service_power"]) for r in rows] == [
        # A: 0.4·90 + 0.2·(4.5−1)/4·100 + 0.2·100 + 0.2·1/5·100 = 36 + 17.5 + 20 + 4
        ("长沙市天心区阳光社会工作服务中心", "77.50"),
        # B: 0.4·75 + 0.2·(3−1)/4·100 + 0.2·100 + 0.2·2/5·100 = 30 + 10 + 20 + 8
        ("长沙市同心社会工作服务中心", "68.00"),
    ]
    assert "77.50" in page and "68.00" in page
    assert reverse("orgs:org-detail", args=[data["a"].pk]) in page
    assert "min(" in page and "0.40 ×" in page  # the formula, on the page


def test_streets_and_districts_drill_down(client, data):
    response = client.get(RANKINGS, {"year": 2026, "level": "district"})
    assert names(response) == ["天心区"]
    assert response.context["rows"][0]["url"] == "?year=2026&level=street&within=430103000000"
    streets = client.get(RANKINGS, {"year": 2026, "level": "street", "within": "430103000000"})
    assert [r["code"] for r in streets.context["rows"]] == ["430103002000", "430103004000"]
    assert streets.context["rows"][0]["url"].endswith("level=community&within=430103002000")
    communities = client.get(
        RANKINGS, {"year": 2026, "level": "community", "within": "430103004000"}
    )
    assert names(communities) == ["城南路社区"]
    assert communities.context["region_name"] == "城南路街道"  # the region picked is named


def test_a_year_without_finished_projects_says_so(client, data):
    response = client.get(RANKINGS, {"year": 2019})
    assert response.context["rows"] == []
    page = text(response)
    assert t("No completed or failed projects in this year and region.") in page
    # The select shows the year asked for, with the years that have a ranking.
    assert re.search(r'<option value="2019" selected>', page)
    assert '<option value="2025">' in page


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "99999999999999999999"}, "year"),
        ({"level": "province"}, "level"),
        ({"within": "4301"}, "within"),
        ({"within": "４３０１０３０００００0"}, "within"),
    ],
)
def test_bad_parameters_are_named_and_the_table_stays_empty(client, data, params, field):
    response = client.get(RANKINGS, params)
    assert response.status_code == 200
    assert errors(response, field), response.context["form"].errors
    assert response.context["rows"] == []
    for message in errors(response, field):
        assert message in text(response)


def test_the_navigation_links_to_both_public_pages_for_everybody(client, login, staff_user):
    for visitor in (client, login(staff_user)):
        page = visitor.get(reverse("home")).content.decode()
        assert f'href="{RANKINGS}"' in page
        assert f'href="{DEMONSTRATION}"' in page


# --- the demonstration list -------------------------------------------------------------------


@pytest.fixture
def shown(data, district_official, tree):
    """p1 (elderly meals) and p3 (legal aid) designated; p2 designated and then withdrawn."""
    p1, p2, p3 = data["p1"], data["p2"], data["p3"]
    Project.objects.filter(pk=p3.pk).update(category=f.category("legal_aid"))
    p3.refresh_from_db()
    project_designate_demonstration(actor=district_official, project=p1, citation="助餐全覆盖")
    project_designate_demonstration(actor=district_official, project=p3, citation="调解零积案")
    project_designate_demonstration(actor=district_official, project=p2, citation="撤回前")
    project_withdraw_demonstration(actor=district_official, project=p2, reason="复查不实")
    old = data["old"]
    city = f.OfficialFactory(region=tree.city).user
    project_designate_demonstration(actor=city, project=old, citation="往年示范")
    return data


def test_the_public_list_groups_by_year_with_citation_org_and_score(client, shown):
    response = client.get(DEMONSTRATION)
    page = text(response)
    listed = [p.title for p in response.context["projects"]]
    # Newest year first, the latest designation first within a year; withdrawn ones are gone.
    assert listed == [shown["p3"].title, shown["p1"].title, shown["old"].title]
    assert page.index(t("Projects of %(year)s", year=2026)) < page.index(
        t("Projects of %(year)s", year=2025)
    )
    for expected in ("助餐全覆盖", "调解零积案", "往年示范", "长沙市天心区阳光社会工作服务中心"):
        assert expected in page
    assert "撤回前" not in page
    assert str(shown["p1"].acceptance_score) in page


def test_the_list_filters_by_year_and_category(client, shown):
    def titles(**params):
        return [p.title for p in client.get(DEMONSTRATION, params).context["projects"]]

    assert titles(year=2025) == [shown["old"].title]
    # A top-level category includes its sub-categories.
    assert titles(category="elderly_care") == [shown["p1"].title, shown["old"].title]
    assert titles(category="legal_aid") == [shown["p3"].title]
    assert titles(year=2026, category="mediation") == [shown["p3"].title]
    empty = client.get(DEMONSTRATION, {"year": 2024})
    assert t("No demonstration projects match these filters.") in text(empty)
    bad = client.get(DEMONSTRATION, {"category": "nope", "year": "x"})
    assert list(bad.context["projects"]) == []
    assert bad.context["form"].errors.keys() == {"category", "year"}


# --- designating and withdrawing through the project page -------------------------------------


def buttons(response) -> list[str]:
    return re.findall(r'data-action="([a-z-]+)"', response.content.decode())


def url(name, project):
    return reverse(f"projects:{name}", args=[project.pk])


def test_an_official_designates_and_withdraws_through_the_page(data, login, district_official):
    official = login(district_official)
    project = data["p1"]
    assert buttons(official.get(project.get_absolute_url())) == ["designate-demonstration"]

    form = official.get(url("project-demonstration", project))
    assert form.status_code == 200 and "citation" in form.context["form"].fields
    blank = official.post(url("project-demonstration", project), {"citation": "  "})
    assert blank.context["form"].errors["citation"]
    done = official.post(
        url("project-demonstration", project), {"citation": "全市推广的助餐模式"}, follow=True
    )
    assert t("The project is now a demonstration project.") in text(done)
    project.refresh_from_db()
    assert project.demonstration and project.demonstration_citation == "全市推广的助餐模式"

    page = official.get(project.get_absolute_url())
    assert buttons(page) == ["withdraw-demonstration"]
    assert "全市推广的助餐模式" in text(page)
    assert t("Designated a demonstration project") in text(page)  # in the history

    withdraw = official.get(url("project-demonstration-withdraw", project))
    assert "全市推广的助餐模式" in text(withdraw)  # what is being withdrawn
    no_reason = official.post(url("project-demonstration-withdraw", project), {"reason": ""})
    assert no_reason.context["form"].errors["reason"]
    official.post(url("project-demonstration-withdraw", project), {"reason": "复查发现问题"})
    project.refresh_from_db()
    assert not project.demonstration and project.demonstration_citation == ""
    assert buttons(official.get(project.get_absolute_url())) == ["designate-demonstration"]


def test_refusals_show_on_the_form(data, login, district_official):
    official = login(district_official)
    project = data["p1"]
    project_designate_demonstration(actor=district_official, project=project, citation="已示范")
    # Designating twice (e.g. two tabs): the service's 409 is a message above the form.
    again = official.post(url("project-demonstration", project), {"citation": "再次"})
    assert again.status_code == 200
    assert t("The project is already a demonstration project.") in str(
        again.context["form"].non_field_errors()
    )
    # A project that is not completed cannot be designated; the page sends the official back.
    running = finished(data["p1"].community, data["a"], status=S.IN_PROGRESS)
    back = official.get(url("project-demonstration", running), follow=True)
    assert back.redirect_chain[-1][0] == running.get_absolute_url()
    refused = official.post(url("project-demonstration", running), {"citation": "太早"})
    assert t("Only a completed project can be a demonstration project.") in str(
        refused.context["form"].non_field_errors()
    )
    assert not Project.objects.get(pk=running.pk).demonstration


def test_only_officials_over_the_community_may_designate(data, login, client, staff_user, tree):
    project = data["p1"]
    outsider = f.OfficialFactory(region=tree.yuelu).user
    for user in (staff_user, outsider):
        visitor = login(user)
        assert buttons(visitor.get(project.get_absolute_url())) == []
        assert visitor.get(url("project-demonstration", project)).status_code == 403
        posted = visitor.post(url("project-demonstration", project), {"citation": "越权"})
        assert posted.status_code == 403
    anonymous = client.post(url("project-demonstration", project), {"citation": "匿名"})
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert not Project.objects.get(pk=project.pk).demonstration


def test_anonymous_visitors_see_the_badge_citation_award_and_acceptance(client, shown):
    project = shown["p1"]
    page = text(client.get(project.get_absolute_url()))
    assert buttons(client.get(project.get_absolute_url())) == []
    for expected in (t("Demonstration project"), "助餐全覆盖", "长沙市天心区阳光社会工作服务中心"):
        assert expected in page
    assert f"{project.contract_amount:,.2f}" in page  # the contract amount
    result = re.search(r'id="acceptance-result">(.*?)</dd>', page).group(1)
    assert t("Passed") in result and t("score %(score)s", score=90) in result


# --- query counts -----------------------------------------------------------------------------


def _grow(tree, orgs, n):
    """n more finished projects across new communities, orgs, visits and reports."""
    for i in range(n):
        community = f.community_at(f"43010300400{i + 2}" if i < 8 else f"4301030100{i + 2:02d}")
        finished(community, orgs[i % len(orgs)], score=70 + i, visits=[4], served=[10])
        finished(community, status=S.FAILED)


@pytest.mark.parametrize("level", ["community", "street", "district", "org"])
def test_rankings_page_queries_do_not_grow(client, data, tree, level):
    params = {"year": 2026, "level": level, "within": "430103000000"}
    client.get(RANKINGS, params)  # warm whatever is cached per process
    with CaptureQueriesContext(connection) as small:
        few = len(client.get(RANKINGS, params).context["rows"])
    orgs = [f.SocialOrgFactory(region=tree.tianxin) for _ in range(3)]
    _grow(tree, orgs, 10)
    with CaptureQueriesContext(connection) as large:
        many = len(client.get(RANKINGS, params).context["rows"])
    assert len(large.captured_queries) == len(small.captured_queries)
    assert many > few or level == "district"  # one district either way


def test_demonstration_list_queries_do_not_grow(client, shown, tree, district_official):
    client.get(DEMONSTRATION)
    with CaptureQueriesContext(connection) as small:
        assert client.get(DEMONSTRATION).status_code == 200
    for i in range(8):
        community = f.community_at(f"43010300400{i + 2}")
        org = f.SocialOrgFactory(region=tree.tianxin)
        project = finished(community, org, score=80 + i, category=f.category("legal_aid"))
        project_designate_demonstration(actor=district_official, project=project, citation="示范")
    with CaptureQueriesContext(connection) as large:
        response = client.get(DEMONSTRATION)
    assert len(response.context["projects"]) == 11
    assert len(large.captured_queries) == len(small.captured_queries)
